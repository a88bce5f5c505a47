//! What DIALECTS.md adds to the tables: each dialect's names for the
//! canonical (v1.3) fields, the v2 field sets, and the values that differ.

use super::field_sets::{o, r, set};
use super::{same, FieldRule, FieldSet};
use std::sync::OnceLock;

use crate::dialect::Dialect;

/// One canonical field and how the other dialects spell it (section 3).
struct Names {
    canonical: &'static str,
    lower: Option<&'static str>,
    /// The first spelling is the one v2 writes; any others read as the same field.
    v2: &'static [&'static str],
}

const fn names(
    canonical: &'static str,
    lower: Option<&'static str>,
    v2: &'static [&'static str],
) -> Names {
    Names {
        canonical,
        lower,
        v2,
    }
}

/// Section 3. Names without a v1.3 counterpart are their own canonical name.
const NAMES: &[Names] = &[
    names("ORIGIN", Some("origin"), &["origin"]),
    names("CODE", Some("code"), &["code"]),
    names("STATUS", Some("status"), &["status"]),
    names("SENTAS", Some("sent-as"), &["sent-as"]),
    names("MMSID", Some("mms-id"), &["mms-id"]),
    names("FROM", Some("from"), &["from"]),
    names("FROM_MASK", None, &["from-mask"]),
    names("TO", Some("to"), &["to"]),
    names(
        "TRACKINGID",
        Some("tracking-id"),
        &["tracking-id", "trackingid"],
    ),
    names("SPID", Some("operator-id"), &["operator-id"]),
    names("TIMESTAMP", Some("timestamp"), &["timestamp"]),
    names("HANDSET", Some("handset"), &["handset"]),
    names("STATUSDETAILS", Some("status-details"), &["status-details"]),
    names("AUDIONAME", Some("audio-name"), &[]),
    names("VIDEONAME", Some("video-name"), &[]),
    names("TEXT", None, &["message-text"]),
    names("KEYWORD", Some("keyword"), &["keyword"]),
    names("SUBJECT", Some("message-subject"), &["message-subject"]),
    names("CONTENT", Some("content"), &["content"]),
    names("FILE", Some("file"), &["file"]),
    names("operator-name", None, &["operator-name"]),
    names("client-reference", None, &["client-reference"]),
    names("campaign-ref", None, &["campaign-ref"]),
    names("copy-to", None, &["copy-to"]),
];

/// How a record's dialect takes one of its field names (section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    /// A name of the record's own dialect, read as this canonical field.
    Native(&'static str),
    /// A name in another dialect's style (upper in a hyphenated record,
    /// hyphenated in a v1.3 one): `mixed-dialect`, read as this field.
    Mixed(&'static str),
    /// A name of the other hyphenated dialect: not read as this field, but
    /// its value rule applies.
    OtherDialect(&'static str),
    /// Documented nowhere.
    Unknown,
}

impl NameClass {
    /// The canonical field whose value rule applies, if any.
    pub fn rule_name(self) -> Option<&'static str> {
        match self {
            NameClass::Native(c) | NameClass::Mixed(c) | NameClass::OtherDialect(c) => Some(c),
            NameClass::Unknown => None,
        }
    }

    /// The canonical field the name is read as: the name itself otherwise.
    pub fn read_as(self, written: &str) -> &str {
        match self {
            NameClass::Native(c) | NameClass::Mixed(c) => c,
            _ => written,
        }
    }
}

fn hyphenated(written: &str) -> Option<&'static Names> {
    NAMES.iter().find(|n| {
        n.lower.is_some_and(|l| same(l, written)) || n.v2.iter().any(|v| same(v, written))
    })
}

/// How a record of `dialect` reads the field name `written`. Looked up at
/// every field of every record: from a table of [`classify_slowly`]'s
/// answer for every documented name (any other name is unknown).
// Out of line: the callers' v1.3 fast paths stay small.
#[inline(never)]
pub fn classify(dialect: Dialect, written: &str) -> NameClass {
    lookup(dialect, written).map_or(NameClass::Unknown, |l| l.class)
}

fn lookup(dialect: Dialect, written: &str) -> Option<Lookup> {
    static TABLES: OnceLock<[NameTable; 3]> = OnceLock::new();
    let tables =
        TABLES.get_or_init(|| [Dialect::V1, Dialect::Lower, Dialect::V2].map(NameTable::new));
    tables[dialect as usize].get(written)
}

/// Every name [`classify_slowly`] can answer other than unknown for, and
/// every canonical name [`written_name`] knows.
fn documented_names() -> impl Iterator<Item = &'static str> {
    let hyphenated = NAMES.iter().flat_map(|n| {
        [n.canonical]
            .into_iter()
            .chain(n.lower)
            .chain(n.v2.iter().copied())
    });
    super::KNOWN_FIELDS.iter().copied().chain(hyphenated)
}

/// Open addressing over a power of two of slots, at least twice the names.
struct NameTable {
    slots: Vec<Option<(&'static str, Lookup)>>,
}

/// What the table holds for a name in one dialect.
#[derive(Clone, Copy)]
struct Lookup {
    class: NameClass,
    /// The dialect writes the canonical field of this name.
    writes: bool,
}

impl NameTable {
    fn new(dialect: Dialect) -> Self {
        let names: Vec<_> = documented_names().collect();
        let len = (names.len() * 2).next_power_of_two();
        let mut table = NameTable {
            slots: vec![None; len],
        };
        for name in names {
            let mut i = table.slot_of(name);
            loop {
                match table.slots[i] {
                    Some((held, _)) if held == name => break,
                    Some(_) => i = (i + 1) & (len - 1),
                    None => {
                        let lookup = Lookup {
                            class: classify_slowly(dialect, name),
                            writes: written_name(dialect, name).is_some(),
                        };
                        table.slots[i] = Some((name, lookup));
                        break;
                    }
                }
            }
        }
        table
    }

    /// From the length and the two ends, which tell most names apart
    /// (`tracking-id`, `trackingid`, `TRACKINGID`); probing does the rest.
    fn slot_of(&self, name: &str) -> usize {
        let b = name.as_bytes();
        let (first, last) = match b {
            [] => (0, 0),
            [one] => (*one, *one),
            [first, .., last] => (*first, *last),
        };
        let hash =
            b.len().wrapping_mul(31) ^ usize::from(first).wrapping_mul(7) ^ usize::from(last);
        (hash.wrapping_mul(0x9e37_79b9) >> 8) & (self.slots.len() - 1)
    }

    fn get(&self, written: &str) -> Option<Lookup> {
        let mut i = self.slot_of(written);
        // At least half the slots are empty, so the probe ends.
        loop {
            match self.slots[i] {
                Some((held, lookup)) if held == written => return Some(lookup),
                Some(_) => i = (i + 1) & (self.slots.len() - 1),
                None => return None,
            }
        }
    }
}

/// How a record of `dialect` reads the field name `written`, from the tables.
fn classify_slowly(dialect: Dialect, written: &str) -> NameClass {
    match dialect {
        Dialect::V1 => {
            if let Some(known) = super::KNOWN_FIELDS.iter().find(|k| same(k, written)) {
                return NameClass::Native(known);
            }
            match hyphenated(written) {
                Some(n) => NameClass::Mixed(n.canonical),
                None => NameClass::Unknown,
            }
        }
        Dialect::Lower | Dialect::V2 => {
            let own = |n: &Names| match dialect {
                Dialect::Lower => n.lower.is_some_and(|l| same(l, written)),
                _ => n.v2.iter().any(|v| same(v, written)),
            };
            if let Some(n) = NAMES.iter().find(|n| own(n)) {
                return NameClass::Native(n.canonical);
            }
            if let Some(known) = super::KNOWN_FIELDS.iter().find(|k| same(k, written)) {
                return NameClass::Mixed(known);
            }
            match hyphenated(written) {
                Some(n) => NameClass::OtherDialect(n.canonical),
                None => NameClass::Unknown,
            }
        }
    }
}

/// The canonical name a record of `dialect` reads `written` as (the name
/// itself when it has none). Cheap for a v1.3 record's own names, which
/// is every field of an XML dump.
pub fn canonical(dialect: Dialect, written: &str) -> &str {
    if dialect == Dialect::V1 && !written.bytes().any(|b| b.is_ascii_lowercase()) {
        return written;
    }
    classify(dialect, written).read_as(written)
}

/// How `dialect` writes the canonical field `name`; `None` when it has no such field.
pub fn written_name(dialect: Dialect, name: &str) -> Option<&'static str> {
    match dialect {
        Dialect::V1 => super::KNOWN_FIELDS.iter().copied().find(|k| same(k, name)),
        Dialect::Lower => NAMES.iter().find(|n| same(n.canonical, name))?.lower,
        Dialect::V2 => NAMES
            .iter()
            .find(|n| same(n.canonical, name))?
            .v2
            .first()
            .copied(),
    }
}

/// Every name a record of `dialect` writes, for "did you mean" hints.
pub fn dialect_names(dialect: Dialect) -> Vec<&'static str> {
    match dialect {
        Dialect::V1 => super::KNOWN_FIELDS.to_vec(),
        Dialect::Lower => NAMES.iter().filter_map(|n| n.lower).collect(),
        Dialect::V2 => NAMES.iter().flat_map(|n| n.v2.iter().copied()).collect(),
    }
}

/// Origins the lower-case dialect documents (section 4): MMS only.
const LOWER_ORIGINS: &[&str] = &["MMS_MT", "MMS_MO"];

const V2_SMS_MT: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("SENTAS"),
    r("STATUS"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("TIMESTAMP"),
    o("SPID"),
    o("operator-name"),
    o("campaign-ref"),
    o("FROM_MASK"),
];

const V2_SMS_MO: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("FROM"),
    r("TO"),
    r("TEXT"),
    r("TRACKINGID"),
    r("TIMESTAMP"),
];

const V2_MMS_MT: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("SENTAS"),
    r("STATUS"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("TIMESTAMP"),
    o("STATUSDETAILS"),
    o("SPID"),
    o("operator-name"),
    o("client-reference"),
    o("campaign-ref"),
    o("MMSID"),
    o("HANDSET"),
];

const V2_MMS_MO: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("TIMESTAMP"),
    r("CONTENT"),
    o("SUBJECT"),
    o("KEYWORD"),
    o("SPID"),
    o("copy-to"),
];

/// Section 4's v2 sets, with section 5's STATUS vocabulary, in canonical names.
static V2_FIELD_SETS: &[FieldSet] = &[
    set("SMS_MT", "N201", V2_SMS_MT, &["Sent"]),
    set("SMS_MT", "N202", V2_SMS_MT, &["Delivered"]),
    set("SMS_MT", "E201", V2_SMS_MT, &["Failed"]),
    set("SMS_MT", "E202", V2_SMS_MT, &["Rejected"]),
    set("SMS_MO", "N211", V2_SMS_MO, &[]),
    set("MMS_MT", "N101", V2_MMS_MT, &["Sent"]),
    set("MMS_MT", "N102", V2_MMS_MT, &["Delivered"]),
    set("MMS_MT", "N103", V2_MMS_MT, &["Expired"]),
    set("MMS_MT", "E101", V2_MMS_MT, &["Failed"]),
    set("MMS_MT", "E102", V2_MMS_MT, &["Rejected", "Unrecognised"]),
    set("MMS_MO", "N401", V2_MMS_MO, &[]),
];

/// Every v2 field set, in the order of DIALECTS.md 4.
pub fn v2_field_sets() -> &'static [FieldSet] {
    V2_FIELD_SETS
}

/// The field set(s) of an (ORIGIN, CODE) pair in `dialect`; empty when the
/// dialect documents none. Lower-case records use the v1.3 sets without the
/// fields the dialect lacks (see [`has_field`]).
pub fn field_sets(dialect: Dialect, origin: &str, code: &str) -> &'static [FieldSet] {
    match dialect {
        Dialect::V1 => super::field_sets(origin, code),
        Dialect::Lower if LOWER_ORIGINS.iter().any(|o| same(o, origin)) => {
            super::field_sets(origin, code)
        }
        Dialect::Lower => &[],
        Dialect::V2 => match V2_FIELD_SETS
            .iter()
            .position(|s| same(s.code, code) && same(s.origin, origin))
        {
            Some(i) => &V2_FIELD_SETS[i..=i],
            None => &[],
        },
    }
}

/// Whether `dialect` has the canonical field `name` at all.
pub fn has_field(dialect: Dialect, name: &str) -> bool {
    dialect == Dialect::V1 || hyphenated_has_field(dialect, name)
}

/// The table answers for every name `written_name` knows.
#[inline(never)]
fn hyphenated_has_field(dialect: Dialect, name: &str) -> bool {
    lookup(dialect, name).is_some_and(|l| l.writes) || !is_upper(name)
}

fn is_upper(name: &str) -> bool {
    !name.bytes().any(|b| b.is_ascii_lowercase())
}

/// STATUS values `dialect` allows beyond its field sets' lists (section 5,
/// lower: E102 and E502 also `Message Sent/Not Supported`), and the lists
/// of codes without a field set (v1.3 and lower: E501, E502).
pub fn extra_statuses(dialect: Dialect, origin: &str, code: &str) -> &'static [&'static str] {
    const LOWER_NOT_SUPPORTED: &[(&str, &str)] = &[("MMS_MT", "E102"), ("MMS_MT", "E502")];
    match dialect {
        Dialect::Lower
            if LOWER_NOT_SUPPORTED
                .iter()
                .any(|(o, c)| same(o, origin) && same(c, code)) =>
        {
            &["Message Sent/Not Supported"]
        }
        _ => &[],
    }
}

/// The digit counts an SPID may have in `dialect` (section 5).
pub fn spid_digits(dialect: Dialect) -> std::ops::RangeInclusive<usize> {
    match dialect {
        Dialect::V1 => 7..=7,
        Dialect::Lower | Dialect::V2 => 5..=7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_classify_per_dialect() {
        use NameClass::*;
        for dialect in [Dialect::V1, Dialect::Lower, Dialect::V2] {
            for name in documented_names().chain(["Status", "x", "", "tracking_id"]) {
                assert_eq!(
                    classify(dialect, name),
                    classify_slowly(dialect, name),
                    "{dialect:?} {name}"
                );
                assert_eq!(
                    has_field(dialect, name),
                    dialect == Dialect::V1
                        || written_name(dialect, name).is_some()
                        || !is_upper(name),
                    "{dialect:?} {name}"
                );
            }
        }
        assert_eq!(classify(Dialect::V1, "TRACKINGID"), Native("TRACKINGID"));
        assert_eq!(classify(Dialect::V1, "tracking-id"), Mixed("TRACKINGID"));
        assert_eq!(
            classify(Dialect::V1, "operator-name"),
            Mixed("operator-name")
        );
        assert_eq!(classify(Dialect::V1, "Status"), Unknown);
        assert_eq!(classify(Dialect::Lower, "operator-id"), Native("SPID"));
        assert_eq!(classify(Dialect::Lower, "SPID"), Mixed("SPID"));
        assert_eq!(
            classify(Dialect::Lower, "from-mask"),
            OtherDialect("FROM_MASK")
        );
        assert_eq!(
            classify(Dialect::Lower, "trackingid"),
            OtherDialect("TRACKINGID")
        );
        assert_eq!(classify(Dialect::V2, "trackingid"), Native("TRACKINGID"));
        assert_eq!(
            classify(Dialect::V2, "audio-name"),
            OtherDialect("AUDIONAME")
        );
        assert_eq!(classify(Dialect::V2, "message-text"), Native("TEXT"));
        assert_eq!(classify(Dialect::V2, "statusdetails"), Unknown);
        assert_eq!(canonical(Dialect::V2, "operator-name"), "operator-name");
        assert_eq!(canonical(Dialect::V1, "SPID"), "SPID");
    }

    #[test]
    fn each_dialect_writes_its_own_names() {
        assert_eq!(written_name(Dialect::Lower, "SPID"), Some("operator-id"));
        assert_eq!(written_name(Dialect::Lower, "AGGREGATORID"), None);
        assert_eq!(written_name(Dialect::V2, "TRACKINGID"), Some("tracking-id"));
        assert!(!has_field(Dialect::Lower, "OS"));
        assert!(has_field(Dialect::V2, "operator-name"));
        assert!(!has_field(Dialect::V2, "AUDIONAME"));
    }

    #[test]
    fn v2_sets_name_only_fields_v2_has() {
        for s in V2_FIELD_SETS {
            assert!(
                super::super::lookup_code(s.origin, s.code) != super::super::CodeLookup::Unknown
            );
            for rule in s.fields {
                assert!(has_field(Dialect::V2, rule.name), "{}", rule.name);
            }
        }
        assert!(field_sets(Dialect::Lower, "SMS_MT", "N201").is_empty());
        assert_eq!(field_sets(Dialect::Lower, "MMS_MT", "N102").len(), 2);
        assert_eq!(field_sets(Dialect::V2, "MMS_MT", "N102").len(), 1);
    }
}
