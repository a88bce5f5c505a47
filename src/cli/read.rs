//! The arguments of the commands that read captures for a person or a
//! script: `validate`, `inspect`, `convert`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use postback::filter::parse_rule;
use postback::finding::Rule;

use super::input::{FilterArgs, InputArgs};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Show only findings of this rule, and only postbacks that have one
    /// (repeatable), e.g. --rule missing-field.
    #[arg(long = "rule", value_name = "RULE", value_parser = parse_rule)]
    pub rules: Vec<Rule>,

    /// Output format: `human` lines (PATH:LINE:COLUMN: ...) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = FindingFormat::Human)]
    pub format: FindingFormat,

    /// With --format json: add a `help` key after `message`, the hint on how to
    /// fix the finding (null when it has none). The other keys stay as they are.
    #[arg(long)]
    pub with_help: bool,

    /// Count warnings as errors for the exit status.
    #[arg(long)]
    pub strict: bool,

    /// No summary on stderr; findings only.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindingFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// No summary on stderr; cards only.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format: `json` (one array), `ndjson` (one object a line), `csv`,
    /// `xlsx` (a workbook: identifiers as text, real date-times) or `parquet` (one
    /// typed schema, for DuckDB, Spark, Athena). Inferred from -o's extension
    /// (.json, .ndjson/.jsonl, .csv, .xlsx, .parquet) when absent.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Option<ConvertFormat>,

    /// Write to FILE (created or truncated) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// CSV and XLSX: the columns to write, in this order, instead of the default ones
    /// (listed below). EXTRA is written only if listed; it then holds, as a JSON
    /// object, every field not in the other columns (and the full list of a repeated
    /// one). `#text` is text written directly inside <POSTBACK>. A name that is no
    /// v1.3 field and that no postback read has is an error (exit 2). Parquet: the columns
    /// of its fixed schema to keep, by column name (recipient) or field name (TO).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Option<Vec<String>>,

    /// JSON and NDJSON keys in v1.3 names (`tracking-id` becomes TRACKINGID) instead
    /// of the names as written; v2 `content` as {"FILE": [...]}. CSV is always so.
    #[arg(long)]
    pub canonical: bool,

    /// Add where each postback was read: `source`, `line`, `column` and `offset`
    /// (0-based bytes) of its start, as keys after the fields (JSON, NDJSON) or
    /// columns after the others (CSV, XLSX). Parquet always has them.
    #[arg(long)]
    pub with_source: bool,

    /// Skip postbacks that have validation errors (as `postback validate` reports
    /// them); they are counted as skipped. By default they are converted: they are data.
    #[arg(long)]
    pub valid_only: bool,

    /// Write the raw text of every record that cannot be converted (not well-formed,
    /// a DOCTYPE document) to FILE, each followed by a newline, so the file can be
    /// fixed and converted again. An oversized record is never held in memory: only
    /// its finding on stderr records it.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// CSV for spreadsheets: UTF-8 BOM, CRLF line ends, and every cell that starts
    /// with = + - @ tab or CR gets a ' in front so that it cannot run as a formula.
    /// This ALTERS those cells (a STATUSDETAILS of "-1" becomes "'-1"); without
    /// --excel the output is exact.
    #[arg(long)]
    pub excel: bool,

    /// No summary on stderr (findings about records that cannot be converted still appear).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    Json,
    Ndjson,
    Csv,
    Xlsx,
    Parquet,
}
