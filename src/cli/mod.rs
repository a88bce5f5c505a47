//! The command line: one global `--color`, one argument struct per command.
//!
//! One module per group of commands: `input` (what reading commands share),
//! `read` (validate, inspect, convert), `lookup` (codes, carriers), `track`,
//! `sample`, `serve` (listen, replay) and `values` (argument value parsers).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod input;
mod lookup;
mod read;
mod sample;
mod serve;
mod track;
mod values;

pub use self::input::*;
pub use self::lookup::*;
pub use self::read::*;
pub use self::sample::*;
pub use self::serve::*;
pub use self::track::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
