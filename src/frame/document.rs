//! A record as a plain document or element (`<POSTBACK>...</POSTBACK>`, bare
//! or inside a wrapper): its end is found by a resumable scan that steps over
//! quoted attributes, CDATA and comments.

use std::io::Read;

use memchr::{memchr, memchr3, memmem};

use super::log_line::StringStart;
use super::{Frame, Framer, Skip, NAME};

impl<R: Read> Framer<R> {
    /// A plain `<POSTBACK` at `ts`: a record, or the start of a JSON string.
    pub(super) fn frame_plain(&mut self, ts: usize) -> Option<Frame<'_>> {
        if !self.nested {
            match self.json_string_start(ts, false) {
                StringStart::At(quote) => return self.frame_json(quote),
                StringStart::TooFarBack => return Some(self.string_too_long(ts)),
                StringStart::None => {}
            }
        }
        self.frame_record(ts)
    }

    /// If the `<POSTBACK` at `ts` is inside a comment or CDATA section that
    /// closes within the size limit, where that section ends: what it holds is
    /// text, not a postback. One that does not close so soon is taken to be
    /// broken, and the postbacks after its start are read.
    /// With `tag_only`, what is at `ts` is a start tag reported on its own (a
    /// namespace-prefixed postback): hidden when its `>` is inside the section.
    /// Reading on may move the buffer: `ts_at` is moved with it.
    pub(super) fn hidden_in_markup(&mut self, ts_at: &mut usize, tag_only: bool) -> Option<usize> {
        self.walk_opaque(*ts_at);
        let (start, close) = self.opaque.open?;
        // Its closer, searched for once up to the size limit from its start.
        let limit = start.saturating_add(self.max_record as u64);
        loop {
            let ts = *ts_at;
            let searched = self
                .opaque
                .no_close_before(close)
                .max(self.base + ts as u64);
            let from = (searched - self.base) as usize;
            let upto = self
                .end
                .min(limit.saturating_sub(self.base) as usize)
                .max(from);
            if let Some(j) = memmem::find(&self.buf[from..upto], close) {
                self.opaque.open = None;
                let after = from + j + close.len();
                self.opaque.pos = self.base + after as u64;
                // Hidden only when the record ends inside the section; one
                // closing inside the record (`<!--<POSTBACK>..<!-- x -->..`)
                // is stray markup before a real record.
                let inside = &self.buf[ts..from + j];
                let ends = memmem::find(inside, b"</POSTBACK").is_some()
                    || memmem::find(inside, b"</postback").is_some()
                    || memchr::memchr(b'>', inside)
                        .is_some_and(|k| tag_only || inside[k - 1] == b'/');
                return ends.then_some(after);
            }
            let reached = self.base + upto.saturating_sub(close.len() - 1).max(from) as u64;
            self.opaque.searched(close, reached);
            if self.eof || self.base + self.end as u64 >= limit {
                self.opaque.open = None;
                return None;
            }
            *ts_at -= self.fill_keeping(ts);
        }
    }

    /// Walks on from last time to `to`: which comment or CDATA section (if
    /// any) is open there. Records handed out are not walked: what they hold
    /// is theirs.
    fn walk_opaque(&mut self, to: usize) {
        let base = self.base;
        let from = self.opaque.pos.max(self.emitted).max(base);
        let mut i = (from - base) as usize;
        while i < to {
            match self.opaque.open {
                None => match memmem::find(&self.buf[i..to], b"<!") {
                    None => i = to,
                    Some(j) => {
                        let rest = &self.buf[i + j..self.end];
                        let opener = OPAQUE.iter().find(|(open, _)| rest.starts_with(open));
                        if let Some((open, close)) = opener {
                            self.opaque.open = Some((base + (i + j) as u64, close));
                            i += j + open.len();
                        } else {
                            i += j + 2;
                        }
                    }
                },
                Some((_, close)) => match memmem::find(&self.buf[i..to], close) {
                    None => i = to,
                    Some(j) => {
                        self.opaque.open = None;
                        i += j + close.len();
                    }
                },
            }
        }
        self.opaque.pos = base + i.max(to) as u64;
    }

    /// A DOCTYPE declaration from `at` to `end` that heads no document is
    /// text, but a `<!--` or `<![CDATA[` in its quoted literals or internal
    /// subset opens nothing: the walk goes on after it. Inside a comment or
    /// CDATA section it is only more of that section's text.
    pub(super) fn declaration_opens_nothing(&mut self, at: usize, end: usize) {
        self.walk_opaque(at);
        if self.opaque.open.is_none() {
            self.opaque.pos = self.opaque.pos.max(self.base + end as u64);
        }
    }
}

/// Sections outside a record that hide what they hold, with their closers.
const OPAQUE: [(&[u8], &[u8]); 2] = [(b"<!--", b"-->"), (b"<![CDATA[", b"]]>")];

/// The comment or CDATA section open where the framer has got to, outside
/// records (inside one, [`EndScan`] steps over them).
#[derive(Debug, Default)]
pub(super) struct OpaqueWalk {
    /// Input offset walked up to.
    pos: u64,
    /// The open section's start and closer.
    open: Option<(u64, &'static [u8])>,
    /// For each closer: no closer of that kind starts before this offset
    /// (from the start of the last search for it).
    comment_searched: u64,
    cdata_searched: u64,
}

impl OpaqueWalk {
    fn no_close_before(&self, close: &[u8]) -> u64 {
        if close == b"-->" {
            self.comment_searched
        } else {
            self.cdata_searched
        }
    }

    fn searched(&mut self, close: &[u8], to: u64) {
        if close == b"-->" {
            self.comment_searched = to;
        } else {
            self.cdata_searched = to;
        }
    }
}

impl<R: Read> Framer<R> {
    /// Frames a plain record starting at `ts` (its `<`).
    fn frame_record(&mut self, ts: usize) -> Option<Frame<'_>> {
        let mut ts = ts;
        self.cursor = ts;
        // The scan resumes where it stopped after each read, so no byte is scanned twice.
        // `<postback` (the lower-case dialect) ends only at `</postback`.
        let lower = self.buf[ts + 1] == b'p';
        let mut scan = EndScan::new(ts, !self.nested, self.max_record, lower);
        loop {
            let (end, closed) = match scan.run(
                &self.buf[..self.end],
                self.eof,
                self.base,
                &mut self.closers,
            ) {
                ScanResult::End(e) => (e, true),
                ScanResult::Break(b) => (b, false),
                ScanResult::NeedMore if self.eof => (scan.fallback.unwrap_or(self.end), false),
                ScanResult::NeedMore => {
                    // What the scan has passed is the record's; the few bytes
                    // after it may yet turn out to start the next one, so
                    // they do not count (or the answer would depend on where
                    // a read happened to end).
                    if scan.pos - ts > self.max_record {
                        match scan.fallback {
                            // Cut off at an encoded start within the limit.
                            Some(f) if f - ts <= self.max_record => (f, false),
                            _ => {
                                let resume = scan.pos.min(self.end);
                                let skip = Skip::Record(scan.skipping());
                                return Some(self.oversized(ts, resume, Some(skip)));
                            }
                        }
                    } else {
                        let shift = self.fill_keeping(ts);
                        ts -= shift;
                        scan.shift(shift);
                        continue;
                    }
                }
            };
            // The limit holds however the input happened to arrive in reads.
            let (end, closed) = if end - ts <= self.max_record {
                (end, closed)
            } else {
                match scan.fallback {
                    Some(f) if f - ts <= self.max_record => (f, false),
                    _ => return Some(self.oversized(ts, end, None)),
                }
            };
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
///
/// A plain `<POSTBACK` start ends an unclosed record wherever it appears,
/// even inside an attribute value, a CDATA section, a comment or a processing
/// instruction (FIELDS.md 3): so a record cut off inside one of them costs one
/// finding, never the records after it. An encoded start (`%3CPOSTBACK`,
/// `\u003cPOSTBACK`) may be text inside a value; it ends the record only when
/// no `</POSTBACK>` comes before the next plain start, the size limit or the
/// end of the input.
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
    /// The first encoded start seen: where an unclosed record ends.
    pub(super) fallback: Option<usize>,
    /// Past this index the record is over the size limit and being skipped:
    /// any start ends it at once, as no fallback could be kept.
    limit: usize,
    /// The end tag this record closes with: `</POSTBACK` or `</postback`.
    end_tag: &'static [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    Markup,
    /// Inside `<![CDATA[`, `<!--` or `<?`, until this closer.
    Opaque(&'static [u8]),
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

/// What a byte at a possible record start turned out to be.
enum Start {
    /// Not a start: scanning goes on after this many bytes.
    No(usize),
    Plain,
    Encoded,
    /// Cut off by the end of what has been read.
    Partial,
}

/// Classifies `rest`, which begins with `<`, `%` or `\`: a start tag of
/// either XML dialect, plain or encoded.
fn start_at(rest: &[u8], eof: bool, encoded: bool) -> Start {
    let prefix: &[u8] = match rest[0] {
        b'<' => b"<",
        b'%' if encoded => b"%3C",
        b'\\' if encoded => b"\\u003c",
        _ => return Start::No(1),
    };
    let name: &[u8] = match rest.get(prefix.len()) {
        Some(b'p') => b"postback",
        _ => NAME,
    };
    let len = prefix.len() + name.len();
    let n = rest.len().min(len);
    // The prefix (`<`, `%3C`, `\u003c`) in either case; the name exactly.
    let matches = rest[..n.min(prefix.len())].eq_ignore_ascii_case(&prefix[..n.min(prefix.len())])
        && (n <= prefix.len() || rest[prefix.len()..n] == name[..n - prefix.len()]);
    if !matches {
        return Start::No(1);
    }
    if n < len {
        return if eof { Start::No(1) } else { Start::Partial };
    }
    if rest[0] != b'<' {
        return Start::Encoded;
    }
    match rest.get(len) {
        None if !eof => Start::Partial,
        b if is_start_delimiter(b) => Start::Plain,
        _ => Start::No(1),
    }
}

impl EndScan {
    /// A scan of the record whose start tag (`<POSTBACK`, or `<postback`
    /// when `lower`) starts at `ts`.
    pub(super) fn new(ts: usize, encoded_starts: bool, max_record: usize, lower: bool) -> Self {
        EndScan {
            pos: ts + 1 + NAME.len(),
            limit: ts.saturating_add(max_record),
            encoded_starts,
            end_tag: if lower { b"</postback" } else { b"</POSTBACK" },
            state: ScanState::Markup,
            in_content: false,
            quote: None,
            fallback: None,
        }
    }

    /// The scan goes on skipping an oversized record.
    pub(super) fn skipping(mut self) -> Self {
        self.limit = 0;
        self.fallback = None;
        self
    }

    pub(super) fn shift(&mut self, by: usize) {
        self.pos -= by;
        self.limit = self.limit.saturating_sub(by);
        if let Some(f) = &mut self.fallback {
            *f -= by;
        }
    }

    /// A start at `lt`: `Some` when the scan stops there.
    /// `opaque`: inside a CDATA section, comment or processing instruction,
    /// where a start may be text if the section closes.
    fn on_start(&mut self, buf: &[u8], lt: usize, eof: bool, opaque: bool) -> Option<ScanResult> {
        match start_at(&buf[lt..], eof, self.encoded_starts) {
            Start::No(n) => {
                self.pos = lt + n;
                None
            }
            Start::Plain if !opaque => Some(ScanResult::Break(self.fallback.unwrap_or(lt))),
            Start::Plain | Start::Encoded if lt > self.limit => Some(ScanResult::Break(lt)),
            Start::Plain | Start::Encoded => {
                self.fallback.get_or_insert(lt);
                self.pos = lt + 1;
                None
            }
            Start::Partial => {
                self.pos = lt;
                Some(ScanResult::NeedMore)
            }
        }
    }

    fn starts_in(&self, hay: &[u8]) -> Option<usize> {
        if self.encoded_starts {
            memchr3(b'<', b'%', b'\\', hay)
        } else {
            memchr(b'<', hay)
        }
    }

    /// Scans `buf` (input offset of `buf[0]`: `base`) on from where it stopped.
    pub(super) fn run(
        &mut self,
        buf: &[u8],
        eof: bool,
        base: u64,
        memo: &mut CloserMemo,
    ) -> ScanResult {
        if !self.in_content {
            // The start tag: find its `>` outside quoted attribute values. A
            // `<` cannot appear in an attribute value: one ends the record.
            while self.pos < buf.len() {
                let b = buf[self.pos];
                match self.quote {
                    _ if b == b'<' => return ScanResult::Break(self.pos),
                    Some(q) if b == q => self.quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => self.quote = Some(b),
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
                ScanState::Opaque(closer) => {
                    let close = memo.find(closer, buf, base, self.pos);
                    let region_end = close.unwrap_or(buf.len());
                    // The first start inside is where the record ends if the
                    // section never closes; after it only the closer matters.
                    while self.fallback.is_none() {
                        let Some(i) = self.starts_in(&buf[self.pos..region_end]) else {
                            break;
                        };
                        let at = self.pos + i;
                        if let Some(stop) = self.on_start(buf, at, eof, true) {
                            return stop;
                        }
                    }
                    match close {
                        Some(c) => {
                            self.pos = c + closer.len();
                            self.state = ScanState::Markup;
                        }
                        None => {
                            let keep = closer.len() - 1;
                            self.pos = buf.len().saturating_sub(keep).max(self.pos);
                            return ScanResult::NeedMore;
                        }
                    }
                }
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
                    let Some(i) = self.starts_in(&buf[self.pos..]) else {
                        self.pos = buf.len();
                        return ScanResult::NeedMore;
                    };
                    let lt = self.pos + i;
                    if buf[lt] != b'<' {
                        if let Some(stop) = self.on_start(buf, lt, eof, false) {
                            return stop;
                        }
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
                        self.state = ScanState::Opaque(b"]]>");
                        self.pos = lt + 9;
                    } else if rest.starts_with(b"<!--") {
                        self.state = ScanState::Opaque(b"-->");
                        self.pos = lt + 4;
                    } else if rest.starts_with(b"<?") {
                        self.state = ScanState::Opaque(b"?>");
                        self.pos = lt + 2;
                    } else if rest.starts_with(self.end_tag) && is_end_delimiter(rest.get(10)) {
                        self.state = ScanState::EndTag;
                        self.pos = lt + 10;
                    } else if let Some(stop) = self.on_start(buf, lt, eof, false) {
                        return stop;
                    }
                }
            }
        }
    }
}

/// Where each closer of a section inside a record is known not to be, so
/// that a section left open in record after record is searched only once.
#[derive(Debug, Default)]
pub(super) struct CloserMemo {
    /// Per closer: no occurrence starts in `[from, to)` (input offsets).
    spans: [(u64, u64); 3],
}

impl CloserMemo {
    fn slot(closer: &[u8]) -> usize {
        match closer {
            b"]]>" => 0,
            b"-->" => 1,
            _ => 2,
        }
    }

    /// The first `closer` at or after `buf[pos]`, searching only what has not
    /// been searched before.
    fn find(&mut self, closer: &[u8], buf: &[u8], base: u64, pos: usize) -> Option<usize> {
        let slot = Self::slot(closer);
        let (from, to) = self.spans[slot];
        let at = base + pos as u64;
        let (span_from, start) = if from <= at && at < to {
            (from, ((to - base) as usize).clamp(pos, buf.len()))
        } else {
            (at, pos)
        };
        match memmem::find(&buf[start..], closer) {
            Some(i) => {
                self.spans[slot] = (span_from, base + (start + i) as u64);
                Some(start + i)
            }
            None => {
                // The last bytes may start one that a later read completes.
                let done = buf.len().saturating_sub(closer.len() - 1).max(start);
                self.spans[slot] = (span_from, base + done as u64);
                None
            }
        }
    }
}

pub(super) fn is_start_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

fn is_end_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>'))
}
