//! The units of work handed to the workers, and the batches of records
//! copied out of the framer's buffer that most of them carry.

use std::io;
use std::ops::Range;
use std::sync::Arc;

use crate::frame::{Embedding, Frame};
use crate::input::Source;
use crate::json::MemberSpan;
use crate::location::Location;

use super::BATCH;

/// A piece of work: small files read whole, a batch of framed records, or
/// an input's outcome that only needs to keep its place in the order.
pub(super) enum Unit {
    /// Small files, read whole one after another: grouped so that the cost of
    /// handing out work does not dominate thousands of tiny files. The sum
    /// of their sizes goes with them.
    Files(Vec<Source>, u64),
    Batch(Batch),
    Note(NoteKind),
}

impl Unit {
    /// The input bytes the unit holds or will read.
    pub(super) fn bytes(&self) -> u64 {
        match self {
            Unit::Files(_, bytes) => *bytes,
            Unit::Batch(batch) => batch.data.len() as u64,
            Unit::Note(_) => 0,
        }
    }
}

pub(super) enum NoteKind {
    Read {
        bytes: u64,
    },
    Failed {
        name: String,
        error: io::Error,
        partial: bool,
    },
}

/// Records cut from a large input, copied out of the framer's buffer.
pub(super) struct Batch {
    pub(super) source: Arc<str>,
    data: Vec<u8>,
    frames: Vec<OwnedFrame>,
    /// The member spans of the v2 objects among the frames.
    spans: Vec<MemberSpan>,
    /// From a live input: its output is flushed once emitted.
    pub(super) live: bool,
}

struct OwnedFrame {
    kind: OwnedKind,
    at: Location,
    bytes: Range<usize>,
}

enum OwnedKind {
    Record,
    Unclosed,
    Oversized {
        limit: usize,
    },
    Doctype {
        has_text: bool,
    },
    Embedded {
        kind: Embedding,
    },
    BadEncoding {
        kind: Embedding,
        message: String,
    },
    /// With the range of its member spans in the batch's, when it has them.
    Json {
        members: Option<Range<usize>>,
    },
    Prefixed,
    MalformedJson {
        message: String,
    },
}

impl Batch {
    pub(super) fn new(source: Arc<str>, live: bool) -> Self {
        // A live input's batches are mostly a record or two: no room reserved.
        let room = if live { 0 } else { BATCH + BATCH / 4 };
        Batch {
            source,
            data: Vec::with_capacity(room),
            frames: Vec::new(),
            spans: Vec::new(),
            live,
        }
    }

    /// Whether no frame has been pushed yet.
    pub(super) fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub(super) fn is_full(&self) -> bool {
        // The member spans count towards the batch's size, so that a batch
        // of v2 records holds no more memory than one of XML records.
        let spans = self.spans.len() * std::mem::size_of::<MemberSpan>();
        self.data.len() + spans >= BATCH || self.frames.len() >= BATCH / 64
    }

    pub(super) fn push(&mut self, frame: Frame<'_>) {
        let (kind, at, bytes): (OwnedKind, Location, &[u8]) = match &frame {
            Frame::Record { text, at } => (OwnedKind::Record, *at, text),
            Frame::Unclosed { text, at } => (OwnedKind::Unclosed, *at, text),
            Frame::Json { text, at, members } => {
                let members = members.map(|spans| {
                    let from = self.spans.len();
                    self.spans.extend_from_slice(spans);
                    from..self.spans.len()
                });
                (OwnedKind::Json { members }, *at, text)
            }
            Frame::Prefixed { text, at } => (OwnedKind::Prefixed, *at, text),
            Frame::MalformedJson { text, at, message } => (
                OwnedKind::MalformedJson {
                    message: message.clone(),
                },
                *at,
                text,
            ),
            Frame::Oversized { at, limit } => (OwnedKind::Oversized { limit: *limit }, *at, &[]),
            Frame::Doctype { text, at } => (
                OwnedKind::Doctype {
                    has_text: text.is_some(),
                },
                *at,
                text.unwrap_or(&[]),
            ),
            Frame::Embedded {
                decoded, at, kind, ..
            } => (OwnedKind::Embedded { kind: *kind }, *at, decoded),
            Frame::BadEncoding {
                raw,
                at,
                kind,
                message,
            } => (
                OwnedKind::BadEncoding {
                    kind: *kind,
                    message: message.clone(),
                },
                *at,
                raw,
            ),
        };
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.frames.push(OwnedFrame {
            kind,
            at,
            bytes: start..self.data.len(),
        });
    }

    /// The frames again, borrowing from the batch.
    pub(super) fn frames(&self) -> impl Iterator<Item = Frame<'_>> {
        self.frames.iter().map(|f| {
            let bytes = &self.data[f.bytes.clone()];
            match &f.kind {
                OwnedKind::Record => Frame::Record {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::Unclosed => Frame::Unclosed {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::Json { members } => Frame::Json {
                    text: bytes,
                    at: f.at,
                    members: members.clone().map(|r| &self.spans[r]),
                },
                OwnedKind::Prefixed => Frame::Prefixed {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::MalformedJson { message } => Frame::MalformedJson {
                    text: bytes,
                    at: f.at,
                    message: message.clone(),
                },
                OwnedKind::Oversized { limit } => Frame::Oversized {
                    at: f.at,
                    limit: *limit,
                },
                OwnedKind::Doctype { has_text } => Frame::Doctype {
                    text: has_text.then_some(bytes),
                    at: f.at,
                },
                OwnedKind::Embedded { kind } => Frame::Embedded {
                    decoded: bytes.to_vec(),
                    at: f.at,
                    kind: *kind,
                    raw: &[],
                },
                OwnedKind::BadEncoding { kind, message } => Frame::BadEncoding {
                    raw: bytes,
                    at: f.at,
                    kind: *kind,
                    message: message.clone(),
                },
            }
        })
    }
}
