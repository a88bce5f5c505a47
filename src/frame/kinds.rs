//! What the framer hands out: the frames, and how an embedded postback was carried.

use crate::json::MemberSpan;
use crate::location::Location;

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
    /// A v2 postback object, from its `{` to its `}`. `members` are its
    /// members' places when the framer has them from reading it.
    Json {
        text: &'b [u8],
        at: Location,
        members: Option<&'b [MemberSpan]>,
    },
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
