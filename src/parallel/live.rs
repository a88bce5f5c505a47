//! A live input (a pipe, a terminal) read on a thread of its own, so the
//! framer can tell when the next read would block.

use std::cell::RefCell;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::produce::Batcher;
use super::LIVE_CHUNK;

/// A live input read on a thread of its own, in chunks passed over a
/// channel: an empty channel means the next read would block.
pub(super) struct Feed<'b, 's> {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
    batcher: &'b RefCell<Batcher<'s>>,
    stop: Option<Arc<AtomicBool>>,
}

impl<'b, 's> Feed<'b, 's> {
    pub(super) fn spawn(
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
