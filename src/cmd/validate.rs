//! `postback validate`: every finding on stdout, a summary on stderr.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;

use postback::engine::Record;
use postback::parallel::Job;
use postback::render::findings::{write_human, write_json_line, HumanStyle};
use postback::render::terminal::Paint;

use postback::filter::Filter;

use super::summary::Verdicts;
use super::{finish, read_jobs_live, stdout, Emit, Outcome};
use crate::cli::{ColorChoice, FindingFormat, ValidateArgs};

/// Renders findings; runs on any worker.
struct Validate {
    format: FindingFormat,
    style: HumanStyle,
    strict: bool,
    filter: Filter,
    /// A `help` key in each JSON line.
    with_help: bool,
}

/// Findings rendered for some records, and their counts.
#[derive(Default)]
struct Checked {
    text: Vec<u8>,
    verdicts: Verdicts,
}

impl Job for Validate {
    type Output = Checked;

    fn record(&self, record: &Record<'_>, out: &mut Checked) -> io::Result<()> {
        if !self.filter.keeps(record) {
            out.verdicts.filter_out();
            return Ok(());
        }
        out.verdicts.count(record, self.strict);
        for located in record.findings.iter().filter(|f| self.filter.shows(f)) {
            match self.format {
                FindingFormat::Human => write_human(&mut out.text, record, located, self.style)?,
                FindingFormat::Json => {
                    write_json_line(&mut out.text, record, located, self.with_help)?
                }
            }
        }
        Ok(())
    }
}

pub fn run(args: ValidateArgs, color: ColorChoice) -> Result<Outcome> {
    if args.with_help && args.format != FindingFormat::Json {
        anyhow::bail!(
            "--with-help adds a key to --format json lines; human findings show their help \
             under a snippet on a terminal (or with --color always)"
        );
    }
    let stdout_tty = io::stdout().is_terminal();
    let job = Validate {
        format: args.format,
        style: HumanStyle {
            paint: Paint::new(color.enabled(stdout_tty)),
            snippets: stdout_tty || color == ColorChoice::Always,
            width: super::output::terminal_width(1),
        },
        strict: args.strict,
        filter: args.filter.filter(&args.rules),
        with_help: args.with_help,
    };
    let mut out = stdout();
    let mut verdicts = Verdicts::default();
    let stats = read_jobs_live(&args.input, args.quiet, &job, |emitted| match emitted {
        Emit::Output(checked) => {
            verdicts.add(&checked.verdicts);
            out.write_all(&checked.text)
        }
        Emit::Flush => out.flush(),
    })?;
    let open = !stats.output_closed && finish(&mut out)?;
    if open && !args.quiet {
        verdicts.report(&stats, "", color);
    } else if open && args.strict {
        // Quiet, but the exit status needs its reason.
        if let Some(note) = verdicts.nothing_found(&stats) {
            let _ = writeln!(io::stderr(), "{note}");
        }
    }
    let nothing = args.strict && verdicts.nothing_found(&stats).is_some();
    let findings = if verdicts.with_errors > 0 || nothing {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    Ok(findings.max(stats.outcome()))
}

pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
