//! `postback validate`: every finding on stdout, a summary on stderr.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::engine::Record;
use postback::parallel::Job;
use postback::render::findings::{write_human, write_json, HumanStyle};
use postback::render::terminal::Paint;

use super::{finish, read_jobs_live, stdout, Emit, Outcome};
use crate::cli::{ColorChoice, FindingFormat, ValidateArgs};

/// Renders findings; runs on any worker.
struct Validate {
    format: FindingFormat,
    style: HumanStyle,
    strict: bool,
}

/// Findings rendered for some records, and their counts.
#[derive(Default)]
struct Checked {
    text: Vec<u8>,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    checked: u64,
    valid: u64,
    with_errors: u64,
    with_warnings: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.checked += other.checked;
        self.valid += other.valid;
        self.with_errors += other.with_errors;
        self.with_warnings += other.with_warnings;
    }
}

impl Job for Validate {
    type Output = Checked;

    fn record(&self, record: &Record<'_>, out: &mut Checked) -> io::Result<()> {
        let counts = &mut out.counts;
        counts.checked += 1;
        let warnings = record.has_warnings();
        if record.has_errors() || (self.strict && warnings) {
            counts.with_errors += 1;
        } else {
            counts.valid += 1;
        }
        if warnings {
            counts.with_warnings += 1;
        }
        for located in &record.findings {
            match self.format {
                FindingFormat::Human => write_human(&mut out.text, record, located, self.style)?,
                FindingFormat::Json => write_json(&mut out.text, record, located)?,
            }
        }
        Ok(())
    }
}

pub fn run(args: ValidateArgs, color: ColorChoice) -> Result<Outcome> {
    let stdout_tty = io::stdout().is_terminal();
    let job = Validate {
        format: args.format,
        style: HumanStyle {
            paint: Paint::new(color.enabled(stdout_tty)),
            snippets: stdout_tty || color == ColorChoice::Always,
        },
        strict: args.strict,
    };
    let mut out = stdout();
    let mut counts = Counts::default();
    let stats = read_jobs_live(&args.input, args.quiet, &job, |emitted| match emitted {
        Emit::Output(checked) => {
            counts.add(&checked.counts);
            out.write_all(&checked.text)
        }
        Emit::Flush => out.flush(),
    })?;
    let open = !stats.output_closed && finish(&mut out)?;
    if open && !args.quiet {
        let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
        let mut summary = format!(
            "{} checked in {}: {} valid, {} with errors, {} with warnings",
            plural(counts.checked, "postback"),
            plural(stats.inputs_read, "input"),
            counts.valid,
            counts.with_errors,
            counts.with_warnings,
        );
        summary.push_str(&stats.summary_tail());
        let summary = if counts.with_errors > 0 || stats.outcome() > Outcome::Clean {
            paint.error(&summary)
        } else {
            paint.good(&summary)
        };
        let _ = writeln!(io::stderr(), "{summary}");
    }
    let findings = if counts.with_errors > 0 {
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
