//! `codes` for scripts: the list and a code's field sets as TSV (one row a
//! line, for `cut -f`) or JSON.

use std::io::{self, Write};

use postback::dialect::Dialect;
use postback::render::terminal::escape;
use postback::spec::dialects;
use postback::spec::{self, CodeInfo, FieldSet, Presence};
use serde::Serialize;

/// The dialect as `--dialect` names it.
fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::V1 => "v1",
        Dialect::Lower => "lower",
        Dialect::V2 => "v2",
    }
}

fn presence_name(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::RequiredMayBeEmpty => "required-may-be-empty",
        Presence::Optional => "optional",
    }
}

/// The list as TSV: origin, code, where its field set comes from (`seed`,
/// `reference`, `later`, `none`), meaning; the origin `-` (any) as written.
pub fn write_list_tsv<W: Write>(out: &mut W, rows: &[&CodeInfo]) -> io::Result<()> {
    writeln!(out, "origin\tcode\tfield_set\tmeaning")?;
    for c in rows {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            escape(c.origin),
            escape(c.code),
            c.field_set.as_str(),
            escape(c.meaning)
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonCode<'a> {
    origin: &'a str,
    code: &'a str,
    field_set: &'a str,
    meaning: &'a str,
    /// Per dialect that documents it; only with a CODE.
    #[serde(skip_serializing_if = "Option::is_none")]
    dialects: Option<Vec<JsonDialect<'a>>>,
}

#[derive(Serialize)]
struct JsonDialect<'a> {
    dialect: &'a str,
    /// The allowed STATUS values where no field set is documented (E501, E502).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    statuses: Vec<&'a str>,
    field_sets: Vec<JsonSet<'a>>,
}

#[derive(Serialize)]
struct JsonSet<'a> {
    sentas: Option<&'a str>,
    fields: Vec<JsonField<'a>>,
    /// At least one of these is present with a value.
    one_of: Vec<&'a str>,
    statuses: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    name: &'a str,
    presence: &'a str,
}

fn json_code<'a>(c: &'a CodeInfo, dialects: Option<Vec<JsonDialect<'a>>>) -> JsonCode<'a> {
    JsonCode {
        origin: c.origin,
        code: c.code,
        field_set: c.field_set.as_str(),
        meaning: c.meaning,
        dialects,
    }
}

/// One JSON array, an element a line.
fn write_array<W: Write, T: Serialize>(out: &mut W, items: &[T]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, item)?;
    }
    out.write_all(b"]\n")
}

pub fn write_list_json<W: Write>(out: &mut W, rows: &[&CodeInfo]) -> io::Result<()> {
    let items: Vec<JsonCode<'_>> = rows.iter().map(|c| json_code(c, None)).collect();
    write_array(out, &items)
}

/// A field set's fields in `dialect`'s names, as `codes` shows them.
fn fields_of(set: &FieldSet, dialect: Dialect) -> Vec<JsonField<'static>> {
    set.fields
        .iter()
        .filter(|r| dialects::has_field(dialect, r.name))
        .map(|r| JsonField {
            name: named(dialect, r.name),
            presence: presence_name(r.presence),
        })
        .collect()
}

fn named(dialect: Dialect, name: &'static str) -> &'static str {
    dialects::written_name(dialect, name).unwrap_or(name)
}

/// Each (code, origin) row with its field sets in every dialect `shown`
/// that documents it.
pub fn write_details_json<W: Write>(
    out: &mut W,
    rows: &[&CodeInfo],
    shown: &[Dialect],
) -> io::Result<()> {
    let items: Vec<JsonCode<'_>> = rows
        .iter()
        .map(|info| {
            let per_dialect = shown
                .iter()
                .filter_map(|&dialect| {
                    let sets = dialects::field_sets(dialect, info.origin, info.code);
                    let only = match dialect {
                        Dialect::V2 => &[][..],
                        _ => spec::status_only(info.origin, info.code),
                    };
                    if sets.is_empty() && only.is_empty() {
                        return None;
                    }
                    let extra = dialects::extra_statuses(dialect, info.origin, info.code);
                    let statuses = match only.is_empty() {
                        true => Vec::new(),
                        false => only.iter().chain(extra).copied().collect(),
                    };
                    let field_sets = sets
                        .iter()
                        .map(|set| JsonSet {
                            sentas: set.sentas,
                            fields: fields_of(set, dialect),
                            one_of: set.one_of.iter().map(|n| named(dialect, n)).collect(),
                            statuses: set.statuses.iter().chain(extra).copied().collect(),
                        })
                        .collect();
                    Some(JsonDialect {
                        dialect: dialect_name(dialect),
                        statuses,
                        field_sets,
                    })
                })
                .collect();
            json_code(info, Some(per_dialect))
        })
        .collect();
    write_array(out, &items)
}

/// One field a line: origin, code, dialect, SENTAS variant (empty when the
/// code has one set), field as the dialect names it, presence.
pub fn write_fields_tsv<W: Write>(
    out: &mut W,
    rows: &[&CodeInfo],
    shown: &[Dialect],
) -> io::Result<()> {
    writeln!(out, "origin\tcode\tdialect\tsentas\tfield\tpresence")?;
    for info in rows {
        for &dialect in shown {
            for set in dialects::field_sets(dialect, info.origin, info.code) {
                for field in fields_of(set, dialect) {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        escape(info.origin),
                        escape(info.code),
                        dialect_name(dialect),
                        set.sentas.unwrap_or(""),
                        field.name,
                        field.presence
                    )?;
                }
            }
        }
    }
    Ok(())
}
