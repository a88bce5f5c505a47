//! JSON texts (DIALECTS.md 2): a bare JSON body, an NDJSON line, JSON after
//! text on a log line. Each is parsed whole and searched: v2 postback
//! objects become records; strings whose text may hold a postback are
//! decoded and read like an input of their own; any other JSON is noise.

use std::io::Read;

use memchr::memchr3;

use super::{Embedding, Frame, Framer};
use crate::dialect::v2::is_postback;
use crate::json;

/// How deep a JSON text is searched for postbacks; deeper values are noise.
/// The text itself is parsed at any depth without recursion.
const MAX_SEARCH_DEPTH: usize = 128;

/// What a JSON text turned out to hold, in input order; handed out one by
/// one before the framer reads on.
#[derive(Debug)]
pub(super) enum Pending {
    Postback {
        start: usize,
        end: usize,
        /// The framer's member spans hold this object's members.
        spans: bool,
    },
    /// A postback object that breaks off: `end` is where parsing failed.
    Truncated {
        start: usize,
        end: usize,
        message: String,
    },
    Oversized {
        start: usize,
    },
    /// A string whose decoded text may hold postbacks.
    Embedded {
        start: usize,
        end: usize,
        decoded: Vec<u8>,
    },
}

/// Where the next JSON candidate in `buf[from..to]` is.
pub(super) enum Candidate {
    At(usize),
    /// A form-encoded value holding JSON (`json=%7B%22origin...`), at its `%`.
    Form(usize),
    /// A `{` whose following blanks run to the end of what is read.
    NeedMore(usize),
    None,
}

/// The first candidate in `buf[from..to]`: a `{` or `[` first on its line
/// (after spaces and tabs), or a `{` followed by blanks and `"`.
/// `input_start` says whether `buf[0]` starts the input (a line start).
pub(super) fn candidate(
    buf: &[u8],
    from: usize,
    to: usize,
    input_start: bool,
    eof: bool,
) -> Candidate {
    let mut i = from;
    while let Some(j) = memchr3(b'{', b'[', b'%', &buf[i..to]) {
        let at = i + j;
        i = at + 1;
        if buf[at] == b'%' {
            match buf.get(at..at + 6) {
                Some(six) if six.eq_ignore_ascii_case(b"%7B%22") => return Candidate::Form(at),
                None if !eof && b"%7B%22"[..buf.len() - at].eq_ignore_ascii_case(&buf[at..]) => {
                    return Candidate::NeedMore(at)
                }
                _ => continue,
            }
        }
        if first_on_line(buf, at, input_start) {
            return Candidate::At(at);
        }
        if buf[at] == b'{' {
            let next = buf[at + 1..]
                .iter()
                .position(|&b| !json::is_space(b))
                .map(|k| at + 1 + k);
            match next {
                Some(k) if buf[k] == b'"' => return Candidate::At(at),
                Some(_) => {}
                None if eof => {}
                None => return Candidate::NeedMore(at),
            }
        }
    }
    Candidate::None
}

fn first_on_line(buf: &[u8], at: usize, input_start: bool) -> bool {
    let before = buf[..at].iter().rposition(|&b| b != b' ' && b != b'\t');
    match before {
        Some(k) => buf[k] == b'\n',
        None => input_start,
    }
}

/// Whether a JSON string's text may hold a postback: an XML start tag in
/// either case (raw, escaped or percent-encoded) or a JSON object. One pass
/// for the three bytes that can start the answer, as most strings are short.
fn may_hold_postback(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    memchr::memchr3_iter(b'{', b'K', b'k', bytes).any(|at| match bytes[at] {
        b'{' => true,
        b'K' => bytes[..at].ends_with(b"OSTBAC"),
        _ => bytes[..at].ends_with(b"ostbac"),
    })
}

/// Searches the JSON value `raw` at `text[at..]` for postbacks.
fn search(text: &[u8], at: usize, raw: &str, depth: usize, max: usize, out: &mut Vec<Pending>) {
    if depth > MAX_SEARCH_DEPTH {
        return;
    }
    match raw.as_bytes().first() {
        Some(b'{') => {
            let Ok((members, end)) = json::object(text, at) else {
                return;
            };
            if is_postback(&members) {
                out.push(if end - at > max {
                    Pending::Oversized { start: at }
                } else {
                    Pending::Postback {
                        start: at,
                        end,
                        spans: false,
                    }
                });
                return;
            }
            for m in members {
                search(text, m.value_at, m.value, depth + 1, max, out);
            }
        }
        Some(b'[') => {
            let Ok(items) = json::array(text, at) else {
                return;
            };
            for (item_at, item) in items {
                search(text, item_at, item, depth + 1, max, out);
            }
        }
        Some(b'"') if may_hold_postback(raw) => out.push(Pending::Embedded {
            start: at,
            end: at + raw.len(),
            decoded: json::string(raw).into_owned().into_bytes(),
        }),
        _ => {}
    }
}

impl<R: Read> Framer<R> {
    /// Reads the JSON text that may start at the candidate `pos`; queues what
    /// it holds and moves the cursor past it, or past the candidate when it
    /// is not one.
    pub(super) fn frame_json_text(&mut self, pos: usize) {
        if self.judge_open_at_break(pos) {
            return;
        }
        let mut pos = pos;
        loop {
            // Decide on at most the size limit's worth of bytes, so that the
            // answer does not depend on how much the last read brought in.
            let window_end = self
                .end
                .min(pos.saturating_add(self.max_record).saturating_add(1));
            let full = window_end - pos > self.max_record;
            let line_end = self.first_candidate_of_line(pos, window_end);
            let bytes = &self.buf[..window_end];
            // The first object of a line, read from the line checked as
            // UTF-8 once, rather than member by member; anything else, and
            // an object that does not end on its line, is read from the bytes.
            let on_its_line = line_end
                .and_then(|line_end| std::str::from_utf8(&bytes[pos..line_end]).ok())
                .and_then(|line| json::object_str_with_spans(line, 0, &mut self.spans).ok())
                .map(|(members, end)| (is_postback(&members), pos + end));
            let parsed = if let Some(read) = on_its_line {
                Ok(read)
            } else if bytes[pos] == b'{' {
                json::object_with_spans(bytes, pos, &mut self.spans)
                    .map(|(members, end)| (is_postback(&members), end))
            } else {
                json::value(bytes, pos)
                    .map(|v| (false, pos + v.len()))
                    .map_err(|f| (Vec::new(), f))
            };
            match parsed {
                Ok((is_postback, end)) if end - pos > self.max_record => {
                    self.too_large(pos, is_postback);
                    return;
                }
                // The common case, a bare postback object: no second look.
                Ok((true, end)) => {
                    // Nothing else is pending, and nothing is parsed before
                    // this is handed out: the spans stay this object's.
                    self.pending.push_back(Pending::Postback {
                        start: pos,
                        end,
                        spans: true,
                    });
                    self.cursor = end;
                    return;
                }
                Ok((false, end)) => {
                    // Validated as JSON, so the span is UTF-8.
                    let raw = std::str::from_utf8(&self.buf[pos..end]).unwrap_or("");
                    let mut found = Vec::new();
                    search(&self.buf[..end], pos, raw, 0, self.max_record, &mut found);
                    self.pending.extend(found);
                    self.cursor = end;
                    return;
                }
                Err((members, failure)) if failure.eof && full => {
                    let is_postback = bytes[pos] == b'{' && is_postback(&members);
                    self.open_at_break
                        .record(&self.buf, self.base, pos, failure.at, "", true);
                    self.too_large(pos, is_postback);
                    return;
                }
                Err((_, failure)) if failure.eof && !self.eof => {
                    self.make_room(self.end - pos);
                    let shift = self.fill_keeping(pos);
                    pos -= shift;
                }
                Err((members, failure)) => {
                    let is_postback = bytes[pos] == b'{' && is_postback(&members);
                    self.open_at_break.record(
                        &self.buf,
                        self.base,
                        pos,
                        failure.at,
                        &failure.message,
                        false,
                    );
                    if is_postback {
                        let end = failure.at.max(pos + 1);
                        self.pending.push_back(Pending::Truncated {
                            start: pos,
                            end,
                            message: failure.message.into_owned(),
                        });
                        self.cursor = end;
                    } else {
                        self.not_json(pos);
                    }
                    return;
                }
            }
        }
    }

    /// The end of the line of the object at `pos` when it is the first
    /// candidate of that line read and the line ends before `window_end`:
    /// each line is then checked as UTF-8 at most once, however many
    /// candidates it holds.
    fn first_candidate_of_line(&mut self, pos: usize, window_end: usize) -> Option<usize> {
        let here = self.base + pos as u64;
        if self.buf[pos] != b'{' || here < self.line_read_to {
            return None;
        }
        let line_end = memchr::memchr(b'\n', &self.buf[pos..window_end]).map(|i| pos + i);
        self.line_read_to = self.base + line_end.unwrap_or(window_end) as u64;
        line_end
    }

    /// A candidate that a broken JSON text left open is judged as that text
    /// broke off, without parsing to the break again. Says whether it was one.
    fn judge_open_at_break(&mut self, pos: usize) -> bool {
        let Some(judged) = self
            .open_at_break
            .judge(&self.buf[..self.end], self.base, pos)
        else {
            return false;
        };
        let is_postback = is_postback(&judged.members);
        let (broke_at, too_large) = (judged.broke_at, judged.too_large);
        if too_large {
            self.too_large(pos, is_postback);
        } else if is_postback {
            self.pending.push_back(Pending::Truncated {
                start: pos,
                end: broke_at,
                message: self.open_at_break.message().to_string(),
            });
            self.cursor = broke_at;
        } else {
            self.not_json(pos);
        }
        true
    }

    /// A JSON text past the size limit: a postback object is reported as
    /// oversized at its `{`; anything else is text (the objects inside it are
    /// candidates of their own). Reading goes on after the candidate.
    fn too_large(&mut self, pos: usize, is_postback: bool) {
        if is_postback {
            self.pending.push_back(Pending::Oversized { start: pos });
        }
        self.not_json(pos);
    }

    /// The candidate at `pos` is ordinary text: scanning goes on after it.
    fn not_json(&mut self, pos: usize) {
        self.cursor = pos + 1;
    }

    /// The frame for something a JSON text held.
    pub(super) fn pending_frame(&mut self, pending: Pending) -> Frame<'_> {
        match pending {
            Pending::Postback { start, end, spans } => {
                let at = self.location_of(start);
                Frame::Json {
                    text: &self.buf[start..end],
                    at,
                    members: spans.then_some(&self.spans[..]),
                }
            }
            Pending::Truncated {
                start,
                end,
                message,
            } => {
                let at = self.location_of(start);
                Frame::MalformedJson {
                    text: &self.buf[start..end],
                    at,
                    message,
                }
            }
            Pending::Oversized { start } => Frame::Oversized {
                at: self.location_of(start),
                limit: self.max_record,
            },
            Pending::Embedded {
                start,
                end,
                decoded,
            } => {
                let at = self.location_of(start);
                Frame::Embedded {
                    decoded,
                    at,
                    kind: Embedding::JsonString,
                    raw: &self.buf[start..end],
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<usize> {
        match candidate(text.as_bytes(), 0, text.len(), true, true) {
            Candidate::At(i) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn strings_that_may_hold_a_postback() {
        for yes in [
            "\"<POSTBACK>\"",
            "\"\\u003cpostback\"",
            "\"x {\"",
            "\"%3CPOSTBACK\"",
            "\"KOSTBACK\"",
        ] {
            assert!(may_hold_postback(yes), "{yes}");
        }
        for no in [
            "\"\"",
            "\"OSTBAC\"",
            "\"kK\"",
            "\"POSTBAcK\"",
            "\"ostbacK\"",
        ] {
            assert!(!may_hold_postback(no), "{no}");
        }
    }

    #[test]
    fn the_largest_record_limit_reads_json_postbacks() {
        use crate::engine::{read_input, Options, Record, RecordKind, Sink};
        struct Kinds(Vec<RecordKind>);
        impl Sink for Kinds {
            fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
                self.0.push(record.kind);
                Ok(())
            }
        }
        // Every framing, at the limit a library caller may pass.
        for text in [
            "{\"origin\":\"SMS_MT\",\"code\":\"N202\"}\n",
            "<POSTBACK><CODE>N202</CODE></POSTBACK>\n",
            "msg=\"\\u003cPOSTBACK>\\u003cCODE>N202\\u003c/CODE>\\u003c/POSTBACK>\"\n",
            "xml=%3CPOSTBACK%3E%3CCODE%3EN202%3C%2FCODE%3E%3C%2FPOSTBACK%3E\n",
            "<POSTBACK><CODE>N202",
        ] {
            let mut kinds = Kinds(Vec::new());
            let options = Options::with_max_record(usize::MAX);
            read_input("t", text.as_bytes(), &options, &mut kinds).expect("reads from memory");
            assert_eq!(kinds.0.len(), 1, "{text}");
        }
    }

    #[test]
    fn candidates_start_a_line_or_open_an_object_with_a_key() {
        assert_eq!(first("{\"a\":1}"), Some(0));
        assert_eq!(first("  [1]"), Some(2));
        assert_eq!(first("INFO body={\"origin\":1}"), Some(10));
        assert_eq!(first("INFO body={ \n \"origin\":1}"), Some(10));
        assert_eq!(first("INFO [1] {a}"), None);
        assert_eq!(first("x\n\t[1]"), Some(3));
        let form = "json=%7b%22origin%22";
        assert!(matches!(
            candidate(form.as_bytes(), 0, form.len(), true, true),
            Candidate::Form(5)
        ));
    }
}
