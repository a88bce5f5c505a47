//! The command line: one global `--color`, one argument struct per command.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use postback::engine::DEFAULT_MAX_RECORD;
use postback::filter::{parse_rule, CodeFilter, Filter, Only};
use postback::finding::Rule;
use postback::track::By;

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
        after_help = "Examples:\n  postback codes\n  postback codes N102\n  postback codes mms_mt:n202\n  postback codes 202\n  postback codes | cut -f2,4\n  postback codes --format json N102 | jq .\n\nExit status: 0 found, 1 no such code."
    )]
    Codes(CodesArgs),

    /// Look up an SPID, a country or a carrier name in the carrier table.
    #[command(
        after_help = "Examples:\n  postback carriers 0001470\n  postback carriers canada\n  postback carriers verizon\n  postback carriers uk\n  postback carriers tmobile | cut -f1,2\n  postback carriers --format json att | jq -r '.[].spid'\n\nExit status: 0 found, 1 no match."
    )]
    Carriers(CarriersArgs),

    /// Follow every message from sent to delivered: states, latency, breakdowns.
    #[command(
        after_help = "Examples:\n  postback track dump.log.gz\n  postback track --by country hooks/\n  postback track --id U01TXzgwNjc4 dump.log\n  postback track --format json dump.log | jq .delivery_rate\n  postback track --messages messages.csv --stuck-after 24h dump.log\n\n\
A message is (family, TRACKINGID): SMS (SMS_MT N2xx/E2xx), MMS (MMS_MT N1xx/E1xx, and\n\
N202/E202 for a fallback SMS) or DDM (MMS_MT N5xx/E5xx). Latency is the final TIMESTAMP\n\
minus the sent one, in UTC. Repeats of a postback (the provider retries) count once.\n\
Exit status: 0 read, 2 an input could not be read or the output failed."
    )]
    Track(TrackArgs),
    /// Print valid postbacks to send to a webhook, or broken ones on purpose.
    #[command(
        after_help = "Examples:\n  postback sample N201\n  postback sample N102 --dialect lower --set SENTAS=SMS\n  postback sample N202 --origin SMS_MT --unset AGGREGATORID   # a deliberate missing-field\n  postback sample --lifecycle --count 100 | postback replay --to http://127.0.0.1:8080/\n  postback sample --all --dialect v2 | postback validate\n\n\
XML samples are documents one after another; v2 samples are one JSON object a line.\n\
--set and --unset take the dialect's field name or the v1.3 name (STATUS, status);\n\
--set adds a field the sample lacks, under the name as written.\n\
Exit status: 0 printed, 2 no such code (or no field set for it in that dialect)."
    )]
    Sample(SampleArgs),

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  postback completions bash > ~/.local/share/bash-completion/completions/postback\n  postback completions zsh > ~/.zfunc/_postback     # with fpath+=~/.zfunc before compinit\n  postback completions fish > ~/.config/fish/completions/postback.fish"
    )]
    Completions(CompletionsArgs),

    /// Write man pages: postback(1) on stdout, or one page per command into a directory.
    #[command(
        after_help = "Examples:\n  postback man | man -l -\n  postback man --dir ~/.local/share/man/man1 && man postback-validate"
    )]
    Man(ManArgs),

    /// Receive postbacks over HTTP: archive, show and forward each one.
    #[command(
        after_help = "Examples:\n  postback listen\n  postback listen --archive hooks.ndjson --forward-to http://127.0.0.1:3000/hooks\n  postback listen --format json | jq -c 'select(.valid | not)'\n  postback sample N201 | postback replay --to http://127.0.0.1:8080/\n\n\
Each POST body (raw XML, a form body with xml=..., JSON) is appended to the archive and\n\
flushed BEFORE it is answered 200, so an acknowledged postback is never lost; the archive\n\
is itself a capture (postback validate hooks.ndjson). A body without a postback is still\n\
answered 200 (the provider would retry it for nothing), archived, and warned about.\n\
Refused: another path 404, not POST 405, a body over --max-record-size 413, bad HTTP 400.\n\
Ctrl-C or SIGTERM: stop accepting, finish requests in flight, print a summary.\n\
Exit status: 0 after a clean stop, 2 if the address or the archive cannot be opened."
    )]
    Listen(ListenArgs),

    /// POST every postback of a capture (or a listen archive) to an endpoint.
    #[command(
        after_help = "Examples:\n  postback replay dump.log --to http://127.0.0.1:3000/hooks\n  postback replay hooks.ndjson --to http://127.0.0.1:3000/hooks --rate 50\n  postback sample --lifecycle --count 1000 | postback replay --to http://127.0.0.1:8080/ -c 16\n  postback replay hooks.ndjson --failed-forwards --to http://127.0.0.1:3000/hooks\n\n\
A listen archive is replayed request by request with each body and content type as\n\
received (--as original); any other capture postback by postback, raw XML as text/xml\n\
and v2 JSON as application/json. --as form sends xml=<percent-encoded>, --as json\n\
{\"xml\": \"...\"} (a v2 postback as itself), --as xml the postback's text.\n\
One line per response on stdout; counts by status and p50/p99 latency on stderr.\n\
Exit status: 0 all answered 2xx, 1 a non-2xx answer or a connection error, 2 an input could not be read."
    )]
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write postback.1 and a postback-COMMAND.1 page for every command into DIR
    /// (created if missing) instead of postback.1 on standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where postbacks are read from, shared by every command that reads them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files or directories to read (directories recursively); none or `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Worker threads (default: the available cores; more than 4 per core are not started).
    /// Output is the same for any number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS))]
    pub jobs: Option<u16>,

    /// No progress bar (it is only ever drawn on a terminal, on stderr).
    #[arg(long = "no-progress", action = clap::ArgAction::SetFalse)]
    pub progress: bool,

    /// Records larger than this are reported as oversized and skipped (e.g. 512K, 4M).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_record_size: usize,

    /// Which dialects to read: `auto` (all three), `v1` (<POSTBACK>), `lower`
    /// (<postback>) or `v2` (JSON objects with `origin` and `code`); records of the
    /// others are then text, skipped silently.
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,
}

/// `--dialect`: all dialects, or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectChoice {
    Auto,
    V1,
    Lower,
    V2,
}

impl DialectChoice {
    /// The one dialect to read, or `None` for all.
    pub fn only(self) -> Option<postback::dialect::Dialect> {
        use postback::dialect::Dialect;
        match self {
            DialectChoice::Auto => None,
            DialectChoice::V1 => Some(Dialect::V1),
            DialectChoice::Lower => Some(Dialect::Lower),
            DialectChoice::V2 => Some(Dialect::V2),
        }
    }
}

/// The most `--jobs` accepted: far past any use, short of exhausting threads.
const MAX_JOBS: i64 = 1024;
/// Worker threads per core at most: more only add memory and switching.
const JOBS_PER_CORE: usize = 4;

impl InputArgs {
    /// The number of worker threads to use, and whether `--jobs` asked for
    /// more than the cores can use (then capped at 4 per core).
    pub fn jobs(&self) -> (usize, bool) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        match self.jobs {
            Some(n) => {
                let cap = cores * JOBS_PER_CORE;
                let n = usize::from(n);
                (n.min(cap), n > cap)
            }
            None => (cores, false),
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
            dialect: DialectChoice::Auto,
        }
    }
}

/// Which postbacks are shown; the rest are still read and counted.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Show only postbacks with this CODE (repeatable); ORIGIN:CODE, such as
    /// SMS_MT:N202, picks one origin of a code that has two.
    #[arg(long = "code", value_name = "CODE", value_parser = CodeFilter::parse)]
    pub codes: Vec<CodeFilter>,

    /// Show only valid postbacks (no error; warnings allowed), those with
    /// warnings, or those with errors.
    #[arg(long, value_enum, value_name = "WHICH")]
    pub only: Option<OnlyArg>,

    /// Show only postbacks with this TRACKINGID (repeatable).
    #[arg(long = "tracking-id", value_name = "ID")]
    pub tracking_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    Valid,
    Warnings,
    Errors,
}

impl FilterArgs {
    /// The filter, with `--rule`'s rules where the command has it.
    pub fn filter(&self, rules: &[Rule]) -> Filter {
        Filter {
            codes: self.codes.clone(),
            only: self.only.map(|only| match only {
                OnlyArg::Valid => Only::Valid,
                OnlyArg::Warnings => Only::Warnings,
                OnlyArg::Errors => Only::Errors,
            }),
            tracking_ids: self.tracking_ids.clone(),
            rules: rules.to_vec(),
        }
    }
}

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
fn by_parser() -> impl TypedValueParser<Value = By> {
    clap::builder::PossibleValuesParser::new(By::ALL.map(By::as_str))
        .map(|name| By::parse(&name).unwrap_or(By::Carrier))
}

/// Parses a duration such as `72h`, `30m`, `2d`, `90s` or `1h30m` into milliseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    humantime::parse_duration(text.trim())
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .ok_or_else(|| format!("`{text}` is not a duration; write e.g. 72h, 30m, 2d or 1h30m"))
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// A code such as N102 (or ORIGIN:CODE such as MMS_MT:N202) to show its field set.
    pub code: Option<String>,

    /// With a CODE: show its field sets in this dialect only (`auto`: every dialect
    /// that documents it).
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,

    /// Output: an aligned `table` (the default on a terminal), `tsv` with a header
    /// (the default when piped, for cut -f) or a `json` array. With a CODE the
    /// default is its field sets in words; tsv gives one field a line, json the sets.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct CarriersArgs {
    /// An SPID (exact; leading zeros may be left out), a country code or common name
    /// (uk, gb, usa), or the start of a word of a country or carrier name, ignoring
    /// case, spaces and punctuation (att, tmobile, new zea). Without it, the whole table.
    pub query: Option<String>,

    /// Output: an aligned `table` (the default on a terminal), `tsv` with a header
    /// (the default when piped, for cut -f) or a `json` array.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

/// How `codes` and `carriers` list their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Tsv,
    Json,
}

impl ListFormat {
    /// The format asked for, else a table for a terminal and TSV for a pipe.
    pub fn chosen(asked: Option<ListFormat>, to_terminal: bool) -> ListFormat {
        match (asked, to_terminal) {
            (Some(format), _) => format,
            (None, true) => ListFormat::Table,
            (None, false) => ListFormat::Tsv,
        }
    }
}

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

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address and port to listen on. Loopback unless another address is given on
    /// purpose (postbacks carry phone numbers). Port 0 picks a free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,

    /// The path postbacks are POSTed to; other paths are answered 404.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub path: String,

    /// Append every request to FILE as one NDJSON line, flushed before the 200.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,

    /// Also sync each batch of archive lines to the disk before answering: survives
    /// a power cut, not only a crash (costs latency; see README).
    #[arg(long, requires = "archive")]
    pub fsync: bool,

    /// Send each body on to this URL (http://) after answering, with its content type.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// What stdout shows per postback: `human` inspect cards or `json` lines.
    #[arg(long, value_enum, default_value_t = FindingFormat::Human)]
    pub format: FindingFormat,

    /// No line per request on stderr (warnings and the summary still appear).
    #[arg(short, long)]
    pub quiet: bool,

    /// Bodies larger than this are refused with 413 (e.g. 512K, 4M).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_record_size: usize,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The endpoint to POST to (http://).
    #[arg(long, value_name = "URL")]
    pub to: String,

    /// At most N requests a second (default: as fast as the endpoint answers).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,

    /// Requests in flight at once (connections kept open).
    #[arg(short = 'c', long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// How each postback is sent: as captured, raw XML, a form body, or JSON.
    #[arg(long = "as", value_enum, value_name = "HOW", default_value_t = SendAs::Original)]
    pub send_as: SendAs,

    /// An extra request header, e.g. --header 'Authorization: Bearer x' (repeatable).
    #[arg(long, value_name = "K:V")]
    pub header: Vec<String>,

    /// From a listen archive, only the requests whose forward failed.
    #[arg(long)]
    pub failed_forwards: bool,

    /// No line per response; the summary only.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SendAs {
    Original,
    Xml,
    Form,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleDialect {
    V1,
    Lower,
    V2,
}

/// Parses `FIELD=VALUE` (the value may be empty or hold `=`).
fn parse_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "`{text}` is not FIELD=VALUE; write e.g. --set STATUS=Delivered"
        )),
    }
}

/// The smallest and largest record size limits: below 64 bytes no postback
/// fits; above 1 GiB one record would not fit in memory next to its reading.
pub const MIN_RECORD_SIZE: usize = 64;
pub const MAX_RECORD_SIZE: usize = 1 << 30;

/// Parses a size such as `1048576`, `512K`, `4M` or `1G` (powers of 1024;
/// `KB`, `KiB` and a trailing `B` are accepted too), between 64 bytes and 1 GiB.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let digits_end = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (number, unit) = upper.split_at(digits_end);
    let scale = match unit.trim_start() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1024,
        "M" | "MB" | "MIB" => 1024 * 1024,
        "G" | "GB" | "GIB" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{text}` is not a size; write e.g. 1048576, 512K or 4M"
            ))
        }
    };
    let n: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 1048576, 512K or 4M"))?;
    match n.checked_mul(scale) {
        Some(size) if (MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&size) => Ok(size),
        Some(size) if size < MIN_RECORD_SIZE => Err(format!(
            "`{text}` is too small: no postback fits in under {MIN_RECORD_SIZE} bytes"
        )),
        _ => Err(format!(
            "`{text}` is too large: the most is 1G (one record is held in memory whole)"
        )),
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
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("64"), Ok(64));
        assert_eq!(parse_size("2kb"), Ok(2048));
        for bad in [
            "10",
            "4BIBIB",
            "1KK",
            "K",
            "2G",
            "18446744073709551615",
            "1.5M",
            "-1",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("72h"), Ok(72 * 3_600_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("2d"), Ok(2 * 86_400_000));
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert!(parse_duration("72").is_err());
        assert!(parse_duration("h").is_err());
        assert_eq!(parse_duration("1w"), Ok(7 * 86_400_000));
        assert!(parse_duration("soon").is_err());
    }
}
