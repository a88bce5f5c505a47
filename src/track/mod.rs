//! Message lifecycles: every postback joined to its message by (family,
//! TRACKINGID), each message's state from the table in [`table`], and what
//! they add up to. Nothing here prints: finished messages go to a
//! [`MessageSink`], the totals come back as a [`Report`].
//!
//! The result depends only on which postbacks were read, not on their order:
//! a message's sent postback is its earliest, its outcome its latest final,
//! and totals are folded at the end.
//!
//! ```
//! use std::sync::Arc;
//! use postback::engine::{read_input, Options, Record, Sink};
//! use postback::track::{observe::sight, By, Tracker};
//!
//! struct Feed(Tracker);
//! impl Sink for Feed {
//!     fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
//!         self.0.add(sight(record, &Arc::from(record.source)), &mut ())
//!     }
//! }
//! let capture = "\
//! <POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><STATUS>Message Sent</STATUS>\
//! <TRACKINGID>a1</TRACKINGID><TIMESTAMP>2024-05-01T10:00:00Z</TIMESTAMP></POSTBACK>
//! <POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS>\
//! <TRACKINGID>a1</TRACKINGID><TIMESTAMP>2024-05-01T12:00:07+02:00</TIMESTAMP></POSTBACK>";
//! let mut feed = Feed(Tracker::new(By::Carrier));
//! read_input("<stdin>", capture.as_bytes(), &Options::default(), &mut feed).unwrap();
//! let report = feed.0.finish(72 * 3600 * 1000, &mut ()).unwrap();
//! assert_eq!(report.all.messages, 1);
//! assert_eq!(report.all.latency.quantile_ms(0.5), Some(7_000));
//! ```

pub mod aggregate;
pub mod messages;
pub mod observe;
pub mod table;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use crate::spec;
use crate::time::civil_from_days;
use aggregate::{Aggregates, Tally};
use messages::{Done, Flight, Post, Resolved, NO_GROUP};
use observe::{Sighting, Text};
use table::{Family, State};

/// What the report's groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The SPID as written.
    Carrier,
    /// The SPID's country in the carrier tables.
    Country,
    /// FROM as written.
    From,
    /// ORIGIN and CODE of the message's final postback (of its sent one while pending).
    Code,
    /// The UTC day of the message's sent postback (else of its final one).
    Day,
    /// The UTC hour, as `YYYY-MM-DDThh`.
    Hour,
}

impl By {
    pub const ALL: [By; 6] = [
        By::Carrier,
        By::Country,
        By::From,
        By::Code,
        By::Day,
        By::Hour,
    ];

    pub fn parse(s: &str) -> Option<By> {
        By::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            By::Carrier => "carrier",
            By::Country => "country",
            By::From => "from",
            By::Code => "code",
            By::Day => "day",
            By::Hour => "hour",
        }
    }
}

/// How the postbacks were used. `postbacks = tracked + duplicates + untracked`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub postbacks: u64,
    pub tracked: u64,
    pub duplicates: u64,
    pub untracked: u64,
    /// Postbacks with an error finding that still joined a message (tracked or duplicate).
    pub with_errors: u64,
}

/// One message as `--messages` writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow<'a> {
    pub tracking_id: &'a str,
    pub family: Family,
    pub to: &'a str,
    pub from: &'a str,
    pub spid: &'a str,
    pub carrier: Option<&'static str>,
    pub country: Option<&'static str>,
    pub sent_at: Option<i64>,
    pub final_code: Option<&'static str>,
    pub final_status: Option<&'a str>,
    pub state: State,
    pub final_at: Option<i64>,
    pub latency_ms: Option<u64>,
    pub postbacks: u32,
    pub duplicates: u32,
    pub orphan: bool,
    /// `source:line` of the message's first postback read.
    pub first_seen: String,
}

/// Receives each message once it is final (pending ones at the end).
pub trait MessageSink {
    fn message(&mut self, row: &MessageRow<'_>) -> io::Result<()>;

    /// Whether rows are wanted at all (building them costs a little).
    fn wants_rows(&self) -> bool {
        true
    }
}

/// No rows wanted.
impl MessageSink for () {
    fn message(&mut self, _: &MessageRow<'_>) -> io::Result<()> {
        Ok(())
    }

    fn wants_rows(&self) -> bool {
        false
    }
}

/// A pending message older than `--stuck-after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    pub tracking_id: String,
    pub family: Family,
    pub sent_ms: i64,
    pub first_seen: String,
}

/// One group of the breakdown.
#[derive(Debug)]
pub struct Group {
    pub key: String,
    pub tally: Tally,
}

/// Everything `track` found.
#[derive(Debug)]
pub struct Report {
    pub counts: Counts,
    pub all: Tally,
    pub by: By,
    /// Largest first, then by key.
    pub groups: Vec<Group>,
    /// Pending messages sent before `newest_ms − stuck_after_ms`, oldest first.
    pub stuck: Vec<Stuck>,
    pub stuck_after_ms: i64,
    /// The newest TIMESTAMP of a tracked postback.
    pub newest_ms: Option<i64>,
}

/// The message keys are hashes already: the map uses them as they are.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// FNV-1a: SPID and FROM values are short and few, so a keyed hash buys
/// nothing here and SipHash cost more than the lookup itself.
struct ValueHasher(u64);

impl Default for ValueHasher {
    fn default() -> Self {
        ValueHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for ValueHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Distinct SPID or FROM values, numbered in the order first seen.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Box<str>, u32, BuildHasherDefault<ValueHasher>>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NO_GROUP);
        if id != NO_GROUP {
            self.names.push(name.into());
            self.ids.insert(name.into(), id);
        }
        id
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }
}

/// Joins postbacks into messages.
#[derive(Debug)]
pub struct Tracker {
    by: By,
    counts: Counts,
    newest_ms: Option<i64>,
    flights: KeyMap<Flight>,
    done: KeyMap<Done>,
    values: Interner,
}

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHasher")
    }
}

impl Tracker {
    pub fn new(by: By) -> Self {
        Tracker {
            by,
            counts: Counts::default(),
            newest_ms: None,
            flights: KeyMap::default(),
            done: KeyMap::default(),
            values: Interner::default(),
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Messages held in full, and finished ones held compact.
    pub fn held(&self) -> (usize, usize) {
        (self.flights.len(), self.done.len())
    }

    /// Bytes the finished messages' table takes: its buckets of 8-byte key,
    /// 16-byte entry and one control byte.
    pub fn done_bytes(&self) -> usize {
        let buckets = (self.done.capacity() * 8 / 7).next_power_of_two();
        buckets * (8 + std::mem::size_of::<Done>() + 1)
    }

    /// Takes one record's sighting; a message it finishes goes to `sink`.
    pub fn add(&mut self, sighting: Sighting, sink: &mut dyn MessageSink) -> io::Result<()> {
        self.counts.postbacks += 1;
        let Some(step) = sighting.step else {
            self.counts.untracked += 1;
            return Ok(());
        };
        self.counts.with_errors += u64::from(sighting.has_errors);
        if let Some(ms) = step.time.ms() {
            self.newest_ms = Some(self.newest_ms.map_or(ms, |n| n.max(ms)));
        }
        let fp = step.fingerprint();
        // A key is in one map or the other; the small map of messages in
        // flight is asked first, so a final postback never probes the large one.
        if !self.flights.contains_key(&step.key) {
            if let Some(done) = self.done.get(&step.key) {
                if done.has(fp) {
                    self.counts.duplicates += 1;
                    return Ok(());
                }
                let reopened = done.reopen();
                self.done.remove(&step.key);
                self.flights.insert(step.key, reopened);
            }
        }
        let group = match self.by {
            By::Carrier | By::Country => self.values.id(step.text.spid()),
            By::From => self.values.id(step.text.from()),
            By::Code | By::Day | By::Hour => NO_GROUP,
        };
        let flight = self.flights.entry(step.key).or_default();
        flight.postbacks += 1;
        if flight.first_seen.is_none() && !flight.written {
            flight.first_seen = Some((sighting.source, sighting.line));
        }
        if flight.has(fp) {
            flight.duplicates += 1;
            self.counts.duplicates += 1;
            return Ok(());
        }
        self.counts.tracked += 1;
        flight.push(Post {
            row: step.row,
            status_hash: step.status_hash,
            time: step.time,
            fp,
            group,
            text: Some(step.text),
        });
        if !flight.is_complete() {
            return Ok(());
        }
        if !flight.written {
            flight.written = true;
            if sink.wants_rows() {
                sink.message(&row(flight, &flight.resolve()))?;
            }
        }
        if let Some(done) = flight.compact() {
            self.flights.remove(&step.key);
            self.done.insert(step.key, done);
        }
        Ok(())
    }

    /// Folds every message into the report; rows of the messages not yet
    /// written (pending, orphans) go to `sink`, oldest first.
    pub fn finish(self, stuck_after_ms: i64, sink: &mut dyn MessageSink) -> io::Result<Report> {
        let mut agg = Aggregates::default();
        for done in self.done.values() {
            done.with_resolved(|r| agg.fold(&self.group_key(&r), &r.outcome));
        }
        let horizon = self.newest_ms.map(|n| n.saturating_sub(stuck_after_ms));
        let mut stuck = Vec::new();
        let mut unwritten = Vec::new();
        for flight in self.flights.values() {
            let r = flight.resolve();
            agg.fold(&self.group_key(&r), &r.outcome);
            let sent_ms = r.sent.and_then(|p| p.time.ms());
            if r.outcome.state == State::Pending {
                if let (Some(sent), Some(horizon)) = (sent_ms, horizon) {
                    if sent < horizon {
                        let text = r.representative().and_then(|p| p.text.as_ref());
                        stuck.push(Stuck {
                            tracking_id: text.map_or("", Text::tracking_id).to_string(),
                            family: r
                                .representative()
                                .map_or(Family::Sms, |p| table::get(p.row).family),
                            sent_ms: sent,
                            first_seen: first_seen(flight),
                        });
                    }
                }
            }
            if !flight.written {
                unwritten.push(flight);
            }
        }
        stuck.sort_by(|a, b| {
            (a.sent_ms, &a.tracking_id, a.family).cmp(&(b.sent_ms, &b.tracking_id, b.family))
        });
        let order = |f: &Flight| {
            let r = f.resolve();
            let p = r.representative();
            (
                p.and_then(|p| p.time.ms()).unwrap_or(i64::MAX),
                p.and_then(|p| p.text.as_ref())
                    .map(|t| t.tracking_id().to_string()),
                p.map(|p| table::get(p.row).family),
            )
        };
        if !sink.wants_rows() {
            unwritten.clear();
        }
        unwritten.sort_by_cached_key(|f| order(f));
        for flight in unwritten {
            sink.message(&row(flight, &flight.resolve()))?;
        }
        let mut groups: Vec<Group> = agg
            .groups
            .into_iter()
            .map(|(key, tally)| Group { key, tally })
            .collect();
        groups.sort_by(|a, b| {
            b.tally
                .messages
                .cmp(&a.tally.messages)
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(Report {
            counts: self.counts,
            all: agg.all,
            by: self.by,
            groups,
            stuck,
            stuck_after_ms,
            newest_ms: self.newest_ms,
        })
    }

    fn group_key(&self, r: &Resolved<'_>) -> String {
        let Some(p) = r.representative() else {
            return String::new();
        };
        match self.by {
            By::Carrier | By::From => self.values.name(p.group).to_string(),
            By::Country => {
                carrier(self.values.name(p.group)).map_or(String::new(), |c| c.country.to_string())
            }
            By::Code => {
                let row = table::get(r.last.unwrap_or(p).row);
                format!("{} {}", row.origin, row.code)
            }
            By::Day => p
                .time
                .ms()
                .map_or(String::new(), |ms| utc(ms)[..10].to_string()),
            By::Hour => p
                .time
                .ms()
                .map_or(String::new(), |ms| utc(ms)[..13].to_string()),
        }
    }
}

fn first_seen(flight: &Flight) -> String {
    match &flight.first_seen {
        Some((source, line)) => format!("{source}:{line}"),
        None => String::new(),
    }
}

fn row<'f>(flight: &'f Flight, r: &Resolved<'f>) -> MessageRow<'f> {
    let text = r.representative().and_then(|p| p.text.as_ref());
    let part = |f: fn(&Text) -> &str| text.map_or("", f);
    let spid = part(Text::spid);
    let found = carrier(spid);
    let family = r
        .representative()
        .map_or(Family::Sms, |p| table::get(p.row).family);
    let last_row = r.last.map(|p| table::get(p.row));
    MessageRow {
        tracking_id: part(Text::tracking_id),
        family,
        to: part(Text::to),
        from: part(Text::from),
        spid,
        carrier: found.map(|c| c.carrier),
        country: found.map(|c| c.country),
        sent_at: r.sent.and_then(|p| p.time.ms()),
        final_code: last_row.map(|row| row.code),
        final_status: r.last.and_then(|p| {
            p.text
                .as_ref()
                .map(Text::status)
                .or(table::get(p.row).status)
        }),
        state: r.outcome.state,
        final_at: r.last.and_then(|p| p.time.ms()),
        latency_ms: r.outcome.latency_ms,
        postbacks: flight.postbacks,
        duplicates: flight.duplicates,
        orphan: r.outcome.orphan,
        first_seen: first_seen(flight),
    }
}

/// The carrier-table row for an SPID (the first, when the table has several).
pub fn carrier(spid: &str) -> Option<&'static spec::Carrier> {
    if spid.is_empty() {
        return None;
    }
    spec::carriers_for_spid(spid).first().copied()
}

/// An instant as `YYYY-MM-DDThh:mm:ssZ`, with milliseconds when it has them.
pub fn utc(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let s = in_day / 1000;
    let frac = in_day % 1000;
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    if frac != 0 {
        out.push_str(&format!(".{frac:03}"));
    }
    out.push('Z');
    out
}
