//! `track`'s output: the summary with its latency histogram and breakdown
//! table for a person ([`human`]), one JSON document for scripts
//! ([`json`]), a message's timeline ([`timeline`]), and the `--messages`
//! rows, CSV or NDJSON ([`messages`]). Payload text is escaped.

mod human;
mod json;
mod messages;
mod timeline;

pub use self::human::write_human;
pub use self::json::write_json;
pub use self::messages::{MessagesCsv, MessagesNdjson, MESSAGE_COLUMNS};
pub use self::timeline::{write_timeline, write_timeline_json, Timeline};

use crate::render::terminal::Paint;
use crate::track::aggregate::Tally;
use crate::track::table::State;

fn seconds(ms: Option<u64>) -> Option<f64> {
    ms.map(|ms| ms as f64 / 1000.0)
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

/// The state of a tally of one message.
fn state_of(t: &Tally) -> State {
    State::ALL
        .iter()
        .copied()
        .find(|s| t.state(*s) > 0)
        .unwrap_or(State::Pending)
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
