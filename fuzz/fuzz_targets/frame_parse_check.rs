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

/// Whether `data` holds a delimited `<POSTBACK` that no comment or CDATA
/// section can hide: a postback inside one is text, and hiding takes an
/// opener before the start tag and its closer after it.
fn exposed_postback(data: &[u8]) -> bool {
    let first = |needle: &[u8]| data.windows(needle.len()).position(|w| w == needle);
    let last = |needle: &[u8]| data.windows(needle.len()).rposition(|w| w == needle);
    let sections = [
        (first(b"<!--"), last(b"-->")),
        (first(b"<![CDATA["), last(b"]]>")),
    ];
    data.windows(10).enumerate().any(|(p, w)| {
        &w[..9] == b"<POSTBACK"
            && matches!(w[9], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            && sections.iter().all(|&(open, close)| {
                !(open.is_some_and(|o| o < p) && close.is_some_and(|c| c > p))
            })
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
    if exposed_postback(data) {
        assert!(!whole.is_empty(), "a <POSTBACK> was found by nothing");
    }
});
