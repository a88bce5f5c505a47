//! The search for the next candidate: a postback start tag in either case,
//! encoded or namespace-prefixed, a `<!DOCTYPE`, or a JSON text.

use std::io::Read;
use std::sync::LazyLock;

use memchr::{memmem, memrchr};

use super::json_value::{self, Candidate};
use super::{Framer, NAME, OVERLAP};

// Searchers are built once: building one costs more than searching a log
// line, and a framer is made for every decoded JSON string and form value.
pub(super) static UPPER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(NAME));
pub(super) static LOWER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"postback"));
pub(super) static DOCTYPE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"<!DOCTYPE"));
/// The longest namespace prefix looked for before a `POSTBACK`.
const MAX_PREFIX: usize = 64;

/// The `<` of a start tag `<prefix:` that `before` ends with, if it does.
fn prefixed_start(before: &[u8]) -> Option<usize> {
    let colon = before.len().checked_sub(1)?;
    if before[colon] != b':' {
        return None;
    }
    let from = colon.saturating_sub(MAX_PREFIX + 1);
    let lt = from + memrchr(b'<', &before[from..colon])?;
    let prefix = &before[lt + 1..colon];
    let is_name = prefix
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && prefix
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    is_name.then_some(lt)
}

/// The first occurrence of a needle in `from..to` of the buffer, or none there.
#[derive(Debug, Clone, Copy)]
pub(super) struct NextHit {
    from: usize,
    to: usize,
    at: Option<usize>,
}

impl NextHit {
    pub(super) const UNKNOWN: NextHit = NextHit {
        from: usize::MAX,
        to: 0,
        at: None,
    };

    /// The first occurrence in `buf[from..to]`, from memory when it answers.
    pub(super) fn find(
        &mut self,
        finder: &memmem::Finder<'_>,
        buf: &[u8],
        from: usize,
        to: usize,
    ) -> Option<usize> {
        if from >= self.from {
            match self.at {
                Some(at) if at >= from && (at < to || to <= self.to) => {
                    return (at < to).then_some(at)
                }
                None if to <= self.to => return None,
                _ => {}
            }
        }
        let at = finder.find(&buf[from..to]).map(|i| from + i);
        *self = NextHit { from, to, at };
        at
    }
}

impl<R: Read> Framer<R> {
    /// Searches from the cursor for what starts first: a postback start tag
    /// (either case), a `<!DOCTYPE`, or a JSON text candidate.
    pub(super) fn find_candidate(&mut self) -> Found {
        loop {
            let (from, end) = (self.cursor, self.end);
            let upper = self.hits[0].find(self.postback, &self.buf, from, end);
            let lower = self.hits[1].find(self.lower, &self.buf, from, end);
            let hit = match (upper, lower) {
                (Some(u), Some(l)) => Some(u.min(l)),
                (u, l) => u.or(l),
            };
            let limit = hit.unwrap_or(end);
            // A DOCTYPE whose document holds postbacks comes before them; its
            // internal subset may even name POSTBACK, so it is looked for first.
            let doctype = self.hits[2].find(self.doctype, &self.buf, from, limit);
            let json_limit = doctype.unwrap_or(limit);
            let read = &self.buf[..end];
            match json_value::candidate(read, from, json_limit, self.base == 0, self.eof) {
                Candidate::At(at) => return Found::Json(at),
                Candidate::Form(at) if !self.nested => return Found::Postback(Tag::Form(at)),
                Candidate::Form(at) => {
                    self.cursor = at + 1;
                    continue;
                }
                Candidate::NeedMore(at) => {
                    self.cursor = at;
                    return Found::NeedMore;
                }
                Candidate::None => {}
            }
            if let Some(d) = doctype {
                return Found::Doctype(d);
            }
            let Some(q) = hit else {
                if self.eof {
                    self.cursor = self.end;
                    return Found::End;
                }
                self.cursor = self.end.saturating_sub(OVERLAP).max(self.cursor);
                return Found::NeedMore;
            };
            if q + NAME.len() >= self.end && !self.eof {
                self.cursor = q.saturating_sub(OVERLAP).max(self.cursor);
                return Found::NeedMore;
            }
            let after = self.buf[..self.end].get(q + NAME.len()).copied();
            let delimited = matches!(
                after,
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            );
            if q >= 1 && self.buf[q - 1] == b'<' && delimited {
                // `<postback` is the lower-case dialect's tag only in exactly that case.
                return Found::Postback(Tag::Plain(q - 1));
            }
            if delimited {
                if let Some(lt) = prefixed_start(&self.buf[..q]) {
                    return Found::Prefixed(lt);
                }
            }
            // Also in decoded text: a form body archived in a JSON string (a
            // `listen` archive line) is an encoding inside an encoding, which
            // the engine unwraps up to its depth limit (DIALECTS.md 2).
            if q >= 3 && self.buf[q - 3..q].eq_ignore_ascii_case(b"%3C") {
                return Found::Postback(Tag::Form(q - 3));
            }
            if !self.nested && q >= 6 && self.buf[q - 6..q].eq_ignore_ascii_case(b"\\u003c") {
                return Found::Postback(Tag::JsonEscaped(q - 6));
            }
            self.cursor = q + NAME.len();
        }
    }
}

pub(super) enum Found {
    Postback(Tag),
    /// The `<` of a namespace-prefixed postback start tag.
    Prefixed(usize),
    Doctype(usize),
    /// A `{` or `[` that may start a JSON text.
    Json(usize),
    NeedMore,
    End,
}

pub(super) enum Tag {
    Plain(usize),
    Form(usize),
    JsonEscaped(usize),
}
