//! `track --messages`: one row per message, as CSV or NDJSON.

use std::io::{self, Write};

use serde::Serialize;

use super::seconds;
use crate::track::{utc, MessageRow, MessageSink};

/// The `--messages` columns, in order.
pub const MESSAGE_COLUMNS: [&str; 17] = [
    "tracking_id",
    "family",
    "to",
    "from",
    "spid",
    "carrier",
    "country",
    "sent_at",
    "final_code",
    "final_status",
    "state",
    "final_at",
    "latency_s",
    "postbacks",
    "duplicates",
    "orphan",
    "first_seen",
];

#[derive(Serialize)]
struct JsonRow<'a> {
    tracking_id: &'a str,
    family: &'a str,
    to: &'a str,
    from: &'a str,
    spid: &'a str,
    carrier: Option<&'a str>,
    country: Option<&'a str>,
    sent_at: Option<String>,
    final_code: Option<&'a str>,
    final_status: Option<&'a str>,
    state: &'a str,
    final_at: Option<String>,
    latency_s: Option<f64>,
    postbacks: u32,
    duplicates: u32,
    orphan: bool,
    first_seen: &'a str,
}

fn json_row<'a>(row: &'a MessageRow<'a>) -> JsonRow<'a> {
    JsonRow {
        tracking_id: row.tracking_id,
        family: row.family.as_str(),
        to: row.to,
        from: row.from,
        spid: row.spid,
        carrier: row.carrier,
        country: row.country,
        sent_at: row.sent_at.map(utc),
        final_code: row.final_code,
        final_status: row.final_status,
        state: row.state.as_str(),
        final_at: row.final_at.map(utc),
        latency_s: seconds(row.latency_ms),
        postbacks: row.postbacks,
        duplicates: row.duplicates,
        orphan: row.orphan,
        first_seen: &row.first_seen,
    }
}

/// `--messages` as NDJSON: one object per message.
pub struct MessagesNdjson<W: Write>(pub W);

impl<W: Write> MessageSink for MessagesNdjson<W> {
    fn message(&mut self, row: &MessageRow<'_>) -> io::Result<()> {
        serde_json::to_writer(&mut self.0, &json_row(row))?;
        self.0.write_all(b"\n")
    }
}

/// `--messages` as CSV: a header, then one row per message.
pub struct MessagesCsv<W: Write>(csv::Writer<W>);

impl<W: Write> MessagesCsv<W> {
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(MESSAGE_COLUMNS)?;
        Ok(MessagesCsv(w))
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> MessageSink for MessagesCsv<W> {
    fn message(&mut self, row: &MessageRow<'_>) -> io::Result<()> {
        let j = json_row(row);
        let opt = |v: Option<&str>| v.unwrap_or("").to_string();
        self.0.write_record([
            j.tracking_id.to_string(),
            j.family.to_string(),
            j.to.to_string(),
            j.from.to_string(),
            j.spid.to_string(),
            opt(j.carrier),
            opt(j.country),
            j.sent_at.unwrap_or_default(),
            opt(j.final_code),
            opt(j.final_status),
            j.state.to_string(),
            j.final_at.unwrap_or_default(),
            j.latency_s.map_or(String::new(), |s| s.to_string()),
            j.postbacks.to_string(),
            j.duplicates.to_string(),
            j.orphan.to_string(),
            j.first_seen.to_string(),
        ])?;
        Ok(())
    }
}
