//! `track --format json`: the summary as one JSON document.

use std::io::{self, Write};

use serde::Serialize;

use super::seconds;
use crate::track::aggregate::Latency;
use crate::track::table::State;
use crate::track::{By, Report};

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
