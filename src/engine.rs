//! Ties framing, parsing and checking together: every record of an input,
//! with its located findings, is pushed into a [`Sink`]. The engine never prints.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;

use crate::check::check;
use crate::dialect::Dialect;
use crate::finding::{Finding, Rule, Severity};
use crate::frame::{Embedding, Frame, Framer};
use crate::location::Location;
use crate::postback::{parse, Postback};

/// The default `--max-record-size`: 1 MiB.
pub const DEFAULT_MAX_RECORD: usize = 1024 * 1024;

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// A record larger than this is reported as `oversized-record` and skipped.
    pub max_record: usize,
    /// Counts the bytes read from files and stdin (before gunzip), for progress.
    pub read_bytes: Option<Arc<AtomicU64>>,
    /// Check well-formed postbacks against the rules. Off when only
    /// well-formedness matters (convert without `--valid-only`), which
    /// saves about an eighth of the work.
    pub check: bool,
    /// Read only records of this dialect (`--dialect`); the others are text.
    pub dialect: Option<Dialect>,
    /// Raised (by a Ctrl-C handler) to end the run early: what was read so
    /// far is still processed and reported.
    pub stop: Option<Arc<AtomicBool>>,
}

impl Options {
    /// Default options with another record size limit.
    pub fn with_max_record(max_record: usize) -> Self {
        Options {
            max_record,
            ..Options::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_record: DEFAULT_MAX_RECORD,
            read_bytes: None,
            check: true,
            dialect: None,
            stop: None,
        }
    }
}

/// A finding placed in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub finding: Finding,
    /// Where it points in the input (for an embedded postback: the encoded value's start).
    pub location: Location,
    /// Where it points inside the record text, from the record's start.
    pub in_record: usize,
}

/// What a record turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Well-formed and parsed; `postback` is set.
    Postback,
    /// Not well-formed (or cut off, or an undecodable embedding).
    Malformed,
    /// Larger than the record size limit: skipped unread.
    Oversized,
    /// A document with a DOCTYPE: refused whole.
    Doctype,
    /// A namespace-prefixed postback element (`<sky:POSTBACK>`): not read.
    Prefixed,
}

/// One record found in an input, parsed and checked.
#[derive(Debug)]
pub struct Record<'a> {
    /// The input's name: a path, or `<stdin>`.
    pub source: &'a str,
    /// Where the record starts (for an embedded one, where its encoded value starts).
    pub at: Location,
    /// How the record was carried, when it was decoded out of a JSON string or form body.
    pub embedding: Option<Embedding>,
    /// Where the record starts inside the decoded text, for an embedded one.
    pub decoded_at: Option<Location>,
    pub kind: RecordKind,
    /// The record's text as read (decoded, for an embedded one); empty when oversized.
    pub text: &'a [u8],
    pub postback: Option<Postback<'a>>,
    /// Findings in the order they point into the record.
    pub findings: Vec<Located>,
}

impl Record<'_> {
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.finding.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.finding.severity == Severity::Warning)
    }

    /// The postback's code (CODE, or STATUSCODE for pass postbacks).
    pub fn code(&self) -> Option<&str> {
        self.postback.as_ref().and_then(Postback::code)
    }

    /// How many postbacks the record stands for: one, except for a DOCTYPE
    /// document, refused whole, which counts each postback start tag it holds
    /// (at least one; a document too large to hold counts as one).
    pub fn postbacks(&self) -> u64 {
        if self.kind != RecordKind::Doctype {
            return 1;
        }
        let starts = |needle: &[u8]| {
            memchr::memmem::find_iter(self.text, needle)
                .filter(|&i| {
                    let after = self.text.get(i + needle.len());
                    matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
                })
                .count() as u64
        };
        (starts(b"<POSTBACK") + starts(b"<postback")).max(1)
    }

    /// The dialect of a parsed postback; `None` for a record that could not be read.
    pub fn dialect(&self) -> Option<crate::dialect::Dialect> {
        self.postback.as_ref().map(Postback::dialect)
    }
}

/// Receives each record as it is read. An error stops the run (a closed
/// pipe, a full disk): it is about the output, not the input.
pub trait Sink {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()>;
}

/// Why reading an input stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The input could not be read to its end; what came before was processed.
    Input(io::Error),
    /// The sink failed: stop everything.
    Output(io::Error),
}

/// Reads every record of one input into `sink`. Returns the bytes read.
pub fn read_input<R: Read, S: Sink + ?Sized>(
    source: &str,
    reader: R,
    options: &Options,
    sink: &mut S,
) -> Result<u64, Stop> {
    let mut framer = Framer::new(reader, options.max_record);
    while let Some(frame) = framer.next_frame() {
        each_record(source, frame, options, &mut |record| sink.record(record))
            .map_err(Stop::Output)?;
    }
    match framer.take_error() {
        Some(err) => Err(Stop::Input(err)),
        None => Ok(framer.bytes_read()),
    }
}

/// Parses and checks the records of one frame (several for an embedding
/// that holds a wrapper) and hands each to `f`.
pub fn each_record(
    source: &str,
    frame: Frame<'_>,
    options: &Options,
    f: &mut dyn FnMut(&Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    match frame {
        Frame::Embedded {
            decoded, at, kind, ..
        } => embedded(source, decoded, at, kind, 1, options, f),
        frame if !wanted(&frame, options) => Ok(()),
        frame => f(&record_of(source, frame, options.check)),
    }
}

/// Whether `--dialect` lets this frame through: a record of another dialect
/// is text. Frames whose dialect is unknown (oversized, undecodable) pass.
fn wanted(frame: &Frame<'_>, options: &Options) -> bool {
    let Some(only) = options.dialect else {
        return true;
    };
    let dialect = match frame {
        Frame::Record { text, .. } | Frame::Unclosed { text, .. } => {
            if text.get(1) == Some(&b'p') {
                Dialect::Lower
            } else {
                Dialect::V1
            }
        }
        Frame::Json { .. } | Frame::MalformedJson { .. } => Dialect::V2,
        _ => return true,
    };
    dialect == only
}

/// How many encodings deep postbacks are looked for (DIALECTS.md 2): a
/// JSON string inside a JSON string inside ... Deeper ones are text.
const MAX_ENCODING_DEPTH: usize = 64;

/// The records of decoded text, all placed at the outermost encoded value.
fn embedded(
    source: &str,
    decoded: Vec<u8>,
    at: Location,
    kind: Embedding,
    depth: usize,
    options: &Options,
    f: &mut dyn FnMut(&Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut inner = Framer::decoded(decoded, options.max_record);
    while let Some(frame) = inner.next_frame() {
        if let Frame::Embedded { decoded, .. } = frame {
            if depth < MAX_ENCODING_DEPTH {
                embedded(source, decoded, at, kind, depth + 1, options, f)?;
            }
            continue;
        }
        if !wanted(&frame, options) {
            continue;
        }
        let mut record = record_of(source, frame, options.check);
        embed(&mut record, at, kind);
        f(&record)?;
    }
    Ok(())
}

/// Parses and checks a frame that is not itself an embedding.
fn record_of<'a>(source: &'a str, frame: Frame<'a>, check_rules: bool) -> Record<'a> {
    let (kind, text, at, postback, findings) = match frame {
        Frame::Record { text, at } => match utf8(text) {
            Err(err) => {
                let bad = text[err.valid_up_to()];
                let finding = Finding::new(
                    Rule::MalformedXml,
                    err.valid_up_to(),
                    format!("byte 0x{bad:02X} is not UTF-8"),
                )
                .help("postbacks are UTF-8; re-encode the capture or check it is not binary");
                (RecordKind::Malformed, text, at, None, vec![finding])
            }
            Ok(xml) => match parse(xml) {
                Ok(postback) => {
                    let mut findings = Vec::new();
                    if check_rules {
                        check(&postback, &mut findings);
                    }
                    (RecordKind::Postback, text, at, Some(postback), findings)
                }
                Err(finding) => (RecordKind::Malformed, text, at, None, vec![finding]),
            },
        },
        Frame::Unclosed { text, at } => {
            let name = if text.get(1) == Some(&b'p') {
                "postback"
            } else {
                "POSTBACK"
            };
            let finding = Finding::new(Rule::MalformedXml, 0, format!("<{name}> is never closed"))
                .help(format!(
                    "the record breaks off before </{name}>: the capture may be truncated"
                ));
            (RecordKind::Malformed, text, at, None, vec![finding])
        }
        Frame::Json { text, at, members } => {
            // The framer hands out only JSON it has parsed, so this is UTF-8.
            let json = std::str::from_utf8(text).unwrap_or("");
            match crate::dialect::v2::read_with(json, members) {
                Ok(postback) => {
                    let mut findings = Vec::new();
                    if check_rules {
                        check(&postback, &mut findings);
                    }
                    (RecordKind::Postback, text, at, Some(postback), findings)
                }
                Err(finding) => (RecordKind::Malformed, text, at, None, vec![finding]),
            }
        }
        Frame::MalformedJson { text, at, message } => {
            let finding = Finding::new(
                Rule::MalformedJson,
                0,
                format!("the JSON postback breaks off: {message}"),
            )
            .help("the object never closes: the log line or body may be cut off");
            (RecordKind::Malformed, text, at, None, vec![finding])
        }
        Frame::Oversized { at, limit } => {
            let finding = Finding::new(
                Rule::OversizedRecord,
                0,
                format!(
                    "record is larger than {} and was skipped",
                    human_bytes(limit)
                ),
            )
            .help("raise the limit with --max-record-size if such records are expected");
            (RecordKind::Oversized, &[][..], at, None, vec![finding])
        }
        Frame::Doctype { text, at } => {
            let finding = Finding::new(
                Rule::Doctype,
                0,
                "document has a DOCTYPE: refused, its entities neither expanded nor fetched",
            )
            .help("postbacks never carry a DOCTYPE; remove it if the capture is trusted");
            (
                RecordKind::Doctype,
                text.unwrap_or(&[]),
                at,
                None,
                vec![finding],
            )
        }
        Frame::Prefixed { text, at } => {
            let tag = String::from_utf8_lossy(text);
            let name: String = tag
                .chars()
                .skip(1)
                .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/'))
                .collect();
            let finding = Finding::new(
                Rule::PrefixedPostback,
                0,
                format!("<{name}> is a postback element with a namespace prefix: not read as a postback"),
            )
            .help("postbacks are read from <POSTBACK> or <postback> without a prefix; remove the prefix to read this one");
            (RecordKind::Prefixed, text, at, None, vec![finding])
        }
        Frame::BadEncoding {
            raw, at, message, ..
        } => {
            let finding = Finding::new(Rule::MalformedXml, 0, message);
            (RecordKind::Malformed, raw, at, None, vec![finding])
        }
        Frame::Embedded { raw, at, .. } => {
            // Embeddings are unwrapped by the caller; one inside decoded text is not decoded again.
            let finding = Finding::new(Rule::MalformedXml, 0, "a postback encoded twice");
            (RecordKind::Malformed, raw, at, None, vec![finding])
        }
    };
    // Findings come sorted by position, so one pass over the record places
    // them all (a record with thousands of findings stays linear).
    let mut place = (at, 0usize);
    let findings = findings
        .into_iter()
        .map(|finding| {
            let target = finding.at.min(text.len());
            if target < place.1 {
                place = (at, 0);
            }
            place.0.advance(&text[place.1..target]);
            place.1 = target;
            Located {
                location: place.0,
                in_record: finding.at,
                finding,
            }
        })
        .collect();
    Record {
        source,
        at,
        embedding: None,
        decoded_at: None,
        kind,
        text,
        postback,
        findings,
    }
}

/// A record's text as UTF-8, validated once with SIMD; the standard check
/// runs only on a failure, to say where.
fn utf8(text: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(text).or_else(|_| std::str::from_utf8(text))
}

/// Places a record found inside decoded text at the encoded value's start.
fn embed(record: &mut Record<'_>, value_at: Location, kind: Embedding) {
    let inner = record.at;
    record.decoded_at = Some(inner);
    record.at = value_at;
    record.embedding = Some(kind);
    for located in &mut record.findings {
        let pos = located.location;
        located.location = value_at;
        located.finding.message.push_str(&format!(
            " (line {}, column {} of the decoded {})",
            pos.line,
            pos.column,
            kind.describe()
        ));
    }
}

fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}
