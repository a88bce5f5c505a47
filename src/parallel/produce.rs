//! The main thread's part: plans how each input is read, frames large and
//! live inputs into batches, and groups small files.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;
use std::time::Instant;

use crate::engine::Options;
use crate::frame::{Frame, Framer};
use crate::input::{PathError, Source};

use super::live::Feed;
use super::unit::{Batch, NoteKind, Unit};
use super::{stopping, Sink, BATCH, FILES_PER_UNIT, LATENCY, SMALL_FILE};

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
pub(super) fn produce(
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
pub(super) struct Batcher<'s> {
    sink: &'s mut dyn Sink,
    batch: Batch,
    /// When the batch's first frame came.
    since: Instant,
    /// The output failed: reading stops.
    pub(super) failed: Option<io::Error>,
}

impl Batcher<'_> {
    fn push(&mut self, frame: Frame<'_>) {
        if self.batch.is_empty() {
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
        if !self.batch.is_empty() {
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
    pub(super) fn before_read(&mut self, would_block: bool) {
        if would_block {
            self.hand_on(true);
        } else if !self.batch.is_empty() && self.since.elapsed() >= LATENCY {
            self.hand_on(false);
        }
    }
}
