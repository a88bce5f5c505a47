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

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::engine::{each_record, Options, Record};
use crate::frame::{Embedding, Frame, Framer};
use crate::input::{PathError, Source};
use crate::location::Location;

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

/// Keeps outputs that finished early until their turn, and bounds what is in
/// flight so memory stays flat.
struct Reorder<O> {
    sent: u64,
    emitted: u64,
    pending: BTreeMap<u64, Vec<Event<O>>>,
    /// Input bytes of each unit in flight, oldest first, and their sum.
    sizes: VecDeque<u64>,
    bytes: u64,
    max_units: u64,
    max_bytes: u64,
}

impl<O> Reorder<O> {
    fn new(limits: Limits, jobs: usize) -> Self {
        Reorder {
            sent: 0,
            emitted: 0,
            pending: BTreeMap::new(),
            sizes: VecDeque::new(),
            bytes: 0,
            max_units: (jobs * limits.units_per_job) as u64,
            max_bytes: limits.bytes,
        }
    }

    fn next_seq(&mut self, bytes: u64) -> u64 {
        self.sizes.push_back(bytes);
        self.bytes += bytes;
        self.sent += 1;
        self.sent - 1
    }

    fn in_flight(&self) -> u64 {
        self.sent - self.emitted
    }

    /// Emits what is ready; waits while a unit of `bytes` more would put too
    /// much in flight (one unit alone always goes).
    fn admit(
        &mut self,
        bytes: u64,
        done: &mpsc::Receiver<(u64, Vec<Event<O>>)>,
        emit: &mut dyn FnMut(Event<O>) -> io::Result<()>,
    ) -> io::Result<()> {
        while let Ok((seq, events)) = done.try_recv() {
            self.pending.insert(seq, events);
        }
        self.flush(emit)?;
        while self.in_flight() > 0
            && (self.in_flight() >= self.max_units || self.bytes + bytes > self.max_bytes)
        {
            self.wait_one(done)?;
            self.flush(emit)?;
        }
        Ok(())
    }

    fn drain(
        &mut self,
        done: &mpsc::Receiver<(u64, Vec<Event<O>>)>,
        emit: &mut dyn FnMut(Event<O>) -> io::Result<()>,
    ) -> io::Result<()> {
        while self.in_flight() > 0 {
            self.wait_one(done)?;
            self.flush(emit)?;
        }
        Ok(())
    }

    fn wait_one(&mut self, done: &mpsc::Receiver<(u64, Vec<Event<O>>)>) -> io::Result<()> {
        let (seq, events) = done.recv().map_err(|_| stopped())?;
        self.pending.insert(seq, events);
        Ok(())
    }

    fn flush(&mut self, emit: &mut dyn FnMut(Event<O>) -> io::Result<()>) -> io::Result<()> {
        while let Some(events) = self.pending.remove(&self.emitted) {
            self.emitted += 1;
            self.bytes -= self.sizes.pop_front().unwrap_or(0);
            for event in events {
                emit(event)?;
            }
        }
        Ok(())
    }
}

/// A piece of work: small files read whole, a batch of framed records, or
/// an input's outcome that only needs to keep its place in the order.
enum Unit {
    /// Small files, read whole one after another: grouped so that the cost of
    /// handing out work does not dominate thousands of tiny files. The sum
    /// of their sizes goes with them.
    Files(Vec<Source>, u64),
    Batch(Batch),
    Note(NoteKind),
}

impl Unit {
    /// The input bytes the unit holds or will read.
    fn bytes(&self) -> u64 {
        match self {
            Unit::Files(_, bytes) => *bytes,
            Unit::Batch(batch) => batch.data.len() as u64,
            Unit::Note(_) => 0,
        }
    }
}

enum NoteKind {
    Read {
        bytes: u64,
    },
    Failed {
        name: String,
        error: io::Error,
        partial: bool,
    },
}

/// Records cut from a large input, copied out of the framer's buffer.
struct Batch {
    source: Arc<str>,
    data: Vec<u8>,
    frames: Vec<OwnedFrame>,
    /// From a live input: its output is flushed once emitted.
    live: bool,
}

struct OwnedFrame {
    kind: OwnedKind,
    at: Location,
    bytes: Range<usize>,
}

enum OwnedKind {
    Record,
    Unclosed,
    Oversized { limit: usize },
    Doctype { has_text: bool },
    Embedded { kind: Embedding },
    BadEncoding { kind: Embedding, message: String },
    Json,
    MalformedJson { message: String },
}

impl Batch {
    fn new(source: Arc<str>, live: bool) -> Self {
        // A live input's batches are mostly a record or two: no room reserved.
        let room = if live { 0 } else { BATCH + BATCH / 4 };
        Batch {
            source,
            data: Vec::with_capacity(room),
            frames: Vec::new(),
            live,
        }
    }

    fn is_full(&self) -> bool {
        self.data.len() >= BATCH || self.frames.len() >= BATCH / 64
    }

    fn push(&mut self, frame: Frame<'_>) {
        let (kind, at, bytes): (OwnedKind, Location, &[u8]) = match &frame {
            Frame::Record { text, at } => (OwnedKind::Record, *at, text),
            Frame::Unclosed { text, at } => (OwnedKind::Unclosed, *at, text),
            Frame::Json { text, at } => (OwnedKind::Json, *at, text),
            Frame::MalformedJson { text, at, message } => (
                OwnedKind::MalformedJson {
                    message: message.clone(),
                },
                *at,
                text,
            ),
            Frame::Oversized { at, limit } => (OwnedKind::Oversized { limit: *limit }, *at, &[]),
            Frame::Doctype { text, at } => (
                OwnedKind::Doctype {
                    has_text: text.is_some(),
                },
                *at,
                text.unwrap_or(&[]),
            ),
            Frame::Embedded {
                decoded, at, kind, ..
            } => (OwnedKind::Embedded { kind: *kind }, *at, decoded),
            Frame::BadEncoding {
                raw,
                at,
                kind,
                message,
            } => (
                OwnedKind::BadEncoding {
                    kind: *kind,
                    message: message.clone(),
                },
                *at,
                raw,
            ),
        };
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.frames.push(OwnedFrame {
            kind,
            at,
            bytes: start..self.data.len(),
        });
    }

    /// The frames again, borrowing from the batch.
    fn frames(&self) -> impl Iterator<Item = Frame<'_>> {
        self.frames.iter().map(|f| {
            let bytes = &self.data[f.bytes.clone()];
            match &f.kind {
                OwnedKind::Record => Frame::Record {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::Unclosed => Frame::Unclosed {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::Json => Frame::Json {
                    text: bytes,
                    at: f.at,
                },
                OwnedKind::MalformedJson { message } => Frame::MalformedJson {
                    text: bytes,
                    at: f.at,
                    message: message.clone(),
                },
                OwnedKind::Oversized { limit } => Frame::Oversized {
                    at: f.at,
                    limit: *limit,
                },
                OwnedKind::Doctype { has_text } => Frame::Doctype {
                    text: has_text.then_some(bytes),
                    at: f.at,
                },
                OwnedKind::Embedded { kind } => Frame::Embedded {
                    decoded: bytes.to_vec(),
                    at: f.at,
                    kind: *kind,
                    raw: &[],
                },
                OwnedKind::BadEncoding { kind, message } => Frame::BadEncoding {
                    raw: bytes,
                    at: f.at,
                    kind: *kind,
                    message: message.clone(),
                },
            }
        })
    }
}

/// Whether a run was asked to stop.
fn stopping(options: &Options) -> bool {
    options
        .stop
        .as_ref()
        .is_some_and(|stop| stop.load(Ordering::Relaxed))
}

/// How the main thread reads an input.
enum Plan {
    /// A small regular file, not compressed, of this size: read by a worker.
    Small(u64),
    /// A regular file framed by the main thread.
    Large,
    /// Not a regular file: read as it comes.
    Live,
}

fn plan(source: &Source) -> Plan {
    match source {
        Source::Stdin => {
            if stdin_is_regular_file() {
                Plan::Large
            } else {
                Plan::Live
            }
        }
        Source::File(path) => match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() && meta.len() <= SMALL_FILE && !is_gzip(path) => {
                Plan::Small(meta.len())
            }
            Ok(meta) if meta.is_file() => Plan::Large,
            // A FIFO, a device, or a path that fails when opened (and says why there).
            Ok(meta) if !meta.is_dir() => Plan::Live,
            _ => Plan::Large,
        },
    }
}

/// Whether a file starts with gzip's magic number (an unreadable one is left
/// to fail where it is read).
fn is_gzip(path: &std::path::Path) -> bool {
    let mut magic = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b]
}

#[cfg(unix)]
fn stdin_is_regular_file() -> bool {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

#[cfg(not(unix))]
fn stdin_is_regular_file() -> bool {
    false
}

/// The main thread's part: opens inputs in order and turns them into units.
fn produce(
    inputs: Vec<Result<Source, PathError>>,
    options: &Options,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut files = Vec::new();
    let mut files_bytes = 0u64;
    for input in inputs {
        if stopping(options) {
            break;
        }
        let source = match input {
            Ok(source) => source,
            Err(err) => {
                send_files(&mut files, &mut files_bytes, sink)?;
                sink.send(Unit::Note(NoteKind::Failed {
                    name: err.path.display().to_string(),
                    error: err.error,
                    partial: false,
                }))?;
                continue;
            }
        };
        let live = match plan(&source) {
            Plan::Small(size) => {
                files.push(source);
                files_bytes += size;
                if files_bytes >= BATCH as u64 || files.len() >= FILES_PER_UNIT {
                    send_files(&mut files, &mut files_bytes, sink)?;
                }
                continue;
            }
            Plan::Large => false,
            Plan::Live => true,
        };
        send_files(&mut files, &mut files_bytes, sink)?;
        frame_input(source, live, options, sink)?;
    }
    send_files(&mut files, &mut files_bytes, sink)
}

/// Hands on the small files collected so far, if any.
fn send_files(files: &mut Vec<Source>, bytes: &mut u64, sink: &mut dyn Sink) -> io::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    sink.send(Unit::Files(std::mem::take(files), std::mem::take(bytes)))
}

/// Frames one input on the main thread into batches, then its outcome.
fn frame_input(
    source: Source,
    live: bool,
    options: &Options,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let name: Arc<str> = source.name().into();
    let reader = match source
        .open_sized(options.read_bytes.as_ref())
        .map(|(r, _)| r)
    {
        Ok(reader) => reader,
        Err(error) => {
            return sink.send(Unit::Note(NoteKind::Failed {
                name: name.to_string(),
                error,
                partial: false,
            }));
        }
    };
    let batcher = RefCell::new(Batcher {
        sink,
        batch: Batch::new(Arc::clone(&name), live),
        since: Instant::now(),
        failed: None,
    });
    let (error, bytes) = if live {
        let feed = Feed::spawn(reader, &batcher, options.stop.clone());
        frame_all(Framer::new(feed, options.max_record), &batcher, options)
    } else {
        frame_all(Framer::new(reader, options.max_record), &batcher, options)
    };
    let mut batcher = batcher.into_inner();
    batcher.hand_on(live);
    if let Some(failed) = batcher.failed {
        return Err(failed);
    }
    let note = match error {
        Some(error) => NoteKind::Failed {
            name: name.to_string(),
            error,
            partial: true,
        },
        None => NoteKind::Read { bytes },
    };
    batcher.sink.send(Unit::Note(note))
}

/// Pushes every frame into the batcher; gives the read error that ended the
/// input early, if any, and the bytes read.
fn frame_all<R: Read>(
    mut framer: Framer<R>,
    batcher: &RefCell<Batcher<'_>>,
    options: &Options,
) -> (Option<io::Error>, u64) {
    while let Some(frame) = framer.next_frame() {
        let mut batcher = batcher.borrow_mut();
        batcher.push(frame);
        if batcher.failed.is_some() || stopping(options) {
            break;
        }
    }
    (framer.take_error(), framer.bytes_read())
}

/// Collects an input's frames into batches and hands them on when full,
/// and, for a live input, when the next read would block or the batch has
/// waited [`LATENCY`].
struct Batcher<'s> {
    sink: &'s mut dyn Sink,
    batch: Batch,
    /// When the batch's first frame came.
    since: Instant,
    /// The output failed: reading stops.
    failed: Option<io::Error>,
}

impl Batcher<'_> {
    fn push(&mut self, frame: Frame<'_>) {
        if self.batch.frames.is_empty() {
            self.since = Instant::now();
        }
        self.batch.push(frame);
        if self.batch.is_full() || (self.batch.live && self.since.elapsed() >= LATENCY) {
            self.hand_on(false);
        }
    }

    /// Hands on the batch if it has frames; with `settle`, also waits until
    /// everything handed on has been emitted (a live input's next read would
    /// block).
    fn hand_on(&mut self, settle: bool) {
        if self.failed.is_some() {
            return;
        }
        let mut result = Ok(());
        if !self.batch.frames.is_empty() {
            let next = Batch::new(Arc::clone(&self.batch.source), self.batch.live);
            let full = std::mem::replace(&mut self.batch, next);
            result = self.sink.send(Unit::Batch(full));
        }
        if settle && result.is_ok() {
            result = self.sink.settle();
        }
        if let Err(err) = result {
            self.failed = Some(err);
        }
    }

    /// Before a read of a live input: hands on a batch that has waited long
    /// enough, or everything when the read would block.
    fn before_read(&mut self, would_block: bool) {
        if would_block {
            self.hand_on(true);
        } else if !self.batch.frames.is_empty() && self.since.elapsed() >= LATENCY {
            self.hand_on(false);
        }
    }
}

/// A live input read on a thread of its own, in chunks passed over a
/// channel: an empty channel means the next read would block.
struct Feed<'b, 's> {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
    batcher: &'b RefCell<Batcher<'s>>,
    stop: Option<Arc<AtomicBool>>,
}

impl<'b, 's> Feed<'b, 's> {
    fn spawn(
        mut reader: Box<dyn Read + Send>,
        batcher: &'b RefCell<Batcher<'s>>,
        stop: Option<Arc<AtomicBool>>,
    ) -> Self {
        let (tx, chunks) = mpsc::sync_channel(16);
        // Not joined: a read blocked on a terminal or a quiet pipe must not
        // keep an interrupted run from ending.
        let spawned = std::thread::Builder::new().spawn(move || loop {
            let mut chunk = vec![0; LIVE_CHUNK];
            let sent = match reader.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => {
                    chunk.truncate(n);
                    tx.send(Ok(chunk))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            if sent.is_err() {
                return;
            }
        });
        let (chunks, done) = match spawned {
            Ok(_) => (chunks, false),
            Err(e) => {
                let (tx, rx) = mpsc::sync_channel(1);
                let _ = tx.send(Err(io::Error::other(format!(
                    "cannot start a reading thread: {e}"
                ))));
                (rx, false)
            }
        };
        Feed {
            chunks,
            chunk: Vec::new(),
            pos: 0,
            done,
            batcher,
            stop,
        }
    }

    /// The next chunk, waiting for it; `None` at the end of the input or
    /// when the run is asked to stop.
    fn wait(&self) -> Option<io::Result<Vec<u8>>> {
        loop {
            if self
                .stop
                .as_ref()
                .is_some_and(|s| s.load(Ordering::Relaxed))
            {
                return None;
            }
            match self.chunks.recv_timeout(Duration::from_millis(100)) {
                Ok(chunk) => return Some(chunk),
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

impl Read for Feed<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            let next = match self.chunks.try_recv() {
                Ok(chunk) => {
                    self.batcher.borrow_mut().before_read(false);
                    Some(chunk)
                }
                Err(mpsc::TryRecvError::Empty) => {
                    self.batcher.borrow_mut().before_read(true);
                    if self.batcher.borrow().failed.is_some() {
                        None
                    } else {
                        self.wait()
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => None,
            };
            match next {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                None => self.done = true,
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A worker's part: runs the job on every record of a unit.
fn process<J: Job>(unit: Unit, options: &Options, job: &J) -> Vec<Event<J::Output>> {
    match unit {
        Unit::Note(NoteKind::Read { bytes }) => vec![Event::InputRead { bytes }],
        Unit::Note(NoteKind::Failed {
            name,
            error,
            partial,
        }) => vec![Event::InputFailed {
            name,
            error,
            partial,
        }],
        Unit::Batch(batch) => {
            let mut render = Render::new(job, options);
            for frame in batch.frames() {
                if !render.frame(&batch.source, frame) {
                    break;
                }
            }
            let mut events = render.finish(&batch.source);
            if batch.live {
                events.push(Event::Flush);
            }
            events
        }
        Unit::Files(sources, _) => {
            let mut events = Vec::with_capacity(sources.len() * 2);
            for source in sources {
                read_file(source, options, job, &mut events);
            }
            events
        }
    }
}

/// Reads one small file whole into events: its output, then its outcome.
fn read_file<J: Job>(
    source: Source,
    options: &Options,
    job: &J,
    events: &mut Vec<Event<J::Output>>,
) {
    let name = source.name();
    let (reader, size) = match source.open_sized(options.read_bytes.as_ref()) {
        Ok(opened) => opened,
        Err(error) => {
            events.push(Event::InputFailed {
                name,
                error,
                partial: false,
            });
            return;
        }
    };
    let mut framer = Framer::new(reader, options.max_record);
    if let Some(size) = size {
        framer = framer.size_hint(size);
    }
    let mut render = Render::new(job, options);
    while let Some(frame) = framer.next_frame() {
        if !render.frame(&name, frame) {
            break;
        }
    }
    events.extend(render.finish(&name));
    events.push(match framer.take_error() {
        Some(error) => Event::InputFailed {
            name,
            error,
            partial: true,
        },
        None => Event::InputRead {
            bytes: framer.bytes_read(),
        },
    });
}

/// Runs the job on the records of a unit's frames into one output,
/// counting them.
struct Render<'j, J: Job> {
    job: &'j J,
    options: &'j Options,
    out: J::Output,
    records: u64,
    failed: Option<io::Error>,
}

impl<'j, J: Job> Render<'j, J> {
    fn new(job: &'j J, options: &'j Options) -> Self {
        Render {
            job,
            options,
            out: J::Output::default(),
            records: 0,
            failed: None,
        }
    }

    /// Renders the frame's records; false when rendering failed.
    fn frame(&mut self, source: &str, frame: Frame<'_>) -> bool {
        let (job, out, records) = (self.job, &mut self.out, &mut self.records);
        let rendered = each_record(source, frame, self.options, &mut |r| {
            *records += 1;
            job.record(r, out)
        });
        match rendered {
            Ok(()) => true,
            Err(err) => {
                self.failed = Some(err);
                false
            }
        }
    }

    /// The output, then, if rendering failed (into memory it does not in
    /// practice), the input reported rather than a record silently lost.
    fn finish(self, name: &str) -> Vec<Event<J::Output>> {
        let mut events = vec![Event::Output {
            output: self.out,
            records: self.records,
        }];
        if let Some(error) = self.failed {
            events.push(Event::InputFailed {
                name: name.to_string(),
                error: io::Error::other(format!("could not render a record: {error}")),
                partial: true,
            });
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::AtomicUsize;

    const RECORD: &[u8] =
        b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";

    /// Counts records; each output alive adds one to `ALIVE`, so a test can
    /// see how many are held at once.
    struct Count;

    static ALIVE: AtomicUsize = AtomicUsize::new(0);
    /// The tests that count outputs run one at a time.
    static COUNTING: Mutex<()> = Mutex::new(());
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    struct Held;

    impl Default for Held {
        fn default() -> Self {
            let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
            PEAK.fetch_max(now, Ordering::SeqCst);
            Held
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            ALIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    impl Job for Count {
        type Output = Held;
        fn record(&self, _: &Record<'_>, _: &mut Held) -> io::Result<()> {
            // Slow enough that units pile up if nothing bounds them.
            std::thread::sleep(Duration::from_micros(20));
            Ok(())
        }
    }

    /// Runs `Count` over one file; returns the records of each output.
    fn outputs(path: &std::path::Path, jobs: usize, limits: Limits) -> Vec<u64> {
        let mut records = Vec::new();
        run_within(
            vec![Ok(Source::File(path.to_path_buf()))],
            &Options::default(),
            jobs,
            &Count,
            &mut |event| {
                if let Event::Output { records: n, .. } = event {
                    records.push(n);
                }
                Ok(())
            },
            limits,
        )
        .unwrap();
        records
    }

    /// A small gzip file may inflate to anything: it is cut into batches
    /// like a large input, not rendered into one output held whole.
    #[test]
    fn a_small_gzip_file_is_read_in_batches() {
        let _one_at_a_time = COUNTING.lock();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.gz");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&path).unwrap(),
            flate2::Compression::best(),
        );
        let n = 20_000;
        for _ in 0..n {
            gz.write_all(RECORD).unwrap();
        }
        gz.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < SMALL_FILE);
        let records = outputs(&path, 2, Limits::DEFAULT);
        assert_eq!(records.iter().sum::<u64>(), n);
        let largest = records.iter().max().copied().unwrap_or(0);
        assert!(
            largest <= (BATCH / 64) as u64,
            "one output held {largest} records"
        );
    }

    /// What is in flight is bounded in total: more workers do not mean
    /// more units held at once.
    #[test]
    fn in_flight_work_is_bounded_whatever_the_jobs() {
        let _one_at_a_time = COUNTING.lock();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.log");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        // 16 batches of 256 KiB.
        let n = 16 * BATCH / RECORD.len();
        for _ in 0..n {
            file.write_all(RECORD).unwrap();
        }
        file.flush().unwrap();
        drop(file);
        let limits = Limits {
            bytes: 4 * BATCH as u64,
            units_per_job: 4,
        };
        PEAK.store(0, Ordering::SeqCst);
        let records = outputs(&path, 64, limits);
        assert_eq!(records.iter().sum::<u64>(), n as u64);
        let peak = PEAK.load(Ordering::SeqCst);
        // Four batches' worth of bytes in flight, plus the one just framed.
        assert!(peak <= 5, "{peak} outputs alive at once with 64 jobs");
    }
}
