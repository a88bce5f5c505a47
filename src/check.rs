//! Sections 1-4 of `FIELDS.md`: the findings about one parsed postback.

mod fields;
mod identify;
mod nearest;
mod value_rules;
mod values;

pub use values::parse_timestamp;

use std::collections::HashMap;

use crate::dialect::Dialect;
use crate::finding::{Finding, Rule};
use crate::postback::{Element, JsonValue, Postback};
use crate::spec::dialects::{self, NameClass};
use crate::spec::{self, CodeLookup, Direction, FieldSet, NumberField, Presence, ValueFormat};

use fields::{dialect_words, unknown_code, Seen};
#[cfg(test)]
use nearest::edit_distance;
pub use nearest::nearest;
use values::shown;
pub use values::utc_micros;

/// Checks one postback against `FIELDS.md` sections 1-4, appends the findings
/// to `out`, then sorts `out` stably by offset.
pub fn check(pb: &Postback<'_>, out: &mut Vec<Finding>) {
    let ctx = Context::identify(pb, out);
    if pb.has_attributes {
        out.push(
            Finding::new(Rule::Attribute, 0, "POSTBACK carries attributes")
                .help("attributes are not part of the documented format; they are not checked"),
        );
    }
    ctx.missing_fields(pb, out);
    let seen = Seen::new(&pb.fields);
    for (i, field) in pb.fields.iter().enumerate() {
        ctx.check_field(field, seen.is_repeat(&pb.fields, i), out);
    }
    out.sort_by_key(|f| f.at);
}

/// What the postback is, as far as its ORIGIN and CODE tell.
struct Context<'p> {
    dialect: Dialect,
    origin: Option<&'p str>,
    code: Option<&'p str>,
    /// The element holding the code (CODE, or STATUSCODE for pass postbacks).
    code_name: Option<&'p str>,
    direction: Direction,
    /// The field set(s) in force: one, or both N102 variants merged when
    /// SENTAS does not pick one. Empty when the code is unclear, which turns
    /// off the field-set findings.
    sets: &'static [FieldSet],
    /// Set when SENTAS picked one of several variants, for messages.
    variant_sentas: Option<&'static str>,
    /// The STATUS list of a code without a field set (E501, E502).
    status_only: &'static [&'static str],
    /// STATUS values the dialect allows beyond the lists.
    extra_statuses: &'static [&'static str],
}

#[cfg(test)]
mod tests;
