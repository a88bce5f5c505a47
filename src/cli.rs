//! The command line: one global `--color`, one argument struct per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use postback::engine::DEFAULT_MAX_RECORD;

#[derive(Debug, Parser)]
#[command(
    name = "postback",
    version,
    about = "Inspect, validate and convert Skycore SMS/MMS delivery-report postbacks",
    long_about = "Inspect, validate and convert Skycore SMS/MMS delivery-report postbacks.\n\n\
Reads captures as they come: single payloads, log dumps (gzip or not), postbacks\n\
inside log lines, JSON log lines and form-encoded bodies.",
    after_help = "Examples:\n  pbpaste | postback inspect\n  postback validate hooks/ dump.log.gz\n  postback convert --to csv dump.log.gz -o dump.csv",
    propagate_version = true
)]
pub struct Cli {
    /// When to colour the output: auto colours only a terminal (and honours NO_COLOR).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream, given whether it is a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show each postback as a card: its code in words, fields, carrier, findings.
    #[command(
        after_help = "Examples:\n  pbpaste | postback inspect\n  tail -n 50 hook.log | postback inspect\n  postback inspect capture.xml\n\nExit status: 0 no errors, 1 a postback has an error, 2 an input could not be read."
    )]
    Inspect(InspectArgs),

    /// Check every postback against the documented field sets; report findings.
    #[command(
        after_help = "Examples:\n  postback validate dump.log\n  zcat -f hooks/*.gz | postback validate --format json | jq .rule\n  postback validate --strict -q captures/\n\nExit status: 0 all valid, 1 a postback has an error, 2 an input could not be read."
    )]
    Validate(ValidateArgs),

    /// Write every postback as JSON, NDJSON, CSV, XLSX or Parquet.
    #[command(
        after_help = "Examples:\n  postback convert --to csv dump.log.gz -o dump.csv\n  postback convert --to ndjson hooks/ | jq -r .STATUS\n  postback convert dump.log -o dump.json --valid-only --rejects rejects.txt\n  postback convert --to csv --fields TRACKINGID,STATUS,EXTRA dump.log\n  postback convert dumps/ -o postbacks.xlsx\n  postback convert dumps/ -o postbacks.parquet && duckdb -c \"SELECT code, count(*) FROM 'postbacks.parquet' GROUP BY 1\"\n\n\
Values are the element text exactly (entities decoded, not trimmed). A repeated field\n\
becomes an array; N401 CONTENT becomes {\"FILE\": [...]}; in CSV such a cell holds JSON.\n\
Default CSV columns:\n  ORIGIN,CODE,STATUS,SENTAS,MMSID,FROM,FROM_MASK,TO,TRACKINGID,SPID,TIMESTAMP,\n  AGGREGATORID,HANDSET,OS,STATUSDETAILS,AUDIONAME,VIDEONAME,EXTRA\n\
Summary on stderr: converted, skipped, rejected, inputs read.\n\
Exit status: 0 all converted, 1 a record could not be converted, 2 an input or the output failed."
    )]
    Convert(ConvertArgs),

    /// List the documented codes, or show one code's field set.
    #[command(
        after_help = "Examples:\n  postback codes\n  postback codes N102\n  postback codes mms_mt:n202\n\nExit status: 0 found, 1 no such code."
    )]
    Codes(CodesArgs),

    /// Look up an SPID, a country or a carrier name in the carrier table.
    #[command(
        after_help = "Examples:\n  postback carriers 0001470\n  postback carriers canada\n  postback carriers verizon\n\nExit status: 0 found, 1 no match."
    )]
    Carriers(CarriersArgs),
}

/// Where postbacks are read from, shared by every command that reads them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files or directories to read (directories recursively); none or `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Worker threads (default: the available cores). Output is the same for any number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// No progress bar (it is only ever drawn on a terminal, on stderr).
    #[arg(long = "no-progress", action = clap::ArgAction::SetFalse)]
    pub progress: bool,

    /// Records larger than this are reported as oversized and skipped (e.g. 512K, 4M).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_record_size: usize,
}

impl InputArgs {
    /// The number of worker threads to use.
    pub fn jobs(&self) -> usize {
        match self.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

impl Default for InputArgs {
    fn default() -> Self {
        InputArgs {
            paths: Vec::new(),
            jobs: None,
            progress: true,
            max_record_size: DEFAULT_MAX_RECORD,
        }
    }
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format: `human` lines (PATH:LINE:COLUMN: ...) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = FindingFormat::Human)]
    pub format: FindingFormat,

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
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,

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
    /// one). `#text` is text written directly inside <POSTBACK>. Parquet: the columns
    /// of its fixed schema to keep, by column name (recipient) or field name (TO).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Option<Vec<String>>,

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

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// A code such as N102 (or ORIGIN:CODE such as MMS_MT:N202) to show its field set.
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct CarriersArgs {
    /// An SPID (exact; leading zeros may be left out), or part of a country or carrier
    /// name (any case). Without it, the whole table.
    pub query: Option<String>,
}

/// Parses a size such as `1048576`, `512K`, `4M` or `1G` (powers of 1024).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let digits = upper.trim_end_matches(['B', 'I']);
    let (number, unit) = match digits.char_indices().last() {
        Some((i, 'K')) => (&digits[..i], 1024),
        Some((i, 'M')) => (&digits[..i], 1024 * 1024),
        Some((i, 'G')) => (&digits[..i], 1024 * 1024 * 1024),
        _ => (digits, 1),
    };
    let n: usize = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 1048576, 512K or 4M"))?;
    match n.checked_mul(unit) {
        Some(0) | None => Err(format!(
            "`{text}` is not a usable size; write e.g. 512K or 4M"
        )),
        Some(size) => Ok(size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1M"), Ok(1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("4MiB"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
    }
}
