//! The source line under a finding, with a caret at the column it points to.

use std::io::{self, Write};

use memchr::{memchr, memrchr};

use crate::render::terminal::{escape, Paint};

/// Lines longer than this are cut to a window around the caret.
const MAX_WIDTH: usize = 100;

/// Bytes looked at on either side of the caret: enough for MAX_WIDTH
/// characters of up to four bytes each, and a few to reach a character start.
const LOOK: usize = 4 * MAX_WIDTH + 8;

/// `at`, or the start of the UTF-8 character it falls inside.
fn char_start(text: &[u8], at: usize) -> usize {
    let mut at = at;
    // At most three continuation bytes follow a character's first byte.
    for _ in 0..3 {
        match text.get(at) {
            Some(b) if (b & 0xC0) == 0x80 && at > 0 => at -= 1,
            _ => break,
        }
    }
    at
}

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
    // Only the bytes that can be shown are looked at: every shown character
    // comes from at most four bytes, so a window of LOOK bytes either side
    // holds all of them, and each snippet costs the same on any line length.
    let lo = char_start(text, at.saturating_sub(LOOK));
    let hi = char_start(text, at.saturating_add(LOOK).min(text.len()));
    let start = memrchr(b'\n', &text[lo..at]).map_or(lo, |i| lo + i + 1);
    let end = memchr(b'\n', &text[at..hi]).map_or(hi, |i| at + i);
    let cut_before = start > 0 && text[start - 1] != b'\n';
    let cut_after = end < text.len() && text[end] != b'\n';
    let source = String::from_utf8_lossy(&text[start..end]);
    let before = String::from_utf8_lossy(&text[start..at]);
    let source = if cut_after {
        &source[..]
    } else {
        source.trim_end_matches('\r')
    };
    // Escaping can widen characters; the caret goes under the escaped text.
    let shown_before: Vec<char> = escape(before.trim_end_matches('\r')).chars().collect();
    let shown: Vec<char> = escape(source).chars().collect();
    let caret = shown_before.len();
    let (from, prefix) = if (shown.len() > MAX_WIDTH || cut_before) && caret > MAX_WIDTH / 2 {
        (caret - MAX_WIDTH / 2, "…")
    } else {
        (0, "")
    };
    let to = (from + MAX_WIDTH).min(shown.len());
    let suffix = if to < shown.len() || cut_after {
        "…"
    } else {
        ""
    };
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
    fn a_long_line_shows_the_same_window_as_before_it_was_cut() {
        let line = format!("{}é<A/>{}\n", "x".repeat(5_000), "y".repeat(5_000));
        let at = line.find("<A/>").unwrap();
        let mut out = Vec::new();
        write_snippet(&mut out, line.as_bytes(), at, Some(1), Paint::OFF).unwrap();
        let out = String::from_utf8(out).unwrap();
        let shown = format!("1 | …{}é<A/>{}…", "x".repeat(49), "y".repeat(46));
        assert_eq!(out.lines().nth(1), Some(shown.as_str()), "{out}");
        assert_eq!(
            out.lines().nth(2),
            Some(format!("  | {}^", " ".repeat(51)).as_str())
        );
    }

    #[test]
    fn controls_in_the_line_are_escaped() {
        let mut out = Vec::new();
        write_snippet(&mut out, b"<A>\x1b[2J</A>", 0, None, Paint::OFF).unwrap();
        assert!(!out.contains(&0x1b));
    }
}
