//! What `listen` prints: cards or JSON lines on stdout, one line per request
//! on stderr. One thread writes both, so that a terminal paused by the user
//! (or a slow pipe) never delays an answer to the provider.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread::JoinHandle;

enum Line {
    Out(Vec<u8>),
    Err(String),
}

/// Queues output; cloned into every request.
#[derive(Clone)]
pub struct Console {
    queue: mpsc::Sender<Line>,
}

/// The writer thread.
pub struct ConsoleThread(JoinHandle<()>);

impl Console {
    pub fn start(
        mut out: Box<dyn Write + Send>,
        mut err: Box<dyn Write + Send>,
    ) -> io::Result<(Console, ConsoleThread)> {
        let (queue, lines) = mpsc::channel::<Line>();
        let thread = std::thread::Builder::new()
            .name("console".into())
            .spawn(move || {
                // Output that cannot be written (a closed pipe) is dropped: the
                // server goes on receiving and archiving.
                let mut out_open = true;
                for line in lines {
                    match line {
                        Line::Out(bytes) if out_open => {
                            out_open = out.write_all(&bytes).and_then(|()| out.flush()).is_ok();
                        }
                        Line::Out(_) => {}
                        Line::Err(text) => {
                            let _ = writeln!(err, "{text}");
                        }
                    }
                }
                let _ = out.flush();
                let _ = err.flush();
            })?;
        Ok((Console { queue }, ConsoleThread(thread)))
    }

    /// Bytes for stdout (cards, JSON lines), written whole.
    pub fn out(&self, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            let _ = self.queue.send(Line::Out(bytes));
        }
    }

    /// One line for stderr (no newline needed).
    pub fn err(&self, text: impl Into<String>) {
        let _ = self.queue.send(Line::Err(text.into()));
    }
}

impl ConsoleThread {
    /// Waits for everything queued to be written; every `Console` must be dropped first.
    pub fn close(self) {
        let _ = self.0.join();
    }
}
