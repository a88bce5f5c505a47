//! A postback carried percent-encoded in a form value (`xml=%3CPOSTBACK%3E...`):
//! the value runs between form separators and is decoded whole.

use std::io::Read;

use super::{Embedding, Frame, Framer, Skip, LOOKBEHIND};

impl<R: Read> Framer<R> {
    pub(super) fn frame_form(&mut self, pct: usize) -> Option<Frame<'_>> {
        // The value starts after a separator, but never before a record
        // already framed (`xml=<POSTBACK>...</POSTBACK>%3CPOSTBACK...`).
        let floor = pct.saturating_sub(LOOKBEHIND).max(self.emitted_index());
        let mut start = match self.buf[floor..pct]
            .iter()
            .rposition(|&b| is_form_separator(b) || b == b'=')
        {
            Some(i) => floor + i + 1,
            None => floor,
        };
        // A quote ends the value only when one opened it: what
        // `encodeURIComponent` leaves raw (`can't`) is part of it.
        let quoted = match start.checked_sub(1).map(|i| self.buf[i]) {
            Some(q @ (b'"' | b'\'')) => Some(q),
            _ => None,
        };
        self.cursor = start;
        let mut pos = pct;
        loop {
            match self.buf[pos..self.end]
                .iter()
                .position(|&b| ends_form_value(b, quoted))
            {
                Some(i) => return Some(self.form_frame(start, pos + i)),
                None if self.eof => {
                    let end = self.end;
                    return Some(self.form_frame(start, end));
                }
                None => pos = self.end,
            }
            if self.end - start > self.max_record {
                return Some(self.oversized(start, self.end, Some(Skip::FormValue { quoted })));
            }
            let shift = self.fill_keeping(start);
            start -= shift;
            pos -= shift;
        }
    }

    fn form_frame(&mut self, start: usize, end: usize) -> Frame<'_> {
        if end - start > self.max_record {
            return self.oversized(start, end, None);
        }
        let loc = self.location_of(start);
        self.cursor = end;
        let raw = &self.buf[start..end];
        Frame::Embedded {
            decoded: percent_decode(raw),
            at: loc,
            kind: Embedding::FormValue,
            raw,
        }
    }

    /// Skips the rest of an oversized form value; where it ends, if read.
    pub(super) fn skip_form_value(&mut self, quoted: Option<u8>) -> Option<usize> {
        let found = self.buf[self.cursor..self.end]
            .iter()
            .position(|&b| ends_form_value(b, quoted))
            .map(|i| self.cursor + i);
        if found.is_none() {
            self.cursor = self.end;
        }
        found
    }
}

/// Whether `b` ends a form value opened by the quote `quoted` (if any).
fn ends_form_value(b: u8, quoted: Option<u8>) -> bool {
    match b {
        b'"' | b'\'' => quoted == Some(b),
        _ => is_form_separator(b),
    }
}

/// Bytes that end a form-encoded value (or, looking back, start it).
pub(super) fn is_form_separator(b: u8) -> bool {
    matches!(
        b,
        b'&' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'?' | b';'
    )
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a
/// byte; a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_plus_and_stray_percent() {
        assert_eq!(percent_decode(b"%3CA%3E+b%2"), b"<A> b%2");
        assert_eq!(percent_decode(b"100%"), b"100%");
    }
}
