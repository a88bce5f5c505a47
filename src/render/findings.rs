//! Findings as lines: `PATH:LINE:COLUMN: SEVERITY[RULE]: MESSAGE` for people
//! and editors, or one JSON object per line for scripts.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Located, Record};
use crate::finding::Severity;
use crate::render::snippet::write_snippet_within;
use crate::render::terminal::{escape, wrap, Paint};

/// How human findings are written.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub paint: Paint,
    /// Show the source line, a caret and the help under each finding.
    pub snippets: bool,
    /// The terminal's width in columns: snippets are cut and help wrapped to it.
    pub width: usize,
}

/// Writes one finding as a human line (and, if asked, its snippet and help).
/// Payload text is escaped: this output is meant for a terminal.
pub fn write_human<W: Write>(
    out: &mut W,
    record: &Record<'_>,
    located: &Located,
    style: HumanStyle,
) -> io::Result<()> {
    let paint = style.paint;
    let f = &located.finding;
    let loc = located.location;
    let place = format!("{}:{}:{}:", escape(record.source), loc.line, loc.column);
    let severity = match f.severity {
        Severity::Error => paint.error(f.severity.as_str()),
        Severity::Warning => paint.warning(f.severity.as_str()),
    };
    writeln!(
        out,
        "{} {severity}{}: {}",
        paint.bold(&place),
        paint.dim(&format!("[{}]", f.rule)),
        escape(&f.message)
    )?;
    if style.snippets {
        if !record.text.is_empty() {
            let gutter = match record.decoded_at {
                None => Some(loc.line),
                Some(_) => None,
            };
            write_snippet_within(
                out,
                record.text,
                located.in_record,
                gutter,
                paint,
                style.width,
            )?;
        }
        if let Some(help) = &f.help {
            write_help(
                out,
                2,
                &paint.accent("= help:"),
                "= help:",
                help,
                style.width,
            )?;
        }
    }
    Ok(())
}

/// `label help` after `indent` blanks, wrapped to `width` with each further
/// line under the help's first word. `label` may be painted; `plain` is it
/// without colour, for measuring.
pub fn write_help<W: Write>(
    out: &mut W,
    indent: usize,
    label: &str,
    plain: &str,
    help: &str,
    width: usize,
) -> io::Result<()> {
    let hang = indent + plain.chars().count() + 1;
    let pad = " ".repeat(indent);
    let hang_pad = " ".repeat(hang);
    for (i, line) in wrap(&escape(help), hang, hang, width).iter().enumerate() {
        match i {
            0 => writeln!(out, "{pad}{label} {line}")?,
            _ => writeln!(out, "{hang_pad}{line}")?,
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    source: &'a str,
    line: u64,
    column: u64,
    offset: u64,
    severity: &'a str,
    rule: &'a str,
    code: Option<&'a str>,
    field: Option<&'a str>,
    message: &'a str,
    /// Only when asked for: CLI.md fixes the keys a plain `--format json` writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Option<&'a str>>,
}

/// Writes one finding as a JSON object on one line: values exact, terminal
/// controls and bidi controls written as `\uXXXX` escapes.
pub fn write_json<W: Write>(out: &mut W, record: &Record<'_>, located: &Located) -> io::Result<()> {
    write_json_line(out, record, located, false)
}

/// As [`write_json`], with a `help` key (a string, or null when the finding
/// has no help) after `message` when `with_help` is set.
pub fn write_json_line<W: Write>(
    out: &mut W,
    record: &Record<'_>,
    located: &Located,
    with_help: bool,
) -> io::Result<()> {
    let f = &located.finding;
    let line = JsonFinding {
        source: record.source,
        line: located.location.line,
        column: located.location.column,
        offset: located.location.offset,
        severity: f.severity.as_str(),
        rule: f.rule.id(),
        code: record.code(),
        field: f.field.as_deref(),
        message: &f.message,
        help: with_help.then_some(f.help.as_deref()),
    };
    // Safe on a terminal, and the file name's bytes kept (render::json_safe).
    crate::render::json_safe::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}
