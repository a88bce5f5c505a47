//! A document with a DOCTYPE declaration: refused whole when it holds
//! postbacks (an internal subset could redefine what they say), skipped as
//! noise otherwise.

use std::io::Read;

use memchr::{memchr, memmem};

use super::{Framer, NAME};

impl<R: Read> Framer<R> {
    /// Is the `<!DOCTYPE` at `at` the start of a document that holds postbacks?
    /// Returns where the DOCTYPE is once the buffer has moved to read more.
    pub(super) fn try_doctype(&mut self, at: usize) -> (usize, DoctypeStep) {
        let mut at = at;
        // A second DOCTYPE ends the first one's document (or shows it broken),
        // so no byte is looked at for two of them: linear however many come.
        let mut next_from = at + DOCTYPE_LEN;
        let mut next = None;
        loop {
            if next.is_none() {
                next = self
                    .doctype
                    .find(&self.buf[next_from..self.end])
                    .map(|i| next_from + i);
                next_from = self.end.saturating_sub(8).max(next_from);
            }
            // Decide on at most the size limit's worth of bytes, so the
            // answer does not depend on how much the last read brought in.
            let limit_end = at.saturating_add(self.max_record).saturating_add(1);
            let window_end = self.end.min(limit_end).min(next.unwrap_or(usize::MAX));
            let eof = (self.eof && window_end == self.end) || next == Some(window_end);
            let window = &self.buf[..window_end];
            match doctype_document(window, at, eof, self.max_record) {
                DoctypeScan::Step(step) => return (at, step),
                // Too large only once a `<!DOCTYPE` starting inside the
                // window or just at its end would have been seen whole: one
                // cut off by the end of what has been read would end the
                // document there, no later than the limit.
                DoctypeScan::NeedMore
                    if window_end - at > self.max_record
                        && (next.is_some()
                            || self.eof
                            || self.end >= limit_end.saturating_add(DOCTYPE_LEN)) =>
                {
                    // Too large to hold: skip to its root's end tag, if it is
                    // seen to hold postbacks; otherwise it is noise.
                    let step = match root_name(window, at) {
                        Some(name) if is_root_name(name) || holds_start_tag(&window[at..]) => {
                            let mut end_tag = b"</".to_vec();
                            end_tag.extend_from_slice(name);
                            // The end tag was not in the window: it starts after.
                            self.cursor = window_end + 1 - end_tag.len();
                            DoctypeStep::TooLarge { root_end: end_tag }
                        }
                        _ => not_one(window, at),
                    };
                    return (at, step);
                }
                DoctypeScan::NeedMore if self.eof => return (at, not_one(window, at)),
                DoctypeScan::NeedMore => {
                    let shift = self.fill_keeping(at);
                    at -= shift;
                    next_from -= shift;
                }
            }
        }
    }
}

/// The length of `<!DOCTYPE`.
const DOCTYPE_LEN: usize = 9;

pub(super) enum DoctypeStep {
    /// The DOCTYPE is log noise: go on after it. `decl_end` is the end of its
    /// declaration, when that ends within the bytes the answer was decided on.
    NotOne { decl_end: Option<usize> },
    /// A document holding postbacks runs from the DOCTYPE to `end`.
    Document { end: usize },
    /// Such a document, too large to hold: skip to this end tag.
    TooLarge { root_end: Vec<u8> },
}

enum DoctypeScan {
    Step(DoctypeStep),
    NeedMore,
}

/// Noise, with the end of the declaration at `at` if `window` holds it.
fn not_one(window: &[u8], at: usize) -> DoctypeStep {
    DoctypeStep::NotOne {
        decl_end: doctype_decl_end(window, at),
    }
}

/// Reads a DOCTYPE declaration (with its internal subset) at `at`, then what
/// follows it; decides whether it heads a document with postbacks.
fn doctype_document(buf: &[u8], at: usize, eof: bool, _max: usize) -> DoctypeScan {
    let Some(decl_end) = doctype_decl_end(buf, at) else {
        return if eof {
            DoctypeScan::Step(DoctypeStep::NotOne { decl_end: None })
        } else {
            DoctypeScan::NeedMore
        };
    };
    let Some(root) = prolog_root(buf, decl_end) else {
        return if eof {
            DoctypeScan::Step(DoctypeStep::NotOne {
                decl_end: Some(decl_end),
            })
        } else {
            DoctypeScan::NeedMore
        };
    };
    let Some((name_start, name_end)) = root else {
        return DoctypeScan::Step(DoctypeStep::NotOne {
            decl_end: Some(decl_end),
        });
    };
    let name = &buf[name_start..name_end];
    let mut end_tag = b"</".to_vec();
    end_tag.extend_from_slice(name);
    // A self-closing root holds nothing.
    let tag_close = match memchr(b'>', &buf[name_end..]) {
        Some(i) => name_end + i,
        None => {
            return if eof {
                DoctypeScan::Step(DoctypeStep::NotOne {
                    decl_end: Some(decl_end),
                })
            } else {
                DoctypeScan::NeedMore
            }
        }
    };
    if buf[tag_close - 1] == b'/' {
        return DoctypeScan::Step(DoctypeStep::NotOne {
            decl_end: Some(decl_end),
        });
    }
    let body_from = tag_close + 1;
    let end = match memmem::find(&buf[body_from..], &end_tag) {
        Some(i) => {
            let after = body_from + i + end_tag.len();
            match memchr(b'>', &buf[after..]) {
                Some(j) => after + j + 1,
                None if eof => buf.len(),
                None => return DoctypeScan::NeedMore,
            }
        }
        None if eof => buf.len(),
        None => return DoctypeScan::NeedMore,
    };
    let holds = is_root_name(name) || holds_start_tag(&buf[body_from..end]);
    DoctypeScan::Step(if holds {
        DoctypeStep::Document { end }
    } else {
        DoctypeStep::NotOne {
            decl_end: Some(decl_end),
        }
    })
}

/// The index just after the DOCTYPE declaration's closing `>`.
///
/// Brackets do not nest: the internal subset ends at the first `]` outside
/// quotes, comments and processing instructions (a `<![` in it opens no
/// section), so a stray `<![CDATA[` there cannot hide the declaration's end.
fn doctype_decl_end(buf: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 9;
    let mut in_subset = false;
    while let Some(&b) = buf.get(i) {
        let rest = &buf[i..];
        i = match b {
            b'"' | b'\'' => i + 1 + memchr(b, &rest[1..])? + 1,
            b'<' if in_subset && rest.starts_with(b"<!--") => {
                i + 4 + memmem::find(&rest[4..], b"-->")? + 3
            }
            b'<' if in_subset && rest.starts_with(b"<?") => {
                i + 2 + memmem::find(&rest[2..], b"?>")? + 2
            }
            b'[' if !in_subset => {
                in_subset = true;
                i + 1
            }
            b']' if in_subset => {
                in_subset = false;
                i + 1
            }
            b'>' if !in_subset => return Some(i + 1),
            _ => i + 1,
        };
    }
    None
}

/// After the DOCTYPE: skips white space, comments and processing
/// instructions. `Some(Some(name))` when an element starts next,
/// `Some(None)` when something else does, `None` when more input is needed.
#[allow(clippy::type_complexity)]
fn prolog_root(buf: &[u8], from: usize) -> Option<Option<(usize, usize)>> {
    let mut i = from;
    loop {
        while i < buf.len() && matches!(buf[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let rest = &buf[i..];
        if rest.len() < 4 {
            return None;
        }
        if rest.starts_with(b"<!--") {
            i += 4 + memmem::find(&rest[4..], b"-->")? + 3;
        } else if rest.starts_with(b"<?") {
            i += 2 + memmem::find(&rest[2..], b"?>")? + 2;
        } else if rest[0] == b'<' && (rest[1].is_ascii_alphabetic() || rest[1] == b'_') {
            let len = rest[1..]
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))?;
            return Some(Some((i + 1, i + 1 + len)));
        } else {
            return Some(None);
        }
    }
}

/// The root element's name after a DOCTYPE, if it can be seen.
fn root_name(buf: &[u8], at: usize) -> Option<&[u8]> {
    let decl_end = doctype_decl_end(buf, at)?;
    let (s, e) = prolog_root(buf, decl_end)??;
    Some(&buf[s..e])
}

fn is_root_name(name: &[u8]) -> bool {
    name == NAME || name == b"postback"
}

/// Whether `text` holds a postback start tag of either XML dialect.
fn holds_start_tag(text: &[u8]) -> bool {
    memmem::find(text, b"<POSTBACK").is_some() || memmem::find(text, b"<postback").is_some()
}

#[cfg(test)]
mod tests {
    use crate::engine::{read_input, Options, Record, RecordKind, Sink};
    use std::io;

    struct Kinds(Vec<RecordKind>);

    impl Sink for Kinds {
        fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
            self.0.push(record.kind);
            Ok(())
        }
    }

    #[test]
    fn the_largest_record_limit_still_refuses_a_doctype_document() {
        let doc =
            b"<!DOCTYPE POSTBACK [<!ENTITY x \"y\">]><POSTBACK><ORIGIN>&x;</ORIGIN></POSTBACK>";
        for (limit, pieces) in [(usize::MAX, 1), (usize::MAX, 7), (usize::MAX - 9, 1)] {
            let mut kinds = Kinds(Vec::new());
            let options = Options::with_max_record(limit);
            let reader = io::Read::chain(&doc[..doc.len() / pieces], &doc[doc.len() / pieces..]);
            read_input("t", reader, &options, &mut kinds).expect("reads from memory");
            assert_eq!(kinds.0, [RecordKind::Doctype], "limit {limit}");
        }
    }
}
