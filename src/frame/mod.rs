//! Finds each `<POSTBACK>` in a byte stream: whole documents, concatenated
//! documents, wrappers, log lines, escaped JSON strings and form bodies.
//!
//! The framer reads in chunks into one reused buffer and hands out records as
//! slices of it, so memory stays bounded by the record size limit however
//! large the input is. Locations are counted as bytes pass, once.

use std::collections::VecDeque;
use std::io::{self, Read};

use memchr::{memchr, memmem};

use crate::json::MemberSpan;
use crate::location::Location;

mod buffer;
mod candidate;
mod doctype;
mod document;
mod form_body;
mod json_open;
mod json_string;
mod json_value;
mod kinds;
mod log_line;
mod skip;

use candidate::{Found, NextHit, Tag, DOCTYPE, LOWER, UPPER};
use doctype::DoctypeStep;
use document::{CloserMemo, OpaqueWalk};
pub use form_body::percent_decode;
use json_open::OpenAtBreak;
use json_value::Pending;
pub use kinds::{Embedding, Frame};
use log_line::{LineWalk, StringStart};
use skip::Skip;

const CHUNK: usize = 256 * 1024;
/// How far back from a `<POSTBACK` the framer can look for the start of its
/// line (to tell a JSON log line) or its encoded value.
const LOOKBEHIND: usize = 64 * 1024;
/// Bytes kept unsearched at the end of the buffer so that a needle split
/// across two reads is still found: `\u003cPOSTBACK` is the longest.
const OVERLAP: usize = 16;

const NAME: &[u8] = b"POSTBACK";
/// The most of a namespace-prefixed postback start tag kept to report it.
const PREFIXED_TAG: usize = 4096;

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
    /// What the last broken JSON text left open, judged without parsing again.
    open_at_break: OpenAtBreak,
    /// The members of the last JSON object parsed, for the reader.
    spans: Vec<MemberSpan>,
    /// Input offset up to which lines have had their first JSON candidate.
    line_read_to: u64,
    /// How much the next read should have room for, when more than a chunk.
    room: usize,
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
            open_at_break: OpenAtBreak::default(),
            spans: Vec::new(),
            line_read_to: 0,
            room: 0,
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
                        DoctypeStep::NotOne { decl_end } => {
                            self.cursor = at + 9;
                            // Postbacks in it are still looked for, but what
                            // its literals and subset hold opens no comment.
                            if let Some(end) = decl_end {
                                self.declaration_opens_nothing(at, end);
                            }
                        }
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
}
