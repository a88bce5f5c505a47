//! Reading on every core with output in input order.
//!
//! The main thread frames large inputs (and standard input) into batches of
//! whole records; small files go to the workers whole. Workers parse, check
//! and render each unit into an output value; outputs are emitted strictly in
//! input order. With one job the same units are processed inline, so the
//! bytes written do not depend on the number of jobs.

use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

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
    /// An input was read to its end.
    InputRead { bytes: u64 },
    /// An input could not be opened, or (`partial`) could not be read to its
    /// end, in which case what came before was processed.
    InputFailed {
        name: String,
        error: io::Error,
        partial: bool,
    },
}

/// Small files are read whole by a worker; larger ones are framed by the
/// main thread so that one large file also spreads over the workers.
const SMALL_FILE: u64 = 1024 * 1024;
/// Input bytes per batch cut from a large input.
const BATCH: usize = 256 * 1024;
/// Small files per unit of work.
const FILES_PER_UNIT: usize = 256;

/// Reads every input, runs `job` on every record with `jobs` workers, and
/// passes outputs and input outcomes to `emit` in input order. An error from
/// `emit` (the output failed) stops the run and is returned.
pub fn run<J: Job>(
    inputs: Vec<Result<Source, PathError>>,
    options: &Options,
    jobs: usize,
    job: &J,
    emit: &mut dyn FnMut(Event<J::Output>) -> io::Result<()>,
) -> io::Result<()> {
    if jobs <= 1 {
        let mut inline = |unit: Unit| -> io::Result<()> {
            for event in process(unit, options, job) {
                emit(event)?;
            }
            Ok(())
        };
        return produce(inputs, options, &mut inline);
    }
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Unit)>(jobs * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<Event<J::Output>>)>();
        for _ in 0..jobs {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                // The lock is held only while taking one unit; a poisoned lock
                // means another worker panicked, and the scope re-raises that.
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((seq, unit)) = next else { return };
                if done_tx.send((seq, process(unit, options, job))).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut order = Reorder::new(jobs * 4);
        let mut send = |unit: Unit| -> io::Result<()> {
            order.admit(&done_rx, emit)?;
            let seq = order.next_seq();
            work_tx
                .send((seq, unit))
                .map_err(|_| io::Error::other("worker threads stopped"))
        };
        let produced = produce(inputs, options, &mut send);
        // Closing the work channel lets the workers finish.
        drop(work_tx);
        produced?;
        order.drain(&done_rx, emit)
    })
}

/// Keeps outputs that finished early until their turn, and bounds how many
/// units are in flight so memory stays flat.
struct Reorder<O> {
    sent: u64,
    emitted: u64,
    pending: BTreeMap<u64, Vec<Event<O>>>,
    limit: u64,
}

impl<O> Reorder<O> {
    fn new(limit: usize) -> Self {
        Reorder {
            sent: 0,
            emitted: 0,
            pending: BTreeMap::new(),
            limit: limit as u64,
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.sent += 1;
        self.sent - 1
    }

    /// Emits what is ready; waits while too many units are in flight.
    fn admit(
        &mut self,
        done: &mpsc::Receiver<(u64, Vec<Event<O>>)>,
        emit: &mut dyn FnMut(Event<O>) -> io::Result<()>,
    ) -> io::Result<()> {
        while let Ok((seq, events)) = done.try_recv() {
            self.pending.insert(seq, events);
        }
        self.flush(emit)?;
        while self.sent - self.emitted >= self.limit {
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
        while self.emitted < self.sent {
            self.wait_one(done)?;
            self.flush(emit)?;
        }
        Ok(())
    }

    fn wait_one(&mut self, done: &mpsc::Receiver<(u64, Vec<Event<O>>)>) -> io::Result<()> {
        let (seq, events) = done
            .recv()
            .map_err(|_| io::Error::other("worker threads stopped"))?;
        self.pending.insert(seq, events);
        Ok(())
    }

    fn flush(&mut self, emit: &mut dyn FnMut(Event<O>) -> io::Result<()>) -> io::Result<()> {
        while let Some(events) = self.pending.remove(&self.emitted) {
            self.emitted += 1;
            for event in events {
                emit(event)?;
            }
        }
        Ok(())
    }
}

/// A piece of work: a small file read whole, a batch of framed records, or
/// an input's outcome that only needs to keep its place in the order.
enum Unit {
    /// Small files, read whole one after another: grouped so that the cost of
    /// handing out work does not dominate thousands of tiny files.
    Files(Vec<Source>),
    Batch(Batch),
    Note(NoteKind),
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
    fn new(source: Arc<str>) -> Self {
        Batch {
            source,
            data: Vec::with_capacity(BATCH + BATCH / 4),
            frames: Vec::new(),
        }
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

/// The main thread's part: opens inputs in order and turns them into units.
fn produce(
    inputs: Vec<Result<Source, PathError>>,
    options: &Options,
    send: &mut dyn FnMut(Unit) -> io::Result<()>,
) -> io::Result<()> {
    let mut files = Vec::new();
    let mut files_bytes = 0u64;
    for input in inputs {
        let source = match input {
            Ok(source) => source,
            Err(err) => {
                if !files.is_empty() {
                    files_bytes = 0;
                    send(Unit::Files(std::mem::take(&mut files)))?;
                }
                send(Unit::Note(NoteKind::Failed {
                    name: err.path.display().to_string(),
                    error: err.error,
                    partial: false,
                }))?;
                continue;
            }
        };
        let small = match &source {
            Source::File(path) => std::fs::metadata(path)
                .ok()
                .filter(|m| m.is_file() && m.len() <= SMALL_FILE)
                .map(|m| m.len()),
            Source::Stdin => None,
        };
        if let Some(size) = small {
            files.push(source);
            files_bytes += size;
            if files_bytes >= BATCH as u64 || files.len() >= FILES_PER_UNIT {
                files_bytes = 0;
                send(Unit::Files(std::mem::take(&mut files)))?;
            }
            continue;
        }
        if !files.is_empty() {
            files_bytes = 0;
            send(Unit::Files(std::mem::take(&mut files)))?;
        }
        let name: Arc<str> = source.name().into();
        let reader = match source
            .open_sized(options.read_bytes.as_ref())
            .map(|(r, _)| r)
        {
            Ok(reader) => reader,
            Err(error) => {
                send(Unit::Note(NoteKind::Failed {
                    name: name.to_string(),
                    error,
                    partial: false,
                }))?;
                continue;
            }
        };
        let mut framer = Framer::new(reader, options.max_record);
        let mut batch = Batch::new(Arc::clone(&name));
        while let Some(frame) = framer.next_frame() {
            batch.push(frame);
            if batch.data.len() >= BATCH || batch.frames.len() >= BATCH / 64 {
                let full = std::mem::replace(&mut batch, Batch::new(Arc::clone(&name)));
                send(Unit::Batch(full))?;
            }
        }
        if !batch.frames.is_empty() {
            send(Unit::Batch(batch))?;
        }
        let note = match framer.take_error() {
            Some(error) => NoteKind::Failed {
                name: name.to_string(),
                error,
                partial: true,
            },
            None => NoteKind::Read {
                bytes: framer.bytes_read(),
            },
        };
        send(Unit::Note(note))?;
    }
    if !files.is_empty() {
        send(Unit::Files(files))?;
    }
    Ok(())
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
            render.finish(&batch.source)
        }
        Unit::Files(sources) => {
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
