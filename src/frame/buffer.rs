//! The one reused buffer: refilling it from the input, and the location of
//! any byte in it.

use std::io::{self, Read};

use memchr::memrchr;

use super::candidate::NextHit;
use super::{Framer, LOOKBEHIND};
use crate::location::Location;

impl<R: Read> Framer<R> {
    /// The buffer index of where the last frame ended (0 once dropped).
    pub(super) fn emitted_index(&self) -> usize {
        self.emitted.saturating_sub(self.base) as usize
    }

    /// The location of `buf[i]`, counting the bytes since the last location.
    pub(super) fn location_of(&mut self, i: usize) -> Location {
        if i >= self.tracked {
            self.loc.advance(&self.buf[self.tracked..i]);
            self.tracked = i;
            self.loc
        } else {
            // Only reached when looking back (e.g. a JSON string's quote before
            // a record start already counted): recount from the line start.
            self.loc_before(i)
        }
    }

    pub(super) fn loc_before(&self, i: usize) -> Location {
        let back = &self.buf[i..self.tracked];
        let newlines = memchr::memchr_iter(b'\n', back).count() as u64;
        let mut loc = self.loc;
        loc.offset -= back.len() as u64;
        if newlines == 0 {
            loc.column -= back.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64;
        } else {
            loc.line -= newlines;
            let line_start = memrchr(b'\n', &self.buf[..i]).map_or(0, |p| p + 1);
            loc.column = 1 + self.buf[line_start..i]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count() as u64;
        }
        loc
    }

    /// Lets the next read bring in at least `room` bytes (up to the size
    /// limit) where the input has them. A JSON text that runs out is read
    /// again from its start after each read: reads that double what it holds
    /// keep that to twice its length, where reads of one chunk each would
    /// make it quadratic in the length. A pipe still hands over what it has.
    pub(super) fn make_room(&mut self, room: usize) {
        self.room = room.min(self.max_record.saturating_add(1));
    }

    /// Reads more input, keeping `buf[keep - LOOKBEHIND..]`; returns how far
    /// indexes moved left.
    pub(super) fn fill_keeping(&mut self, keep: usize) -> usize {
        let mut drop = keep.saturating_sub(LOOKBEHIND).min(self.cursor).min(keep);
        if !self.nested {
            // A JSON string open there may hold a postback further on: it is
            // kept (up to the size limit) so that it can be framed whole.
            if let Some(q) = self.open_string(drop) {
                if keep - q <= self.max_record {
                    drop = q;
                }
            }
        }
        // A BOM takes no column only when counted whole: never count past
        // part of the input's first three bytes.
        if self.base == 0 && drop < 3 {
            drop = 0;
        }
        self.hits = [NextHit::UNKNOWN; 3];
        let shift = if drop > 0 {
            if self.tracked < drop {
                self.loc.advance(&self.buf[self.tracked..drop]);
                self.tracked = drop;
            }
            self.buf.copy_within(drop..self.end, 0);
            self.end -= drop;
            self.cursor -= drop;
            self.tracked -= drop;
            self.base += drop as u64;
            drop
        } else {
            0
        };
        // Room asked for by `make_room`, after the shift: exactly that.
        let room = std::mem::take(&mut self.room);
        if room > self.chunk && self.end + room > self.buf.len() {
            self.buf.resize(self.end + room, 0);
        } else if self.end + self.chunk > self.buf.len() {
            let want = (self.end + self.chunk).max(self.buf.len() * 2);
            self.buf.resize(want, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.end += n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                    break;
                }
            }
        }
        shift
    }
}
