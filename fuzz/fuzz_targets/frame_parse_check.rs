//! Arbitrary bytes through framing, parsing and checking (`engine::read_input`).
//!
//! Input: byte 0 picks the record size limit (see `common::options`), byte 1
//! seeds how the rest is split into reads. The rest is the capture.
//!
//! Invariants: no panic; the capture read whole and read in irregular small
//! pieces gives the same records and findings; every location (a record's
//! start, each finding) points where its offset says, inside the input; a
//! record's text is the input at its offset (unless decoded); a capture
//! holding a delimited `<POSTBACK` that no comment or CDATA section can hide
//! yields at least one record.
#![no_main]

mod common;

use std::io;

use libfuzzer_sys::fuzz_target;
use postback::engine::{read_input, Options, Record, RecordKind, Sink};

use common::{check_location, locations, options, Pieces};

/// Touches everything a record carries and keeps a line per record to compare runs.
struct Touch<'d> {
    data: &'d [u8],
    table: &'d [postback::location::Location],
    lines: Vec<String>,
}

impl Sink for Touch<'_> {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        check_location(self.table, record.at, "record start");
        if record.embedding.is_none() && !record.text.is_empty() {
            let from = record.at.offset as usize;
            assert_eq!(
                self.data.get(from..from + record.text.len()),
                Some(record.text),
                "a record's text is the input at its offset"
            );
        }
        match record.kind {
            RecordKind::Postback => assert!(record.postback.is_some()),
            _ => {
                assert!(record.postback.is_none());
                assert!(record.has_errors(), "an unread record says why");
            }
        }
        let mut line = format!(
            "{:?} {:?} {:?} {}",
            record.kind,
            record.at,
            record.embedding,
            record.text.len()
        );
        if let Some(pb) = &record.postback {
            // Walk every element, iteratively: nesting may be deep.
            let mut stack: Vec<&postback::postback::Element<'_>> = pb.fields.iter().collect();
            let mut bytes = pb.text.len();
            while let Some(el) = stack.pop() {
                assert!(
                    el.at < record.text.len(),
                    "an element starts inside its record"
                );
                bytes += el.name.len() + el.text.len() + el.trimmed().len();
                stack.extend(el.children.iter());
            }
            line.push_str(&format!(" {:?} {:?} {bytes}", pb.code(), pb.origin()));
        }
        for located in &record.findings {
            check_location(self.table, located.location, "finding");
            let f = &located.finding;
            assert!(!f.message.is_empty());
            assert!(located.in_record <= record.text.len() || record.text.is_empty());
            line.push_str(&format!(
                " | {} {:?} {:?} {} {:?} {:?}",
                f.rule, f.severity, located.location, f.message, f.field, f.help
            ));
        }
        self.lines.push(line);
        Ok(())
    }
}

fn run<R: io::Read>(data: &[u8], reader: R, options: &Options) -> Vec<String> {
    let table = locations(data);
    let mut sink = Touch {
        data,
        table: &table,
        lines: Vec::new(),
    };
    let read = read_input("fuzz", reader, options, &mut sink).expect("reading memory cannot fail");
    assert_eq!(read, data.len() as u64, "every byte is read");
    sink.lines
}

/// Where `needle` first occurs in `data` at or after `from`.
fn find(data: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    data.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// Written again here rather than called: the target judges the framer, so
/// it must not borrow the framer's own reading of a DOCTYPE.
/// The end of the DOCTYPE declaration at `at`, read as XML reads it: quoted
/// strings, and in the internal subset comments and processing instructions,
/// are skipped; the subset ends at its first other `]` (nothing nests there).
///
/// As the framer decides on a DOCTYPE (and on everything else) from at most
/// the size limit's worth of bytes, and a second `<!DOCTYPE` ends what the
/// first one can be, a declaration that does not end within `max_record + 1`
/// bytes of its start, or before the next `<!DOCTYPE`, is broken: `None`,
/// and it is read as any other text (a `<!--` in it opens a comment). Reading
/// it to its end wherever that is would ask the framer to hold more than the
/// limit to decide.
fn doctype_end(data: &[u8], at: usize, max_record: usize) -> Option<usize> {
    let mut stop = data
        .len()
        .min(at.saturating_add(max_record).saturating_add(1));
    if let Some(next) = find(data, at + 9, b"<!DOCTYPE") {
        stop = stop.min(next);
    }
    let data = &data[..stop];
    let mut i = at + 9;
    let mut subset = false;
    while let Some(&b) = data.get(i) {
        i = match b {
            b'"' | b'\'' => find(data, i + 1, &[b])? + 1,
            b'<' if subset && data[i..].starts_with(b"<!--") => find(data, i + 4, b"-->")? + 3,
            b'<' if subset && data[i..].starts_with(b"<?") => find(data, i + 2, b"?>")? + 2,
            b'[' if !subset => {
                subset = true;
                i + 1
            }
            b']' if subset => {
                subset = false;
                i + 1
            }
            b'>' if !subset => return Some(i + 1),
            _ => i + 1,
        };
    }
    None
}

/// The comments and CDATA sections that hide what they hold, as `(opener,
/// closer)` offsets, walked in order: one whose closer does not end within
/// `max_record` bytes of its start is broken and hides nothing, and a DOCTYPE
/// declaration's internal subset opens no section.
///
/// A broken section still ends at its first closer, as XML ends it: what it
/// holds up to there is not read for openers (`<!--a<![CDATA[...-->` opens
/// no CDATA section, however long). Only a `<POSTBACK` in it, or after an
/// opener that never closes, is read, and so is exposed: the walk stops there.
fn hiding_sections(data: &[u8], max_record: usize) -> Vec<(usize, usize)> {
    const OPENERS: [(&[u8], &[u8]); 3] = [
        (b"<!--", b"-->"),
        (b"<![CDATA[", b"]]>"),
        (b"<!DOCTYPE", b""),
    ];
    let mut sections = Vec::new();
    let mut i = 0;
    loop {
        let next = OPENERS
            .iter()
            .filter_map(|&(open, close)| Some((find(data, i, open)?, open, close)))
            .min_by_key(|&(at, ..)| at);
        let Some((at, open, close)) = next else {
            return sections;
        };
        if close.is_empty() {
            i = doctype_end(data, at, max_record).unwrap_or(at + open.len());
            continue;
        }
        match find(data, at + open.len(), close) {
            Some(c) if c + close.len() - at <= max_record => {
                sections.push((at, c));
                i = c + close.len();
            }
            Some(c) if !holds_start(&data[..c], at) => i = c + close.len(),
            _ => return sections,
        }
    }
}

/// Whether `data` holds a delimited `<POSTBACK` at or after `from`.
fn holds_start(data: &[u8], from: usize) -> bool {
    data.get(from..).is_some_and(|rest| {
        rest.windows(10).any(|w| {
            &w[..9] == b"<POSTBACK" && matches!(w[9], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        })
    })
}

/// Whether the record starting at `q` ends before `close`: its end tag, or
/// the `/>` of its start tag, comes first.
fn ends_before(data: &[u8], q: usize, close: usize) -> bool {
    let inside = &data[q.min(close)..close];
    find(inside, 0, b"</POSTBACK").is_some()
        || find(inside, 0, b"</postback").is_some()
        || inside
            .iter()
            .position(|&b| b == b'>')
            .is_some_and(|k| k > 0 && inside[k - 1] == b'/')
}

/// Whether a delimited start tag of either XML dialect is at `at`.
fn start_at(data: &[u8], at: usize) -> bool {
    data.get(at..at + 10).is_some_and(|w| {
        (&w[..9] == b"<POSTBACK" || &w[..9] == b"<postback")
            && matches!(w[9], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
    })
}

/// Whether `data` holds a delimited `<POSTBACK` that no comment or CDATA
/// section hides. A section hides a postback that starts and ends in it (its
/// end tag, or the `/>` of its start tag, before the closer): one closing
/// inside the record is stray markup before a real one.
///
/// Once a section is seen to wrap a whole record it is a real comment (or
/// CDATA section), and the framer skips all of it: every start in it is
/// text, also a later one cut off by the closer, as XML reads it
/// (`<!--<POSTBACK></POSTBACK><POSTBACK>-->` is one comment). So a section
/// hides each postback in it when any start in it (either dialect) ends in
/// it; looser than the framer, which decides on the first start alone, but
/// a first start that does not end there is framed as a record anyway.
fn exposed_postback(data: &[u8], max_record: usize) -> bool {
    let sections: Vec<(usize, usize)> = hiding_sections(data, max_record)
        .into_iter()
        .filter(|&(open, close)| {
            (open + 1..close).any(|q| start_at(data, q) && ends_before(data, q, close))
        })
        .collect();
    data.windows(10).enumerate().any(|(p, w)| {
        let delimited =
            &w[..9] == b"<POSTBACK" && matches!(w[9], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/');
        let hidden = sections.iter().any(|&(open, close)| open < p && p < close);
        delimited && !hidden
    })
}

fuzz_target!(|input: &[u8]| {
    let [selector, seed, data @ ..] = input else {
        return;
    };
    let options = options(*selector);
    let whole = run(data, data, &options);
    let pieces = run(data, Pieces::new(data, *seed), &options);
    if whole != pieces {
        let at = whole.iter().zip(&pieces).position(|(a, b)| a != b);
        panic!(
            "reads in pieces changed what was found: {} vs {} records, first difference at {at:?}\nwhole:  {:?}\npieces: {:?}",
            whole.len(),
            pieces.len(),
            at.map(|i| &whole[i]),
            at.map(|i| &pieces[i]),
        );
    }
    // The framer raises a smaller limit to 64 bytes.
    if exposed_postback(data, options.max_record.max(64)) {
        assert!(!whole.is_empty(), "a <POSTBACK> was found by nothing");
    }
});
