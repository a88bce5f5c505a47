//! The archive: one NDJSON line per request, appended and flushed to the
//! kernel (and, if asked, to the disk) before the request is answered.
//!
//! One thread owns the file. Requests queue their lines; the thread writes
//! every line waiting, flushes once, syncs once if asked, then releases them
//! all: a group commit, so that a sync per batch (not per request) is the
//! price of durability under load.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

use serde::Serialize;
use tokio::sync::oneshot;

/// How far a line must get before its request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Written to the kernel: survives the process being killed.
    Flush,
    /// Also synced to the disk (`fdatasync`): survives a power cut.
    Sync,
}

/// One request as the archive keeps it: a capture line `validate`,
/// `convert`, `inspect`, `track` and `replay` read back.
#[derive(Debug, Serialize)]
pub struct RequestLine<'a> {
    pub received_at: &'a str,
    /// Unique across runs: `replay --failed-forwards` finds requests by it.
    pub id: &'a str,
    pub remote: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub content_type: Option<&'a str>,
    /// The body exactly, when it is UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
    /// The body as base64, when it is not UTF-8 (a JSON string cannot hold it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<&'a str>,
}

/// A forward that did not reach the user's handler or was not answered 2xx.
#[derive(Debug, Serialize)]
pub struct ForwardFailedLine<'a> {
    pub forward_failed_at: &'a str,
    /// The `id` of the request line whose body it was.
    pub id: &'a str,
    pub to: &'a str,
    pub status: Option<u16>,
    pub error: &'a str,
}

struct Entry {
    line: Vec<u8>,
    done: oneshot::Sender<Result<(), Arc<io::Error>>>,
}

/// Appends lines; cloned into every request.
#[derive(Clone)]
pub struct Archive {
    queue: mpsc::Sender<Entry>,
}

/// The writer thread; `close` waits for every queued line to be written.
pub struct Writer {
    thread: JoinHandle<io::Result<u64>>,
    pub path: PathBuf,
}

impl Archive {
    /// Opens (creating, appending to) the archive and starts its writer thread.
    pub fn open(path: &Path, durability: Durability) -> io::Result<(Archive, Writer)> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (queue, lines) = mpsc::channel::<Entry>();
        let thread = std::thread::Builder::new()
            .name("archive".into())
            .spawn(move || write_lines(file, durability, lines))?;
        Ok((
            Archive { queue },
            Writer {
                thread,
                path: path.to_path_buf(),
            },
        ))
    }

    /// Appends one line (a newline is added); resolves once it is as durable as asked.
    pub async fn append<T: Serialize>(&self, line: &T) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line)?;
        bytes.push(b'\n');
        let (done, written) = oneshot::channel();
        let gone = || io::Error::other("the archive writer has stopped");
        self.queue
            .send(Entry { line: bytes, done })
            .map_err(|_| gone())?;
        match written.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(io::Error::new(err.kind(), err.to_string())),
            Err(_) => Err(gone()),
        }
    }
}

impl Writer {
    /// Waits until every line queued so far is written; returns how many were.
    /// Every `Archive` handle must have been dropped first.
    pub fn close(self) -> io::Result<u64> {
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the archive writer failed")))
    }
}

fn write_lines(
    file: File,
    durability: Durability,
    lines: mpsc::Receiver<Entry>,
) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    let mut written = 0u64;
    let mut batch = Vec::new();
    // `recv` fails once every sender is gone: then everything queued has been written.
    while let Ok(first) = lines.recv() {
        batch.push(first);
        batch.extend(lines.try_iter().take(4096));
        let result = batch
            .iter()
            .try_for_each(|entry| out.write_all(&entry.line))
            .and_then(|()| out.flush())
            .and_then(|()| match durability {
                Durability::Flush => Ok(()),
                Durability::Sync => out.get_ref().sync_data(),
            });
        let result = match result {
            Ok(()) => {
                written += batch.len() as u64;
                Ok(())
            }
            Err(err) => Err(Arc::new(err)),
        };
        for entry in batch.drain(..) {
            // A request that gave up waiting (its client went away) needs no answer.
            let _ = entry.done.send(result.clone());
        }
    }
    Ok(written)
}
