//! Tells whether a `<POSTBACK` sits inside a string on a JSON log line, by
//! walking the line it is on from its start.

use std::io::Read;

use memchr::{memchr2, memrchr};

use super::{Framer, LOOKBEHIND};

impl<R: Read> Framer<R> {
    /// If the `<POSTBACK` at `ts` sits inside a string on a JSON log line,
    /// the index of that string's opening quote. An `escaped` start
    /// (`\u003cPOSTBACK`) can only be inside a JSON string, so on a line that
    /// does not start as JSON (`time=... msg={"body":"\u003cPOSTBACK...`) the
    /// nearest unescaped quote before it opens that string.
    pub(super) fn json_string_start(&self, ts: usize, escaped: bool) -> Option<usize> {
        let floor = ts.saturating_sub(LOOKBEHIND);
        let line_start = match memrchr(b'\n', &self.buf[floor..ts]) {
            Some(i) => floor + i + 1,
            None if floor == 0 && self.base == 0 => 0,
            None => return None,
        };
        let line = &self.buf[line_start..ts];
        let first = line.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
        if line[first] != b'{' && line[first] != b'[' {
            if !escaped {
                return None;
            }
            let mut end = line.len();
            while let Some(q) = memrchr(b'"', &line[..end]) {
                let backslashes = line[..q].iter().rev().take_while(|&&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    return Some(line_start + q);
                }
                end = q;
            }
            return None;
        }
        // Walk the line from its start: the tag is inside a string when an
        // unescaped quote before it is still open (`{"a":1} <POSTBACK>` is not).
        let mut open = None;
        let mut i = 0;
        while let Some(j) = memchr2(b'"', b'\\', &line[i..]) {
            let k = i + j;
            i = k + 1;
            match (line[k], open) {
                (b'"', None) => open = Some(line_start + k),
                (b'"', Some(_)) => open = None,
                // Inside a string a backslash escapes the next byte.
                (_, Some(_)) => i = (k + 2).min(line.len()),
                _ => {}
            }
        }
        open
    }
}
