//! `track`'s summary for a person: counts, states, the latency histogram,
//! the breakdown table and the stuck messages.

use std::io::{self, Write};

use super::{duration, pad, paint_state, percent, plural, rate, words};
use crate::render::terminal::{escape, Paint};
use crate::track::aggregate::{Tally, BUCKETS};
use crate::track::table::State;
use crate::track::{carrier, utc, By, Report};

/// Groups the human table shows; `--format json` has them all.
const TABLE_ROWS: usize = 20;
/// Stuck messages the human summary lists; `--messages` has them all.
const STUCK_ROWS: usize = 20;
/// The widest histogram bar, in cells.
const BAR: usize = 30;

fn bar(n: u64, max: u64) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let cells = ((n as f64 / max as f64) * BAR as f64).round().max(1.0) as usize;
    "█".repeat(cells)
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
