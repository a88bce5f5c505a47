//! Reading ahead on a thread of its own: a decompressor fills buffers while
//! the framer works on the previous ones, so inflating and framing a `.gz`
//! overlap on two cores. A few buffers circulate between the two threads,
//! so memory stays flat however large the input is.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

/// Bytes per buffer handed from the reading thread to the reader.
const BUFFER: usize = 256 * 1024;
/// Buffers in flight: one being filled, one waiting, one being read.
const IN_FLIGHT: usize = 3;

/// What the reading thread sends: data, or the error that ended it.
type Filled = io::Result<Vec<u8>>;

/// A `Read` whose bytes are read from `inner` on another thread.
pub struct ReadAhead {
    filled: Receiver<Filled>,
    /// Buffers going back to be filled again.
    empty: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    done: bool,
    thread: Option<JoinHandle<()>>,
}

impl ReadAhead {
    /// Starts reading `inner` on a new thread.
    pub fn spawn<R: Read + Send + 'static>(inner: R) -> io::Result<Self> {
        let (filled_tx, filled) = mpsc::sync_channel::<Filled>(IN_FLIGHT);
        let (empty, empty_rx) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
        for _ in 0..IN_FLIGHT - 1 {
            // The channel has room for every buffer: this cannot block or fail.
            let _ = empty.try_send(Vec::with_capacity(BUFFER));
        }
        let thread = std::thread::Builder::new()
            .name("read-ahead".into())
            .spawn(move || fill(inner, &filled_tx, &empty_rx))?;
        Ok(ReadAhead {
            filled,
            empty,
            current: Vec::new(),
            pos: 0,
            done: false,
            thread: Some(thread),
        })
    }
}

/// The reading thread: fills each buffer it gets back, until the end of the
/// input, an error, or the reader going away.
fn fill<R: Read>(mut inner: R, filled: &SyncSender<Filled>, empty: &Receiver<Vec<u8>>) {
    while let Ok(mut buf) = empty.recv() {
        buf.resize(BUFFER, 0);
        let mut len = 0;
        let outcome = loop {
            match inner.read(&mut buf[len..]) {
                Ok(0) => break Ok(true),
                Ok(n) => {
                    len += n;
                    if len == buf.len() {
                        break Ok(false);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        buf.truncate(len);
        if len > 0 && filled.send(Ok(buf)).is_err() {
            return;
        }
        match outcome {
            Ok(false) => {}
            // An empty buffer says the input ended.
            Ok(true) => {
                let _ = filled.send(Ok(Vec::new()));
                return;
            }
            Err(e) => {
                let _ = filled.send(Err(e));
                return;
            }
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.len() {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            let next = match self.filled.recv() {
                Ok(next) => next,
                // The thread ended without saying why: it panicked.
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other("the decompressing thread stopped"));
                }
            };
            let used = std::mem::take(&mut self.current);
            match next {
                Ok(buf) if buf.is_empty() => self.done = true,
                Ok(buf) => self.current = buf,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
            self.pos = 0;
            if used.capacity() > 0 {
                // The thread may have ended already: then the buffer is simply dropped.
                let _ = self.empty.try_send(used);
            }
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        // Closing both channels stops the thread at its next send or receive.
        let (closed, _) = mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.empty, closed));
        let (_, closed) = mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.filled, closed));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes a few at a time, then fails or ends.
    struct Dribble {
        data: Vec<u8>,
        pos: usize,
        fail_at_end: bool,
    }

    impl Read for Dribble {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos == self.data.len() {
                return if self.fail_at_end {
                    Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt"))
                } else {
                    Ok(0)
                };
            }
            let n = buf.len().min(7919).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn every_byte_arrives_in_order() {
        for len in [0, 1, BUFFER - 1, BUFFER, BUFFER + 1, 5 * BUFFER + 17] {
            let expected = data(len);
            let source = Dribble {
                data: expected.clone(),
                pos: 0,
                fail_at_end: false,
            };
            let mut got = Vec::new();
            ReadAhead::spawn(source)
                .and_then(|mut r| r.read_to_end(&mut got))
                .expect("reads");
            assert!(got == expected, "{len} bytes");
        }
    }

    #[test]
    fn an_error_comes_after_the_bytes_read_before_it() {
        let expected = data(3 * BUFFER + 5);
        let source = Dribble {
            data: expected.clone(),
            pos: 0,
            fail_at_end: true,
        };
        let mut reader = ReadAhead::spawn(source).expect("spawns");
        let mut got = Vec::new();
        let err = reader.read_to_end(&mut got).expect_err("fails");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(got == expected);
    }

    #[test]
    fn dropping_the_reader_early_stops_the_thread() {
        let source = Dribble {
            data: data(20 * BUFFER),
            pos: 0,
            fail_at_end: false,
        };
        let mut reader = ReadAhead::spawn(source).expect("spawns");
        let mut first = [0u8; 10];
        reader.read_exact(&mut first).expect("reads");
        drop(reader); // joins the thread: the test would hang if it did not stop
    }
}
