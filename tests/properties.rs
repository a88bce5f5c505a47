//! Properties of finding postbacks, on the library for speed: postbacks
//! planted anywhere in log noise are all found, each record and finding at
//! the line, column and offset computed here independently; and the counts
//! a run reports add up to the postbacks found, with any number of jobs.
//! (That conversion loses nothing is `convert_props.rs`.)

mod common;

use std::io;
use std::sync::Mutex;

use common::Trickle;

use postback::engine::{read_input, Options, Record, Sink};
use postback::input::Source;
use postback::parallel::{self, Event, Job};
use proptest::prelude::*;

/// A postback to plant, with the findings it must give: (byte offset in the
/// template, rule).
struct Template {
    text: &'static str,
    findings: &'static [(usize, &'static str)],
}

/// `@` marks where a template's finding points; it is removed from the text.
const TEMPLATES: [(&str, &[&str]); 6] = [
    // Valid.
    (
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>35674</MMSID></POSTBACK>",
        &[],
    ),
    // A missing field: at the start tag.
    (
        "@<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>",
        &["missing-field"],
    ),
    // A bad value, on a line of its own: at the element.
    (
        "<POSTBACK>\n  <ORIGIN>MMS_MT</ORIGIN>\n  <CODE>N003</CODE>\n  @<MMSID>x</MMSID>\n</POSTBACK>",
        &["bad-mmsid"],
    ),
    // A warning only (an unknown field) after multibyte text in a value.
    (
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID><!-- é日 -->@<NOTE>ü</NOTE></POSTBACK>",
        &["unknown-field"],
    ),
    // Not well-formed: at the element left open.
    (
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN>@<CODE>N003</POSTBACK>",
        &["malformed-xml"],
    ),
    // Self-closing: no ORIGIN, no CODE, both at the start tag.
    ("@<POSTBACK/>", &["missing-field", "missing-field"]),
];

fn templates() -> Vec<Template> {
    TEMPLATES
        .iter()
        .map(|(marked, rules)| {
            let at = marked.find('@');
            let text: &'static str = Box::leak(marked.replace('@', "").into_boxed_str());
            let findings: Vec<(usize, &'static str)> = rules
                .iter()
                .map(|r| (at.expect("a marked place"), *r))
                .collect();
            Template {
                text,
                findings: Box::leak(findings.into_boxed_slice()),
            }
        })
        .collect()
}

/// Whether a template's findings make its record count as having errors.
fn has_error(rules: &[(usize, &str)]) -> bool {
    rules.iter().any(|(_, r)| *r != "unknown-field")
}

/// Noise: log text that holds no postback. Upper case only in `<Postback>`, which
/// is text in every dialect (so no `POSTBACK`, no `<postback>`, no `DOCTYPE`),
/// no `{` or `[` (so no line reads as JSON) and no `<!--` (a comment around a
/// postback makes it text); but markup, quotes, `%`, backslashes and multibyte
/// characters.
fn noise() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[a-z0-9 .:=/_-]{1,40}",
        1 => prop::sample::select(vec![
            "<", ">", "</", "-->", "&amp;", "\"", "'", "%3c", "\\u003c", "\\", "<?xml version='1.0'?>",
            "é", "日本語", "🙂", "\u{202e}", "\t", "ø<Postback>",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// A line end: LF or CRLF.
fn eol() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["\n", "\r\n"])
}

/// One thing in the capture: noise, a line end, or a planted postback (by
/// template index), itself written with LF or CRLF.
#[derive(Debug, Clone)]
enum Piece {
    Noise(String),
    Eol(&'static str),
    Plant(usize, &'static str),
}

fn capture() -> impl Strategy<Value = (bool, Vec<Piece>)> {
    let piece = prop_oneof![
        3 => noise().prop_map(Piece::Noise),
        2 => eol().prop_map(Piece::Eol),
        2 => (0..TEMPLATES.len(), eol()).prop_map(|(t, e)| Piece::Plant(t, e)),
    ];
    (any::<bool>(), prop::collection::vec(piece, 0..40))
}

/// What the capture must give: each planted postback.
struct Planted {
    data: Vec<u8>,
    records: Vec<Expected>,
}

/// A planted postback: where it starts, its findings (absolute byte offset,
/// rule), and whether it counts as having errors.
struct Expected {
    start: usize,
    findings: Vec<(usize, &'static str)>,
    error: bool,
}

fn plant(bom: bool, pieces: &[Piece], templates: &[Template]) -> Planted {
    let mut data = Vec::new();
    if bom {
        data.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut records = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Noise(text) => data.extend_from_slice(text.as_bytes()),
            Piece::Eol(eol) => data.extend_from_slice(eol.as_bytes()),
            Piece::Plant(t, eol) => {
                let template = &templates[*t];
                // CRLF inside a pretty-printed template moves what follows
                // each line end by one byte.
                let text = template.text.replace('\n', eol);
                let shift =
                    |at: usize| at + template.text[..at].matches('\n').count() * (eol.len() - 1);
                let start = data.len();
                data.extend_from_slice(text.as_bytes());
                let findings = template
                    .findings
                    .iter()
                    .map(|(at, rule)| (start + shift(*at), *rule))
                    .collect();
                records.push(Expected {
                    start,
                    findings,
                    error: has_error(template.findings),
                });
            }
        }
    }
    Planted { data, records }
}

/// Line and column (1-based, columns in characters) of a byte offset,
/// counted here from scratch: the BOM takes no column.
fn line_col(text: &[u8], offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut tail = &before[start..];
    if start == 0 {
        tail = tail.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(tail);
    }
    let column = std::str::from_utf8(tail).expect("UTF-8").chars().count() as u64 + 1;
    (line, column)
}

/// (line, column, offset) of a record and of each finding, and their rules.
type Seen = Vec<((u64, u64, u64), Vec<((u64, u64, u64), String)>)>;

#[derive(Default)]
struct Places(Seen);

impl Sink for Places {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let at = |l: postback::location::Location| (l.line, l.column, l.offset);
        self.0.push((
            at(record.at),
            record
                .findings
                .iter()
                .map(|f| (at(f.location), f.finding.rule.to_string()))
                .collect(),
        ));
        Ok(())
    }
}

fn expected(planted: &Planted) -> Seen {
    let place = |offset: usize| {
        let (line, column) = line_col(&planted.data, offset);
        (line, column, offset as u64)
    };
    planted
        .records
        .iter()
        .map(|expected| {
            (
                place(expected.start),
                expected
                    .findings
                    .iter()
                    .map(|(at, rule)| (place(*at), rule.to_string()))
                    .collect(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn planted_postbacks_are_all_found_where_they_are(
        (bom, pieces) in capture(),
        step in prop::sample::select(vec![1usize, 3, 64, usize::MAX]),
    ) {
        let templates = templates();
        let planted = plant(bom, &pieces, &templates);
        let mut seen = Places::default();
        let sizes = [step];
        let reader = Trickle::new(&planted.data, &sizes);
        let read = read_input("noise.log", reader, &Options::default(), &mut seen).unwrap();
        prop_assert_eq!(read, planted.data.len() as u64);
        let want = expected(&planted);
        prop_assert_eq!(
            &seen.0,
            &want,
            "capture: {:?}",
            String::from_utf8_lossy(&planted.data)
        );
    }
}

// The counts a run reports.

/// Counts as `validate` does: every record is valid or has errors.
struct Count;

#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
struct Counts {
    checked: u64,
    valid: u64,
    with_errors: u64,
    with_warnings: u64,
}

impl Job for Count {
    type Output = Counts;

    fn record(&self, record: &Record<'_>, out: &mut Counts) -> io::Result<()> {
        out.checked += 1;
        if record.has_errors() {
            out.with_errors += 1;
        } else {
            out.valid += 1;
        }
        if record.has_warnings() {
            out.with_warnings += 1;
        }
        Ok(())
    }
}

/// Runs `Count` over `files` with `jobs` workers; returns the summed counts,
/// the per-output record counts' sum and the inputs read.
fn count(files: &[std::path::PathBuf], jobs: usize, max_record: usize) -> (Counts, u64, u64) {
    let inputs = files.iter().map(|f| Ok(Source::File(f.clone()))).collect();
    let total = Mutex::new((Counts::default(), 0u64, 0u64));
    parallel::run(
        inputs,
        &Options::with_max_record(max_record),
        jobs,
        &Count,
        &mut |event| {
            let mut total = total.lock().unwrap();
            match event {
                Event::Output { output, records } => {
                    total.0.checked += output.checked;
                    total.0.valid += output.valid;
                    total.0.with_errors += output.with_errors;
                    total.0.with_warnings += output.with_warnings;
                    total.1 += records;
                }
                Event::InputRead { .. } => total.2 += 1,
                Event::Flush => {}
                Event::InputFailed { name, error, .. } => panic!("{name}: {error}"),
            }
            Ok(())
        },
    )
    .unwrap();
    total.into_inner().unwrap()
}

proptest! {
    // Each case writes files and may start threads: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn counts_add_up_to_the_postbacks_found_with_any_number_of_jobs(
        captures in prop::collection::vec(capture(), 1..4),
        repeat in 1usize..400,
        jobs in 1usize..4,
    ) {
        let templates = templates();
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        let (mut found, mut with_errors) = (0u64, 0u64);
        for (i, (bom, pieces)) in captures.iter().enumerate() {
            let planted = plant(*bom, pieces, &templates);
            // The last file repeated, sometimes past 1 MiB, so that it is cut
            // into batches for the workers instead of read whole by one.
            let times = if i + 1 == captures.len() { repeat } else { 1 };
            let mut data = planted.data.clone();
            for _ in 1..times {
                // Without its BOM, which counts only at the start.
                data.extend_from_slice(planted.data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&planted.data));
            }
            found += planted.records.len() as u64 * times as u64;
            with_errors += planted.records.iter().filter(|r| r.error).count() as u64 * times as u64;
            let path = dir.path().join(format!("{i}.log"));
            std::fs::write(&path, &data).unwrap();
            files.push(path);
        }
        let (counts, records, inputs) = count(&files, jobs, 1 << 20);
        prop_assert_eq!(inputs, files.len() as u64);
        prop_assert_eq!(counts.checked, found);
        prop_assert_eq!(records, found);
        prop_assert_eq!(counts.valid + counts.with_errors, counts.checked);
        prop_assert_eq!(counts.with_errors, with_errors);
        // The same counts with one job as with several.
        let (one, _, _) = count(&files, 1, 1 << 20);
        prop_assert_eq!(one, counts);
    }
}
