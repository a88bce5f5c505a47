//! The source line under a finding, with a caret at the column it points to.

use std::io::{self, Write};

use memchr::{memchr, memrchr};

use crate::render::terminal::{escape, Paint};

/// Lines longer than this are cut to a window around the caret.
const MAX_WIDTH: usize = 100;

/// Writes, rustc-style:
/// ```text
///    |
///  7 |   <FROM_MASK><FROM_MASK>
///    |              ^
/// ```
/// `text` is the record, `at` the byte the finding points to, `line` the
/// line number shown in the gutter (none for decoded text).
pub fn write_snippet<W: Write>(
    out: &mut W,
    text: &[u8],
    at: usize,
    line: Option<u64>,
    paint: Paint,
) -> io::Result<()> {
    let at = at.min(text.len());
    let start = memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
    let end = memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i);
    let source = String::from_utf8_lossy(&text[start..end]);
    let before = String::from_utf8_lossy(&text[start..at]);
    // Escaping can widen characters; the caret goes under the escaped text.
    let shown_before: Vec<char> = escape(before.trim_end_matches('\r')).chars().collect();
    let shown: Vec<char> = escape(source.trim_end_matches('\r')).chars().collect();
    let caret = shown_before.len();
    let (from, prefix) = if shown.len() > MAX_WIDTH && caret > MAX_WIDTH / 2 {
        (caret - MAX_WIDTH / 2, "…")
    } else {
        (0, "")
    };
    let to = (from + MAX_WIDTH).min(shown.len());
    let suffix = if to < shown.len() { "…" } else { "" };
    let window: String = shown[from..to].iter().collect();
    let gutter = line.map(|l| l.to_string()).unwrap_or_default();
    let pad = " ".repeat(gutter.len());
    let bar = paint.accent("|");
    writeln!(out, "{pad} {bar}")?;
    writeln!(
        out,
        "{} {bar} {prefix}{window}{suffix}",
        paint.accent(&gutter)
    )?;
    let indent = " ".repeat(caret - from + prefix.chars().count());
    writeln!(out, "{pad} {bar} {indent}{}", paint.error("^"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_column() {
        let text = b"<POSTBACK>\n  <FROM_MASK><FROM_MASK>\n</POSTBACK>";
        let at = 24; // the second <FROM_MASK>
        let mut out = Vec::new();
        write_snippet(&mut out, text, at, Some(7), Paint::OFF).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "  |\n7 |   <FROM_MASK><FROM_MASK>\n  |              ^\n"
        );
    }

    #[test]
    fn controls_in_the_line_are_escaped() {
        let mut out = Vec::new();
        write_snippet(&mut out, b"<A>\x1b[2J</A>", 0, None, Paint::OFF).unwrap();
        assert!(!out.contains(&0x1b));
    }
}
