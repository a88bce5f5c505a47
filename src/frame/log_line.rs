//! Tells whether a `<POSTBACK` sits inside a string on a log line: the line
//! is walked forward once, as far as the framer has looked, so a long line is
//! never walked twice and its start may lie far behind what is still held.

use std::io::Read;

use memchr::{memchr2, memrchr};

use super::{Framer, LOOKBEHIND};

/// What is known about the line being read, up to `walked`.
#[derive(Debug, Clone, Default)]
pub(super) struct LineWalk {
    /// Input offset walked up to.
    walked: u64,
    kind: LineKind,
    /// On a JSON line: the quote that opened the string we are in.
    open: Option<u64>,
    /// The last quote not escaped by a backslash, on any line.
    last_quote: Option<u64>,
    /// The byte at `walked` is escaped by the backslash before it.
    escaped: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum LineKind {
    /// Only white space so far.
    #[default]
    Blank,
    /// Starts with `{` or `[` and holds nothing but JSON so far.
    Json,
    /// Anything else (`[2024-05-01 10:00:00] INFO ...` is not JSON).
    Text,
}

/// Where the JSON string holding a postback starts.
pub(super) enum StringStart {
    /// The postback is not in a string.
    None,
    /// The string's opening quote is at this index.
    At(usize),
    /// The string started before what the buffer still holds: it is longer
    /// than the record size limit allows.
    TooFarBack,
}

/// Bytes that may appear outside strings in JSON text.
fn is_json_outside_string(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'0'
            ..=b'9'
                | b'-'
                | b'+'
                | b'.'
                | b'e'
                | b'E'
                | b'a'
                | b'f'
                | b'l'
                | b'n'
                | b'r'
                | b's'
                | b't'
                | b'u'
    )
}

impl LineWalk {
    fn restart(&mut self, at: u64) {
        *self = LineWalk {
            walked: at,
            ..LineWalk::default()
        };
    }

    /// Walks `buf[..to]` (input offset of `buf[0]` is `base`) on from where
    /// the last walk stopped. `back` allows a walk to end before that: the
    /// walk starts again at the nearest line start in reach.
    pub(super) fn walk(&mut self, buf: &[u8], base: u64, to: usize, back: bool) {
        let to_off = base + to as u64;
        if self.walked > to_off && !back {
            return;
        }
        if self.walked > to_off || self.walked < base {
            let floor = to.saturating_sub(LOOKBEHIND);
            match memrchr(b'\n', &buf[floor..to]) {
                Some(i) => self.restart(base + (floor + i + 1) as u64),
                None if floor == 0 && base == 0 => self.restart(0),
                None => {
                    self.restart(base + floor as u64);
                    self.kind = LineKind::Text;
                }
            }
        }
        let mut from = (self.walked - base) as usize;
        if let Some(i) = memrchr(b'\n', &buf[from..to]) {
            self.restart(base + (from + i + 1) as u64);
            from += i + 1;
        }
        self.walk_line(&buf[from..to], base + from as u64);
    }

    /// Walks bytes of one line starting at input offset `off`.
    fn walk_line(&mut self, bytes: &[u8], off: u64) {
        let mut i = 0;
        if self.escaped && !bytes.is_empty() {
            self.escaped = false;
            i = 1;
        }
        while i < bytes.len() {
            match self.kind {
                LineKind::Blank => match bytes[i] {
                    b' ' | b'\t' | b'\r' => i += 1,
                    b'{' | b'[' => {
                        self.kind = LineKind::Json;
                        i += 1;
                    }
                    _ => self.kind = LineKind::Text,
                },
                LineKind::Json if self.open.is_none() => {
                    let b = bytes[i];
                    if b == b'"' {
                        self.open = Some(off + i as u64);
                        self.last_quote = self.open;
                    } else if !is_json_outside_string(b) {
                        // Not JSON after all: looked at again as text.
                        self.kind = LineKind::Text;
                        continue;
                    }
                    i += 1;
                }
                _ => match memchr2(b'"', b'\\', &bytes[i..]) {
                    None => i = bytes.len(),
                    Some(j) if bytes[i + j] == b'\\' => {
                        // A backslash escapes the next byte, maybe not read yet.
                        i += j + 2;
                        if i > bytes.len() {
                            self.escaped = true;
                        }
                    }
                    Some(j) => {
                        let q = off + (i + j) as u64;
                        self.last_quote = Some(q);
                        if self.kind == LineKind::Json {
                            self.open = None;
                        }
                        i += j + 1;
                    }
                },
            }
        }
        self.walked = off + bytes.len() as u64;
    }
}

impl<R: Read> Framer<R> {
    /// Whether the `<POSTBACK` at `ts` sits inside a JSON string. On a JSON
    /// log line the walk from the line start says. An `escaped` start
    /// (`\u003cPOSTBACK`) can only be inside a JSON string, so on a line that
    /// is not JSON (`time=... msg={"body":"\u003cPOSTBACK...`) the nearest
    /// unescaped quote before it opens that string.
    pub(super) fn json_string_start(&mut self, ts: usize, escaped: bool) -> StringStart {
        self.line.walk(&self.buf, self.base, ts, true);
        let quote = match self.line.kind {
            LineKind::Json => self.line.open,
            LineKind::Text if escaped => self.line.last_quote,
            _ => None,
        };
        match quote {
            None => StringStart::None,
            Some(q) if q < self.base => StringStart::TooFarBack,
            Some(q) => StringStart::At((q - self.base) as usize),
        }
    }

    /// Where the JSON string open at `upto` (or further, where the walk has
    /// got to) began: it is kept, as a postback later in it needs it whole.
    pub(super) fn open_string(&mut self, upto: usize) -> Option<usize> {
        self.line.walk(&self.buf, self.base, upto, false);
        match (self.line.kind, self.line.open) {
            (LineKind::Json, Some(q)) if q >= self.base => Some((q - self.base) as usize),
            _ => None,
        }
    }
}
