//! Valid postbacks made from the field-set tables, for testing webhooks: one
//! for every (ORIGIN, CODE) a dialect documents, with realistic values, and
//! edits (`set`, `unset`) that break them on purpose.

mod values;
mod write;

use std::time::SystemTime;

use crate::spec::{self, dialects, FieldSet, Presence};

pub use write::write;

pub use crate::dialect::Dialect;

/// A field's value: text, or N401's list of file URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Files(Vec<String>),
}

/// One field of a sample: its name as the dialect writes it, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: Value,
}

/// A postback ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub dialect: Dialect,
    pub fields: Vec<Field>,
}

/// An (ORIGIN, CODE) pair that has a field set in a dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub origin: &'static str,
    pub code: &'static str,
}

/// What to make.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub origin: &'a str,
    pub code: &'a str,
    pub dialect: Dialect,
    /// Varies the TRACKINGID, MMSID and numbers: samples with the same
    /// sequence number belong to the same message.
    pub sequence: u64,
    /// The clock the timestamps are taken from.
    pub now: SystemTime,
    /// Fields to change or add, by the dialect's name or the v1.3 name, in order.
    pub set: &'a [(String, String)],
    /// Fields to leave out, by the dialect's name or the v1.3 name.
    pub unset: &'a [String],
}

/// Why a sample cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleError {
    /// No field set for this (ORIGIN, CODE) in this dialect.
    NoFieldSet {
        origin: String,
        code: String,
        dialect: Dialect,
    },
    /// `--origin` is needed: the code has field sets under several origins.
    Ambiguous {
        code: String,
        origins: Vec<&'static str>,
    },
    /// `unset` names a field the sample does not carry.
    NoSuchField { name: String },
}

impl std::fmt::Display for SampleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SampleError::NoFieldSet {
                origin,
                code,
                dialect,
            } => {
                let known: Vec<String> = targets(*dialect)
                    .iter()
                    .map(|t| format!("{}:{}", t.origin, t.code))
                    .collect();
                write!(
                    f,
                    "{origin} {code} has no documented field set in the {} dialect, so no valid sample exists;\n\
                     codes with one: {}",
                    dialect.as_str(),
                    known.join(" ")
                )
            }
            SampleError::Ambiguous { code, origins } => write!(
                f,
                "{code} is documented under {}: pick one with --origin",
                origins.join(" and ")
            ),
            SampleError::NoSuchField { name } => {
                write!(f, "the sample has no field `{name}` to unset")
            }
        }
    }
}

impl std::error::Error for SampleError {}

/// One field of a dialect's field set, in its canonical (v1.3) name.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    canonical: &'static str,
    presence: Presence,
}

/// A field set seen through a dialect: which fields, which STATUS, which SENTAS.
#[derive(Debug, Clone)]
struct Shape {
    fields: Vec<Wanted>,
    status: Option<&'static str>,
    sentas: Option<&'static str>,
    one_of: Option<&'static str>,
}

/// Every (ORIGIN, CODE) the dialect gives a field set, in table order.
pub fn targets(dialect: Dialect) -> Vec<Target> {
    let sets = match dialect {
        Dialect::V2 => dialects::v2_field_sets(),
        Dialect::V1 | Dialect::Lower => spec::all_field_sets(),
    };
    let mut out: Vec<Target> = Vec::new();
    for set in sets {
        let documented = !dialects::field_sets(dialect, set.origin, set.code).is_empty();
        let seen = out
            .iter()
            .any(|t| t.origin == set.origin && t.code == set.code);
        if documented && !seen {
            out.push(Target {
                origin: set.origin,
                code: set.code,
            });
        }
    }
    out
}

/// The ORIGIN a code has a field set under in a dialect, when `origin` is not given.
pub fn origin_for(code: &str, dialect: Dialect) -> Result<&'static str, SampleError> {
    let origins: Vec<&'static str> = targets(dialect)
        .into_iter()
        .filter(|t| t.code == code)
        .map(|t| t.origin)
        .collect();
    match origins[..] {
        [origin] => Ok(origin),
        [] => Err(SampleError::NoFieldSet {
            origin: spec::code_rows(code)
                .next()
                .map_or("any origin", |info| info.origin)
                .to_string(),
            code: code.to_string(),
            dialect,
        }),
        _ => Err(SampleError::Ambiguous {
            code: code.to_string(),
            origins,
        }),
    }
}

/// Makes one sample: the required fields (and the first of a one-of pair)
/// with realistic values, then the request's edits.
pub fn make(request: &Request<'_>) -> Result<Sample, SampleError> {
    let wanted_sentas = request
        .set
        .iter()
        .find(|(name, _)| dialects::canonical(request.dialect, name) == "SENTAS")
        .map(|(_, value)| value.as_str());
    let shape = shape(request.origin, request.code, request.dialect, wanted_sentas)?;
    let values = values::Values::new(request, &shape);
    let mut fields: Vec<Field> = shape
        .fields
        .iter()
        .filter(|w| values::include(w.canonical, w.presence, request.dialect, &shape))
        .filter_map(|w| {
            let name = dialect_name(w.canonical, request.dialect)?;
            Some(Field {
                name: name.to_string(),
                value: values.of(w.canonical)?,
            })
        })
        .collect();
    for (name, value) in request.set {
        let value = Value::Text(value.clone());
        match position(&fields, name, request.dialect) {
            Some(i) => fields[i].value = value,
            None => fields.push(Field {
                name: name.clone(),
                value,
            }),
        }
    }
    for name in request.unset {
        match position(&fields, name, request.dialect) {
            Some(i) => {
                fields.remove(i);
            }
            None => return Err(SampleError::NoSuchField { name: name.clone() }),
        }
    }
    Ok(Sample {
        dialect: request.dialect,
        fields,
    })
}

/// Where a field named as the dialect writes it, or by its v1.3 name, is.
fn position(fields: &[Field], name: &str, dialect: Dialect) -> Option<usize> {
    let wanted = dialects::canonical(dialect, name);
    fields
        .iter()
        .position(|f| f.name == name || dialects::canonical(dialect, &f.name) == wanted)
}

/// The field set of (ORIGIN, CODE) in a dialect; for a code with SENTAS
/// variants, the one `sentas` selects (the first by default).
fn shape(
    origin: &str,
    code: &str,
    dialect: Dialect,
    sentas: Option<&str>,
) -> Result<Shape, SampleError> {
    let sets = dialects::field_sets(dialect, origin, code);
    let set: &FieldSet = sets
        .iter()
        .find(|s| sentas.is_some() && s.sentas == sentas)
        .or_else(|| sets.first())
        .ok_or_else(|| SampleError::NoFieldSet {
            origin: origin.to_string(),
            code: code.to_string(),
            dialect,
        })?;
    let sentas = match (dialect, set.sentas) {
        // v2 writes SENTAS in every MT postback: SMS for SMS_MT (DIALECTS.md 5).
        (Dialect::V2, _) if origin == "SMS_MT" => Some("SMS"),
        (_, Some(sentas)) => Some(sentas),
        _ => set
            .presence("SENTAS")
            .filter(|p| *p != Presence::Optional)
            .map(|_| "MMS"),
    };
    Ok(Shape {
        fields: set
            .fields
            .iter()
            .filter(|rule| dialect_name(rule.name, dialect).is_some())
            .map(|rule| Wanted {
                canonical: rule.name,
                presence: rule.presence,
            })
            .collect(),
        status: set.statuses.first().copied(),
        sentas,
        one_of: set.one_of.first().copied(),
    })
}

/// The sent postback and the final one of a message that ends with or starts
/// with `code`: N201 then N202 for SMS, N101 then N102 for MMS; a final code
/// (N202, E202, N102, N103, E102, MMS_MT N202) is paired with its sent one.
pub fn lifecycle(origin: &str, code: &str) -> Option<[&'static str; 2]> {
    const PAIRS: &[(&str, &str, &str)] = &[
        ("SMS_MT", "N201", "N202"),
        ("SMS_MT", "N201", "E202"),
        ("MMS_MT", "N101", "N102"),
        ("MMS_MT", "N101", "N202"),
        ("MMS_MT", "N101", "N103"),
        ("MMS_MT", "N101", "E102"),
        ("MMS_MT", "N501", "N502"),
    ];
    PAIRS
        .iter()
        .find(|(o, sent, last)| *o == origin && (*sent == code || *last == code))
        .map(|&(_, sent, last)| [sent, last])
}

/// How a dialect writes a v1.3 field (a v2-only field by its own name);
/// `None` when it has no such field.
pub fn dialect_name(canonical: &str, dialect: Dialect) -> Option<&'static str> {
    dialects::written_name(dialect, canonical)
}

#[cfg(test)]
mod tests;
