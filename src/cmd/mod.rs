//! One module per command; this one holds what they share: reading every
//! input into a sink, reporting unreadable inputs, and the exit outcome.

mod carriers;
mod codes;
mod completions;
mod convert;
mod fields;
mod inspect;
mod listen;
mod man;
pub mod output;
mod progress;
mod replay;
mod sample;
mod summary;
mod track;
mod validate;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{bail, Result};
use postback::engine::Options;
use postback::input::{self, expand};
use postback::parallel::{self, Event, Job};
use postback::render::terminal::escape;

use crate::cli::{Cli, Command, InputArgs};
use progress::Progress;

/// How a run ended, best to worst; the exit status is the worst seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything read, nothing wrong.
    Clean,
    /// A postback has an error (or could not be converted).
    Findings,
    /// An input could not be opened or read to its end.
    Trouble,
    /// Ctrl-C or SIGTERM ended the run early (what was read was written).
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Trouble => ExitCode::from(2),
            // 128 + SIGINT, as shells report a command ended by Ctrl-C.
            Outcome::Interrupted => ExitCode::from(130),
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
        Command::Track(args) => track::run(args, cli.color),
        Command::Sample(args) => sample::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Listen(args) => listen::run(args, cli.color),
        Command::Replay(args) => replay::run(args, cli.color),
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
    /// Inputs that could not be opened.
    pub inputs_failed: u64,
    /// Inputs read in part (counted in `inputs_read` too): a truncated or
    /// corrupt gzip stream, a read error midway; what came before counts.
    pub partly_read: u64,
    /// The output's reader went away: stop quietly, print no summary.
    pub output_closed: bool,
    /// Ctrl-C or SIGTERM ended reading early.
    pub interrupted: bool,
}

impl ReadStats {
    pub fn outcome(&self) -> Outcome {
        if self.interrupted {
            Outcome::Interrupted
        } else if self.inputs_failed > 0 || self.partly_read > 0 {
            Outcome::Trouble
        } else {
            Outcome::Clean
        }
    }
}

impl ReadStats {
    /// "3 inputs", or "3 inputs (1 partly read)".
    pub fn inputs(&self) -> String {
        let mut text = validate::plural(self.inputs_read, "input");
        if self.partly_read > 0 {
            text.push_str(&format!(" ({} partly read)", self.partly_read));
        }
        text
    }

    /// What a summary line adds after its counts: inputs that could not be
    /// read, and whether the run was cut short.
    pub fn summary_tail(&self) -> String {
        let mut tail = String::new();
        if self.inputs_failed > 0 {
            tail.push_str(&format!(
                "; {} could not be read",
                validate::plural(self.inputs_failed, "input")
            ));
        }
        if self.interrupted {
            tail.push_str("; interrupted before the end of the input");
        }
        tail
    }
}

/// Refuses to wait for input typed at a terminal nobody knows is read:
/// with no path and a terminal on stdin, says how to give input instead.
pub fn check_stdin(args: &InputArgs) -> Result<()> {
    if args.paths.is_empty() && io::stdin().is_terminal() {
        bail!(
            "no input: standard input is a terminal\n\
             pass a file or directory (postback validate dump.log), pipe a capture in\n\
             (pbpaste | postback inspect), or give `-` to type postbacks and end with Ctrl-D"
        );
    }
    Ok(())
}

/// What a command's emitter receives, in input order.
pub enum Emit<O> {
    /// Some records' rendered output.
    Output(O),
    /// The input is live and has paused: write out what is buffered now.
    Flush,
}

/// Raised on the first Ctrl-C or SIGTERM, so the run ends cleanly with what
/// it has read; a second one ends the process at once. `None` when no
/// handler could be installed (the default action then applies).
fn interruption() -> Option<Arc<AtomicBool>> {
    static FLAG: OnceLock<Option<Arc<AtomicBool>>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&flag);
        ctrlc::set_handler(move || {
            if raised.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        })
        .ok()
        .map(|()| flag)
    })
    .clone()
}

/// Reads every input named by `args`, running `job` on each record with
/// `--jobs` workers; `emit` receives the outputs in input order. Inputs that
/// cannot be read are reported on stderr in their place and the run goes on.
/// A closed output pipe ends the run quietly (`output_closed`); any other
/// output failure is an error. A progress bar shows on a terminal unless `quiet`.
pub fn read_jobs<J: Job>(
    args: &InputArgs,
    quiet: bool,
    job: &J,
    mut emit: impl FnMut(J::Output) -> io::Result<()>,
) -> Result<ReadStats> {
    read_jobs_live(args, quiet, job, |emitted| match emitted {
        Emit::Output(output) => emit(output),
        Emit::Flush => Ok(()),
    })
}

/// As [`read_jobs`], for a command whose output streams: `emit` is also told
/// when a live input pauses, to flush what it has written.
pub fn read_jobs_live<J: Job>(
    args: &InputArgs,
    quiet: bool,
    job: &J,
    mut emit: impl FnMut(Emit<J::Output>) -> io::Result<()>,
) -> Result<ReadStats> {
    check_stdin(args)?;
    let inputs = expand(&args.paths);
    let mut progress = Progress::start(&inputs, args.progress && !quiet);
    let options = Options {
        max_record: args.max_record_size,
        read_bytes: progress.counter(),
        check: job.checks(),
        dialect: args.dialect.only(),
        stop: interruption(),
    };
    let mut stats = ReadStats::default();
    let (jobs, capped) = args.jobs();
    if capped && !quiet {
        let _ = writeln!(
            io::stderr(),
            "postback: note: --jobs capped at {jobs} (4 per core): more threads only add memory"
        );
    }
    let result = parallel::run(inputs, &options, jobs, job, &mut |event| {
        match event {
            Event::Output { output, records } => {
                progress.update(records);
                progress.suspend(|| emit(Emit::Output(output)))?;
            }
            Event::Flush => emit(Emit::Flush)?,
            Event::InputRead { .. } => stats.inputs_read += 1,
            Event::InputFailed {
                name,
                error,
                partial,
            } if partial && input::is_trailing_data(&error) => {
                progress.suspend(|| report_input_warning(&name, &error));
                stats.inputs_read += 1;
            }
            Event::InputFailed {
                name,
                error,
                partial,
            } => {
                let error = if partial {
                    io::Error::new(
                        error.kind(),
                        format!(
                            "could not be read to its end: {error}; what came before was processed"
                        ),
                    )
                } else {
                    error
                };
                progress.suspend(|| report_input_error(&name, &error));
                if partial {
                    stats.inputs_read += 1;
                    stats.partly_read += 1;
                } else {
                    stats.inputs_failed += 1;
                }
            }
        }
        Ok(())
    });
    progress.finish();
    stats.interrupted = options
        .stop
        .as_ref()
        .is_some_and(|stop| stop.load(Ordering::SeqCst));
    match result {
        Ok(()) => Ok(stats),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
            stats.output_closed = true;
            Ok(stats)
        }
        Err(err) => Err(anyhow::Error::new(err).context("cannot write output")),
    }
}

fn report_input_warning(name: &str, err: &io::Error) {
    let _ = writeln!(io::stderr(), "postback: {}: warning: {}", escape(name), err);
}

fn report_input_error(name: &str, err: &io::Error) {
    let _ = writeln!(io::stderr(), "postback: {}: {}", escape(name), err);
}

/// Standard output, buffered for speed when it is not a terminal. `Send`,
/// for writers that put a file together on another thread (XLSX, Parquet).
pub fn stdout() -> Box<dyn Write + Send> {
    if output::stdout_closed() {
        return Box::new(output::ClosedStdout);
    }
    let stdout = io::stdout();
    if stdout.is_terminal() {
        Box::new(io::LineWriter::new(stdout))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout))
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
