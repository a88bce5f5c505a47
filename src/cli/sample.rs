//! The arguments of `sample`.

use clap::{Args, ValueEnum};

use super::values::parse_assignment;

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The code, such as N201 (or ORIGIN:CODE such as MMS_MT:N202). With --lifecycle
    /// it may be left out (N201 then N202).
    #[arg(required_unless_present_any = ["all", "lifecycle"], conflicts_with = "all")]
    pub code: Option<String>,

    /// The ORIGIN, for a code documented under several (N202: SMS_MT or MMS_MT).
    #[arg(long, value_name = "ORIGIN")]
    pub origin: Option<String>,

    /// The dialect to write: v1.3 XML, lower-case XML, or v2 JSON.
    #[arg(long, value_enum, default_value_t = SampleDialect::V1)]
    pub dialect: SampleDialect,

    /// Give a field this value (or add it): makes deliberately broken payloads.
    #[arg(long, value_name = "FIELD=VALUE", value_parser = parse_assignment)]
    pub set: Vec<(String, String)>,

    /// Leave a field out.
    #[arg(long, value_name = "FIELD")]
    pub unset: Vec<String>,

    /// A sent postback and the final one of the same message, sharing a TRACKINGID
    /// (N201 then N202, N101 then N102; a final CODE is paired with its sent one).
    #[arg(long)]
    pub lifecycle: bool,

    /// How many samples (or lifecycles) to print, each for another message.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,

    /// One sample of every (ORIGIN, CODE) the dialect documents a field set for.
    #[arg(long, conflicts_with_all = ["lifecycle", "origin"])]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleDialect {
    V1,
    Lower,
    V2,
}
