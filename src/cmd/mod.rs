//! One module per command; this one holds what they share: reading every
//! input into a sink, reporting unreadable inputs, and the exit outcome.

mod carriers;
mod codes;
mod convert;
mod inspect;
mod validate;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Result};
use postback::engine::{read_input, Options, Sink, Stop};
use postback::input::{expand, Source};
use postback::parallel::{self, Event, Job};
use postback::render::terminal::escape;

use crate::cli::{Cli, Command, InputArgs};

/// How a run ended, best to worst; the exit status is the worst seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything read, nothing wrong.
    Clean,
    /// A postback has an error (or could not be converted).
    Findings,
    /// An input could not be opened or read to its end.
    Trouble,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Trouble => ExitCode::from(2),
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Validate(args) => validate::run(args, cli.color),
        Command::Inspect(args) => inspect::run(args, cli.color),
        Command::Convert(args) => convert::run(args, cli.color),
        Command::Codes(args) => codes::run(args, cli.color),
        Command::Carriers(args) => carriers::run(args, cli.color),
    }
}

/// Whether an error comes from writing into a pipe whose reader has gone:
/// then the run ends quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// What reading all inputs came to.
#[derive(Debug, Default)]
pub struct ReadStats {
    /// Inputs read to their end.
    pub inputs_read: u64,
    /// Inputs that could not be opened or read to their end.
    pub inputs_failed: u64,
    pub bytes: u64,
    /// The output's reader went away: stop quietly, print no summary.
    pub output_closed: bool,
}

impl ReadStats {
    pub fn outcome(&self) -> Outcome {
        if self.inputs_failed > 0 {
            Outcome::Trouble
        } else {
            Outcome::Clean
        }
    }
}

/// Reads every input named by `args` into `sink`. An input that cannot be
/// read is reported on stderr and the run goes on; an output failure other
/// than a closed pipe is returned as an error.
pub fn read_all<S: Sink + ?Sized>(args: &InputArgs, sink: &mut S) -> Result<ReadStats> {
    if args.paths.is_empty() && io::stdin().is_terminal() {
        bail!(
            "no input: standard input is a terminal\n\
             pass a file or directory (postback validate dump.log), pipe a capture in\n\
             (pbpaste | postback inspect), or give `-` to type postbacks and end with Ctrl-D"
        );
    }
    let options = Options {
        max_record: args.max_record_size,
    };
    let mut stats = ReadStats::default();
    for input in expand(&args.paths) {
        let source = match input {
            Ok(source) => source,
            Err(err) => {
                report_input_error(&err.path.display().to_string(), &err.error);
                stats.inputs_failed += 1;
                continue;
            }
        };
        let name = source.name();
        let reader = match source.open() {
            Ok(reader) => reader,
            Err(err) => {
                report_input_error(&name, &err);
                stats.inputs_failed += 1;
                continue;
            }
        };
        match read_input(&name, reader, &options, sink) {
            Ok(bytes) => {
                stats.inputs_read += 1;
                stats.bytes += bytes;
            }
            Err(Stop::Input(err)) => {
                let what = if matches!(source, Source::Stdin) {
                    "read"
                } else {
                    "read to its end"
                };
                report_input_error(
                    &name,
                    &io::Error::new(
                        err.kind(),
                        format!("could not be {what}: {err}; what came before was processed"),
                    ),
                );
                stats.inputs_failed += 1;
            }
            Err(Stop::Output(err)) if err.kind() == io::ErrorKind::BrokenPipe => {
                stats.output_closed = true;
                return Ok(stats);
            }
            Err(Stop::Output(err)) => {
                return Err(anyhow::Error::new(err).context("cannot write output"))
            }
        }
    }
    Ok(stats)
}

/// Reads every input named by `args`, running `job` on each record with
/// `--jobs` workers; `emit` receives the outputs in input order. Inputs that
/// cannot be read are reported on stderr in their place and the run goes on.
/// A closed output pipe ends the run quietly (`output_closed`); any other
/// output failure is an error.
pub fn read_jobs<J: Job>(
    args: &InputArgs,
    job: &J,
    mut emit: impl FnMut(J::Output) -> io::Result<()>,
) -> Result<ReadStats> {
    if args.paths.is_empty() && io::stdin().is_terminal() {
        bail!(
            "no input: standard input is a terminal\n\
             pass a file or directory (postback validate dump.log), pipe a capture in\n\
             (pbpaste | postback inspect), or give `-` to type postbacks and end with Ctrl-D"
        );
    }
    let options = Options {
        max_record: args.max_record_size,
    };
    let mut stats = ReadStats::default();
    let result = parallel::run(
        expand(&args.paths),
        &options,
        args.jobs(),
        job,
        &mut |event| {
            match event {
                Event::Output(output) => emit(output)?,
                Event::InputRead { bytes } => {
                    stats.inputs_read += 1;
                    stats.bytes += bytes;
                }
                Event::InputFailed {
                    name,
                    error,
                    partial,
                } => {
                    if partial {
                        let error = io::Error::new(
                        error.kind(),
                        format!("could not be read to its end: {error}; what came before was processed"),
                    );
                        report_input_error(&name, &error);
                    } else {
                        report_input_error(&name, &error);
                    }
                    stats.inputs_failed += 1;
                }
            }
            Ok(())
        },
    );
    match result {
        Ok(()) => Ok(stats),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
            stats.output_closed = true;
            Ok(stats)
        }
        Err(err) => Err(anyhow::Error::new(err).context("cannot write output")),
    }
}

fn report_input_error(name: &str, err: &io::Error) {
    let _ = writeln!(io::stderr(), "postback: {}: {}", escape(name), err);
}

/// Standard output, buffered for speed when it is not a terminal.
pub fn stdout() -> Box<dyn Write> {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        Box::new(io::LineWriter::new(stdout.lock()))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()))
    }
}

/// Flushes output; a reader that went away is not an error.
pub fn finish<W: Write + ?Sized>(out: &mut W) -> Result<bool> {
    match out.flush() {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(err) => Err(anyhow::Error::new(err).context("cannot write output")),
    }
}
