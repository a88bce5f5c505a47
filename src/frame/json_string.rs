//! A postback carried in a JSON string on a log line (`"body":"<POSTBACK>..."`):
//! the string is found whole and decoded; its records are framed from that.

use std::io::Read;

use memchr::memchr3;

use super::{Embedding, Frame, Framer, Skip};

impl<R: Read> Framer<R> {
    /// Frames the JSON string opened by the quote at `quote`.
    pub(super) fn frame_json(&mut self, quote: usize) -> Option<Frame<'_>> {
        // What is left of a string after a record already framed from it
        // (`msg="<POSTBACK>...</POSTBACK> \u003cPOSTBACK/>"` on a line that is
        // not JSON) is read as a string of its own: nothing is framed twice.
        let emitted = self.emitted_index();
        let opened_before = quote < emitted;
        let mut quote = quote.max(emitted);
        self.cursor = quote;
        let mut pos = if opened_before { quote } else { quote + 1 };
        loop {
            match memchr3(b'"', b'\\', b'\n', &self.buf[pos..self.end]) {
                // A JSON string cannot hold a raw line end: the log line broke
                // off inside it, and what follows is the next line, read anew.
                Some(i) if self.buf[pos + i] == b'\n' => {
                    let nl = pos + i;
                    // Past the limit before it broke off: oversized, as when
                    // the limit is met before the line end has been read.
                    if nl - quote > self.max_record {
                        return Some(self.oversized(quote, nl, None));
                    }
                    let at = self.location_of(quote);
                    self.cursor = nl;
                    return Some(Frame::BadEncoding {
                        raw: &self.buf[quote..nl],
                        at,
                        kind: Embedding::JsonString,
                        message: "the JSON string holding a postback never ends on its line".into(),
                    });
                }
                Some(i) if self.buf[pos + i] == b'"' => {
                    let close = pos + i;
                    if close + 1 - quote > self.max_record {
                        return Some(self.oversized(quote, close + 1, None));
                    }
                    let at = self.location_of(quote);
                    self.cursor = close + 1;
                    let raw = &self.buf[quote..=close];
                    let decoded = if opened_before {
                        let mut whole = Vec::with_capacity(raw.len() + 1);
                        whole.push(b'"');
                        whole.extend_from_slice(raw);
                        serde_json::from_slice::<String>(&whole)
                    } else {
                        serde_json::from_slice::<String>(raw)
                    };
                    return Some(match decoded {
                        Ok(s) => Frame::Embedded {
                            decoded: s.into_bytes(),
                            at,
                            kind: Embedding::JsonString,
                            raw,
                        },
                        Err(err) => Frame::BadEncoding {
                            raw,
                            at,
                            kind: Embedding::JsonString,
                            message: format!(
                                "the JSON string holding a postback does not decode: {err}"
                            ),
                        },
                    });
                }
                // A backslash escapes the next byte, which may not be read yet.
                Some(i) if pos + i + 1 < self.end && self.buf[pos + i + 1] != b'\n' => {
                    pos += i + 2;
                    continue;
                }
                // A backslash before a line end escapes nothing: the line
                // end, already read, ends the string on the next turn.
                Some(i) if self.buf[pos + i] == b'\\' && pos + i + 1 < self.end => {
                    pos += i + 1;
                    continue;
                }
                Some(i) => pos += i,
                None => pos = self.end,
            }
            if self.eof {
                if self.end - quote > self.max_record {
                    return Some(self.oversized(quote, self.end, None));
                }
                let at = self.location_of(quote);
                self.cursor = self.end;
                return Some(Frame::BadEncoding {
                    raw: &self.buf[quote..self.end],
                    at,
                    kind: Embedding::JsonString,
                    message: "the JSON string holding a postback never ends".into(),
                });
            }
            if self.end - quote > self.max_record {
                let skip = Skip::JsonString { escaped: false };
                return Some(self.oversized(quote, pos, Some(skip)));
            }
            let shift = self.fill_keeping(quote);
            quote -= shift;
            pos -= shift;
        }
    }

    /// Skips the rest of an oversized JSON string; where it ends, if read.
    pub(super) fn skip_json_string(&mut self, escaped: &mut bool) -> Option<usize> {
        let mut found = None;
        for i in self.cursor..self.end {
            let b = self.buf[i];
            // A raw line end also ends it, as in `frame_json`.
            if b == b'\n' {
                found = Some(i);
                break;
            } else if *escaped {
                *escaped = false;
            } else if b == b'\\' {
                *escaped = true;
            } else if b == b'"' {
                found = Some(i + 1);
                break;
            }
        }
        if found.is_none() {
            self.cursor = self.end;
        }
        found
    }
}
