//! The one place that reads a record's fields for tracking, by their
//! canonical v1.3 names, so that every dialect mapped onto the canonical
//! record is tracked alike.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::check::parse_timestamp;
use crate::engine::Record;
use crate::track::table::{self, Family, RowId};

/// One record as tracking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    pub source: Arc<str>,
    pub line: u64,
    pub column: u64,
    pub has_errors: bool,
    /// `None`: the record is untracked (no usable CODE or TRACKINGID, or not a
    /// step of a message's life, or not a well-formed postback).
    pub step: Option<Step>,
}

/// A postback that is a step in a message's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The message: a 64-bit hash of (family, TRACKINGID).
    pub key: u64,
    pub row: RowId,
    /// A hash of the STATUS text when the row does not name it, else 0: it
    /// tells apart two postbacks of one row.
    pub status_hash: u64,
    pub time: Time,
    pub text: Text,
}

impl Step {
    pub fn family(&self) -> Family {
        table::get(self.row).family
    }

    /// What makes a repeat a duplicate: the same (TRACKINGID, CODE, STATUS,
    /// TIMESTAMP), the message's key standing for the TRACKINGID.
    pub fn fingerprint(&self) -> u64 {
        fingerprint(self.row, self.status_hash, self.time)
    }
}

/// The fingerprint of one postback of a message, from its row, status and time.
pub fn fingerprint(row: RowId, status_hash: u64, time: Time) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (row, status_hash, time).hash(&mut h);
    h.finish()
}

/// A TIMESTAMP: absent, read as milliseconds since 1970 UTC, or unreadable
/// (then its text's hash, so that repeats still match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Time {
    Missing,
    At(i64),
    Unreadable(u64),
}

impl Time {
    pub fn ms(self) -> Option<i64> {
        match self {
            Time::At(ms) => Some(ms),
            _ => None,
        }
    }
}

/// The values a message row shows, as written (trimmed), in one allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    buf: Box<str>,
    ends: [u32; TEXT_FIELDS],
}

/// The canonical fields a [`Text`] holds, in order.
const TEXT_NAMES: [&str; TEXT_FIELDS] = ["TRACKINGID", "TO", "FROM", "SPID", "STATUS", "TIMESTAMP"];
const TEXT_FIELDS: usize = 6;

impl Text {
    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.buf.get(start..self.ends[i] as usize).unwrap_or("")
    }
    pub fn tracking_id(&self) -> &str {
        self.part(0)
    }
    pub fn to(&self) -> &str {
        self.part(1)
    }
    pub fn from(&self) -> &str {
        self.part(2)
    }
    pub fn spid(&self) -> &str {
        self.part(3)
    }
    pub fn status(&self) -> &str {
        self.part(4)
    }
    pub fn timestamp(&self) -> &str {
        self.part(5)
    }
}

/// Reads what tracking needs from one record.
pub fn sight(record: &Record<'_>, source: &Arc<str>) -> Sighting {
    Sighting {
        source: Arc::clone(source),
        line: record.at.line,
        column: record.at.column,
        has_errors: record.has_errors(),
        step: step(record),
    }
}

fn step(record: &Record<'_>) -> Option<Step> {
    let pb = record.postback.as_ref()?;
    let value = |name: &str| pb.value(name).filter(|v| !v.is_empty());
    let tracking_id = value("TRACKINGID")?;
    let code = value("CODE")?;
    let status = value("STATUS");
    let sent_as_sms = value("SENTAS") == Some("SMS");
    let found = table::lookup(value("ORIGIN"), code, status, sent_as_sms)?;
    let family = table::get(found.id).family;
    let time = match value("TIMESTAMP") {
        None => Time::Missing,
        Some(ts) => match parse_timestamp(ts) {
            Ok(ms) => Time::At(ms),
            Err(_) => Time::Unreadable(hash_of(ts)),
        },
    };
    let status_hash = match (found.exact, status) {
        (true, _) => 0,
        (false, None) => 1,
        (false, Some(s)) => hash_of(s) | 2,
    };
    let parts = TEXT_NAMES.map(|name| value(name).unwrap_or(""));
    let mut buf = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    let mut ends = [0u32; TEXT_FIELDS];
    for (end, part) in ends.iter_mut().zip(parts) {
        buf.push_str(part);
        *end = u32::try_from(buf.len()).ok()?;
    }
    Some(Step {
        key: message_key(family, tracking_id),
        row: found.id,
        status_hash,
        time,
        text: Text {
            buf: buf.into_boxed_str(),
            ends,
        },
    })
}

/// The message key: a 64-bit hash of (family, TRACKINGID). Two messages
/// collide with odds of about n²/2⁶⁵ (3 in a million at 10 million messages).
pub fn message_key(family: Family, tracking_id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (family, tracking_id).hash(&mut h);
    h.finish()
}

fn hash_of(text: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}
