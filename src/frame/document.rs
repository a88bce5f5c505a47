//! A record as a plain document or element (`<POSTBACK>...</POSTBACK>`, bare
//! or inside a wrapper): its end is found by a resumable scan that steps over
//! quoted attributes, CDATA and comments.

use std::io::Read;

use memchr::{memchr, memchr3, memmem};

use super::{Frame, Framer, Skip, NAME};

impl<R: Read> Framer<R> {
    /// A plain `<POSTBACK` at `ts`: a record, or the start of a JSON string.
    pub(super) fn frame_plain(&mut self, ts: usize) -> Option<Frame<'_>> {
        if !self.nested {
            if let Some(quote) = self.json_string_start(ts, false) {
                return self.frame_json(quote);
            }
        }
        self.frame_record(ts)
    }

    /// Frames a plain record starting at `ts` (its `<`).
    fn frame_record(&mut self, ts: usize) -> Option<Frame<'_>> {
        let mut ts = ts;
        self.cursor = ts;
        // The scan resumes where it stopped after each read, so no byte is scanned twice.
        // `<postback` (the lower-case dialect) ends only at `</postback`.
        let lower = self.buf[ts + 1] == b'p';
        let mut scan = EndScan::new(ts + 1 + NAME.len(), !self.nested, lower);
        loop {
            let (end, closed) = match scan.run(&self.buf[..self.end], self.eof) {
                ScanResult::End(e) => (e, true),
                ScanResult::Break(b) => (b, false),
                ScanResult::NeedMore if self.eof => (self.end, false),
                ScanResult::NeedMore => {
                    // What the scan has passed is the record's; the few bytes
                    // after it may yet turn out to start the next one, so
                    // they do not count (or the answer would depend on where
                    // a read happened to end).
                    if scan.pos - ts > self.max_record {
                        let resume = scan.pos.min(self.end);
                        return Some(self.oversized(ts, resume, Some(Skip::Record(scan))));
                    }
                    let shift = self.fill_keeping(ts);
                    ts -= shift;
                    scan.shift(shift);
                    continue;
                }
            };
            // The limit holds however the input happened to arrive in reads.
            if end - ts > self.max_record {
                return Some(self.oversized(ts, end, None));
            }
            let at = self.location_of(ts);
            self.cursor = end;
            let text = &self.buf[ts..end];
            return Some(if closed {
                Frame::Record { text, at }
            } else {
                Frame::Unclosed { text, at }
            });
        }
    }
}

/// Looks for a record's end, resumably: it can stop for more input anywhere
/// and carry on where it stopped, so no byte is scanned twice.
#[derive(Debug, Clone)]
pub(super) struct EndScan {
    pub(super) pos: usize,
    state: ScanState,
    /// Whether the start tag's `>` has been seen.
    in_content: bool,
    quote: Option<u8>,
    /// Whether a form-encoded or JSON-escaped `<POSTBACK` also ends an
    /// unclosed record (not inside decoded text, where none can follow).
    encoded_starts: bool,
    /// The end tag this record closes with: `</POSTBACK` or `</postback`.
    end_tag: &'static [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    Markup,
    Cdata,
    Comment,
    /// After `</POSTBACK`, in the white space before its `>`.
    EndTag,
}

pub(super) enum ScanResult {
    /// The record ends just before this index.
    End(usize),
    /// Another record starts here before this one ended.
    Break(usize),
    NeedMore,
}

impl EndScan {
    fn new(pos: usize, encoded_starts: bool, lower: bool) -> Self {
        EndScan {
            pos,
            encoded_starts,
            end_tag: if lower { b"</postback" } else { b"</POSTBACK" },
            state: ScanState::Markup,
            in_content: false,
            quote: None,
        }
    }

    pub(super) fn shift(&mut self, by: usize) {
        self.pos -= by;
    }

    pub(super) fn run(&mut self, buf: &[u8], eof: bool) -> ScanResult {
        if !self.in_content {
            // The start tag: find its `>` outside quoted attribute values.
            while self.pos < buf.len() {
                let b = buf[self.pos];
                match self.quote {
                    Some(q) if b == q => self.quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => self.quote = Some(b),
                    None if b == b'<' => return ScanResult::Break(self.pos),
                    None if b == b'>' => {
                        self.in_content = true;
                        self.pos += 1;
                        if buf[self.pos - 2] == b'/' {
                            return ScanResult::End(self.pos);
                        }
                        break;
                    }
                    None => {}
                }
                self.pos += 1;
            }
            if !self.in_content {
                return ScanResult::NeedMore;
            }
        }
        loop {
            match self.state {
                ScanState::Cdata => match memmem::find(&buf[self.pos..], b"]]>") {
                    Some(i) => {
                        self.pos += i + 3;
                        self.state = ScanState::Markup;
                    }
                    None => {
                        self.pos = buf.len().saturating_sub(2).max(self.pos);
                        return ScanResult::NeedMore;
                    }
                },
                ScanState::Comment => match memmem::find(&buf[self.pos..], b"-->") {
                    Some(i) => {
                        self.pos += i + 3;
                        self.state = ScanState::Markup;
                    }
                    None => {
                        self.pos = buf.len().saturating_sub(2).max(self.pos);
                        return ScanResult::NeedMore;
                    }
                },
                // The scan moves through the white space as it is read, so
                // a flood of it is neither held nor scanned twice.
                ScanState::EndTag => match buf[self.pos..]
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    Some(j) if buf[self.pos + j] == b'>' => {
                        return ScanResult::End(self.pos + j + 1)
                    }
                    Some(j) => {
                        self.pos += j;
                        self.state = ScanState::Markup;
                    }
                    None if eof => return ScanResult::End(buf.len()),
                    None => {
                        self.pos = buf.len();
                        return ScanResult::NeedMore;
                    }
                },
                ScanState::Markup => {
                    // `%` and `\\` are rare in postbacks, so also stopping at them is cheap.
                    let hit = if self.encoded_starts {
                        memchr3(b'<', b'%', b'\\', &buf[self.pos..])
                    } else {
                        memchr(b'<', &buf[self.pos..])
                    };
                    let Some(i) = hit else {
                        self.pos = buf.len();
                        return ScanResult::NeedMore;
                    };
                    let lt = self.pos + i;
                    if buf[lt] != b'<' {
                        let needle: &[u8] = if buf[lt] == b'%' {
                            b"%3CPOSTBACK"
                        } else {
                            b"\\u003cPOSTBACK"
                        };
                        let rest = &buf[lt..];
                        if rest.len() < needle.len()
                            && !eof
                            && needle[..rest.len()].eq_ignore_ascii_case(rest)
                        {
                            self.pos = lt;
                            return ScanResult::NeedMore;
                        }
                        if rest.len() >= needle.len()
                            && rest[..needle.len()].eq_ignore_ascii_case(needle)
                        {
                            return ScanResult::Break(lt);
                        }
                        self.pos = lt + 1;
                        continue;
                    }
                    let rest = &buf[lt..];
                    // Longest look-ahead needed: `</POSTBACK` plus one delimiter.
                    if rest.len() < 12 && !eof {
                        let could_matter = b"<![CDATA[".starts_with(&rest[..rest.len().min(9)])
                            || b"<!--".starts_with(&rest[..rest.len().min(4)])
                            || self.end_tag.starts_with(&rest[..rest.len().min(10)])
                            || b"<POSTBACK".starts_with(&rest[..rest.len().min(9)])
                            || b"<postback".starts_with(&rest[..rest.len().min(9)]);
                        if could_matter {
                            self.pos = lt;
                            return ScanResult::NeedMore;
                        }
                    }
                    if rest.starts_with(b"<![CDATA[") {
                        self.state = ScanState::Cdata;
                        self.pos = lt + 9;
                    } else if rest.starts_with(b"<!--") {
                        self.state = ScanState::Comment;
                        self.pos = lt + 4;
                    } else if rest.starts_with(self.end_tag) && is_end_delimiter(rest.get(10)) {
                        self.state = ScanState::EndTag;
                        self.pos = lt + 10;
                    } else if is_start_tag(rest) && is_start_delimiter(rest.get(9)) {
                        return ScanResult::Break(lt);
                    } else {
                        self.pos = lt + 1;
                    }
                }
            }
        }
    }
}

/// `<POSTBACK` or `<postback`: a record of either XML dialect starts.
pub(super) fn is_start_tag(rest: &[u8]) -> bool {
    rest.starts_with(b"<POSTBACK") || rest.starts_with(b"<postback")
}

fn is_start_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

fn is_end_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>'))
}
