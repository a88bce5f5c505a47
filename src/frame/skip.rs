//! Skipping past an oversized record, document, JSON string or form value
//! without holding it.

use std::io::Read;

use memchr::{memchr, memmem};

use super::document::{EndScan, ScanResult};
use super::{Frame, Framer};

/// What the framer is skipping after reporting an oversized record or document.
#[derive(Debug)]
pub(super) enum Skip {
    Record(EndScan),
    /// Until this end tag (a DOCTYPE document's root).
    Until(Vec<u8>),
    /// Until the `>` that closes that end tag.
    UntilClose,
    JsonString {
        escaped: bool,
    },
    FormValue {
        quoted: Option<u8>,
    },
}

impl<R: Read> Framer<R> {
    /// A postback in a JSON string that began further back than the buffer
    /// holds: the string is over the size limit.
    pub(super) fn string_too_long(&mut self, ts: usize) -> Frame<'static> {
        let skip = Skip::JsonString { escaped: false };
        self.oversized(ts, ts + 1, Some(skip))
    }

    /// Reports what starts at `start` as oversized. Reading goes on at
    /// `resume`, first skipping as `skip` says when its end is not read yet.
    pub(super) fn oversized(
        &mut self,
        start: usize,
        resume: usize,
        skip: Option<Skip>,
    ) -> Frame<'static> {
        let at = self.location_of(start);
        self.cursor = resume;
        self.skip = skip;
        Frame::Oversized {
            at,
            limit: self.max_record,
        }
    }

    /// Skips on after an oversized record; false at the end of the input.
    pub(super) fn skip_on(&mut self, skip: Skip) -> bool {
        let mut skip = skip;
        loop {
            let done = match &mut skip {
                Skip::Record(scan) => match scan.run(
                    &self.buf[..self.end],
                    self.eof,
                    self.base,
                    &mut self.closers,
                ) {
                    ScanResult::End(e) => Some(e),
                    ScanResult::Break(b) => Some(b),
                    ScanResult::NeedMore => {
                        scan.pos = scan.pos.min(self.end);
                        None
                    }
                },
                Skip::Until(tag) => {
                    let hay = &self.buf[self.cursor..self.end];
                    match memmem::find(hay, tag) {
                        Some(i) => {
                            // Its `>` may not be read yet: look for it next.
                            self.cursor += i + tag.len();
                            skip = Skip::UntilClose;
                            continue;
                        }
                        None => {
                            self.cursor = self.end.saturating_sub(tag.len()).max(self.cursor);
                            None
                        }
                    }
                }
                // As for a document that fits, its end is that `>`, or the
                // end of the input.
                Skip::UntilClose => match memchr(b'>', &self.buf[self.cursor..self.end]) {
                    Some(j) => Some(self.cursor + j + 1),
                    None => {
                        self.cursor = self.end;
                        None
                    }
                },
                Skip::JsonString { escaped } => self.skip_json_string(escaped),
                Skip::FormValue { quoted } => self.skip_form_value(*quoted),
            };
            if let Some(end) = done {
                self.cursor = end;
                return true;
            }
            if self.eof {
                self.cursor = self.end;
                return false;
            }
            if let Skip::Record(scan) = &skip {
                self.cursor = scan.pos;
            }
            let shift = self.fill_keeping(self.cursor);
            if let Skip::Record(scan) = &mut skip {
                scan.shift(shift);
            }
        }
    }
}
