//! The inspect card: one record shown for a person, with the code in words,
//! the fields aligned, what their values mean, and validate's findings placed
//! under the field they concern. Everything from the payload is escaped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::Style;

use crate::engine::{Located, Record, RecordKind};
use crate::finding::{Rule, Severity};
use crate::postback::{is_xml_space, Element, Postback};
use crate::render::snippet::write_snippet;
use crate::render::terminal::{escape, is_unsafe, Paint};
use crate::spec::{self, CodeLookup, FieldSetKind, ValueFormat};
use crate::time::{civil_from_days, days_from_civil};

/// Blanks before a field name; nested elements add two per level.
const INDENT: usize = 2;
/// Blanks between the name column and the value column.
const GAP: usize = 2;
/// Nesting levels shown: a field, its children (N401 FILE), two more. Deeper
/// elements are errors anyway (`nested-element`); showing them all would
/// make a deeply nested record's card grow with the square of its size.
const MAX_DEPTH: usize = 4;
/// Widest name column, in characters: a longer name is cut with an ellipsis,
/// so one absurd element name cannot pad every other row of the card.
const NAME_COLUMN: usize = 32;
/// Kinds of postback named in the summary line; the rest are counted together.
const SUMMARY_KINDS: usize = 12;

/// Writes inspect cards. Holds no per-run state: [`Tally`] counts.
#[derive(Debug, Clone, Copy)]
pub struct Cards {
    paint: Paint,
}

impl Cards {
    pub fn new(paint: Paint) -> Self {
        Cards { paint }
    }

    /// Writes the card of one record, ending with its verdict line.
    pub fn write<W: Write>(&self, out: &mut W, record: &Record<'_>) -> io::Result<()> {
        match (&record.postback, record.kind) {
            (Some(pb), _) => self.write_postback(out, record, pb)?,
            (None, kind) => self.write_unread(out, record, kind)?,
        }
        writeln!(out)?;
        self.write_verdict(out, record)
    }

    fn write_postback<W: Write>(
        &self,
        out: &mut W,
        record: &Record<'_>,
        pb: &Postback<'_>,
    ) -> io::Result<()> {
        let p = self.paint;
        let (code, meaning, known) = title(pb);
        let code = escape(code);
        let meaning = if known {
            p.bold(&meaning)
        } else {
            p.warning(&meaning)
        };
        writeln!(
            out,
            "{} {} {meaning}  {}",
            p.paint(&code, Style::new().cyan().bold()),
            p.dim("·"),
            p.dim(pb.dialect().label())
        )?;
        let origin = match pb.origin() {
            Some(origin) => escape(origin).into_owned(),
            None => "no ORIGIN".to_string(),
        };
        writeln!(
            out,
            "{}",
            p.dim(&format!("{origin} · {}", where_found(record)))
        )?;

        let rows = rows(pb);
        let (header, placed) = place(&record.findings, &rows);
        for located in header {
            self.write_finding(out, record, located, INDENT)?;
        }
        writeln!(out)?;

        let width = rows
            .iter()
            .map(|row| row.depth * 2 + escape(row.el.name).chars().count())
            .max()
            .unwrap_or(0)
            .min(NAME_COLUMN);
        let value_col = INDENT + width + GAP;
        for (row, findings) in rows.iter().zip(&placed) {
            self.write_row(out, pb, row, findings, width)?;
            for located in findings {
                self.write_finding(out, record, located, value_col)?;
            }
        }
        if !pb.text.is_empty() {
            // Text directly inside <POSTBACK>, beside the fields: shown, never dropped.
            let label = "(text)";
            let pad = " ".repeat((width + GAP).saturating_sub(label.len()).max(1));
            writeln!(
                out,
                "{}{}{pad}{}",
                " ".repeat(INDENT),
                p.dim(label),
                shown_value(&pb.text)
            )?;
        }
        Ok(())
    }

    fn write_row<W: Write>(
        &self,
        out: &mut W,
        pb: &Postback<'_>,
        row: &Row<'_, '_>,
        findings: &[&Located],
        width: usize,
    ) -> io::Result<()> {
        let p = self.paint;
        let el = row.el;
        let name = column_name(&escape(el.name), NAME_COLUMN.saturating_sub(row.depth * 2));
        let indent = " ".repeat(INDENT + row.depth * 2);
        let mut line = format!("{indent}{}", p.accent(&name));
        // An element holding elements shows only the text beside them, if any.
        let value = if el.children.is_empty() || !el.text.is_empty() {
            let shown = shown_value(&el.text);
            if el.canonical == "STATUS" && row.depth == 0 {
                Some(match outcome(el.trimmed()) {
                    Some(Outcome::Good) => p.good(&shown),
                    Some(Outcome::Bad) => p.bad(&shown),
                    Some(Outcome::Pending) => p.pending(&shown),
                    None => shown,
                })
            } else {
                Some(shown)
            }
        } else {
            None
        };
        let annotation = if row.cut {
            Some("holds deeper elements, not shown".to_string())
        } else if row.depth == 0 {
            annotate(el, findings).map(|note| match moved_status(pb, el) {
                Some(later) => format!("{note} (later sent as {later})"),
                None => note,
            })
        } else {
            None
        };
        if value.is_some() || annotation.is_some() {
            let used = row.depth * 2 + name.chars().count();
            line.push_str(&" ".repeat(width.saturating_sub(used) + GAP));
            line.push_str(value.as_deref().unwrap_or(""));
        }
        if let Some(note) = annotation {
            let _ = write!(line, "  {}", p.dim(&format!("→ {note}")));
        }
        writeln!(out, "{line}")
    }

    /// One finding, as validate words it, `indent` blanks in; its help below.
    fn write_finding<W: Write>(
        &self,
        out: &mut W,
        record: &Record<'_>,
        located: &Located,
        indent: usize,
    ) -> io::Result<()> {
        let p = self.paint;
        let f = &located.finding;
        let severity = match f.severity {
            Severity::Error => p.error(f.severity.as_str()),
            Severity::Warning => p.warning(f.severity.as_str()),
        };
        let pad = " ".repeat(indent);
        writeln!(
            out,
            "{pad}{severity}{}: {}",
            p.dim(&format!("[{}]", f.rule)),
            escape(&f.message)
        )?;
        if record.postback.is_none() && !record.text.is_empty() {
            let gutter = match record.decoded_at {
                None => Some(located.location.line),
                Some(_) => None,
            };
            let mut snippet = Vec::new();
            write_snippet(&mut snippet, record.text, located.in_record, gutter, p)?;
            for line in String::from_utf8_lossy(&snippet).lines() {
                writeln!(out, "{pad}{line}")?;
            }
        }
        if let Some(help) = &f.help {
            let help_pad = if record.postback.is_some() { "  " } else { "" };
            writeln!(out, "{pad}{help_pad}{} {}", p.accent("help:"), escape(help))?;
        }
        Ok(())
    }

    /// A record whose fields could not be read: what it is, and its findings
    /// with the raw text around the place they point to.
    fn write_unread<W: Write>(
        &self,
        out: &mut W,
        record: &Record<'_>,
        kind: RecordKind,
    ) -> io::Result<()> {
        let p = self.paint;
        let (head, rest) = match kind {
            RecordKind::Oversized => (
                "too large",
                "over the record size limit (--max-record-size), skipped unread",
            ),
            RecordKind::Doctype => (
                "DOCTYPE",
                "the document declares one, so it was refused unread",
            ),
            RecordKind::Prefixed => (
                "namespace prefix",
                "a postback element with a prefix, not read as a postback",
            ),
            RecordKind::Malformed | RecordKind::Postback => (
                "not well-formed",
                "the XML is broken, so no field could be read",
            ),
        };
        writeln!(out, "{} {} {}", p.error(head), p.dim("·"), p.bold(rest))?;
        writeln!(out, "{}", p.dim(&where_found(record)))?;
        writeln!(out)?;
        for located in &record.findings {
            self.write_finding(out, record, located, INDENT)?;
        }
        Ok(())
    }

    fn write_verdict<W: Write>(&self, out: &mut W, record: &Record<'_>) -> io::Result<()> {
        let p = self.paint;
        let count = |s: Severity| {
            record
                .findings
                .iter()
                .filter(|f| f.finding.severity == s)
                .count() as u64
        };
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        let pad = " ".repeat(INDENT);
        let line = match (errors, warnings) {
            (0, 0) => p.good("✓ valid"),
            (0, w) => p.pending(&format!("✓ valid, {}", plural(w, "warning"))),
            (e, 0) => p.error(&format!("✗ {}", plural(e, "error"))),
            (e, w) => p.error(&format!(
                "✗ {}, {}",
                plural(e, "error"),
                plural(w, "warning")
            )),
        };
        writeln!(out, "{pad}{line}")
    }
}

/// `name` as it fits in `room` characters: whole, or cut with an ellipsis.
fn column_name(name: &str, room: usize) -> String {
    if name.chars().count() <= room {
        return name.to_string();
    }
    let mut cut: String = name.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The code, its meaning in words, and whether the code is one the table knows.
fn title<'p>(pb: &'p Postback<'_>) -> (&'p str, String, bool) {
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

/// `path:line:col`, and how the postback was carried when it was decoded.
fn where_found(record: &Record<'_>) -> String {
    let mut text = format!(
        "{}:{}:{}",
        escape(record.source),
        record.at.line,
        record.at.column
    );
    if let Some(kind) = record.embedding {
        let _ = write!(text, ", decoded from a {}", kind.describe());
        // Where in the decoded text, when the value holds more than the postback.
        if let Some(inner) = record.decoded_at.filter(|at| at.offset > 0) {
            let _ = write!(text, " (its line {}, column {})", inner.line, inner.column);
        }
    }
    text
}

/// A value as sent, escaped; quoted when it is empty or has blanks at an end,
/// which would otherwise be invisible.
fn shown_value(text: &str) -> String {
    let escaped = escape(text);
    let padded = text.starts_with(is_xml_space) || text.ends_with(is_xml_space);
    if text.is_empty() || padded {
        format!("\"{escaped}\"")
    } else {
        escaped.into_owned()
    }
}

/// One line of the card: an element and how deep it sits below its field.
struct Row<'r, 'a> {
    depth: usize,
    el: &'r Element<'a>,
    /// Its children sit deeper than the card shows.
    cut: bool,
}

/// Every element of the postback in document order, children after their
/// parent, down to [`MAX_DEPTH`]. Iterative: a hostile record may nest deeply.
fn rows<'r, 'a>(pb: &'r Postback<'a>) -> Vec<Row<'r, 'a>> {
    let mut out = Vec::with_capacity(pb.fields.len());
    let mut stack: Vec<std::slice::Iter<'r, Element<'a>>> = vec![pb.fields.iter()];
    while let Some(level) = stack.last_mut() {
        let Some(el) = level.next() else {
            stack.pop();
            continue;
        };
        let depth = stack.len() - 1;
        let deeper = !el.children.is_empty();
        let cut = deeper && depth + 1 >= MAX_DEPTH;
        out.push(Row { depth, el, cut });
        if deeper && !cut {
            stack.push(el.children.iter());
        }
    }
    out
}

/// Splits findings into those about the whole postback (or a field it lacks)
/// and those about each row: the element they point at, else the first
/// element with the field's name.
fn place<'f>(
    findings: &'f [Located],
    rows: &[Row<'_, '_>],
) -> (Vec<&'f Located>, Vec<Vec<&'f Located>>) {
    let mut header = Vec::new();
    let mut placed: Vec<Vec<&Located>> = rows.iter().map(|_| Vec::new()).collect();
    // Indexes, so a record with many fields and many findings stays linear.
    let mut by_offset: HashMap<usize, usize> = HashMap::with_capacity(rows.len());
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        by_offset.entry(row.el.at).or_insert(i);
        by_name.entry(row.el.name).or_insert(i);
    }
    for located in findings {
        let field = located.finding.field.as_deref();
        let at = by_offset
            .get(&located.in_record)
            .copied()
            .filter(|&i| field.is_none_or(|name| rows[i].el.name == name))
            .or_else(|| field.and_then(|name| by_name.get(name).copied()));
        match at {
            Some(i) => placed[i].push(located),
            None => header.push(located),
        }
    }
    (header, placed)
}

/// How a STATUS value turned out, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Good,
    Bad,
    Pending,
}

fn outcome(status: &str) -> Option<Outcome> {
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

/// What the documented STATUS values say happened, in plain words.
const STATUS_WORDS: &[(&str, &str)] = &[
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
fn moved_status(pb: &Postback<'_>, el: &Element<'_>) -> Option<&'static str> {
    if el.canonical != "STATUS" {
        return None;
    }
    spec::later_code(pb.origin()?, pb.code()?, el.trimmed())
}

/// The note after a field's value, when there is something to explain.
/// Fields with a format finding get no note: their value is not what it claims.
fn annotate(el: &Element<'_>, findings: &[&Located]) -> Option<String> {
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
fn carrier_note(spid: &str) -> String {
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

/// The text a value encodes when it is standard base64 of printable UTF-8;
/// `None` for anything else, so plain IDs are left alone.
pub fn decode_base64_text(value: &str) -> Option<String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes = value.as_bytes();
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    if body.is_empty()
        || body.len() % 4 == 1
        || (body.len() != bytes.len() && !bytes.len().is_multiple_of(4))
    {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        // A short last chunk carries 12 or 18 bits: 1 or 2 bytes, and leftover bits that must be 0.
        let (acc, n) = match chunk.len() {
            4 => (acc, 3),
            3 if acc & 0b11 == 0 => (acc >> 2, 2),
            2 if acc & 0b1111 == 0 => (acc >> 4, 1),
            _ => return None,
        };
        for i in (0..n).rev() {
            out.push((acc >> (8 * i)) as u8);
        }
    }
    let text = String::from_utf8(out).ok()?;
    let printable = text.chars().all(|c| !c.is_control() && !is_unsafe(c));
    printable.then_some(text)
}

/// A date-time with an offset, moved to UTC.
#[derive(Debug, PartialEq, Eq)]
pub enum Utc {
    /// `YYYY-MM-DD hh:mm:ss`, fraction kept.
    At(String),
    /// The moment falls before year 0000 (`true`) or after 9999 in UTC.
    OutOfRange { before: bool },
}

/// A valid date-time with an offset, written in UTC as `YYYY-MM-DD hh:mm:ss`
/// (fraction kept); `None` when it is already UTC or does not parse.
pub fn to_utc(value: &str) -> Option<Utc> {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    // Bytes 0..19 were all checked to be ASCII, so 19 is a character boundary
    // and the slice cannot panic.
    let mut rest = &value[19..];
    let mut fraction = "";
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        fraction = &rest[..=n];
        rest = &after[n..];
    }
    let offset_minutes = match rest.as_bytes() {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), off @ ..] => {
            let two = |p: &[u8]| -> Option<i64> {
                match p {
                    [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                        Some(i64::from((a - b'0') * 10 + (b - b'0')))
                    }
                    _ => None,
                }
            };
            let (h, m) = match off {
                [h1, h2] => (two(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (two(&[*h1, *h2])?, two(&[*m1, *m2])?),
                _ => return None,
            };
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    if offset_minutes == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Minutes since the epoch, shifted by the offset; seconds (60 included) ride along.
    let local = days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
    let utc = local - offset_minutes;
    let (days, in_day) = (utc.div_euclid(1440), utc.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return Some(Utc::OutOfRange { before: y < 0 });
    }
    Some(Utc::At(format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{second:02}{fraction}",
        in_day / 60,
        in_day % 60
    )))
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Counts what the cards showed by kind, for the summary.
#[derive(Debug, Default)]
pub struct Tally {
    shown: u64,
    /// (ORIGIN, CODE) or a kind of unread record, with how many, in first-seen order.
    kinds: Vec<(Kind, u64)>,
    /// Where each kind sits in `kinds`.
    index: HashMap<Kind, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    Code {
        origin: Option<String>,
        code: String,
    },
    NoCode,
    Malformed,
    Oversized,
    Doctype,
    Prefixed,
}

impl Tally {
    pub fn add(&mut self, record: &Record<'_>) {
        self.shown += 1;
        let kind = match (&record.postback, record.kind) {
            (Some(pb), _) => match pb.code() {
                Some(code) => Kind::Code {
                    origin: pb.origin().map(str::to_string),
                    code: code.to_string(),
                },
                None => Kind::NoCode,
            },
            (None, RecordKind::Oversized) => Kind::Oversized,
            (None, RecordKind::Doctype) => Kind::Doctype,
            (None, RecordKind::Prefixed) => Kind::Prefixed,
            (None, _) => Kind::Malformed,
        };
        // A DOCTYPE document refused whole counts each postback it holds.
        let n = record.postbacks();
        match self.index.get(&kind) {
            Some(&i) => self.kinds[i].1 += n,
            None => {
                self.index.insert(kind.clone(), self.kinds.len());
                self.kinds.push((kind, n));
            }
        }
    }

    /// Adds counts made over later records (on another thread), keeping
    /// kinds in the order they were first seen.
    pub fn merge(&mut self, later: Tally) {
        self.shown += later.shown;
        for (kind, n) in later.kinds {
            match self.index.get(&kind) {
                Some(&i) => self.kinds[i].1 += n,
                None => {
                    self.index.insert(kind.clone(), self.kinds.len());
                    self.kinds.push((kind, n));
                }
            }
        }
    }

    /// Records shown so far.
    pub fn shown(&self) -> u64 {
        self.shown
    }

    /// How many records of each kind, in the order first seen: `2 N003,
    /// 1 SMS_MT:N202, 1 not well-formed`.
    pub fn breakdown(&self) -> String {
        // A code seen under two origins (N202) is two things: name the origin.
        let mut origins: HashMap<&str, usize> = HashMap::new();
        for (kind, _) in &self.kinds {
            if let Kind::Code { code, .. } = kind {
                *origins.entry(code.as_str()).or_insert(0) += 1;
            }
        }
        let mut parts = Vec::with_capacity(self.kinds.len().min(SUMMARY_KINDS + 1));
        for (kind, n) in self.kinds.iter().take(SUMMARY_KINDS) {
            let label = match kind {
                Kind::Code { origin, code } => {
                    let shared = origins.get(code.as_str()).is_some_and(|&n| n > 1);
                    match (shared, origin) {
                        (true, Some(origin)) => format!("{}:{}", escape(origin), escape(code)),
                        (true, None) => format!("{} without ORIGIN", escape(code)),
                        (false, _) => escape(code).into_owned(),
                    }
                }
                Kind::NoCode => "without CODE".to_string(),
                Kind::Malformed => "not well-formed".to_string(),
                Kind::Oversized => "too large".to_string(),
                Kind::Doctype => "with a DOCTYPE".to_string(),
                Kind::Prefixed => "with a namespace prefix".to_string(),
            };
            parts.push(format!("{n} {label}"));
        }
        if self.kinds.len() > SUMMARY_KINDS {
            let rest = &self.kinds[SUMMARY_KINDS..];
            let n: u64 = rest.iter().map(|(_, n)| n).sum();
            parts.push(format!("{n} of {} other kinds", rest.len()));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{read_input, Options, Sink};

    /// Renders every card of `capture` (and the summary) with colour off.
    fn render(capture: &str, paint: Paint) -> String {
        struct Collect {
            cards: Cards,
            tally: Tally,
            out: Vec<u8>,
        }
        impl Sink for Collect {
            fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
                if self.tally.shown() > 0 {
                    writeln!(self.out)?;
                }
                self.cards.write(&mut self.out, record)?;
                self.tally.add(record);
                Ok(())
            }
        }
        let mut sink = Collect {
            cards: Cards::new(paint),
            tally: Tally::default(),
            out: Vec::new(),
        };
        read_input("t.xml", capture.as_bytes(), &Options::default(), &mut sink).unwrap();
        if sink.tally.shown() > 1 {
            writeln!(sink.out, "{}", sink.tally.breakdown()).unwrap();
        }
        String::from_utf8(sink.out).unwrap()
    }

    #[test]
    fn base64_of_printable_text_is_decoded() {
        assert_eq!(
            decode_base64_text("U01TXzgwNjc4").as_deref(),
            Some("SMS_80678")
        );
        assert_eq!(
            decode_base64_text("TU1TXzU5Nzg3OQ==").as_deref(),
            Some("MMS_597879")
        );
        assert_eq!(
            decode_base64_text("TU1TXzU5Nzg3OQ").as_deref(),
            Some("MMS_597879")
        );
        assert_eq!(decode_base64_text("aGk=").as_deref(), Some("hi"));
    }

    #[test]
    fn plain_ids_and_binary_are_not_base64_text() {
        for value in [
            "SMS_80678",
            "12345",
            "abcd",
            "1234",
            "=",
            "a===",
            "aGl=",
            "G3s=",
            "",
        ] {
            assert_eq!(decode_base64_text(value), None, "{value}");
        }
        // "\x1b[" encoded: decodes, but to a control character.
        assert_eq!(decode_base64_text("G1s="), None);
    }

    #[test]
    fn timestamps_shift_to_utc() {
        assert_eq!(
            to_utc("2013-11-05T05:41:15-05:00"),
            Some(Utc::At("2013-11-05 10:41:15".into()))
        );
        assert_eq!(
            to_utc("2013-12-31T22:00:00-0300"),
            Some(Utc::At("2014-01-01 01:00:00".into()))
        );
        assert_eq!(
            to_utc("2024-03-01T01:30:00.250+02"),
            Some(Utc::At("2024-02-29 23:30:00.250".into()))
        );
        assert_eq!(
            to_utc("2014-07-02T14:32:23-04"),
            Some(Utc::At("2014-07-02 18:32:23".into()))
        );
        assert_eq!(
            to_utc("2016-12-31T23:59:60+00:30"),
            Some(Utc::At("2016-12-31 23:29:60".into()))
        );
        assert_eq!(
            to_utc("0000-03-01T00:30:00+01:00"),
            Some(Utc::At("0000-02-29 23:30:00".into()))
        );
        assert_eq!(
            to_utc("0000-01-01T00:00:00+01:00"),
            Some(Utc::OutOfRange { before: true })
        );
        assert_eq!(
            to_utc("9999-12-31T23:00:00-05:00"),
            Some(Utc::OutOfRange { before: false })
        );
        assert_eq!(to_utc("2013-11-05T05:41:15Z"), None);
        assert_eq!(to_utc("2013-11-05T05:41:15+00:00"), None);
        for bad in [
            "",
            "2013-11-05",
            "2013-11-05T05:41:15",
            "2013-11-05T05:41:15+5",
            "x013-11-05T05:41:15Z",
            "2013-11-05T05:41:15-05:00x",
            "2013-11-05T05:41:15.+01",
        ] {
            assert_eq!(to_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn status_colours_follow_the_outcome() {
        assert_eq!(outcome("Message Sent/Delivered"), Some(Outcome::Good));
        assert_eq!(outcome("Message Sent/Failed"), Some(Outcome::Bad));
        assert_eq!(outcome("Message Sent/Expired"), Some(Outcome::Bad));
        assert_eq!(outcome("Message Sent/Rejected"), Some(Outcome::Bad));
        assert_eq!(outcome("Message Failed"), Some(Outcome::Bad));
        assert_eq!(outcome("Message Sent"), Some(Outcome::Pending));
        assert_eq!(outcome("Pending"), Some(Outcome::Pending));
        assert_eq!(outcome("whatever"), None);
    }

    #[test]
    fn a_card_shows_fields_aligned_with_their_meaning() {
        let out = render(
            "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS>\
             <FROM>60856</FROM><FROM_MASK></FROM_MASK><TO>16503333058</TO><TRACKINGID>U01TXzgwNjc4</TRACKINGID>\
             <SPID>0001470</SPID><TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>\
             <AGGREGATORID>1-2</AGGREGATORID></POSTBACK>",
            Paint::OFF,
        );
        assert_eq!(
            out,
            "N202 · SMS delivered to the handset  [v1.3 XML]\n\
             SMS_MT · t.xml:1:1\n\
             \n\
             \x20 ORIGIN        SMS_MT\n\
             \x20 CODE          N202\n\
             \x20 STATUS        Message Sent/Delivered  → delivered to the handset\n\
             \x20 FROM          60856\n\
             \x20 FROM_MASK     \"\"  → no alphanumeric sender ID\n\
             \x20 TO            16503333058\n\
             \x20 TRACKINGID    U01TXzgwNjc4  → base64 of \"SMS_80678\"\n\
             \x20 SPID          0001470  → AT&T (United States)\n\
             \x20 TIMESTAMP     2013-11-05T05:41:15-05:00  → 2013-11-05 10:41:15 UTC\n\
             \x20 AGGREGATORID  1-2\n\
             \n\
             \x20 ✓ valid\n"
        );
    }

    #[test]
    fn findings_sit_under_their_field_or_the_header() {
        let out = render(
            "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message sent</STATUS>\
             <FROM>60856</FROM><TO>16503333058</TO><TRACKINGID>x</TRACKINGID>\
             <SPID>0001100</SPID><TIMESTAMP>2013-02-30T05:41:15-05:00</TIMESTAMP><SPID>0001100</SPID></POSTBACK>",
            Paint::OFF,
        );
        let lines: Vec<&str> = out.lines().collect();
        let header = lines
            .iter()
            .position(|l| l.contains("missing-field"))
            .unwrap();
        let fields = lines
            .iter()
            .position(|l| l.starts_with("  ORIGIN"))
            .unwrap();
        assert!(header < fields, "{out}");
        let status = lines
            .iter()
            .position(|l| l.starts_with("  STATUS"))
            .unwrap();
        assert!(
            lines[status + 1].starts_with("              error[bad-status]"),
            "{out}"
        );
        let ts = lines
            .iter()
            .position(|l| l.starts_with("  TIMESTAMP"))
            .unwrap();
        assert!(
            !lines[ts].contains('→'),
            "no UTC for a bad timestamp: {out}"
        );
        assert!(lines[ts + 1].contains("error[bad-timestamp]"), "{out}");
        let spids: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("  SPID"))
            .map(|(i, _)| i)
            .collect();
        assert!(
            lines[spids[0]]
                .contains("All Carriers (Canada) or AT&T (Blue GSM) unused (United States)"),
            "{out}"
        );
        assert!(!lines[spids[0] + 1].contains("duplicate-field"), "{out}");
        assert!(
            lines[spids[1] + 1].contains("error[duplicate-field]"),
            "{out}"
        );
        assert!(out.ends_with("  ✗ 4 errors\n"), "{out}");
    }

    #[test]
    fn nested_files_are_indented_under_content() {
        let out = render(
            "<POSTBACK><ORIGIN>MMS_MO</ORIGIN><CODE>N401</CODE><FROM>16501112222</FROM><TO>60856</TO>\
             <TRACKINGID>a</TRACKINGID><SPID>0001140</SPID><TIMESTAMP>2014-07-02T14:32:23Z</TIMESTAMP>\
             <CONTENT><FILE>http://x/1.jpg</FILE><FILE>http://x/2.txt</FILE></CONTENT></POSTBACK>",
            Paint::OFF,
        );
        assert!(
            out.contains(
                "\n  CONTENT\n    FILE      http://x/1.jpg\n    FILE      http://x/2.txt\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("0001140  → Alltel-Verizon (United States)"),
            "{out}"
        );
        assert!(
            out.contains("2014-07-02T14:32:23Z\n"),
            "a UTC time needs no note: {out}"
        );
    }

    #[test]
    fn an_unreadable_record_shows_the_place_with_a_caret() {
        let out = render("<POSTBACK>\n  <CODE>N201<CODE>\n</POSTBACK>", Paint::OFF);
        assert!(out.starts_with("not well-formed · "), "{out}");
        assert!(
            out.contains("  2 |   <CODE>N201<CODE>\n    |             ^\n"),
            "{out}"
        );
        assert!(
            out.contains("  help: write <CODE></CODE> or <CODE/>"),
            "{out}"
        );
    }

    #[test]
    fn payload_controls_are_escaped_with_colour_on() {
        let out = render(
            "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID><X\u{202e}>&#x9b;2J\u{7f}</X\u{202e}></POSTBACK>",
            Paint::new(true),
        );
        assert!(
            !out.contains('\u{9b}') && !out.contains('\u{202e}') && !out.contains('\u{7f}'),
            "{out:?}"
        );
        assert!(out.contains("\\u{9b}2J\\u{7f}"), "{out:?}");
        assert!(out.contains("X\\u{202e}"), "{out:?}");
    }

    #[test]
    fn summary_counts_codes_and_errors() {
        let one = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";
        let sms = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE></POSTBACK>\n";
        let mms = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N202</CODE></POSTBACK>\n";
        let out = render(
            &format!("{one}{one}{sms}{mms}<POSTBACK><A></POSTBACK>"),
            Paint::OFF,
        );
        let last = out.lines().last().unwrap();
        assert_eq!(
            last,
            "2 N003, 1 SMS_MT:N202, 1 MMS_MT:N202, 1 not well-formed"
        );
    }
}
