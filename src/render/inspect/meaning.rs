//! What a postback's values mean in words: the code's headline, STATUS and
//! SENTAS in plain words, the carrier of an SPID, a TIMESTAMP in UTC.

use crate::engine::Located;
use crate::finding::Rule;
use crate::postback::{Element, Postback};
use crate::render::terminal::escape;
use crate::spec::{self, CodeLookup, FieldSetKind, ValueFormat};

use super::values::{decode_base64_text, to_utc, Utc};

/// The code, its meaning in words, and whether the code is one the table knows.
pub(super) fn title<'p>(pb: &'p Postback<'_>) -> (&'p str, String, bool) {
    let Some(code) = pb.code() else {
        return (
            "no CODE",
            "this postback does not say which notification it is".to_string(),
            false,
        );
    };
    let unknown = || "unknown code: not in the provider's list of codes".to_string();
    let Some(origin) = pb.origin() else {
        let rows: Vec<_> = spec::code_rows(code).collect();
        return match rows.as_slice() {
            [] => (code, unknown(), false),
            [one] => (
                code,
                format!(
                    "{} (under ORIGIN {}; this postback has no ORIGIN)",
                    escape(one.meaning),
                    escape(one.origin)
                ),
                false,
            ),
            several => {
                let each: Vec<String> = several
                    .iter()
                    .map(|r| format!("{}: {}", escape(r.origin), escape(r.meaning)))
                    .collect();
                (
                    code,
                    format!("no ORIGIN to tell which: {}", each.join("; ")),
                    false,
                )
            }
        };
    };
    match spec::lookup_code(origin, code) {
        CodeLookup::Documented(info) => {
            let mut meaning = escape(info.meaning).into_owned();
            if info.field_set == FieldSetKind::None {
                meaning.push_str(" (no documented field set)");
            }
            (code, meaning, true)
        }
        CodeLookup::OriginMismatch { documented_for } => (
            code,
            format!(
                "not a code of {}: documented for {} only",
                escape(origin),
                documented_for.join(" and ")
            ),
            false,
        ),
        CodeLookup::Unknown => (code, unknown(), false),
    }
}

/// How a STATUS value turned out, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Good,
    Bad,
    Pending,
}

pub(super) fn outcome(status: &str) -> Option<Outcome> {
    let s = status.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if any(&[
        "fail",
        "expire",
        "reject",
        "notsupported",
        "not supported",
        "error",
    ]) {
        Some(Outcome::Bad)
    } else if any(&["delivered"]) {
        Some(Outcome::Good)
    } else if any(&["sent", "pending", "queued"]) {
        Some(Outcome::Pending)
    } else {
        None
    }
}

/// What went wrong, in a headline's words, for the STATUS values that say so.
const FAILURE_WORDS: &[(&str, &str)] = &[
    ("Message Sent/Failed", "delivery failed"),
    ("Message Sent/Expired", "expired before delivery"),
    ("Message Sent/Rejected", "rejected"),
    (
        "Message Sent/NotSupported",
        "not supported by the handset or carrier",
    ),
    ("Message Failed", "could not be sent"),
];

/// The card's headline when STATUS says the message failed, whatever its
/// code claims: "SMS delivery failed" for an N202 whose STATUS is
/// `Message Sent/Failed`. `None` when STATUS says nothing went wrong.
pub(super) fn failure(pb: &Postback<'_>) -> Option<String> {
    let status = pb.value("STATUS")?.trim();
    if outcome(status) != Some(Outcome::Bad) {
        return None;
    }
    let noun = match (pb.origin(), pb.code()) {
        (Some("MMS_MT"), Some("N202" | "E202")) => "fallback SMS",
        (Some(origin), _) if origin.starts_with("SMS") => "SMS",
        (Some(origin), _) if origin.starts_with("MMS") => "MMS",
        _ => "message",
    };
    let words = FAILURE_WORDS
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("failed", |(_, words)| words);
    Some(format!("{noun} {words}"))
}

/// What the documented STATUS values say happened, in plain words.
pub(super) const STATUS_WORDS: &[(&str, &str)] = &[
    ("Message Sent", "sent; delivery not confirmed yet"),
    ("Message Sent/Delivered", "delivered to the handset"),
    ("Message Sent/Failed", "sent, but delivery failed"),
    ("Message Sent/Expired", "sent, but expired before delivery"),
    ("Message Sent/Rejected", "sent, but rejected"),
    (
        "Message Sent/NotSupported",
        "sent, but not supported by the handset or carrier",
    ),
    ("Message Failed", "could not be sent"),
];

/// The code a later revision sends this STATUS under (FIELDS.md 6.2, D6).
pub(super) fn moved_status(pb: &Postback<'_>, el: &Element<'_>) -> Option<&'static str> {
    if el.canonical != "STATUS" {
        return None;
    }
    spec::later_code(pb.origin()?, pb.code()?, el.trimmed())
}

/// The note after a field's value, when there is something to explain.
/// Fields with a format finding get no note: their value is not what it claims.
pub(super) fn annotate(el: &Element<'_>, findings: &[&Located]) -> Option<String> {
    let value = el.trimmed();
    if !el.children.is_empty() {
        return None;
    }
    if value.is_empty() {
        return (el.canonical == "FROM_MASK").then(|| "no alphanumeric sender ID".to_string());
    }
    if el.json.is_some() {
        return None;
    }
    match el.canonical {
        "STATUS" => STATUS_WORDS
            .iter()
            .find(|(status, _)| *status == value)
            .map(|(_, words)| (*words).to_string()),
        "SENTAS" => match value {
            "MMS" => Some("binary MMS".to_string()),
            "SMS" => Some("fallback SMS with a link to the content".to_string()),
            _ => None,
        },
        // A 5- or 6-digit operator id is not an SPID of the tables.
        "SPID" if value.len() == 7 => Some(carrier_note(value)),
        "TRACKINGID" => {
            decode_base64_text(value).map(|text| format!("base64 of \"{}\"", escape(&text)))
        }
        name if spec::value_format(name) == Some(ValueFormat::Timestamp) => {
            let bad = findings
                .iter()
                .any(|f| f.finding.rule == Rule::BadTimestamp);
            if bad {
                None
            } else {
                to_utc(value).map(|utc| match utc {
                    Utc::At(utc) => format!("{utc} UTC"),
                    // Four-digit years cannot write it: say so, never `-001`.
                    Utc::OutOfRange { before: true } => "before the year 0000 in UTC".to_string(),
                    Utc::OutOfRange { before: false } => "after the year 9999 in UTC".to_string(),
                })
            }
        }
        _ => None,
    }
}

/// "AT&T (United States)", every row when the table has several.
pub(super) fn carrier_note(spid: &str) -> String {
    let rows = spec::carriers_for_spid(spid);
    if rows.is_empty() {
        return "not in the carrier table".to_string();
    }
    let each: Vec<String> = rows
        .iter()
        .map(|c| format!("{} ({})", escape(c.carrier), escape(c.country)))
        .collect();
    each.join(" or ")
}
