//! `postback validate`: every finding on stdout, a summary on stderr.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::engine::{Record, Sink};
use postback::render::findings::{write_human, write_json, HumanStyle};
use postback::render::terminal::Paint;

use super::{finish, read_all, stdout, Outcome};
use crate::cli::{ColorChoice, FindingFormat, ValidateArgs};

struct Validator<W> {
    out: W,
    format: FindingFormat,
    style: HumanStyle,
    strict: bool,
    checked: u64,
    valid: u64,
    with_errors: u64,
    with_warnings: u64,
}

impl<W: Write> Sink for Validator<W> {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.checked += 1;
        let warnings = record.has_warnings();
        let errors = record.has_errors() || (self.strict && warnings);
        if errors {
            self.with_errors += 1;
        } else {
            self.valid += 1;
        }
        if warnings {
            self.with_warnings += 1;
        }
        for located in &record.findings {
            match self.format {
                FindingFormat::Human => write_human(&mut self.out, record, located, self.style)?,
                FindingFormat::Json => write_json(&mut self.out, record, located)?,
            }
        }
        Ok(())
    }
}

pub fn run(args: ValidateArgs, color: ColorChoice) -> Result<Outcome> {
    let stdout_tty = io::stdout().is_terminal();
    let style = HumanStyle {
        paint: Paint::new(color.enabled(stdout_tty)),
        snippets: stdout_tty || color == ColorChoice::Always,
    };
    let mut validator = Validator {
        out: stdout(),
        format: args.format,
        style,
        strict: args.strict,
        checked: 0,
        valid: 0,
        with_errors: 0,
        with_warnings: 0,
    };
    let stats = read_all(&args.input, &mut validator)?;
    let open = !stats.output_closed && finish(&mut validator.out)?;
    if open && !args.quiet {
        let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
        let v = &validator;
        let mut summary = format!(
            "{} checked in {}: {} valid, {} with errors, {} with warnings",
            plural(v.checked, "postback"),
            plural(stats.inputs_read, "input"),
            v.valid,
            v.with_errors,
            v.with_warnings,
        );
        if stats.inputs_failed > 0 {
            summary.push_str(&format!(
                "; {} could not be read",
                plural(stats.inputs_failed, "input")
            ));
        }
        let summary = if v.with_errors > 0 || stats.inputs_failed > 0 {
            paint.error(&summary)
        } else {
            paint.good(&summary)
        };
        let _ = writeln!(io::stderr(), "{summary}");
    }
    let findings = if validator.with_errors > 0 {
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
