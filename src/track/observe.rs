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
/// It only tells apart the few postbacks of one message, so three rounds of
/// a 64-bit mixer do (SipHash cost more than the rest of the join).
pub fn fingerprint(row: RowId, status_hash: u64, time: Time) -> u64 {
    let (tag, value) = match time {
        Time::Missing => (0u64, 0u64),
        Time::At(ms) => (1, ms as u64),
        Time::Unreadable(hash) => (2, hash),
    };
    let h = mix(u64::from(row) | tag << 32);
    let h = mix(h ^ status_hash);
    mix(h ^ value)
}

/// splitmix64's finalizer: a bijection that spreads every input bit.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
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

/// How many canonical fields a [`Text`] holds: TRACKINGID, TO, FROM, SPID,
/// STATUS and TIMESTAMP, in that order (see [`slot`]).
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

/// The fields tracking reads besides those of a [`Text`], after them.
const ORIGIN: usize = TEXT_FIELDS;
const CODE: usize = TEXT_FIELDS + 1;
const SENTAS: usize = TEXT_FIELDS + 2;
const READ: usize = TEXT_FIELDS + 3;

/// Which read field a canonical name is: a [`Text`]'s parts first, in order.
fn slot(canonical: &str) -> Option<usize> {
    Some(match canonical {
        "TRACKINGID" => 0,
        "TO" => 1,
        "FROM" => 2,
        "SPID" => 3,
        "STATUS" => 4,
        "TIMESTAMP" => 5,
        "ORIGIN" => ORIGIN,
        "CODE" => CODE,
        "SENTAS" => SENTAS,
        _ => return None,
    })
}

/// The trimmed value of the first field read as each name, in one pass
/// over the fields (as [`Postback::value`](crate::postback::Postback::value)
/// gives it, name by name).
fn read_fields<'p>(pb: &'p crate::postback::Postback<'_>) -> [Option<&'p str>; READ] {
    let mut found = [None; READ];
    for field in &pb.fields {
        if let Some(i) = slot(field.canonical) {
            if found[i].is_none() {
                found[i] = Some(field.trimmed());
            }
        }
    }
    found
}

fn step(record: &Record<'_>) -> Option<Step> {
    let pb = record.postback.as_ref()?;
    let fields = read_fields(pb);
    let value = |i: usize| fields[i].filter(|v| !v.is_empty());
    let tracking_id = value(0)?;
    let code = value(CODE)?;
    let status = value(4);
    let sent_as_sms = value(SENTAS) == Some("SMS");
    let found = table::lookup(value(ORIGIN), code, status, sent_as_sms)?;
    let family = table::get(found.id).family;
    let time = match value(5) {
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
    let parts: [&str; TEXT_FIELDS] = std::array::from_fn(|i| value(i).unwrap_or(""));
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
