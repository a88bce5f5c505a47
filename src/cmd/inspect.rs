//! `postback inspect`: each record as a card on stdout, the summary on
//! stderr as `validate` writes it; the exit status as `validate`'s.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::engine::Record;
use postback::parallel::Job;
use postback::render::inspect::{Cards, Tally};
use postback::render::terminal::Paint;

use postback::filter::Filter;

use super::summary::Verdicts;
use super::{finish, read_jobs_live, stdout, Emit, Outcome};
use crate::cli::{ColorChoice, InspectArgs};

/// Cards for some records, separated by blank lines, and their counts.
#[derive(Default)]
struct Shown {
    text: Vec<u8>,
    tally: Tally,
    verdicts: Verdicts,
}

/// Draws cards; runs on any worker.
struct Inspect {
    cards: Cards,
    filter: Filter,
}

impl Job for Inspect {
    type Output = Shown;

    fn record(&self, record: &Record<'_>, out: &mut Shown) -> io::Result<()> {
        if !self.filter.keeps(record) {
            out.verdicts.filter_out();
            return Ok(());
        }
        if out.tally.shown() > 0 {
            writeln!(out.text)?;
        }
        self.cards.write(&mut out.text, record)?;
        out.tally.add(record);
        out.verdicts.count(record, false);
        Ok(())
    }
}

pub fn run(args: InspectArgs, color: ColorChoice) -> Result<Outcome> {
    let paint = Paint::new(color.enabled(io::stdout().is_terminal()));
    let job = Inspect {
        cards: Cards::new(paint).with_width(super::output::terminal_width(1)),
        filter: args.filter.filter(&[]),
    };
    let mut out = stdout();
    let mut tally = Tally::default();
    let mut verdicts = Verdicts::default();
    let stats = read_jobs_live(&args.input, args.quiet, &job, |emitted| {
        let shown = match emitted {
            Emit::Output(shown) => shown,
            Emit::Flush => return out.flush(),
        };
        // Cards are separated by a blank line, across outputs too.
        if tally.shown() > 0 && shown.tally.shown() > 0 {
            writeln!(out)?;
        }
        tally.merge(shown.tally);
        verdicts.add(&shown.verdicts);
        out.write_all(&shown.text)
    })?;
    let open = !stats.output_closed && finish(&mut out)?;
    if open && !args.quiet {
        verdicts.report(&stats, &tally.breakdown(), color);
    }
    let findings = if verdicts.with_errors > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    Ok(findings.max(stats.outcome()))
}
