//! Finds each `<POSTBACK>` in a byte stream: whole documents, concatenated
//! documents, wrappers, log lines, escaped JSON strings and form bodies.
//!
//! The framer reads in chunks into one reused buffer and hands out records as
//! slices of it, so memory stays bounded by the record size limit however
//! large the input is. Locations are counted as bytes pass, once.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::LazyLock;

use memchr::{memchr, memmem, memrchr};

use crate::location::Location;

mod doctype;
mod document;
mod form_body;
mod json_string;
mod json_value;
mod log_line;

use doctype::DoctypeStep;
use document::{CloserMemo, EndScan, OpaqueWalk, ScanResult};
pub use form_body::percent_decode;
use json_value::{Candidate, Pending};
use log_line::{LineWalk, StringStart};

/// One thing the framer found.
#[derive(Debug)]
pub enum Frame<'b> {
    /// A complete `<POSTBACK ...>...</POSTBACK>` (or `<POSTBACK/>`).
    Record { text: &'b [u8], at: Location },
    /// A `<POSTBACK` whose end never came: the next record started first, or
    /// the input ended. `text` runs up to that point.
    Unclosed { text: &'b [u8], at: Location },
    /// A record past the size limit: reported, skipped, never held.
    Oversized { at: Location, limit: usize },
    /// A document with a DOCTYPE holding postbacks: refused whole. `text` is
    /// the document when it fit under the size limit.
    Doctype {
        text: Option<&'b [u8]>,
        at: Location,
    },
    /// A postback carried in a JSON string or a form-encoded value, decoded.
    /// Its records are framed from `decoded`; findings point at `at`.
    Embedded {
        decoded: Vec<u8>,
        at: Location,
        kind: Embedding,
        /// Raw encoded text, for `--rejects` when it cannot be decoded.
        raw: &'b [u8],
    },
    /// A v2 postback object, from its `{` to its `}`.
    Json { text: &'b [u8], at: Location },
    /// A v2 postback object that breaks off; `text` runs to where parsing failed.
    MalformedJson {
        text: &'b [u8],
        at: Location,
        message: String,
    },
    /// A namespace-prefixed postback start tag (`<sky:POSTBACK ...>`): not
    /// read as a postback, but reported. `text` is the start tag (cut at 4 KiB).
    Prefixed { text: &'b [u8], at: Location },
    /// An encoded value that holds a postback but does not decode.
    BadEncoding {
        raw: &'b [u8],
        at: Location,
        kind: Embedding,
        message: String,
    },
}

/// How an embedded postback was carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    JsonString,
    FormValue,
}

impl Embedding {
    pub fn describe(self) -> &'static str {
        match self {
            Embedding::JsonString => "JSON string",
            Embedding::FormValue => "form value",
        }
    }
}

const CHUNK: usize = 256 * 1024;
/// How far back from a `<POSTBACK` the framer can look for the start of its
/// line (to tell a JSON log line) or its encoded value.
const LOOKBEHIND: usize = 64 * 1024;
/// Bytes kept unsearched at the end of the buffer so that a needle split
/// across two reads is still found: `\u003cPOSTBACK` is the longest.
const OVERLAP: usize = 16;

const NAME: &[u8] = b"POSTBACK";

// Searchers are built once: building one costs more than searching a log
// line, and a framer is made for every decoded JSON string and form value.
static UPPER: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(NAME));
static LOWER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"postback"));
static DOCTYPE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"<!DOCTYPE"));
/// The most of a namespace-prefixed postback start tag kept to report it.
const PREFIXED_TAG: usize = 4096;
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

/// What the framer is skipping after reporting an oversized record or document.
#[derive(Debug)]
enum Skip {
    Record(EndScan),
    /// Until this end tag (a DOCTYPE document's root).
    Until(Vec<u8>),
    /// Until the `>` that closes that end tag.
    UntilClose,
    JsonString {
        escaped: bool,
    },
    FormValue {
        quoted: Option<u8>,
    },
}

pub struct Framer<R> {
    src: R,
    buf: Vec<u8>,
    end: usize,
    /// Input offset of `buf[0]`.
    base: u64,
    /// Where the next search starts.
    cursor: usize,
    /// `loc` is the location of `buf[tracked]`.
    tracked: usize,
    loc: Location,
    eof: bool,
    error: Option<io::Error>,
    skip: Option<Skip>,
    max_record: usize,
    /// How much free room a read gets: less than a full chunk for a small
    /// file, so that thousands of small files do not each zero 256 KiB.
    chunk: usize,
    /// Inside decoded text: no further JSON or form decoding.
    nested: bool,
    postback: &'static memmem::Finder<'static>,
    /// The lower-case dialect's `postback`.
    lower: &'static memmem::Finder<'static>,
    doctype: &'static memmem::Finder<'static>,
    /// Input offset where the last frame handed out ended: no look-behind
    /// reaches before it, so no record is framed twice.
    emitted: u64,
    /// The next `POSTBACK` found at or after `hit_from` (input offsets), or
    /// the scan is sent back (a DOCTYPE in noise, say).
    line: LineWalk,
    opaque: OpaqueWalk,
    closers: CloserMemo,
    /// Where each needle was last found (upper, lower, DOCTYPE), so that a
    /// needle absent from the rest of the buffer is not searched for again
    /// at every record of another kind.
    hits: [NextHit; 3],
    /// What the last JSON text held, handed out before reading on.
    pending: VecDeque<Pending>,
}

/// The first occurrence of a needle in `from..to` of the buffer, or none there.
#[derive(Debug, Clone, Copy)]
struct NextHit {
    from: usize,
    to: usize,
    at: Option<usize>,
}

impl NextHit {
    const UNKNOWN: NextHit = NextHit {
        from: usize::MAX,
        to: 0,
        at: None,
    };

    /// The first occurrence in `buf[from..to]`, from memory when it answers.
    fn find(
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

impl Framer<io::Empty> {
    /// A framer over decoded text already in memory (a JSON string or form
    /// value), which is not decoded again.
    pub fn decoded(text: Vec<u8>, max_record: usize) -> Self {
        let mut framer = Framer::new(io::empty(), max_record);
        framer.end = text.len();
        framer.buf = text;
        framer.eof = true;
        framer.nested = true;
        framer
    }
}

impl<R: Read> Framer<R> {
    pub fn new(src: R, max_record: usize) -> Self {
        Framer {
            src,
            buf: Vec::new(),
            end: 0,
            base: 0,
            cursor: 0,
            tracked: 0,
            loc: Location::START,
            eof: false,
            error: None,
            skip: None,
            max_record: max_record.max(64),
            chunk: CHUNK,
            nested: false,
            postback: &UPPER,
            lower: &LOWER,
            doctype: &DOCTYPE,
            emitted: 0,
            line: LineWalk::default(),
            opaque: OpaqueWalk::default(),
            closers: CloserMemo::default(),
            hits: [NextHit::UNKNOWN; 3],
            pending: VecDeque::new(),
        }
    }

    /// Sizes the first reads for an input of about `bytes` bytes.
    pub fn size_hint(mut self, bytes: u64) -> Self {
        // At most a chunk, so the power of two cannot overflow.
        let wanted = bytes.min(CHUNK as u64) as usize + 1;
        self.chunk = wanted.next_power_of_two().clamp(4096, CHUNK);
        self
    }

    /// The read error that ended the input early, if any. What came before it
    /// has been framed; the caller reports the input as failed.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Bytes of input consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.base + self.end as u64
    }

    /// The next frame, or `None` at the end of the input.
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        self.emitted = self.base + self.cursor as u64;
        loop {
            if let Some(pending) = self.pending.pop_front() {
                return Some(self.pending_frame(pending));
            }
            if let Some(skip) = self.skip.take() {
                if !self.skip_on(skip) {
                    return None;
                }
                self.emitted = self.base + self.cursor as u64;
                continue;
            }
            match self.find_candidate() {
                Found::Postback(Tag::Plain(mut ts)) => {
                    // A postback inside a comment or CDATA section is text.
                    if let Some(after) = self.hidden_in_markup(&mut ts, false) {
                        self.cursor = after;
                        continue;
                    }
                    return self.frame_plain(ts);
                }
                Found::Postback(Tag::Form(ts)) => return self.frame_form(ts),
                Found::Postback(Tag::JsonEscaped(ts)) => match self.json_string_start(ts, true) {
                    StringStart::At(quote) => return self.frame_json(quote),
                    StringStart::TooFarBack => return Some(self.string_too_long(ts)),
                    // In no string after all: noise. Searching on here, not by
                    // recursion, so a run of such lines cannot exhaust the stack.
                    StringStart::None => self.cursor = ts + 6 + NAME.len(),
                },
                Found::Doctype(at) => {
                    // Reading on may move the buffer: `at` comes back moved with it.
                    let (at, step) = self.try_doctype(at);
                    match step {
                        DoctypeStep::NotOne => self.cursor = at + 9,
                        DoctypeStep::Document { end } => {
                            let loc = self.location_of(at);
                            self.cursor = end;
                            let text = (end - at <= self.max_record).then(|| &self.buf[at..end]);
                            return Some(Frame::Doctype { text, at: loc });
                        }
                        DoctypeStep::TooLarge { root_end } => {
                            let loc = self.location_of(at);
                            self.skip = Some(Skip::Until(root_end));
                            return Some(Frame::Doctype {
                                text: None,
                                at: loc,
                            });
                        }
                    }
                }
                Found::Prefixed(mut lt) => {
                    if let Some(after) = self.hidden_in_markup(&mut lt, true) {
                        self.cursor = after;
                        continue;
                    }
                    // Name and colon lie between the `<` and `POSTBACK`.
                    let name = lt + memchr(b':', &self.buf[lt..self.end]).unwrap_or(0) + 1;
                    self.cursor = name + NAME.len();
                    let view = &self.buf[lt..self.end.min(lt.saturating_add(PREFIXED_TAG))];
                    let len = memchr(b'>', view).map_or(view.len(), |i| i + 1);
                    let at = self.location_of(lt);
                    return Some(Frame::Prefixed {
                        text: &self.buf[lt..lt + len],
                        at,
                    });
                }
                Found::Json(at) => self.frame_json_text(at),
                Found::NeedMore => {
                    self.fill_keeping(self.cursor);
                }
                Found::End => return None,
            }
        }
    }

    /// Searches from the cursor for what starts first: a postback start tag
    /// (either case), a `<!DOCTYPE`, or a JSON text candidate.
    fn find_candidate(&mut self) -> Found {
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

    /// The buffer index of where the last frame ended (0 once dropped).
    fn emitted_index(&self) -> usize {
        self.emitted.saturating_sub(self.base) as usize
    }

    /// A postback in a JSON string that began further back than the buffer
    /// holds: the string is over the size limit.
    fn string_too_long(&mut self, ts: usize) -> Frame<'static> {
        let skip = Skip::JsonString { escaped: false };
        self.oversized(ts, ts + 1, Some(skip))
    }

    /// Reports what starts at `start` as oversized. Reading goes on at
    /// `resume`, first skipping as `skip` says when its end is not read yet.
    fn oversized(&mut self, start: usize, resume: usize, skip: Option<Skip>) -> Frame<'static> {
        let at = self.location_of(start);
        self.cursor = resume;
        self.skip = skip;
        Frame::Oversized {
            at,
            limit: self.max_record,
        }
    }

    /// Skips on after an oversized record; false at the end of the input.
    fn skip_on(&mut self, skip: Skip) -> bool {
        let mut skip = skip;
        loop {
            let done = match &mut skip {
                Skip::Record(scan) => match scan.run(
                    &self.buf[..self.end],
                    self.eof,
                    self.base,
                    &mut self.closers,
                ) {
                    ScanResult::End(e) => Some(e),
                    ScanResult::Break(b) => Some(b),
                    ScanResult::NeedMore => {
                        scan.pos = scan.pos.min(self.end);
                        None
                    }
                },
                Skip::Until(tag) => {
                    let hay = &self.buf[self.cursor..self.end];
                    match memmem::find(hay, tag) {
                        Some(i) => {
                            // Its `>` may not be read yet: look for it next.
                            self.cursor += i + tag.len();
                            skip = Skip::UntilClose;
                            continue;
                        }
                        None => {
                            self.cursor = self.end.saturating_sub(tag.len()).max(self.cursor);
                            None
                        }
                    }
                }
                // As for a document that fits, its end is that `>`, or the
                // end of the input.
                Skip::UntilClose => match memchr(b'>', &self.buf[self.cursor..self.end]) {
                    Some(j) => Some(self.cursor + j + 1),
                    None => {
                        self.cursor = self.end;
                        None
                    }
                },
                Skip::JsonString { escaped } => self.skip_json_string(escaped),
                Skip::FormValue { quoted } => self.skip_form_value(*quoted),
            };
            if let Some(end) = done {
                self.cursor = end;
                return true;
            }
            if self.eof {
                self.cursor = self.end;
                return false;
            }
            if let Skip::Record(scan) = &skip {
                self.cursor = scan.pos;
            }
            let shift = self.fill_keeping(self.cursor);
            if let Skip::Record(scan) = &mut skip {
                scan.shift(shift);
            }
        }
    }

    /// The location of `buf[i]`, counting the bytes since the last location.
    fn location_of(&mut self, i: usize) -> Location {
        if i >= self.tracked {
            self.loc.advance(&self.buf[self.tracked..i]);
            self.tracked = i;
            self.loc
        } else {
            // Only reached when looking back (e.g. a JSON string's quote before
            // a record start already counted): recount from the line start.
            self.loc_before(i)
        }
    }

    fn loc_before(&self, i: usize) -> Location {
        let back = &self.buf[i..self.tracked];
        let newlines = memchr::memchr_iter(b'\n', back).count() as u64;
        let mut loc = self.loc;
        loc.offset -= back.len() as u64;
        if newlines == 0 {
            loc.column -= back.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64;
        } else {
            loc.line -= newlines;
            let line_start = memrchr(b'\n', &self.buf[..i]).map_or(0, |p| p + 1);
            loc.column = 1 + self.buf[line_start..i]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count() as u64;
        }
        loc
    }

    /// Reads more input, keeping `buf[keep - LOOKBEHIND..]`; returns how far
    /// indexes moved left.
    fn fill_keeping(&mut self, keep: usize) -> usize {
        let mut drop = keep.saturating_sub(LOOKBEHIND).min(self.cursor).min(keep);
        if !self.nested {
            // A JSON string open there may hold a postback further on: it is
            // kept (up to the size limit) so that it can be framed whole.
            if let Some(q) = self.open_string(drop) {
                if keep - q <= self.max_record {
                    drop = q;
                }
            }
        }
        // A BOM takes no column only when counted whole: never count past
        // part of the input's first three bytes.
        if self.base == 0 && drop < 3 {
            drop = 0;
        }
        self.hits = [NextHit::UNKNOWN; 3];
        let shift = if drop > 0 {
            if self.tracked < drop {
                self.loc.advance(&self.buf[self.tracked..drop]);
                self.tracked = drop;
            }
            self.buf.copy_within(drop..self.end, 0);
            self.end -= drop;
            self.cursor -= drop;
            self.tracked -= drop;
            self.base += drop as u64;
            drop
        } else {
            0
        };
        if self.end + self.chunk > self.buf.len() {
            let want = (self.end + self.chunk).max(self.buf.len() * 2);
            self.buf.resize(want, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.end += n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                    break;
                }
            }
        }
        shift
    }
}

enum Found {
    Postback(Tag),
    /// The `<` of a namespace-prefixed postback start tag.
    Prefixed(usize),
    Doctype(usize),
    /// A `{` or `[` that may start a JSON text.
    Json(usize),
    NeedMore,
    End,
}

enum Tag {
    Plain(usize),
    Form(usize),
    JsonEscaped(usize),
}
