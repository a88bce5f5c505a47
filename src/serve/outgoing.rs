//! What `replay` sends: the requests of a `listen` archive as received, or
//! the postbacks of any other capture, each as the chosen kind of body.

use std::collections::HashSet;
use std::io::{self, BufRead};

use base64::Engine;

use crate::dialect::Dialect;
use crate::engine::{read_input, Options, Record, RecordKind, Sink};
use crate::frame::Embedding;

/// How each postback is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAs {
    /// As captured: an archived request exactly; a form value as a form body;
    /// anything else as the postback's own text.
    Original,
    /// The postback's text (XML as `text/xml`, v2 JSON as `application/json`).
    Xml,
    /// `xml=<percent-encoded XML>` (`json=` for a v2 postback).
    Form,
    /// `{"xml": "<XML>"}`; a v2 postback as itself.
    Json,
}

/// One request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    /// Where it came from: `PATH:LINE:COLUMN CODE`.
    pub label: String,
}

/// What an input held besides the requests sent.
#[derive(Debug, Default, Clone, Copy)]
pub struct Skipped {
    /// Records with no text to send (oversized ones are never held in memory),
    /// and archive lines that do not parse.
    pub unreadable: u64,
}

/// A `listen` archive line starts so (its members are written in this order).
const ARCHIVE_LINE: &[u8] = b"{\"received_at\":";
const FORWARD_FAILED_LINE: &[u8] = b"{\"forward_failed_at\":";

/// Whether an input is a `listen` archive, from its first bytes.
pub fn is_archive<R: BufRead>(reader: &mut R) -> io::Result<bool> {
    let head = reader.fill_buf()?;
    Ok(head.starts_with(ARCHIVE_LINE) || head.starts_with(FORWARD_FAILED_LINE))
}

/// The ids of the requests whose forward failed, from an archive.
pub fn failed_forwards<R: BufRead>(reader: R) -> io::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    for line in reader.split(b'\n') {
        let line = line?;
        if !line.starts_with(FORWARD_FAILED_LINE) {
            continue;
        }
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&line) {
            if let Some(id) = value["id"].as_str() {
                ids.insert(id.to_string());
            }
        }
    }
    Ok(ids)
}

/// Reads the requests of an archive, line by line (memory does not grow with
/// the archive); `only` keeps the requests with these ids. `emit` returns
/// false to stop.
pub fn archive_requests<R: BufRead>(
    source: &str,
    reader: R,
    send_as: SendAs,
    only: Option<&HashSet<String>>,
    max_record: usize,
    emit: &mut dyn FnMut(Outgoing) -> bool,
) -> io::Result<Skipped> {
    let mut skipped = Skipped::default();
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line?;
        if !line.starts_with(ARCHIVE_LINE) {
            continue;
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&line) else {
            skipped.unreadable += 1;
            continue;
        };
        if only.is_some_and(|ids| !value["id"].as_str().is_some_and(|id| ids.contains(id))) {
            continue;
        }
        let body = match (&value["body"], &value["body_base64"]) {
            (serde_json::Value::String(body), _) => body.clone().into_bytes(),
            (_, serde_json::Value::String(encoded)) => {
                match base64::engine::general_purpose::STANDARD.decode(encoded) {
                    Ok(body) => body,
                    Err(_) => {
                        skipped.unreadable += 1;
                        continue;
                    }
                }
            }
            _ => {
                skipped.unreadable += 1;
                continue;
            }
        };
        let label = format!("{source}:{}", i + 1);
        if send_as == SendAs::Original {
            let content_type = value["content_type"].as_str().map(str::to_string);
            if !emit(Outgoing {
                body,
                content_type,
                label,
            }) {
                break;
            }
            continue;
        }
        let mut stopped = false;
        let found = postbacks(
            &label,
            body.as_slice(),
            send_as,
            max_record,
            &mut |outgoing| {
                let go_on = emit(outgoing);
                stopped |= !go_on;
                go_on
            },
        )?;
        skipped.unreadable += found.unreadable;
        if stopped {
            break;
        }
    }
    Ok(skipped)
}

/// Reads the postbacks of any capture, each as one request.
pub fn postbacks<R: io::Read>(
    source: &str,
    reader: R,
    send_as: SendAs,
    max_record: usize,
    emit: &mut dyn FnMut(Outgoing) -> bool,
) -> io::Result<Skipped> {
    let mut sink = Emit {
        send_as,
        emit,
        skipped: Skipped::default(),
        stopped: false,
    };
    let options = Options {
        check: false,
        ..Options::with_max_record(max_record)
    };
    match read_input(source, reader, &options, &mut sink) {
        Ok(_) => Ok(sink.skipped),
        Err(crate::engine::Stop::Input(err)) => Err(err),
        // The sink stops the run only to end it early.
        Err(crate::engine::Stop::Output(_)) => Ok(sink.skipped),
    }
}

struct Emit<'e> {
    send_as: SendAs,
    emit: &'e mut dyn FnMut(Outgoing) -> bool,
    skipped: Skipped,
    stopped: bool,
}

impl Sink for Emit<'_> {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        if self.stopped {
            return Err(io::Error::other("stopped"));
        }
        // Broken records are sent too (a handler must survive them, and the
        // receiver then finds what the capture held); an oversized one has no text.
        if record.kind == RecordKind::Oversized || record.text.is_empty() {
            self.skipped.unreadable += 1;
            return Ok(());
        }
        let label = format!(
            "{}:{}:{} {}",
            record.source,
            record.at.line,
            record.at.column,
            record.code().unwrap_or("-")
        );
        let json = record.dialect() == Some(Dialect::V2);
        let text = record.text;
        let send_as = match self.send_as {
            SendAs::Original if record.embedding == Some(Embedding::FormValue) => SendAs::Form,
            SendAs::Original => SendAs::Xml,
            other => other,
        };
        let (body, content_type) = match (send_as, json) {
            (SendAs::Form, _) => {
                let name = if json { "json=" } else { "xml=" };
                let mut body = name.as_bytes().to_vec();
                body.extend(form_urlencoded::byte_serialize(text).flat_map(str::bytes));
                (body, "application/x-www-form-urlencoded")
            }
            (SendAs::Json, false) => {
                let xml = String::from_utf8_lossy(text);
                let body = serde_json::to_vec(&serde_json::json!({ "xml": xml }))?;
                (body, "application/json")
            }
            (_, true) => (text.to_vec(), "application/json"),
            (_, false) => (text.to_vec(), "text/xml; charset=utf-8"),
        };
        let go_on = (self.emit)(Outgoing {
            body,
            content_type: Some(content_type.to_string()),
            label,
        });
        if !go_on {
            self.stopped = true;
            return Err(io::Error::other("stopped"));
        }
        Ok(())
    }
}
