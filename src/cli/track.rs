//! The arguments of `track`.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};

use postback::track::By;

use super::input::InputArgs;
use super::values::parse_duration;

#[derive(Debug, Args)]
pub struct TrackArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output: a `human` summary, or one `json` document for scripts.
    #[arg(long, value_enum, default_value_t = TrackFormat::Human)]
    pub format: TrackFormat,

    /// The breakdown table's groups (carrier and country come from the SPID).
    #[arg(long, value_name = "GROUP", default_value = "carrier", value_parser = by_parser())]
    pub by: By,

    /// Pending messages sent longer than this before the newest TIMESTAMP in the
    /// data are stuck: counted and listed (e.g. 72h, 30m, 2d, 1h30m).
    #[arg(long, value_name = "DURATION", default_value = "72h", value_parser = parse_duration)]
    pub stuck_after: i64,

    /// Show one message's timeline: every postback with its place, time, code and status.
    #[arg(long, value_name = "TRACKINGID")]
    pub id: Option<String>,

    /// Write one row per message to FILE, as CSV or NDJSON by its extension
    /// (.csv, .ndjson/.jsonl): a message as soon as it is final, pending ones at the end.
    #[arg(long, value_name = "FILE")]
    pub messages: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrackFormat {
    Human,
    Json,
}

/// `--by`: the group names of [`By`], listed in `--help`.
pub(super) fn by_parser() -> impl TypedValueParser<Value = By> {
    clap::builder::PossibleValuesParser::new(By::ALL.map(By::as_str))
        .map(|name| By::parse(&name).unwrap_or(By::Carrier))
}
