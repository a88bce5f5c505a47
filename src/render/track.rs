//! `track`'s output: the summary with its latency histogram and breakdown
//! table for a person, one JSON document for scripts, a message's timeline,
//! and the `--messages` rows (CSV or NDJSON). Payload text is escaped.

use std::io::{self, Write};

use serde::Serialize;

use crate::render::terminal::{escape, Paint};
use crate::track::aggregate::{Latency, Tally, BUCKETS};
use crate::track::observe::Sighting;
use crate::track::table::{self, State};
use crate::track::{carrier, utc, By, MessageRow, MessageSink, Report};

/// Groups the human table shows; `--format json` has them all.
const TABLE_ROWS: usize = 20;
/// Stuck messages the human summary lists; `--messages` has them all.
const STUCK_ROWS: usize = 20;
/// The widest histogram bar, in cells.
const BAR: usize = 30;

#[derive(Serialize)]
struct JsonReport<'a> {
    postbacks: u64,
    tracked: u64,
    duplicates: u64,
    untracked: u64,
    with_errors: u64,
    messages: u64,
    states: JsonStates,
    orphans: u64,
    conflicts: u64,
    clock_skew: u64,
    fallback: u64,
    delivery_rate: Option<f64>,
    latency_s: JsonLatency,
    by: &'a str,
    groups: Vec<JsonGroup<'a>>,
    stuck: usize,
    stuck_after_s: f64,
}

#[derive(Serialize)]
struct JsonStates {
    delivered: u64,
    failed: u64,
    expired: u64,
    rejected: u64,
    not_supported: u64,
    submit_failed: u64,
    pending: u64,
}

#[derive(Serialize)]
struct JsonLatency {
    count: u64,
    p50: Option<f64>,
    p90: Option<f64>,
    p99: Option<f64>,
    max: Option<f64>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    key: &'a str,
    spid: Option<&'a str>,
    messages: u64,
    delivered: u64,
    delivery_rate: Option<f64>,
    latency_s: JsonLatency,
}

fn seconds(ms: Option<u64>) -> Option<f64> {
    ms.map(|ms| ms as f64 / 1000.0)
}

fn json_latency(l: &Latency) -> JsonLatency {
    JsonLatency {
        count: l.count(),
        p50: seconds(l.quantile_ms(0.5)),
        p90: seconds(l.quantile_ms(0.9)),
        p99: seconds(l.quantile_ms(0.99)),
        max: seconds(l.max_ms()),
    }
}

/// The report as one JSON document (and a newline).
pub fn write_json<W: Write>(out: &mut W, report: &Report) -> io::Result<()> {
    let t = &report.all;
    let c = &report.counts;
    let doc = JsonReport {
        postbacks: c.postbacks,
        tracked: c.tracked,
        duplicates: c.duplicates,
        untracked: c.untracked,
        with_errors: c.with_errors,
        messages: t.messages,
        states: JsonStates {
            delivered: t.state(State::Delivered),
            failed: t.state(State::Failed),
            expired: t.state(State::Expired),
            rejected: t.state(State::Rejected),
            not_supported: t.state(State::NotSupported),
            submit_failed: t.state(State::SubmitFailed),
            pending: t.state(State::Pending),
        },
        orphans: t.orphans,
        conflicts: t.conflicts,
        clock_skew: t.clock_skew,
        fallback: t.fallback,
        delivery_rate: t.delivery_rate(),
        latency_s: json_latency(&t.latency),
        by: report.by.as_str(),
        groups: report
            .groups
            .iter()
            .map(|g| JsonGroup {
                key: &g.key,
                spid: (report.by == By::Carrier).then_some(g.key.as_str()),
                messages: g.tally.messages,
                delivered: g.tally.state(State::Delivered),
                delivery_rate: g.tally.delivery_rate(),
                latency_s: json_latency(&g.tally.latency),
            })
            .collect(),
        stuck: report.stuck.len(),
        stuck_after_s: report.stuck_after_ms as f64 / 1000.0,
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}

/// A latency for a person: `250ms`, `7s`, `7.5s`, `2m05s`, `1h02m`, `3d04h`.
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match ms {
        0..=999 => format!("{ms}ms"),
        1000..=59_999 => {
            let tenths = ms / 100;
            if tenths.is_multiple_of(10) {
                format!("{s}s")
            } else {
                format!("{}.{}s", tenths / 10, tenths % 10)
            }
        }
        60_000..=3_599_999 => whole(s / 60, "m", s % 60, "s"),
        3_600_000..=86_399_999 => whole(s / 3600, "h", s / 60 % 60, "m"),
        _ => whole(s / 86_400, "d", s / 3600 % 24, "h"),
    }
}

/// `2m05s`, or `2m` when the smaller unit is zero.
fn whole(big: u64, big_unit: &str, small: u64, small_unit: &str) -> String {
    if small == 0 {
        format!("{big}{big_unit}")
    } else {
        format!("{big}{big_unit}{small:02}{small_unit}")
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn rate(r: Option<f64>) -> String {
    r.map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn bar(n: u64, max: u64) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let cells = ((n as f64 / max as f64) * BAR as f64).round().max(1.0) as usize;
    "█".repeat(cells)
}

fn words(state: State) -> &'static str {
    match state {
        State::Delivered => "delivered",
        State::Failed => "failed",
        State::Expired => "expired",
        State::Rejected => "rejected",
        State::NotSupported => "not supported",
        State::SubmitFailed => "submit failed",
        State::Pending => "pending",
    }
}

fn paint_state(p: Paint, state: State, text: &str) -> String {
    match state {
        State::Delivered => p.good(text),
        State::Pending => p.pending(text),
        _ => p.bad(text),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Pads `text` (already escaped) to `width` characters, on the left or right.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// The summary for a person: counts, states, latency and its histogram, the
/// breakdown table, and the stuck messages.
pub fn write_human<W: Write>(
    out: &mut W,
    report: &Report,
    inputs: u64,
    p: Paint,
) -> io::Result<()> {
    let t = &report.all;
    let c = &report.counts;
    writeln!(
        out,
        "{} from {} in {}",
        p.bold(&plural(t.messages, "message", "messages")),
        plural(c.postbacks, "postback", "postbacks"),
        plural(inputs, "input", "inputs"),
    )?;
    writeln!(
        out,
        "{}",
        p.dim(&format!(
            "  {} tracked · {} · {} untracked · {} with errors",
            c.tracked,
            plural(c.duplicates, "duplicate", "duplicates"),
            c.untracked,
            c.with_errors
        ))
    )?;
    writeln!(out)?;
    let counts: Vec<String> = State::ALL.iter().map(|s| t.state(*s).to_string()).collect();
    let count_width = counts.iter().map(String::len).max().unwrap_or(1);
    let most = State::ALL.iter().map(|s| t.state(*s)).max().unwrap_or(0);
    for (state, count) in State::ALL.iter().zip(&counts) {
        let n = t.state(*state);
        let mut line = format!(
            "  {}  {}  {}",
            paint_state(p, *state, &pad(words(*state), 13, false)),
            pad(count, count_width, true),
            pad(&percent(n, t.messages), 6, true),
        );
        let drawn = bar(n, most);
        if !drawn.is_empty() {
            line.push_str("  ");
            line.push_str(&paint_state(p, *state, &drawn));
        }
        if *state == State::Pending && !report.stuck.is_empty() {
            line.push_str(&format!(
                "  {}",
                p.warning(&format!(
                    "{} stuck (sent over {} before the newest postback)",
                    report.stuck.len(),
                    duration(report.stuck_after_ms.max(0) as u64)
                ))
            ));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    let finished = t.messages - t.state(State::Pending);
    writeln!(
        out,
        "  delivery rate {} ({} of {} final) · {} · {} · {} clock skew · {} by fallback SMS",
        p.bold(&rate(t.delivery_rate())),
        t.state(State::Delivered),
        finished,
        plural(t.orphans, "orphan", "orphans"),
        plural(t.conflicts, "conflict", "conflicts"),
        t.clock_skew,
        t.fallback,
    )?;
    writeln!(out)?;
    write_latency(out, t, p)?;
    write_groups(out, report, p)?;
    write_stuck(out, report, p)
}

fn write_latency<W: Write>(out: &mut W, t: &Tally, p: Paint) -> io::Result<()> {
    let l = &t.latency;
    if l.count() == 0 {
        return writeln!(
            out,
            "{}",
            p.bold("latency: no message has both a sent and a final TIMESTAMP")
        );
    }
    let q = |q: f64| l.quantile_ms(q).map_or("-".to_string(), duration);
    writeln!(
        out,
        "{}  p50 {} · p90 {} · p99 {} · max {}",
        p.bold(&format!(
            "latency ({})",
            plural(l.count(), "message", "messages")
        )),
        q(0.5),
        q(0.9),
        q(0.99),
        l.max_ms().map_or("-".to_string(), duration),
    )?;
    let most = t.buckets.iter().copied().max().unwrap_or(0);
    let width = t
        .buckets
        .iter()
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(1);
    for ((label, _), n) in BUCKETS.iter().zip(t.buckets) {
        let line = format!(
            "  {}  {}  {}",
            pad(label, 6, false),
            pad(&n.to_string(), width, true),
            p.accent(&bar(n, most))
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)
}

fn write_groups<W: Write>(out: &mut W, report: &Report, p: Paint) -> io::Result<()> {
    let by = report.by;
    let label = match by {
        By::Carrier => "SPID",
        By::Country => "country",
        By::From => "FROM",
        By::Code => "code",
        By::Day => "day",
        By::Hour => "hour",
    };
    let shown: Vec<_> = report.groups.iter().take(TABLE_ROWS).collect();
    let keys: Vec<String> = shown
        .iter()
        .map(|g| {
            if g.key.is_empty() {
                "(none)".to_string()
            } else {
                escape(&g.key).into_owned()
            }
        })
        .collect();
    let names: Vec<String> = shown
        .iter()
        .map(|g| match (by, carrier(&g.key)) {
            (By::Carrier, Some(c)) => format!("{} ({})", escape(c.carrier), escape(c.country)),
            (By::Carrier, None) => "not in the carrier table".to_string(),
            _ => String::new(),
        })
        .collect();
    let key_width = keys
        .iter()
        .map(|k| k.chars().count())
        .chain([label.len()])
        .max()
        .unwrap_or(0);
    let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    writeln!(out, "{}", p.bold(&format!("by {}", by.as_str())))?;
    let mut header = format!("  {}", pad(label, key_width, false));
    if name_width > 0 {
        header.push_str(&format!("  {}", pad("carrier", name_width, false)));
    }
    header.push_str(&format!(
        "  {}  {}  {}  {}  {}",
        pad("messages", 8, true),
        pad("delivered", 9, true),
        pad("rate", 6, true),
        pad("p50", 6, true),
        pad("p90", 6, true)
    ));
    writeln!(out, "{}", p.dim(&header))?;
    for ((g, key), name) in shown.iter().zip(&keys).zip(&names) {
        let l = &g.tally.latency;
        let q = |q: f64| l.quantile_ms(q).map_or("-".to_string(), duration);
        let mut line = format!("  {}", p.accent(&pad(key, key_width, false)));
        if name_width > 0 {
            line.push_str(&format!("  {}", pad(name, name_width, false)));
        }
        line.push_str(&format!(
            "  {}  {}  {}  {}  {}",
            pad(&g.tally.messages.to_string(), 8, true),
            pad(&g.tally.state(State::Delivered).to_string(), 9, true),
            pad(&rate(g.tally.delivery_rate()), 6, true),
            pad(&q(0.5), 6, true),
            pad(&q(0.9), 6, true)
        ));
        writeln!(out, "{}", line.trim_end())?;
    }
    more(
        out,
        p,
        report.groups.len() - shown.len(),
        "--format json lists every group",
    )
}

/// The line after a list cut short.
fn more<W: Write>(out: &mut W, p: Paint, left_out: usize, where_all: &str) -> io::Result<()> {
    if left_out == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        p.dim(&format!("  … and {left_out} more ({where_all})"))
    )
}

fn write_stuck<W: Write>(out: &mut W, report: &Report, p: Paint) -> io::Result<()> {
    if report.stuck.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let since = report.newest_ms.map_or(String::new(), utc);
    writeln!(
        out,
        "{}",
        p.warning(&format!(
            "stuck: pending and sent over {} before {since}",
            duration(report.stuck_after_ms.max(0) as u64)
        ))
    )?;
    let ids: Vec<String> = report
        .stuck
        .iter()
        .take(STUCK_ROWS)
        .map(|s| escape(&s.tracking_id).into_owned())
        .collect();
    let width = ids.iter().map(|i| i.chars().count()).max().unwrap_or(0);
    for (s, id) in report.stuck.iter().zip(&ids) {
        writeln!(
            out,
            "  {}  {}  sent {}  {}",
            s.family.as_str().to_uppercase(),
            pad(id, width, false),
            utc(s.sent_ms),
            p.dim(&escape(&s.first_seen))
        )?;
    }
    more(
        out,
        p,
        report.stuck.len() - ids.len(),
        "--messages FILE lists every message",
    )
}

/// One message's postbacks, in the order read, as `--id` shows them.
#[derive(Debug, Default)]
pub struct Timeline {
    pub sightings: Vec<Sighting>,
}

/// Writes the timeline of every message with this TRACKINGID (one per family),
/// each with its outcome from `reports` (same order as the families found).
pub fn write_timeline<W: Write>(
    out: &mut W,
    id: &str,
    timeline: &Timeline,
    reports: &[(table::Family, Report)],
    p: Paint,
) -> io::Result<()> {
    if reports.is_empty() {
        return writeln!(out, "no postback has TRACKINGID {}", escape(id));
    }
    for (i, (family, report)) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let t = &report.all;
        let state = state_of(t);
        let mut head = format!(
            "{} {} · {}",
            p.accent(&family.as_str().to_uppercase()),
            p.bold(&escape(id)),
            paint_state(p, state, words(state))
        );
        if let Some(ms) = t.latency.max_ms() {
            head.push_str(&format!(" in {}", duration(ms)));
        }
        for (n, flag) in [
            (t.orphans, "orphan: no sent postback"),
            (t.conflicts, "conflicting finals: the latest wins"),
            (t.clock_skew, "clock skew: final before sent"),
            (t.fallback, "delivered as a fallback SMS"),
        ] {
            if n > 0 {
                head.push_str(&format!(" · {}", p.warning(flag)));
            }
        }
        writeln!(out, "{head}")?;
        let rows: Vec<(String, String, String, String, bool)> = entries(timeline, *family)
            .into_iter()
            .map(|e| {
                (
                    escape(&format!("{}:{}", e.source, e.line)).into_owned(),
                    e.utc.unwrap_or_else(|| escape(e.timestamp).into_owned()),
                    e.code.to_string(),
                    escape(e.status).into_owned(),
                    e.duplicate,
                )
            })
            .collect();
        let w = |f: fn(&(String, String, String, String, bool)) -> &String| {
            rows.iter().map(|r| f(r).chars().count()).max().unwrap_or(0)
        };
        let (w0, w1, w3) = (w(|r| &r.0), w(|r| &r.1), w(|r| &r.3));
        for (place, time, code, status, dup) in &rows {
            let mut line = format!(
                "  {}  {}  {}  {}",
                p.dim(&pad(place, w0, false)),
                pad(
                    if time.is_empty() {
                        "(no TIMESTAMP)"
                    } else {
                        time
                    },
                    w1,
                    false
                ),
                p.accent(code),
                pad(status, w3, false)
            );
            if *dup {
                line.push_str(&format!("  {}", p.dim("duplicate")));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// One postback of a timeline.
#[derive(Serialize)]
struct Entry<'a> {
    source: &'a str,
    line: u64,
    column: u64,
    code: &'static str,
    status: &'a str,
    /// As written.
    timestamp: &'a str,
    /// Read, in UTC; null when absent or unreadable.
    utc: Option<String>,
    /// A repeat of an earlier postback of the timeline.
    duplicate: bool,
}

/// The postbacks of one family's message, in the order read, repeats marked.
fn entries(timeline: &Timeline, family: table::Family) -> Vec<Entry<'_>> {
    let mut seen = std::collections::HashSet::new();
    timeline
        .sightings
        .iter()
        .filter_map(|s| {
            let step = s.step.as_ref().filter(|step| step.family() == family)?;
            Some(Entry {
                source: &s.source,
                line: s.line,
                column: s.column,
                code: table::get(step.row).code,
                status: step.text.status(),
                timestamp: step.text.timestamp(),
                utc: step.time.ms().map(utc),
                duplicate: !seen.insert(step.fingerprint()),
            })
        })
        .collect()
}

/// `--id` with `--format json`: one document, a message per family.
pub fn write_timeline_json<W: Write>(
    out: &mut W,
    id: &str,
    timeline: &Timeline,
    reports: &[(table::Family, Report)],
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Message<'a> {
        family: &'static str,
        state: &'static str,
        latency_s: Option<f64>,
        orphan: bool,
        conflict: bool,
        clock_skew: bool,
        fallback: bool,
        postbacks: Vec<Entry<'a>>,
    }
    let messages: Vec<Message<'_>> = reports
        .iter()
        .map(|(family, report)| {
            let t = &report.all;
            Message {
                family: family.as_str(),
                state: state_of(t).as_str(),
                latency_s: seconds(t.latency.max_ms()),
                orphan: t.orphans > 0,
                conflict: t.conflicts > 0,
                clock_skew: t.clock_skew > 0,
                fallback: t.fallback > 0,
                postbacks: entries(timeline, *family),
            }
        })
        .collect();
    #[derive(Serialize)]
    struct Doc<'a> {
        tracking_id: &'a str,
        messages: Vec<Message<'a>>,
    }
    serde_json::to_writer(
        &mut *out,
        &Doc {
            tracking_id: id,
            messages,
        },
    )?;
    writeln!(out)
}

/// The state of a tally of one message.
fn state_of(t: &Tally) -> State {
    State::ALL
        .iter()
        .copied()
        .find(|s| t.state(*s) > 0)
        .unwrap_or(State::Pending)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(250), "250ms");
        assert_eq!(duration(7_000), "7s");
        assert_eq!(duration(7_500), "7.5s");
        assert_eq!(duration(125_000), "2m05s");
        assert_eq!(duration(3_720_000), "1h02m");
        assert_eq!(duration(273_600_000), "3d04h");
        assert_eq!(duration(259_200_000), "3d");
        assert_eq!(duration(3_600_000), "1h");
    }
}
