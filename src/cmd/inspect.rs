//! `postback inspect`: each record as a card on stdout, a summary line
//! after them when there is more than one; the exit status as `validate`'s.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::engine::{Record, Sink};
use postback::render::inspect::{Cards, Tally};
use postback::render::terminal::Paint;

use super::{finish, read_all, stdout, Outcome};
use crate::cli::{ColorChoice, InspectArgs};

struct Inspector<W> {
    out: W,
    cards: Cards,
    tally: Tally,
}

impl<W: Write> Sink for Inspector<W> {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        if self.tally.shown() > 0 {
            writeln!(self.out)?;
        }
        self.cards.write(&mut self.out, record)?;
        self.tally.add(record);
        Ok(())
    }
}

pub fn run(args: InspectArgs, color: ColorChoice) -> Result<Outcome> {
    let paint = Paint::new(color.enabled(io::stdout().is_terminal()));
    let mut inspector = Inspector {
        out: stdout(),
        cards: Cards::new(paint),
        tally: Tally::default(),
    };
    let stats = read_all(&args.input, &mut inspector)?;
    let mut open = !stats.output_closed;
    if open && inspector.tally.shown() > 1 {
        let written = writeln!(inspector.out)
            .and_then(|()| inspector.tally.write_summary(&mut inspector.out, paint));
        match written {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => open = false,
            Err(err) => return Err(anyhow::Error::new(err).context("cannot write output")),
        }
    }
    if open && finish(&mut inspector.out)? && inspector.tally.shown() == 0 && stats.inputs_read > 0
    {
        // Nothing on stdout would look like a hang or a bug: say why.
        let inputs = match stats.inputs_read {
            1 => "1 input".to_string(),
            n => format!("{n} inputs"),
        };
        let _ = writeln!(io::stderr(), "postback: no postback found in {inputs}");
    }
    let findings = if inspector.tally.with_errors() > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    Ok(findings.max(stats.outcome()))
}
