//! The card itself: the headline, the fields aligned with what their values
//! mean, each finding under the field it concerns, and the verdict.

use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::Style;

use crate::engine::{Located, Record, RecordKind};
use crate::finding::Severity;
use crate::postback::{is_xml_space, Postback};
use crate::render::findings::write_help;
use crate::render::snippet::{write_snippet_within, DEFAULT_WIDTH};
use crate::render::terminal::{escape, Paint};

use super::fields::{place, rows, Row};
use super::meaning::{annotate, failure, moved_status, outcome, title, Outcome};
use super::partial::before_the_cut;
use super::summary::plural;
use crate::postback::parse;

/// Blanks before a field name; nested elements add two per level.
const INDENT: usize = 2;
/// Blanks between the name column and the value column.
const GAP: usize = 2;
/// Widest name column, in characters: a longer name is cut with an ellipsis,
/// so one absurd element name cannot pad every other row of the card.
const NAME_COLUMN: usize = 32;

/// Writes inspect cards. Holds no per-run state: [`Tally`] counts.
#[derive(Debug, Clone, Copy)]
pub struct Cards {
    paint: Paint,
    /// The terminal's width: snippets are cut and help wrapped to it.
    width: usize,
}

impl Cards {
    pub fn new(paint: Paint) -> Self {
        Cards {
            paint,
            width: DEFAULT_WIDTH,
        }
    }

    /// Cards for a terminal `width` columns wide.
    pub fn with_width(self, width: usize) -> Self {
        Cards { width, ..self }
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
        // A failure says so first: an error code (E...) by its own meaning,
        // any other code by what its STATUS says went wrong.
        let error_code = known && code.starts_with('E');
        let meaning = match failure(pb) {
            _ if error_code => p.error(&meaning),
            Some(failed) => p.error(&failed),
            None if known => p.bold(&meaning),
            None => p.warning(&meaning),
        };
        let code = escape(code);
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

        let width = name_width(&rows);
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
            let width = self.width.saturating_sub(indent);
            write_snippet_within(
                &mut snippet,
                record.text,
                located.in_record,
                gutter,
                p,
                width,
            )?;
            for line in String::from_utf8_lossy(&snippet).lines() {
                writeln!(out, "{pad}{line}")?;
            }
        }
        if let Some(help) = &f.help {
            let help_pad = if record.postback.is_some() { 2 } else { 0 };
            write_help(
                out,
                indent + help_pad,
                &p.accent("help:"),
                "help:",
                help,
                self.width,
            )?;
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
        // A record cut off (a log line or body cut short) still shows what
        // it said before the cut.
        let partial = match kind {
            RecordKind::Malformed => before_the_cut(record.text),
            _ => None,
        };
        let read = partial.as_deref().and_then(|text| parse(text).ok());
        let (head, rest) = match &read {
            Some(_) => (
                "cut off",
                "the record breaks off; the fields before the cut are shown",
            ),
            None => (head, rest),
        };
        writeln!(out, "{} {} {}", p.error(head), p.dim("·"), p.bold(rest))?;
        writeln!(out, "{}", p.dim(&where_found(record)))?;
        writeln!(out)?;
        for located in &record.findings {
            self.write_finding(out, record, located, INDENT)?;
        }
        if let Some(pb) = &read {
            writeln!(out)?;
            let rows = rows(pb);
            let width = name_width(&rows);
            for row in &rows {
                self.write_row(out, pb, row, &[], width)?;
            }
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

/// The name column's width: the widest name with its indent, capped.
fn name_width(rows: &[Row<'_, '_>]) -> usize {
    rows.iter()
        .map(|row| row.depth * 2 + escape(row.el.name).chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_COLUMN)
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

/// `path:line:col`, and how the postback was carried when it was decoded.
pub(super) fn where_found(record: &Record<'_>) -> String {
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
pub(super) fn shown_value(text: &str) -> String {
    let escaped = escape(text);
    let padded = text.starts_with(is_xml_space) || text.ends_with(is_xml_space);
    if text.is_empty() || padded {
        format!("\"{escaped}\"")
    } else {
        escaped.into_owned()
    }
}
