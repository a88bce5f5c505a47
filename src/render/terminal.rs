//! Making payload text safe and pleasant on a terminal: control characters
//! and bidi overrides escaped, colour only when asked for.

use std::borrow::Cow;
use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style};

use crate::input::raw_byte;

/// Characters a terminal acts on or that reorder text: C0 and C1 controls,
/// DEL, and the bidi embeddings, overrides, isolates and marks.
pub fn is_unsafe(c: char) -> bool {
    raw_byte(c).is_some()
        || matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a visible escape such as
/// `\e`, `\r`, `\t` or `\u{202e}`; borrowed when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if raw_byte(c).is_some() => {
                let _ = write!(out, "\\x{:02x}", raw_byte(c).unwrap_or(0));
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text from a payload, possibly not UTF-8, made safe to show.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    escape(&text).into_owned()
}

/// Splits `text` (already escaped) into lines of at most `width` columns
/// where blanks allow, the first line `first` columns in and the others
/// `hang` in: a hanging indent. A word longer than a line stays whole.
pub fn wrap(text: &str, first: usize, hang: usize, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = first;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if !line.is_empty() && used + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            used = hang;
        }
        if !line.is_empty() {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += len;
    }
    lines.push(line);
    lines
}

/// Colours on or off, with the few styles the tool uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub const OFF: Paint = Paint { enabled: false };

    pub fn new(enabled: bool) -> Self {
        Paint { enabled }
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, text: &str, style: Style) -> String {
        if self.enabled {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, text: &str) -> String {
        self.paint(text, Style::new().red().bold())
    }

    pub fn warning(&self, text: &str) -> String {
        self.paint(text, Style::new().yellow().bold())
    }

    pub fn good(&self, text: &str) -> String {
        self.paint(text, Style::new().green())
    }

    pub fn pending(&self, text: &str) -> String {
        self.paint(text, Style::new().yellow())
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint(text, Style::new().red())
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }

    pub fn accent(&self, text: &str) -> String {
        self.paint(text, Style::new().cyan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(escape("a\u{1b}[31mb\u{7}"), "a\\e[31mb\\u{7}");
        assert_eq!(escape("x\u{9b}y\u{202e}z"), "x\\u{9b}y\\u{202e}z");
        assert_eq!(escape("plain é"), "plain é");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn wrap_breaks_at_blanks_within_the_width_with_a_hanging_indent() {
        let lines = wrap("one two three four five", 10, 4, 18);
        assert_eq!(lines, ["one two", "three four", "five"]);
        assert!(lines[1].len() + 4 <= 18);
        assert_eq!(wrap("short", 2, 2, 80), ["short"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5, 5, 10),
            ["averyveryverylongword", "x"]
        );
    }
}
