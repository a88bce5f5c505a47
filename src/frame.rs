//! Finds each `<POSTBACK>` in a byte stream: whole documents, concatenated
//! documents, wrappers, log lines, escaped JSON strings and form bodies.
//!
//! The framer reads in chunks into one reused buffer and hands out records as
//! slices of it, so memory stays bounded by the record size limit however
//! large the input is. Locations are counted as bytes pass, once.

use std::io::{self, Read};

use memchr::{memchr, memchr2, memchr3, memmem, memrchr};

use crate::location::Location;

/// One thing the framer found.
#[derive(Debug)]
pub enum Frame<'b> {
    /// A complete `<POSTBACK ...>...</POSTBACK>` (or `<POSTBACK/>`).
    Record { text: &'b [u8], at: Location },
    /// A `<POSTBACK` whose end never came: the next record started first, or
    /// the input ended. `text` runs up to that point.
    Unclosed { text: &'b [u8], at: Location },
    /// A record past the size limit: reported, skipped, never held.
    Oversized { at: Location, limit: usize },
    /// A document with a DOCTYPE holding postbacks: refused whole. `text` is
    /// the document when it fit under the size limit.
    Doctype {
        text: Option<&'b [u8]>,
        at: Location,
    },
    /// A postback carried in a JSON string or a form-encoded value, decoded.
    /// Its records are framed from `decoded`; findings point at `at`.
    Embedded {
        decoded: Vec<u8>,
        at: Location,
        kind: Embedding,
        /// Raw encoded text, for `--rejects` when it cannot be decoded.
        raw: &'b [u8],
    },
    /// An encoded value that holds a postback but does not decode.
    BadEncoding {
        raw: &'b [u8],
        at: Location,
        kind: Embedding,
        message: String,
    },
}

/// How an embedded postback was carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    JsonString,
    FormValue,
}

impl Embedding {
    pub fn describe(self) -> &'static str {
        match self {
            Embedding::JsonString => "JSON string",
            Embedding::FormValue => "form value",
        }
    }
}

const CHUNK: usize = 256 * 1024;
/// How far back from a `<POSTBACK` the framer can look for the start of its
/// line (to tell a JSON log line) or its encoded value.
const LOOKBEHIND: usize = 64 * 1024;
/// Bytes kept unsearched at the end of the buffer so that a needle split
/// across two reads is still found: `\u003cPOSTBACK` is the longest.
const OVERLAP: usize = 16;

const NAME: &[u8] = b"POSTBACK";

/// What the framer is skipping after reporting an oversized record or document.
#[derive(Debug)]
enum Skip {
    Record(EndScan),
    /// Until this end tag (a DOCTYPE document's root).
    Until(Vec<u8>),
    /// Until the `>` that closes that end tag.
    UntilClose,
    JsonString {
        escaped: bool,
    },
    FormValue,
}

pub struct Framer<R> {
    src: R,
    buf: Vec<u8>,
    end: usize,
    /// Input offset of `buf[0]`.
    base: u64,
    /// Where the next search starts.
    cursor: usize,
    /// `loc` is the location of `buf[tracked]`.
    tracked: usize,
    loc: Location,
    eof: bool,
    error: Option<io::Error>,
    skip: Option<Skip>,
    max_record: usize,
    /// How much free room a read gets: less than a full chunk for a small
    /// file, so that thousands of small files do not each zero 256 KiB.
    chunk: usize,
    /// Inside decoded text: no further JSON or form decoding.
    nested: bool,
    postback: memmem::Finder<'static>,
    doctype: memmem::Finder<'static>,
}

impl Framer<io::Empty> {
    /// A framer over decoded text already in memory (a JSON string or form
    /// value), which is not decoded again.
    pub fn decoded(text: Vec<u8>, max_record: usize) -> Self {
        let mut framer = Framer::new(io::empty(), max_record);
        framer.end = text.len();
        framer.buf = text;
        framer.eof = true;
        framer.nested = true;
        framer
    }
}

impl<R: Read> Framer<R> {
    pub fn new(src: R, max_record: usize) -> Self {
        Framer {
            src,
            buf: Vec::new(),
            end: 0,
            base: 0,
            cursor: 0,
            tracked: 0,
            loc: Location::START,
            eof: false,
            error: None,
            skip: None,
            max_record: max_record.max(64),
            chunk: CHUNK,
            nested: false,
            postback: memmem::Finder::new(NAME),
            doctype: memmem::Finder::new(b"<!DOCTYPE"),
        }
    }

    /// Sizes the first reads for an input of about `bytes` bytes.
    pub fn size_hint(mut self, bytes: u64) -> Self {
        // At most a chunk, so the power of two cannot overflow.
        let wanted = bytes.min(CHUNK as u64) as usize + 1;
        self.chunk = wanted.next_power_of_two().clamp(4096, CHUNK);
        self
    }

    /// The read error that ended the input early, if any. What came before it
    /// has been framed; the caller reports the input as failed.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Bytes of input consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.base + self.end as u64
    }

    /// The next frame, or `None` at the end of the input.
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        loop {
            if let Some(skip) = self.skip.take() {
                if !self.skip_on(skip) {
                    return None;
                }
                continue;
            }
            match self.find_candidate() {
                Found::Postback(Tag::Plain(ts)) => return self.frame_plain(ts),
                Found::Postback(Tag::Form(ts)) => return self.frame_form(ts),
                Found::Postback(Tag::JsonEscaped(ts)) => match self.json_string_start(ts, true) {
                    Some(quote) => return self.frame_json(quote),
                    // In no string after all: noise. Searching on here, not by
                    // recursion, so a run of such lines cannot exhaust the stack.
                    None => self.cursor = ts + 6 + NAME.len(),
                },
                Found::Doctype(at) => {
                    // Reading on may move the buffer: `at` comes back moved with it.
                    let (at, step) = self.try_doctype(at);
                    match step {
                        DoctypeStep::NotOne => self.cursor = at + 9,
                        DoctypeStep::Document { end } => {
                            let loc = self.location_of(at);
                            self.cursor = end;
                            let text = (end - at <= self.max_record).then(|| &self.buf[at..end]);
                            return Some(Frame::Doctype { text, at: loc });
                        }
                        DoctypeStep::TooLarge { root_end } => {
                            let loc = self.location_of(at);
                            self.skip = Some(Skip::Until(root_end));
                            return Some(Frame::Doctype {
                                text: None,
                                at: loc,
                            });
                        }
                    }
                }
                Found::NeedMore => {
                    self.fill_keeping(self.cursor);
                }
                Found::End => return None,
            }
        }
    }

    /// Searches from the cursor for the next `POSTBACK` start or `<!DOCTYPE`.
    fn find_candidate(&mut self) -> Found {
        loop {
            let hay = &self.buf[self.cursor..self.end];
            let hit = self.postback.find(hay).map(|i| self.cursor + i);
            let limit = hit.unwrap_or(self.end);
            // A DOCTYPE whose document holds postbacks comes before them; its
            // internal subset may even name POSTBACK, so it is looked for first.
            if let Some(d) = self.doctype.find(&self.buf[self.cursor..limit]) {
                return Found::Doctype(self.cursor + d);
            }
            let Some(q) = hit else {
                if self.eof {
                    self.cursor = self.end;
                    return Found::End;
                }
                self.cursor = self.end.saturating_sub(OVERLAP).max(self.cursor);
                return Found::NeedMore;
            };
            if q + NAME.len() >= self.end && !self.eof {
                self.cursor = q.saturating_sub(OVERLAP).max(self.cursor);
                return Found::NeedMore;
            }
            let after = self.buf[..self.end].get(q + NAME.len()).copied();
            let delimited = matches!(
                after,
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            );
            if q >= 1 && self.buf[q - 1] == b'<' && delimited {
                return Found::Postback(Tag::Plain(q - 1));
            }
            if !self.nested && q >= 3 && self.buf[q - 3..q].eq_ignore_ascii_case(b"%3C") {
                return Found::Postback(Tag::Form(q - 3));
            }
            if !self.nested && q >= 6 && self.buf[q - 6..q].eq_ignore_ascii_case(b"\\u003c") {
                return Found::Postback(Tag::JsonEscaped(q - 6));
            }
            self.cursor = q + NAME.len();
        }
    }

    /// A plain `<POSTBACK` at `ts`: a record, or the start of a JSON string.
    fn frame_plain(&mut self, ts: usize) -> Option<Frame<'_>> {
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
        let mut scan = EndScan::new(ts + 1 + NAME.len(), !self.nested);
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

    /// If the `<POSTBACK` at `ts` sits inside a string on a JSON log line,
    /// the index of that string's opening quote. An `escaped` start
    /// (`\u003cPOSTBACK`) can only be inside a JSON string, so on a line that
    /// does not start as JSON (`time=... msg={"body":"\u003cPOSTBACK...`) the
    /// nearest unescaped quote before it opens that string.
    fn json_string_start(&self, ts: usize, escaped: bool) -> Option<usize> {
        let floor = ts.saturating_sub(LOOKBEHIND);
        let line_start = match memrchr(b'\n', &self.buf[floor..ts]) {
            Some(i) => floor + i + 1,
            None if floor == 0 && self.base == 0 => 0,
            None => return None,
        };
        let line = &self.buf[line_start..ts];
        let first = line.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
        if line[first] != b'{' && line[first] != b'[' {
            if !escaped {
                return None;
            }
            let mut end = line.len();
            while let Some(q) = memrchr(b'"', &line[..end]) {
                let backslashes = line[..q].iter().rev().take_while(|&&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    return Some(line_start + q);
                }
                end = q;
            }
            return None;
        }
        // Walk the line from its start: the tag is inside a string when an
        // unescaped quote before it is still open (`{"a":1} <POSTBACK>` is not).
        let mut open = None;
        let mut i = 0;
        while let Some(j) = memchr2(b'"', b'\\', &line[i..]) {
            let k = i + j;
            i = k + 1;
            match (line[k], open) {
                (b'"', None) => open = Some(line_start + k),
                (b'"', Some(_)) => open = None,
                // Inside a string a backslash escapes the next byte.
                (_, Some(_)) => i = (k + 2).min(line.len()),
                _ => {}
            }
        }
        open
    }

    fn frame_json(&mut self, quote: usize) -> Option<Frame<'_>> {
        let mut quote = quote;
        self.cursor = quote;
        let mut pos = quote + 1;
        loop {
            match memchr3(b'"', b'\\', b'\n', &self.buf[pos..self.end]) {
                // A JSON string cannot hold a raw line end: the log line broke
                // off inside it, and what follows is the next line, read anew.
                Some(i) if self.buf[pos + i] == b'\n' => {
                    let nl = pos + i;
                    // Past the limit before it broke off: oversized, as when
                    // the limit is met before the line end has been read.
                    if nl - quote > self.max_record {
                        return Some(self.oversized(quote, nl, None));
                    }
                    let at = self.location_of(quote);
                    self.cursor = nl;
                    return Some(Frame::BadEncoding {
                        raw: &self.buf[quote..nl],
                        at,
                        kind: Embedding::JsonString,
                        message: "the JSON string holding a postback never ends on its line".into(),
                    });
                }
                Some(i) if self.buf[pos + i] == b'"' => {
                    let close = pos + i;
                    if close + 1 - quote > self.max_record {
                        return Some(self.oversized(quote, close + 1, None));
                    }
                    let at = self.location_of(quote);
                    self.cursor = close + 1;
                    let raw = &self.buf[quote..=close];
                    return Some(match serde_json::from_slice::<String>(raw) {
                        Ok(s) => Frame::Embedded {
                            decoded: s.into_bytes(),
                            at,
                            kind: Embedding::JsonString,
                            raw,
                        },
                        Err(err) => Frame::BadEncoding {
                            raw,
                            at,
                            kind: Embedding::JsonString,
                            message: format!(
                                "the JSON string holding a postback does not decode: {err}"
                            ),
                        },
                    });
                }
                // A backslash escapes the next byte, which may not be read yet.
                Some(i) if pos + i + 1 < self.end && self.buf[pos + i + 1] != b'\n' => {
                    pos += i + 2;
                    continue;
                }
                // A backslash before a line end escapes nothing: the line
                // end, already read, ends the string on the next turn.
                Some(i) if self.buf[pos + i] == b'\\' && pos + i + 1 < self.end => {
                    pos += i + 1;
                    continue;
                }
                Some(i) => pos += i,
                None => pos = self.end,
            }
            if self.eof {
                if self.end - quote > self.max_record {
                    return Some(self.oversized(quote, self.end, None));
                }
                let at = self.location_of(quote);
                self.cursor = self.end;
                return Some(Frame::BadEncoding {
                    raw: &self.buf[quote..self.end],
                    at,
                    kind: Embedding::JsonString,
                    message: "the JSON string holding a postback never ends".into(),
                });
            }
            if self.end - quote > self.max_record {
                let skip = Skip::JsonString { escaped: false };
                return Some(self.oversized(quote, pos, Some(skip)));
            }
            let shift = self.fill_keeping(quote);
            quote -= shift;
            pos -= shift;
        }
    }

    fn frame_form(&mut self, pct: usize) -> Option<Frame<'_>> {
        let floor = pct.saturating_sub(LOOKBEHIND);
        let mut start = match self.buf[floor..pct]
            .iter()
            .rposition(|&b| is_form_separator(b) || b == b'=')
        {
            Some(i) => floor + i + 1,
            None => floor,
        };
        self.cursor = start;
        let mut pos = pct;
        loop {
            match self.buf[pos..self.end]
                .iter()
                .position(|&b| is_form_separator(b))
            {
                Some(i) => return Some(self.form_frame(start, pos + i)),
                None if self.eof => {
                    let end = self.end;
                    return Some(self.form_frame(start, end));
                }
                None => pos = self.end,
            }
            if self.end - start > self.max_record {
                return Some(self.oversized(start, self.end, Some(Skip::FormValue)));
            }
            let shift = self.fill_keeping(start);
            start -= shift;
            pos -= shift;
        }
    }

    /// Reports what starts at `start` as oversized. Reading goes on at
    /// `resume`, first skipping as `skip` says when its end is not read yet.
    fn oversized(&mut self, start: usize, resume: usize, skip: Option<Skip>) -> Frame<'static> {
        let at = self.location_of(start);
        self.cursor = resume;
        self.skip = skip;
        Frame::Oversized {
            at,
            limit: self.max_record,
        }
    }

    fn form_frame(&mut self, start: usize, end: usize) -> Frame<'_> {
        if end - start > self.max_record {
            return self.oversized(start, end, None);
        }
        let loc = self.location_of(start);
        self.cursor = end;
        let raw = &self.buf[start..end];
        Frame::Embedded {
            decoded: percent_decode(raw),
            at: loc,
            kind: Embedding::FormValue,
            raw,
        }
    }

    /// Is the `<!DOCTYPE` at `at` the start of a document that holds postbacks?
    /// Returns where the DOCTYPE is once the buffer has moved to read more.
    fn try_doctype(&mut self, at: usize) -> (usize, DoctypeStep) {
        let mut at = at;
        loop {
            // Decide on at most the size limit's worth of bytes, so the
            // answer does not depend on how much the last read brought in.
            let window_end = self.end.min(at + self.max_record + 1);
            let eof = self.eof && window_end == self.end;
            let window = &self.buf[..window_end];
            match doctype_document(window, at, eof, self.max_record) {
                DoctypeScan::Step(step) => return (at, step),
                DoctypeScan::NeedMore if window_end - at > self.max_record => {
                    // Too large to hold: skip to its root's end tag, if it is
                    // seen to hold postbacks; otherwise it is noise.
                    let step = match root_name(window, at) {
                        Some(name)
                            if name == NAME
                                || memmem::find(&window[at..], b"<POSTBACK").is_some() =>
                        {
                            let mut end_tag = b"</".to_vec();
                            end_tag.extend_from_slice(name);
                            // The end tag was not in the window: it starts after.
                            self.cursor = window_end + 1 - end_tag.len();
                            DoctypeStep::TooLarge { root_end: end_tag }
                        }
                        _ => DoctypeStep::NotOne,
                    };
                    return (at, step);
                }
                DoctypeScan::NeedMore if self.eof => return (at, DoctypeStep::NotOne),
                DoctypeScan::NeedMore => {
                    let shift = self.fill_keeping(at);
                    at -= shift;
                }
            }
        }
    }

    /// Skips on after an oversized record; false at the end of the input.
    fn skip_on(&mut self, skip: Skip) -> bool {
        let mut skip = skip;
        loop {
            let done = match &mut skip {
                Skip::Record(scan) => match scan.run(&self.buf[..self.end], self.eof) {
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
                Skip::JsonString { escaped } => {
                    let mut found = None;
                    for i in self.cursor..self.end {
                        let b = self.buf[i];
                        // A raw line end also ends it, as in `frame_json`.
                        if b == b'\n' {
                            found = Some(i);
                            break;
                        } else if *escaped {
                            *escaped = false;
                        } else if b == b'\\' {
                            *escaped = true;
                        } else if b == b'"' {
                            found = Some(i + 1);
                            break;
                        }
                    }
                    if found.is_none() {
                        self.cursor = self.end;
                    }
                    found
                }
                Skip::FormValue => {
                    let found = self.buf[self.cursor..self.end]
                        .iter()
                        .position(|&b| is_form_separator(b))
                        .map(|i| self.cursor + i);
                    if found.is_none() {
                        self.cursor = self.end;
                    }
                    found
                }
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

    /// The location of `buf[i]`, counting the bytes since the last location.
    fn location_of(&mut self, i: usize) -> Location {
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

    fn loc_before(&self, i: usize) -> Location {
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

    /// Reads more input, keeping `buf[keep - LOOKBEHIND..]`; returns how far
    /// indexes moved left.
    fn fill_keeping(&mut self, keep: usize) -> usize {
        let mut drop = keep.saturating_sub(LOOKBEHIND).min(self.cursor).min(keep);
        // A BOM takes no column only when counted whole: never count past
        // part of the input's first three bytes.
        if self.base == 0 && drop < 3 {
            drop = 0;
        }
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
        if self.end + self.chunk > self.buf.len() {
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

enum Found {
    Postback(Tag),
    Doctype(usize),
    NeedMore,
    End,
}

enum Tag {
    Plain(usize),
    Form(usize),
    JsonEscaped(usize),
}

/// Bytes that end a form-encoded value (or, looking back, start it).
fn is_form_separator(b: u8) -> bool {
    matches!(
        b,
        b'&' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'?' | b';'
    )
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a
/// byte; a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Looks for a record's end, resumably: it can stop for more input anywhere
/// and carry on where it stopped, so no byte is scanned twice.
#[derive(Debug, Clone)]
struct EndScan {
    pos: usize,
    state: ScanState,
    /// Whether the start tag's `>` has been seen.
    in_content: bool,
    quote: Option<u8>,
    /// Whether a form-encoded or JSON-escaped `<POSTBACK` also ends an
    /// unclosed record (not inside decoded text, where none can follow).
    encoded_starts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    Markup,
    Cdata,
    Comment,
    /// After `</POSTBACK`, in the white space before its `>`.
    EndTag,
}

enum ScanResult {
    /// The record ends just before this index.
    End(usize),
    /// Another record starts here before this one ended.
    Break(usize),
    NeedMore,
}

impl EndScan {
    fn new(pos: usize, encoded_starts: bool) -> Self {
        EndScan {
            pos,
            encoded_starts,
            state: ScanState::Markup,
            in_content: false,
            quote: None,
        }
    }

    fn shift(&mut self, by: usize) {
        self.pos -= by;
    }

    fn run(&mut self, buf: &[u8], eof: bool) -> ScanResult {
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
                            || b"</POSTBACK".starts_with(&rest[..rest.len().min(10)])
                            || b"<POSTBACK".starts_with(&rest[..rest.len().min(9)]);
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
                    } else if rest.starts_with(b"</POSTBACK") && is_end_delimiter(rest.get(10)) {
                        self.state = ScanState::EndTag;
                        self.pos = lt + 10;
                    } else if rest.starts_with(b"<POSTBACK") && is_start_delimiter(rest.get(9)) {
                        return ScanResult::Break(lt);
                    } else {
                        self.pos = lt + 1;
                    }
                }
            }
        }
    }
}

fn is_start_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

fn is_end_delimiter(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>'))
}

enum DoctypeStep {
    /// The DOCTYPE is log noise: go on after it.
    NotOne,
    /// A document holding postbacks runs from the DOCTYPE to `end`.
    Document { end: usize },
    /// Such a document, too large to hold: skip to this end tag.
    TooLarge { root_end: Vec<u8> },
}

enum DoctypeScan {
    Step(DoctypeStep),
    NeedMore,
}

/// Reads a DOCTYPE declaration (with its internal subset) at `at`, then what
/// follows it; decides whether it heads a document with postbacks.
fn doctype_document(buf: &[u8], at: usize, eof: bool, _max: usize) -> DoctypeScan {
    let Some(decl_end) = doctype_decl_end(buf, at) else {
        return if eof {
            DoctypeScan::Step(DoctypeStep::NotOne)
        } else {
            DoctypeScan::NeedMore
        };
    };
    let Some(root) = prolog_root(buf, decl_end) else {
        return if eof {
            DoctypeScan::Step(DoctypeStep::NotOne)
        } else {
            DoctypeScan::NeedMore
        };
    };
    let Some((name_start, name_end)) = root else {
        return DoctypeScan::Step(DoctypeStep::NotOne);
    };
    let name = &buf[name_start..name_end];
    let mut end_tag = b"</".to_vec();
    end_tag.extend_from_slice(name);
    // A self-closing root holds nothing.
    let tag_close = match memchr(b'>', &buf[name_end..]) {
        Some(i) => name_end + i,
        None => {
            return if eof {
                DoctypeScan::Step(DoctypeStep::NotOne)
            } else {
                DoctypeScan::NeedMore
            }
        }
    };
    if buf[tag_close - 1] == b'/' {
        return DoctypeScan::Step(DoctypeStep::NotOne);
    }
    let body_from = tag_close + 1;
    let end = match memmem::find(&buf[body_from..], &end_tag) {
        Some(i) => {
            let after = body_from + i + end_tag.len();
            match memchr(b'>', &buf[after..]) {
                Some(j) => after + j + 1,
                None if eof => buf.len(),
                None => return DoctypeScan::NeedMore,
            }
        }
        None if eof => buf.len(),
        None => return DoctypeScan::NeedMore,
    };
    let holds = name == NAME || memmem::find(&buf[body_from..end], b"<POSTBACK").is_some();
    DoctypeScan::Step(if holds {
        DoctypeStep::Document { end }
    } else {
        DoctypeStep::NotOne
    })
}

/// The index just after the DOCTYPE declaration's closing `>`.
fn doctype_decl_end(buf: &[u8], at: usize) -> Option<usize> {
    let mut quote = None;
    let mut depth = 0usize;
    for (i, &b) in buf.iter().enumerate().skip(at + 9) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'>' if depth == 0 => return Some(i + 1),
                _ => {}
            },
        }
    }
    None
}

/// After the DOCTYPE: skips white space, comments and processing
/// instructions. `Some(Some(name))` when an element starts next,
/// `Some(None)` when something else does, `None` when more input is needed.
#[allow(clippy::type_complexity)]
fn prolog_root(buf: &[u8], from: usize) -> Option<Option<(usize, usize)>> {
    let mut i = from;
    loop {
        while i < buf.len() && matches!(buf[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let rest = &buf[i..];
        if rest.len() < 4 {
            return None;
        }
        if rest.starts_with(b"<!--") {
            i += 4 + memmem::find(&rest[4..], b"-->")? + 3;
        } else if rest.starts_with(b"<?") {
            i += 2 + memmem::find(&rest[2..], b"?>")? + 2;
        } else if rest[0] == b'<' && (rest[1].is_ascii_alphabetic() || rest[1] == b'_') {
            let len = rest[1..]
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))?;
            return Some(Some((i + 1, i + 1 + len)));
        } else {
            return Some(None);
        }
    }
}

/// The root element's name after a DOCTYPE, if it can be seen.
fn root_name(buf: &[u8], at: usize) -> Option<&[u8]> {
    let decl_end = doctype_decl_end(buf, at)?;
    let (s, e) = prolog_root(buf, decl_end)??;
    Some(&buf[s..e])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_plus_and_stray_percent() {
        assert_eq!(percent_decode(b"%3CA%3E+b%2"), b"<A> b%2");
        assert_eq!(percent_decode(b"100%"), b"100%");
    }
}
