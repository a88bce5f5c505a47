//! Reading on every core with output in input order.
//!
//! The main thread frames large inputs into batches of whole records; small
//! files go to the workers whole. Workers parse, check and render each unit
//! into an output value; outputs are emitted strictly in input order. With
//! one job the same units are processed inline, so the bytes written do not
//! depend on the number of jobs.
//!
//! A live input (a pipe, a terminal, anything that is not a regular file) is
//! read on a thread of its own, so the main thread can tell when the next
//! read would block: then, or after at most [`LATENCY`], the batch is handed
//! on, its output emitted and [`Event::Flush`] sent, so `tail -f hook.log |
//! postback inspect` shows each postback as soon as it ends.
//!
//! What is in flight (queued, being worked on, or waiting for its turn) is
//! bounded in total, whatever the number of jobs.

mod live;
mod order;
mod produce;
mod unit;
mod worker;

use std::io;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::engine::{Options, Record};
use crate::input::{PathError, Source};

use order::Reorder;
use produce::produce;
use unit::Unit;
use worker::process;

/// Work done on each record, possibly on another thread: it renders into an
/// output value that is later emitted in order.
pub trait Job: Sync {
    type Output: Send + Default;

    fn record(&self, record: &Record<'_>, out: &mut Self::Output) -> io::Result<()>;

    /// Whether the job needs the rule checks' findings (it always gets
    /// well-formedness findings).
    fn checks(&self) -> bool {
        true
    }
}

/// What the emitter sees, in input order.
#[derive(Debug)]
pub enum Event<O> {
    /// The rendered output of some records, and how many there were.
    Output { output: O, records: u64 },
    /// What came before was read from a live input and the next read would
    /// block (or enough time passed): write it out now rather than buffer it.
    Flush,
    /// An input was read to its end (or up to an interruption).
    InputRead { bytes: u64 },
    /// An input could not be opened, or (`partial`) could not be read to its
    /// end, in which case what came before was processed.
    InputFailed {
        name: String,
        error: io::Error,
        partial: bool,
    },
}

/// The most worker threads a run starts; more is refused by the command line
/// long before this, and only bounds what a library caller can ask for.
pub const MAX_JOBS: usize = 1024;
/// How long a record from a live input may wait for others to share its batch.
pub const LATENCY: Duration = Duration::from_millis(50);

/// Small files are read whole by a worker; larger ones are framed by the
/// main thread so that one large file also spreads over the workers. A small
/// gzip file is framed like a large one: what it inflates to is unknown.
const SMALL_FILE: u64 = 1024 * 1024;
/// Input bytes per batch cut from a large input.
const BATCH: usize = 256 * 1024;
/// Small files per unit of work.
const FILES_PER_UNIT: usize = 256;
/// Bytes read at once from a live input.
const LIVE_CHUNK: usize = 64 * 1024;

/// How much may be in flight at once, over all workers.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Input bytes of the units in flight: with the output they make, this
    /// is what memory grows with.
    bytes: u64,
    /// Units in flight per worker (enough to keep every worker busy), within
    /// the byte bound.
    units_per_job: usize,
}

impl Limits {
    const DEFAULT: Limits = Limits {
        bytes: 8 * 1024 * 1024,
        units_per_job: 4,
    };
}

/// Reads every input, runs `job` on every record with `jobs` workers, and
/// passes outputs and input outcomes to `emit` in input order. An error from
/// `emit` (the output failed) stops the run and is returned. When
/// `options.stop` is raised the run ends early: what was read is emitted.
pub fn run<J: Job>(
    inputs: Vec<Result<Source, PathError>>,
    options: &Options,
    jobs: usize,
    job: &J,
    emit: &mut dyn FnMut(Event<J::Output>) -> io::Result<()>,
) -> io::Result<()> {
    run_within(inputs, options, jobs, job, emit, Limits::DEFAULT)
}

fn run_within<J: Job>(
    inputs: Vec<Result<Source, PathError>>,
    options: &Options,
    jobs: usize,
    job: &J,
    emit: &mut dyn FnMut(Event<J::Output>) -> io::Result<()>,
    limits: Limits,
) -> io::Result<()> {
    let jobs = jobs.clamp(1, MAX_JOBS);
    if jobs == 1 {
        let mut inline = Inline { options, job, emit };
        return produce(inputs, options, &mut inline);
    }
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Unit)>(jobs);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<Event<J::Output>>)>();
        for _ in 0..jobs {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            // A thread that cannot start is an error, not a panic; those
            // already started end when the work channel closes on return.
            std::thread::Builder::new()
                .spawn_scoped(scope, move || loop {
                    // The lock is held only while taking one unit; a poisoned
                    // lock means another worker panicked, and the scope
                    // re-raises that.
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, unit)) = next else { return };
                    if done_tx.send((seq, process(unit, options, job))).is_err() {
                        return;
                    }
                })
                .map_err(|e| io::Error::other(format!("cannot start a worker thread: {e}")))?;
        }
        drop(done_tx);
        let mut pool = Pool {
            work_tx: Some(work_tx),
            done_rx,
            order: Reorder::new(limits, jobs),
            emit,
        };
        let produced = produce(inputs, options, &mut pool);
        // Closing the work channel lets the workers finish.
        pool.work_tx = None;
        produced?;
        pool.settle()
    })
}

/// Where the main thread hands units of work.
trait Sink {
    fn send(&mut self, unit: Unit) -> io::Result<()>;
    /// Waits until everything handed on has been emitted.
    fn settle(&mut self) -> io::Result<()>;
}

/// One job: each unit is processed as it is handed on.
struct Inline<'a, J: Job> {
    options: &'a Options,
    job: &'a J,
    emit: &'a mut dyn FnMut(Event<J::Output>) -> io::Result<()>,
}

impl<J: Job> Sink for Inline<'_, J> {
    fn send(&mut self, unit: Unit) -> io::Result<()> {
        for event in process(unit, self.options, self.job) {
            (self.emit)(event)?;
        }
        Ok(())
    }

    fn settle(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Workers: units go out on one channel and come back, in any order, on another.
struct Pool<'a, O> {
    work_tx: Option<mpsc::SyncSender<(u64, Unit)>>,
    done_rx: mpsc::Receiver<(u64, Vec<Event<O>>)>,
    order: Reorder<O>,
    emit: &'a mut dyn FnMut(Event<O>) -> io::Result<()>,
}

impl<O> Sink for Pool<'_, O> {
    fn send(&mut self, unit: Unit) -> io::Result<()> {
        let bytes = unit.bytes();
        self.order.admit(bytes, &self.done_rx, self.emit)?;
        let seq = self.order.next_seq(bytes);
        self.work_tx
            .as_ref()
            .ok_or_else(stopped)?
            .send((seq, unit))
            .map_err(|_| stopped())
    }

    fn settle(&mut self) -> io::Result<()> {
        self.order.drain(&self.done_rx, self.emit)
    }
}

fn stopped() -> io::Error {
    io::Error::other("worker threads stopped")
}

/// Whether a run was asked to stop.
fn stopping(options: &Options) -> bool {
    options
        .stop
        .as_ref()
        .is_some_and(|stop| stop.load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests;
