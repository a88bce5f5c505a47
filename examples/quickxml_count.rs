//! The benchmark baseline: a bare quick-xml event loop that only reads events
//! and counts elements, so `bench/run.sh` can say how `postback` compares with
//! the least work an XML reader can do on the same file.
//!
//! ```text
//! cargo build --release --example quickxml_count
//! target/release/examples/quickxml_count target/bench/dump-100M.log
//! ```
//!
//! One reused buffer, cleared each turn (quick-xml's streaming idiom). A log
//! dump is not one XML document: it has log noise, many `<?xml?>`
//! declarations, stray end tags and JSON lines. So the reader is told not to
//! check end names or unmatched ends, and an error is counted and skipped
//! rather than ending the loop (quick-xml stops for good after a syntax or
//! encoding error, so a new reader takes over where it stopped). The counts go
//! to stderr; stdout stays empty.
//! With no PATH, or `-`, it reads standard input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::process::ExitCode;

use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Default)]
struct Counts {
    elements: u64,
    postbacks: u64,
    errors: u64,
}

/// A reader that takes a log dump as it comes: end tags are not matched
/// against start tags, and a stray `&` or end tag is not an error.
fn relaxed<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    config.expand_empty_elements = false;
    config.trim_text(false);
    reader
}

fn count<R: BufRead>(mut input: R) -> io::Result<Counts> {
    let mut counts = Counts::default();
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        let mut reader = relaxed(input);
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    counts.elements += 1;
                    if e.name().as_ref() == "POSTBACK" {
                        counts.postbacks += 1;
                    }
                }
                Ok(Event::Eof) => return Ok(counts),
                Ok(_) => {}
                // quick-xml has already stepped over an ill-formed piece: go on.
                Err(quick_xml::Error::IllFormed(_)) => counts.errors += 1,
                Err(quick_xml::Error::Io(err)) => return Err(io::Error::new(err.kind(), err)),
                // Anything else (a syntax error, a name that is not UTF-8) ends a
                // quick-xml reader: count it and go on with a new reader below.
                Err(_) => {
                    counts.errors += 1;
                    break;
                }
            }
        }
        let stuck = reader.buffer_position() == 0;
        input = reader.into_inner();
        if stuck {
            // The new reader would fail on the same byte: step over it.
            if input.fill_buf()?.is_empty() {
                return Ok(counts);
            }
            input.consume(1);
        }
    }
}

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1);
    let input: Box<dyn Read> = match path.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p == "-" => Box::new(io::stdin().lock()),
        Some(p) => match File::open(p) {
            Ok(file) => Box::new(file),
            Err(err) => {
                eprintln!("quickxml_count: {}: {err}", p.to_string_lossy());
                return ExitCode::from(2);
            }
        },
    };
    match count(BufReader::with_capacity(64 * 1024, input)) {
        Ok(c) => {
            eprintln!(
                "elements: {}, postbacks: {}, errors skipped: {}",
                c.elements, c.postbacks, c.errors
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("quickxml_count: {err}");
            ExitCode::from(2)
        }
    }
}
