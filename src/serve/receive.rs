//! What a request body holds: every record read through the same engine as
//! a file, rendered as inspect cards or as one JSON line per postback.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{read_input, Options, Record, Sink};
use crate::render::convert::{Ndjson, RecordWriter};
use crate::render::inspect::Cards;

/// How postbacks are shown on stdout.
#[derive(Debug, Clone, Copy)]
pub enum Show {
    Cards(Cards),
    Json,
    Nothing,
}

/// What one body held.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub postbacks: u64,
    pub valid: u64,
    pub with_errors: u64,
    pub with_warnings: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.postbacks += other.postbacks;
        self.valid += other.valid;
        self.with_errors += other.with_errors;
        self.with_warnings += other.with_warnings;
    }
}

/// Where a request came from, for the JSON lines.
pub struct Origin<'a> {
    pub received_at: &'a str,
    pub id: &'a str,
    pub remote: &'a str,
}

/// Reads every record of `body`; returns what to print and the counts.
pub fn receive(
    body: &[u8],
    source: &str,
    origin: &Origin<'_>,
    show: Show,
    max_record: usize,
) -> (Vec<u8>, Counts) {
    let mut sink = Shown {
        show,
        origin,
        out: Vec::new(),
        counts: Counts::default(),
    };
    let options = Options::with_max_record(max_record);
    // A body is in memory: reading it cannot fail, and the sink writes to a Vec.
    let _ = read_input(source, body, &options, &mut sink);
    if matches!(show, Show::Cards(_)) && !sink.out.is_empty() {
        // A blank line between the cards of one request and the next.
        sink.out.push(b'\n');
    }
    (sink.out, sink.counts)
}

struct Shown<'o, 'a> {
    show: Show,
    origin: &'o Origin<'a>,
    out: Vec<u8>,
    counts: Counts,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    line: u64,
    column: u64,
    severity: &'a str,
    rule: &'a str,
    field: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonHead<'a> {
    received_at: &'a str,
    id: &'a str,
    remote: &'a str,
    source: &'a str,
    line: u64,
    column: u64,
    code: Option<&'a str>,
    valid: bool,
    findings: Vec<JsonFinding<'a>>,
}

impl Sink for Shown<'_, '_> {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let counts = &mut self.counts;
        counts.postbacks += 1;
        if record.has_errors() {
            counts.with_errors += 1;
        } else {
            counts.valid += 1;
        }
        if record.has_warnings() {
            counts.with_warnings += 1;
        }
        match self.show {
            Show::Nothing => Ok(()),
            Show::Cards(cards) => {
                if counts.postbacks > 1 {
                    writeln!(self.out)?;
                }
                cards.write(&mut self.out, record)
            }
            Show::Json => self.json(record),
        }
    }
}

impl Shown<'_, '_> {
    /// `{"received_at":..., "findings":[...], "postback":{...}}` on one line.
    fn json(&mut self, record: &Record<'_>) -> io::Result<()> {
        let head = JsonHead {
            received_at: self.origin.received_at,
            id: self.origin.id,
            remote: self.origin.remote,
            source: record.source,
            line: record.at.line,
            column: record.at.column,
            code: record.code(),
            valid: !record.has_errors(),
            findings: record
                .findings
                .iter()
                .map(|f| JsonFinding {
                    line: f.location.line,
                    column: f.location.column,
                    severity: f.finding.severity.as_str(),
                    rule: f.finding.rule.id(),
                    field: f.finding.field.as_deref(),
                    message: &f.finding.message,
                })
                .collect(),
        };
        let mut line = serde_json::to_vec(&head)?;
        // Splice the converted postback in as the last member.
        line.pop();
        line.extend_from_slice(b",\"postback\":");
        match &record.postback {
            Some(postback) => {
                let mut object = Ndjson::new(Vec::new());
                match object.write(postback) {
                    Ok(()) => {
                        let mut object = object.into_inner();
                        object.pop();
                        line.extend_from_slice(&object);
                    }
                    // Too deep to convert: the finding says so; no object.
                    Err(_) => line.extend_from_slice(b"null"),
                }
            }
            None => line.extend_from_slice(b"null"),
        }
        line.extend_from_slice(b"}\n");
        self.out.extend_from_slice(&line);
        Ok(())
    }
}
