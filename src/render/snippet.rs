//! The source line under a finding, with carets under what it points to:
//! the whole element or value, as rustc underlines a span.

use std::io::{self, Write};

use memchr::{memchr, memrchr};

use crate::render::terminal::{escape, Paint};

/// Lines longer than this are cut to a window around the caret.
const MAX_WIDTH: usize = 100;

/// The terminal width assumed when none is known: a window of [`MAX_WIDTH`]
/// characters with its gutter and ellipses.
pub const DEFAULT_WIDTH: usize = 120;

/// The narrowest window shown, however narrow the terminal: less would show
/// too little around the caret to recognise the line.
const MIN_WINDOW: usize = 20;

/// Bytes looked at on either side of the caret: enough for MAX_WIDTH
/// characters of up to four bytes each, and a few to reach a character start.
const LOOK: usize = 4 * MAX_WIDTH + 8;

/// Where what `at` points to ends on its line (`end` is the line's end): an
/// element `<NAME>value</NAME>` through its end tag, a start tag alone
/// through its `>`, anything else through the next blank or `<`. Always
/// past `at` when the line has a byte there.
fn span_end(text: &[u8], at: usize, end: usize) -> usize {
    let line = &text[at..end];
    let name_len = match line {
        [b'<', rest @ ..] => rest
            .iter()
            .take_while(|b| !matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'<'))
            .count(),
        _ => 0,
    };
    if name_len > 0 {
        let name = &line[1..1 + name_len];
        let tag_end = memchr(b'>', line).map(|i| i + 1);
        let mut close = Vec::with_capacity(name_len + 3);
        close.extend_from_slice(b"</");
        close.extend_from_slice(name);
        close.push(b'>');
        let closed = tag_end
            .and_then(|t| memchr::memmem::find(&line[t..], &close).map(|i| t + i + close.len()));
        return at + closed.or(tag_end).unwrap_or(line.len()).max(1);
    }
    let token = line
        .iter()
        .take_while(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'<'))
        .count();
    at + token.max(1).min(line.len())
}

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
    write_snippet_within(out, text, at, line, paint, DEFAULT_WIDTH)
}

/// As [`write_snippet`], the source line cut to fit `width` columns with its
/// gutter, the carets still under what the finding points to.
pub fn write_snippet_within<W: Write>(
    out: &mut W,
    text: &[u8],
    at: usize,
    line: Option<u64>,
    paint: Paint,
    width: usize,
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
    let gutter = line.map(|l| l.to_string()).unwrap_or_default();
    // The gutter, " | " and an ellipsis at each end take their columns.
    let max_width = width
        .saturating_sub(gutter.len() + 5)
        .clamp(MIN_WINDOW, MAX_WIDTH);
    let underlined = if at < end {
        let span = &text[at..span_end(text, at, end)];
        escape(&String::from_utf8_lossy(span)).chars().count()
    } else {
        1
    };
    let (from, prefix) = if (shown.len() > max_width || cut_before) && caret > max_width / 2 {
        (caret - max_width / 2, "…")
    } else {
        (0, "")
    };
    let to = (from + max_width).min(shown.len());
    let suffix = if to < shown.len() || cut_after {
        "…"
    } else {
        ""
    };
    let window: String = shown[from..to].iter().collect();
    let pad = " ".repeat(gutter.len());
    let bar = paint.accent("|");
    writeln!(out, "{pad} {bar}")?;
    writeln!(
        out,
        "{} {bar} {prefix}{window}{suffix}",
        paint.accent(&gutter)
    )?;
    let indent = " ".repeat(caret - from + prefix.chars().count());
    // Underlined up to the window's end; one caret at least (at a line end).
    let carets = underlined.min(to.saturating_sub(caret)).max(1);
    writeln!(
        out,
        "{pad} {bar} {indent}{}",
        paint.error(&"^".repeat(carets))
    )
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
            "  |\n7 |   <FROM_MASK><FROM_MASK>\n  |              ^^^^^^^^^^^\n"
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
            Some(format!("  | {}^^^^", " ".repeat(51)).as_str())
        );
    }

    #[test]
    fn carets_underline_the_whole_element_or_value() {
        let text = b"<POSTBACK>\n  <SPID>1470</SPID> <X>\n bad value\n</POSTBACK>";
        let snippet = |at: usize, width: usize| {
            let mut out = Vec::new();
            write_snippet_within(&mut out, text, at, Some(2), Paint::OFF, width).unwrap();
            String::from_utf8(out).unwrap()
        };
        let spid = snippet(13, DEFAULT_WIDTH);
        assert_eq!(
            spid.lines().nth(2),
            Some("  |   ^^^^^^^^^^^^^^^^^"),
            "{spid}"
        );
        // A start tag without its end on the line: the tag itself.
        let x = snippet(31, DEFAULT_WIDTH);
        assert_eq!(
            x.lines().nth(2),
            Some(format!("  | {}^^^", " ".repeat(20)).as_str()),
            "{x}"
        );
        // Text: the word.
        let word = snippet(36, DEFAULT_WIDTH);
        assert_eq!(word.lines().nth(2), Some("  |  ^^^"), "{word}");
    }

    #[test]
    fn a_narrow_terminal_gets_a_narrow_window_with_the_caret_under_the_error() {
        let line = format!("{}<SPID>1</SPID>{}\n", "x".repeat(300), "y".repeat(300));
        let at = line.find("<SPID>").unwrap();
        for width in [40, 60, 80] {
            let mut out = Vec::new();
            write_snippet_within(&mut out, line.as_bytes(), at, Some(1), Paint::OFF, width)
                .unwrap();
            let out = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = out.lines().collect();
            assert!(lines[1].chars().count() <= width, "{width}: {out}");
            let source: Vec<char> = lines[1].chars().collect();
            let caret = lines[2].find('^').unwrap();
            let under: String = source[caret..caret + 6].iter().collect();
            assert_eq!(under, "<SPID>", "{width}: {out}");
            assert_eq!(lines[2].matches('^').count(), "<SPID>1</SPID>".len());
        }
    }

    #[test]
    fn controls_in_the_line_are_escaped() {
        let mut out = Vec::new();
        write_snippet(&mut out, b"<A>\x1b[2J</A>", 0, None, Paint::OFF).unwrap();
        assert!(!out.contains(&0x1b));
    }
}
