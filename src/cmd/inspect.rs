//! `postback inspect`: each record as a card on stdout, a summary line
//! after them when there is more than one; the exit status as `validate`'s.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::engine::Record;
use postback::parallel::Job;
use postback::render::inspect::{Cards, Tally};
use postback::render::terminal::Paint;

use super::{finish, read_jobs_live, stdout, Emit, Outcome};
use crate::cli::{ColorChoice, InspectArgs};

/// Cards for some records, separated by blank lines, and their tally.
#[derive(Default)]
struct Shown {
    text: Vec<u8>,
    tally: Tally,
}

/// Draws cards; runs on any worker.
struct Inspect(Cards);

impl Job for Inspect {
    type Output = Shown;

    fn record(&self, record: &Record<'_>, out: &mut Shown) -> io::Result<()> {
        if out.tally.shown() > 0 {
            writeln!(out.text)?;
        }
        self.0.write(&mut out.text, record)?;
        out.tally.add(record);
        Ok(())
    }
}

pub fn run(args: InspectArgs, color: ColorChoice) -> Result<Outcome> {
    let paint = Paint::new(color.enabled(io::stdout().is_terminal()));
    let cards = Inspect(Cards::new(paint));
    let mut out = stdout();
    let mut tally = Tally::default();
    let stats = read_jobs_live(&args.input, false, &cards, |emitted| {
        let shown = match emitted {
            Emit::Output(shown) => shown,
            Emit::Flush => return out.flush(),
        };
        // Cards are separated by a blank line, across outputs too.
        if tally.shown() > 0 && shown.tally.shown() > 0 {
            writeln!(out)?;
        }
        tally.merge(shown.tally);
        out.write_all(&shown.text)
    })?;
    let mut open = !stats.output_closed;
    if open && tally.shown() > 1 {
        let written = writeln!(out).and_then(|()| tally.write_summary(&mut out, paint));
        match written {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => open = false,
            Err(err) => return Err(anyhow::Error::new(err).context("cannot write output")),
        }
    }
    if open && finish(&mut out)? && tally.shown() == 0 && stats.inputs_read > 0 {
        // Nothing on stdout would look like a hang or a bug: say why.
        let inputs = match stats.inputs_read {
            1 => "1 input".to_string(),
            n => format!("{n} inputs"),
        };
        let _ = writeln!(io::stderr(), "postback: no postback found in {inputs}");
    }
    if stats.interrupted {
        let _ = writeln!(
            io::stderr(),
            "postback: interrupted before the end of the input"
        );
    }
    let findings = if tally.with_errors() > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    Ok(findings.max(stats.outcome()))
}
