//! Outputs in input order, and a bound on what is in flight.

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::sync::mpsc;

use super::{stopped, Event, Limits};

/// Keeps outputs that finished early until their turn, and bounds what is in
/// flight so memory stays flat.
pub(super) struct Reorder<O> {
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
    pub(super) fn new(limits: Limits, jobs: usize) -> Self {
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

    pub(super) fn next_seq(&mut self, bytes: u64) -> u64 {
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
    pub(super) fn admit(
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

    pub(super) fn drain(
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
