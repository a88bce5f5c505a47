//! Every record of an arbitrary capture through every output writer.
//!
//! Input: byte 0 picks the record size limit (see `common::options`), byte 1
//! where the records are cut into parts for the ordered, multi-threaded
//! assembly of convert output. The rest is the capture.
//!
//! Invariants: no panic and no error writing into memory; with colour off,
//! human findings (with and without snippets) and inspect cards hold no
//! character a terminal acts on (C0/C1 controls, DEL, bidi controls) but
//! their own line ends, and with colour on none but colour sequences;
//! every JSON finding line parses and carries the documented keys; the JSON
//! array and each NDJSON line parse, one object per converted postback; CSV
//! (plain, excel, terminal-escaped) parses back with the csv crate, one row
//! per postback, each row as wide as the header, and plain CSV keeps every
//! simple field's first value exactly; output assembled from parts is the
//! same bytes as one writer's.
#![no_main]

mod common;

use std::io::{self, Write};

use libfuzzer_sys::fuzz_target;
use postback::engine::{read_input, Record, Sink};
use postback::postback::Postback;
use postback::render::convert::{
    too_deep, Assembly, CsvOptions, Format, Part, RecordWriter, DEFAULT_COLUMNS,
};
use postback::render::findings::{write_human, write_json, HumanStyle};
use postback::render::inspect::{Cards, Tally};
use postback::render::terminal::Paint;

use common::{assert_terminal_safe, options, strip_sgr};

const ON: Paint = Paint { enabled: true };

fn formats() -> Vec<(&'static str, Format)> {
    vec![
        ("json", Format::Json(Default::default())),
        ("ndjson", Format::Ndjson(Default::default())),
        ("csv", Format::Csv(CsvOptions::default())),
        (
            "excel",
            Format::Csv(CsvOptions {
                excel: true,
                ..CsvOptions::default()
            }),
        ),
        (
            "csv-terminal",
            Format::Csv(CsvOptions {
                escape_controls: true,
                ..CsvOptions::default()
            }),
        ),
    ]
}

struct Writers {
    human_plain: Vec<u8>,
    human_snippets: Vec<u8>,
    json_findings: Vec<u8>,
    card_plain: Vec<u8>,
    tally: Tally,
    /// Converted with one streaming writer per format.
    streams: Vec<Box<dyn RecordWriter>>,
    stream_out: Vec<SharedBuf>,
    /// Converted into parts, cut every `cut` postbacks, assembled in order.
    formats: Vec<(&'static str, Format)>,
    parts: Vec<Vec<Part>>,
    cut: usize,
    converted: usize,
    /// (first value of each default column's field, if simple) per converted postback.
    expected_cells: Vec<Vec<Option<String>>>,
}

/// A `Vec<u8>` the streaming writers own a handle to, read back at the end.
#[derive(Clone, Default)]
struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("one thread").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn expected_cells(pb: &Postback<'_>) -> Vec<Option<String>> {
    let n401 = pb.code() == Some("N401");
    DEFAULT_COLUMNS
        .iter()
        .map(|column| {
            let field = pb.field(column)?;
            let simple = field.children.is_empty() && !(n401 && *column == "CONTENT");
            simple.then(|| field.text.to_string())
        })
        .collect()
}

impl Sink for Writers {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let plain = HumanStyle {
            paint: Paint::OFF,
            snippets: false,
            width: postback::render::snippet::DEFAULT_WIDTH,
        };
        let snippets = HumanStyle {
            paint: Paint::OFF,
            snippets: true,
            width: postback::render::snippet::DEFAULT_WIDTH,
        };
        let coloured = HumanStyle {
            paint: ON,
            snippets: true,
            width: postback::render::snippet::DEFAULT_WIDTH,
        };
        for located in &record.findings {
            write_human(&mut self.human_plain, record, located, plain)?;
            write_human(&mut self.human_snippets, record, located, snippets)?;
            let mut colour = Vec::new();
            write_human(&mut colour, record, located, coloured)?;
            let colour = String::from_utf8(colour).expect("human output is UTF-8");
            assert_terminal_safe(strip_sgr(&colour).as_bytes(), "human, colour");

            let mut line = Vec::new();
            write_json(&mut line, record, located)?;
            assert_eq!(line.last(), Some(&b'\n'));
            assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
            let value: serde_json::Value =
                serde_json::from_slice(&line).expect("a JSON finding line parses");
            for key in [
                "source", "line", "column", "offset", "severity", "rule", "code", "field",
                "message",
            ] {
                assert!(value.get(key).is_some(), "JSON finding lacks {key}");
            }
            assert_eq!(value.as_object().map(|o| o.len()), Some(9));
            self.json_findings.extend_from_slice(&line);
        }

        Cards::new(Paint::OFF).write(&mut self.card_plain, record)?;
        let mut card = Vec::new();
        Cards::new(ON).write(&mut card, record)?;
        let card = String::from_utf8(card).expect("a card is UTF-8");
        assert_terminal_safe(strip_sgr(&card).as_bytes(), "inspect, colour");
        self.tally.add(record);

        let Some(pb) = &record.postback else {
            return Ok(());
        };
        // `convert` rejects these before any writer sees them.
        if too_deep(pb).is_some() {
            return Ok(());
        }
        // As `convert` does: tabular columns are v1.3 names whatever the dialect.
        let canonical = pb.canonical();
        let shown = |format: &Format| if format.is_tabular() { &*canonical } else { pb };
        for (stream, (_, format)) in self.streams.iter_mut().zip(&self.formats) {
            stream.write(shown(format))?;
        }
        if self.converted % self.cut == 0 {
            for (parts, (_, format)) in self.parts.iter_mut().zip(&self.formats) {
                parts.push(format.part());
            }
        }
        for (parts, (_, format)) in self.parts.iter_mut().zip(&self.formats) {
            parts
                .last_mut()
                .expect("a part is open")
                .write(record, shown(format))?;
        }
        self.converted += 1;
        self.expected_cells.push(expected_cells(&canonical));
        Ok(())
    }
}

fn check_csv(name: &str, bytes: &[u8], rows: usize, expected: Option<&[Vec<Option<String>>]>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader.byte_headers().expect("a CSV header").clone();
    assert_eq!(header.len(), DEFAULT_COLUMNS.len(), "{name}: header width");
    let records: Vec<csv::ByteRecord> = reader
        .byte_records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{name}: CSV does not parse back: {e}"));
    assert_eq!(records.len(), rows, "{name}: one row per postback");
    if let Some(expected) = expected {
        for (row, cells) in records.iter().zip(expected) {
            for (c, cell) in cells.iter().enumerate() {
                if let Some(value) = cell {
                    assert_eq!(
                        row.get(c),
                        Some(value.as_bytes()),
                        "{name}: column {} keeps the value exactly",
                        DEFAULT_COLUMNS[c]
                    );
                }
            }
        }
    }
}

fn check_convert(name: &str, bytes: &[u8], rows: usize, expected: &[Vec<Option<String>>]) {
    match name {
        "json" => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).expect("the JSON array parses");
            assert_eq!(
                value.as_array().map(Vec::len),
                Some(rows),
                "json: one object each"
            );
        }
        "ndjson" => {
            let text = std::str::from_utf8(bytes).expect("NDJSON is UTF-8");
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), rows, "ndjson: one line each");
            for line in lines {
                let value: serde_json::Value =
                    serde_json::from_str(line).expect("an NDJSON line parses");
                assert!(value.is_object());
            }
            // JSON escapes what a terminal acts on (serde_json and TerminalSafe).
            assert_terminal_safe(bytes, "ndjson");
        }
        "csv" => check_csv(name, bytes, rows, Some(expected)),
        "excel" => check_csv(name, bytes, rows, None),
        "csv-terminal" => {
            check_csv(name, bytes, rows, None);
            assert_terminal_safe(bytes, "csv for a terminal");
        }
        _ => unreachable!(),
    }
}

fuzz_target!(|input: &[u8]| {
    let [selector, cut, data @ ..] = input else {
        return;
    };
    let formats = formats();
    let stream_out: Vec<SharedBuf> = formats.iter().map(|_| SharedBuf::default()).collect();
    let streams = formats
        .iter()
        .zip(&stream_out)
        .map(|((_, f), out)| f.writer(out.clone()).expect("the header is written"))
        .collect();
    let mut sink = Writers {
        human_plain: Vec::new(),
        human_snippets: Vec::new(),
        json_findings: Vec::new(),
        card_plain: Vec::new(),
        tally: Tally::default(),
        streams,
        stream_out,
        parts: formats.iter().map(|_| Vec::new()).collect(),
        formats,
        cut: 1 + (*cut as usize % 7),
        converted: 0,
        expected_cells: Vec::new(),
    };
    read_input("fuzz", data, &options(*selector), &mut sink).expect("reading memory cannot fail");
    writeln!(sink.card_plain, "{}", sink.tally.breakdown()).expect("into memory");

    assert_terminal_safe(&sink.human_plain, "human");
    assert_terminal_safe(&sink.human_snippets, "human with snippets");
    assert_terminal_safe(&sink.card_plain, "inspect");

    let Writers {
        mut streams,
        stream_out,
        parts,
        formats,
        converted,
        expected_cells,
        ..
    } = sink;
    for (((stream, out), parts), (name, format)) in
        streams.iter_mut().zip(&stream_out).zip(parts).zip(&formats)
    {
        stream.finish().expect("into memory");
        let streamed = out.0.lock().expect("one thread").clone();
        check_convert(name, &streamed, converted, &expected_cells);

        let mut assembled = Vec::new();
        let mut assembly = Assembly::new(&mut assembled, format).expect("into memory");
        for part in parts {
            assembly.push(part).expect("into memory");
        }
        assembly.finish().expect("into memory");
        drop(assembly);
        assert!(
            assembled == streamed,
            "{name}: parts assembled differ from one writer's output"
        );
    }
});
