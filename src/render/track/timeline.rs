//! `track --id`: one message's postbacks in the order read, with its outcome.

use std::io::{self, Write};

use serde::Serialize;

use super::{duration, pad, paint_state, seconds, state_of, words};
use crate::render::terminal::{escape, Paint};
use crate::track::observe::Sighting;
use crate::track::table;
use crate::track::{utc, Report};

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
