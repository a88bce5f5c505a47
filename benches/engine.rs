//! Criterion micro-benchmarks of each stage on in-memory input: framing,
//! parsing and checking, and every writer. Throughput is in input bytes, so
//! the stages compare with each other and with `bench/run.sh`'s MB/s.
//!
//! ```text
//! cargo bench --bench engine              # everything, a few minutes
//! cargo bench --bench engine -- frame/    # one group
//! ```
//!
//! The input is made here by a small seeded generator (the same framings and
//! record kinds as `bench/gen_dump.py`, in miniature) so the benches need
//! nothing but the crate. Measurement is kept short; `bench/run.sh` is the
//! end-to-end measurement.

use std::hint::black_box;
use std::io::{self, Write};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};

use postback::check::check;
use postback::engine::{
    read_input, Located, Options, Record, RecordKind, Sink, DEFAULT_MAX_RECORD,
};
use postback::frame::{Frame, Framer};
use postback::location::Location;
use postback::postback::{parse, Postback};
use postback::render::convert::{Csv, CsvOptions, JsonArray, Ndjson, RecordWriter};
use postback::render::findings::{write_human, write_json, HumanStyle};
use postback::render::inspect::Cards;
use postback::render::terminal::Paint;

/// Bytes of each generated input.
const INPUT: usize = 4 << 20;

// ---------------------------------------------------------------------------
// The generator.

/// xorshift64*: deterministic and good enough to pick values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SHORT_CODES: &[&str] = &["60856", "41411", "72345", "88222", "90210", "55123"];
const SPIDS: &[&str] = &[
    "0001470", "0001570", "0001580", "0001140", "0001000", "0044640",
];
const TIMESTAMPS: &[&str] = &[
    "2024-05-01T05:59:59.665-04:00",
    "2024-05-01T10:59:45+01:00",
    "2024-05-01T09:59:12Z",
    "2024-05-01T04:59:26-05:00",
];
const DETAILS: &[&str] = &[
    "Delivered to handset",
    "Carrier accepted &amp; acknowledged",
    "Carrier rejected: content too large (&gt; 600 KB)",
];
const HANDSETS: &[&str] = &["iphone15pro", "SM-S918U", "pixel8", "moto g stylus"];

/// A record as (name, value) pairs; `None` renders as `<NAME/>`.
type Fields = Vec<(&'static str, Option<String>)>;

fn record(rng: &mut Rng) -> Fields {
    let mut f: Fields = Vec::new();
    let mut put = |name: &'static str, value: &str| f.push((name, Some(value.to_string())));
    let to = format!("1{:03}{:07}", 201 + rng.below(700), rng.below(10_000_000));
    let tracking = format!("U01TXzgw{:06}", rng.below(1_000_000));
    let aggregator = format!(
        "{:05}-{:05}-{:05}-{:05}-{:05}",
        rng.below(100_000),
        rng.below(100_000),
        rng.below(100_000),
        rng.below(100_000),
        rng.below(100_000)
    );
    match rng.below(10) {
        0..=5 => {
            let n202 = rng.below(2) == 0;
            put("ORIGIN", "SMS_MT");
            put("CODE", if n202 { "N202" } else { "N201" });
            put(
                "STATUS",
                if n202 {
                    "Message Sent/Delivered"
                } else {
                    "Message Sent"
                },
            );
            put("FROM", rng.pick(SHORT_CODES));
            if rng.chance(100) {
                f.push(("FROM_MASK", None));
            }
            let mut put = |name: &'static str, value: &str| f.push((name, Some(value.to_string())));
            put("TO", &to);
            put("TRACKINGID", &tracking);
            put("SPID", rng.pick(SPIDS));
            put("TIMESTAMP", rng.pick(TIMESTAMPS));
            if n202 {
                put("AGGREGATORID", &aggregator);
            }
            if rng.chance(150) {
                put("STATUSDETAILS", rng.pick(DETAILS));
            }
        }
        6..=8 => {
            put("ORIGIN", "MMS_MT");
            put("CODE", "N102");
            put("SENTAS", "MMS");
            put("STATUS", "Message Sent/Delivered");
            put("MMSID", &format!("{}", 30_000 + rng.below(70_000)));
            put("FROM", rng.pick(SHORT_CODES));
            put("TO", &to);
            put("TRACKINGID", &tracking);
            put("SPID", rng.pick(SPIDS));
            put("TIMESTAMP", rng.pick(TIMESTAMPS));
            put("HANDSET", rng.pick(HANDSETS));
            put("AGGREGATORID", &aggregator);
        }
        _ => {
            put("ORIGIN", "SMS_MO");
            put("CODE", "N211");
            put("FROM", &to);
            put("TO", rng.pick(SHORT_CODES));
            put("TEXT", "Thanks &amp; see you Friday");
            put("RECEIVED", rng.pick(TIMESTAMPS));
            put(
                "TRANSACTIONID",
                &format!("{}", 1_000_000_000 + rng.below(1_000_000_000)),
            );
        }
    }
    // About 2% invalid, as in gen_dump.py: a field missing, a bad value, a misspelt name.
    if rng.chance(20) {
        match rng.below(4) {
            0 => {
                let i = 2 + rng.below(f.len() as u64 - 2) as usize;
                f.remove(i);
            }
            1 => set(&mut f, "TIMESTAMP", "2024-02-30T10:15:00-05:00"),
            2 => set(&mut f, "STATUS", "Message Delivered"),
            _ => {
                if let Some(field) = f.iter_mut().find(|(n, _)| *n == "STATUS") {
                    field.0 = "Status";
                }
            }
        }
    }
    f
}

fn set(f: &mut Fields, name: &str, value: &str) {
    if let Some(field) = f.iter_mut().find(|(n, _)| *n == name) {
        field.1 = Some(value.to_string());
    }
}

/// Renders a record on one line or pretty-printed; about 0.2% are not
/// well-formed (an end tag written as a start tag).
fn render(rng: &mut Rng, out: &mut String, fields: &Fields, pretty: bool, indent: &str) {
    let (nl, inner) = if pretty {
        ("\n", format!("{indent}  "))
    } else {
        ("", String::new())
    };
    let broken = rng
        .chance(2)
        .then(|| 2 + rng.below(fields.len() as u64 - 2) as usize);
    out.push_str(indent);
    out.push_str("<POSTBACK>");
    out.push_str(nl);
    for (i, (name, value)) in fields.iter().enumerate() {
        out.push_str(&inner);
        match value {
            None => out.push_str(&format!("<{name}/>")),
            Some(v) if broken == Some(i) => out.push_str(&format!("<{name}>{v}<{name}>")),
            Some(v) => out.push_str(&format!("<{name}>{v}</{name}>")),
        }
        out.push_str(nl);
    }
    out.push_str(indent);
    out.push_str("</POSTBACK>");
    out.push_str(nl);
}

#[derive(Clone, Copy)]
enum Framing {
    Mixed,
    Log,
    Concat,
    Wrapper,
    Json,
}

impl Framing {
    const ALL: [Framing; 5] = [
        Framing::Mixed,
        Framing::Log,
        Framing::Concat,
        Framing::Wrapper,
        Framing::Json,
    ];

    fn name(self) -> &'static str {
        match self {
            Framing::Mixed => "mixed",
            Framing::Log => "log",
            Framing::Concat => "concat",
            Framing::Wrapper => "wrapper",
            Framing::Json => "json",
        }
    }
}

/// About `size` bytes of input in one framing.
fn dump(framing: Framing, size: usize) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(size + 4096);
    let mut ms = 0u64;
    if let Framing::Wrapper = framing {
        out.push_str("<?xml version='1.0'?>\n<BATCH>\n");
    }
    while out.len() < size {
        ms += 1 + rng.below(90);
        let ts = format!(
            "2024-05-01T10:{:02}:{:02}.{:03}Z",
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        );
        let kind = match framing {
            Framing::Mixed => rng.below(100),
            Framing::Log => {
                if rng.chance(780) {
                    0
                } else {
                    70
                }
            }
            Framing::Concat => 80,
            Framing::Wrapper => 99,
            Framing::Json => 87,
        };
        let fields = record(&mut rng);
        match kind {
            // a log line holding a postback
            0..=61 => {
                out.push_str(&ts);
                out.push_str(" INFO webhook body=<?xml version='1.0'?>");
                render(&mut rng, &mut out, &fields, false, "");
                out.push('\n');
            }
            // noise
            62..=78 => out.push_str(&format!(
                "{ts} INFO http method=POST path=/skycore/postback status=200 bytes={} duration_ms={}\n",
                200 + rng.below(500),
                rng.below(40)
            )),
            // a pretty-printed document
            79..=85 => {
                out.push_str("<?xml version='1.0'?>\n");
                render(&mut rng, &mut out, &fields, true, "");
            }
            // a JSON log line, the XML in an escaped string
            86..=94 => {
                let mut xml = String::from("<?xml version='1.0'?>\n");
                render(&mut rng, &mut xml, &fields, true, "");
                let body = serde_json::to_string(xml.trim_end()).expect("a string serializes");
                out.push_str(&format!(
                    "{{\"ts\":\"{ts}\",\"level\":\"info\",\"msg\":\"postback received\",\"body\":{body}}}\n"
                ));
            }
            // a form-encoded body
            95..=96 => {
                let mut xml = String::from("<?xml version='1.0'?>");
                render(&mut rng, &mut xml, &fields, false, "");
                out.push_str("xml=");
                for b in xml.bytes() {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        out.push(b as char);
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
                out.push('\n');
            }
            // a wrapper document (mixed), or one more record of the wrapper
            _ => {
                if let Framing::Wrapper = framing {
                    render(&mut rng, &mut out, &fields, true, "  ");
                } else {
                    out.push_str("<?xml version='1.0'?>\n<BATCH>\n");
                    render(&mut rng, &mut out, &fields, true, "  ");
                    let more = record(&mut rng);
                    render(&mut rng, &mut out, &more, true, "  ");
                    out.push_str("</BATCH>\n");
                }
            }
        }
    }
    if let Framing::Wrapper = framing {
        out.push_str("</BATCH>\n");
    }
    out.into_bytes()
}

// ---------------------------------------------------------------------------
// Records for the writers, built once so that only the writer is timed.

/// One record's text and where it starts in the input.
struct Text {
    text: String,
    at: Location,
}

/// The plain (not embedded) records of `input`, copied out of the framer.
fn texts(input: &[u8]) -> Vec<Text> {
    let mut framer = Framer::new(input, DEFAULT_MAX_RECORD);
    let mut out = Vec::new();
    while let Some(frame) = framer.next_frame() {
        if let Frame::Record { text, at } = frame {
            if let Ok(text) = std::str::from_utf8(text) {
                out.push(Text {
                    text: text.to_string(),
                    at,
                });
            }
        }
    }
    out
}

/// Parses and checks each text as the engine does.
fn records(texts: &[Text]) -> Vec<Record<'_>> {
    texts
        .iter()
        .map(|t| {
            let (kind, postback, findings) = match parse(&t.text) {
                Ok(pb) => {
                    let mut findings = Vec::new();
                    check(&pb, &mut findings);
                    (RecordKind::Postback, Some(pb), findings)
                }
                Err(finding) => (RecordKind::Malformed, None, vec![finding]),
            };
            let findings = findings
                .into_iter()
                .map(|finding| Located {
                    location: t.at.within(t.text.as_bytes(), finding.at),
                    in_record: finding.at,
                    finding,
                })
                .collect();
            Record {
                source: "target/bench/dump.log",
                at: t.at,
                embedding: None,
                decoded_at: None,
                kind,
                text: t.text.as_bytes(),
                postback,
                findings,
            }
        })
        .collect()
}

fn text_bytes<'r>(records: impl IntoIterator<Item = &'r Record<'r>>) -> u64 {
    records.into_iter().map(|r| r.text.len() as u64).sum()
}

/// Counts what the engine pushes.
#[derive(Default)]
struct Count {
    records: u64,
    findings: u64,
}

impl Sink for Count {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.records += 1;
        self.findings += record.findings.len() as u64;
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The benchmarks.

fn framing(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for framing in Framing::ALL {
        let input = dump(framing, INPUT);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(framing.name(), |b| {
            b.iter(|| {
                let mut framer = Framer::new(black_box(&input[..]), DEFAULT_MAX_RECORD);
                let mut frames = 0u64;
                while let Some(frame) = framer.next_frame() {
                    black_box(&frame);
                    frames += 1;
                }
                frames
            })
        });
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_input");
    let options = Options::default();
    for framing in Framing::ALL {
        let input = dump(framing, INPUT);
        let mut count = Count::default();
        read_input("bench", &input[..], &options, &mut count).expect("in-memory input reads");
        eprintln!(
            "read_input/{}: {} bytes, {} records, {} findings",
            framing.name(),
            input.len(),
            count.records,
            count.findings
        );
        if let Some(path) = std::env::var_os("BENCH_DUMP_DIR") {
            let path = std::path::Path::new(&path).join(format!("{}.txt", framing.name()));
            std::fs::write(path, &input).expect("BENCH_DUMP_DIR is writable");
        }
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(framing.name(), |b| {
            b.iter(|| {
                let mut count = Count::default();
                read_input("bench", black_box(&input[..]), &options, &mut count)
                    .expect("in-memory input reads");
                (count.records, count.findings)
            })
        });
    }
    group.finish();
}

fn per_record(c: &mut Criterion) {
    let input = dump(Framing::Mixed, INPUT);
    let texts = texts(&input);
    let bytes: u64 = texts.iter().map(|t| t.text.len() as u64).sum();
    let mut group = c.benchmark_group("record");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("parse", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| black_box(parse(&t.text)).is_ok())
                .count()
        })
    });
    let parsed: Vec<Postback<'_>> = texts.iter().filter_map(|t| parse(&t.text).ok()).collect();
    group.bench_function("check", |b| {
        let mut findings = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for pb in &parsed {
                findings.clear();
                check(black_box(pb), &mut findings);
                n += findings.len();
            }
            n
        })
    });
    group.finish();
}

/// Runs `write` over `records` into one reused buffer.
fn bench_writer<'r>(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    records: &[&'r Record<'r>],
    mut write: impl FnMut(&mut Vec<u8>, &[&'r Record<'r>]) -> io::Result<()>,
) {
    group.throughput(Throughput::Bytes(text_bytes(records.iter().copied())));
    let mut out = Vec::with_capacity(16 << 20);
    group.bench_function(name, |b| {
        b.iter(|| {
            out.clear();
            write(&mut out, records).expect("writing to memory succeeds");
            black_box(out.len())
        })
    });
}

fn writers(c: &mut Criterion) {
    let input = dump(Framing::Mixed, INPUT);
    let texts = texts(&input);
    let all = records(&texts);
    let every: Vec<&Record<'_>> = all.iter().collect();
    let with_findings: Vec<&Record<'_>> = all.iter().filter(|r| !r.findings.is_empty()).collect();
    let postbacks: Vec<&Record<'_>> = all.iter().filter(|r| r.postback.is_some()).collect();

    // Findings: only records that have some (a clean record costs the writer nothing).
    let mut group = c.benchmark_group("findings");
    let pipe = HumanStyle {
        paint: Paint::OFF,
        snippets: false,
        width: postback::render::snippet::DEFAULT_WIDTH,
    };
    let terminal = HumanStyle {
        paint: Paint::new(true),
        snippets: true,
        width: postback::render::snippet::DEFAULT_WIDTH,
    };
    for (name, style) in [("human", pipe), ("human_terminal", terminal)] {
        bench_writer(&mut group, name, &with_findings, |out, records| {
            for record in records {
                for located in &record.findings {
                    write_human(out, record, located, style)?;
                }
            }
            Ok(())
        });
    }
    bench_writer(&mut group, "json", &with_findings, |out, records| {
        for record in records {
            for located in &record.findings {
                write_json(out, record, located)?;
            }
        }
        Ok(())
    });
    group.finish();

    // Conversion: every well-formed record.
    fn convert<W: RecordWriter>(mut writer: W, records: &[&Record<'_>]) -> io::Result<()> {
        for record in records {
            if let Some(pb) = &record.postback {
                writer.write(pb)?;
            }
        }
        writer.finish()
    }
    let mut group = c.benchmark_group("convert");
    bench_writer(&mut group, "json", &postbacks, |out, records| {
        convert(JsonArray::new(out)?, records)
    });
    bench_writer(&mut group, "ndjson", &postbacks, |out, records| {
        convert(Ndjson::new(out), records)
    });
    bench_writer(&mut group, "csv", &postbacks, |out, records| {
        convert(Csv::new(out, CsvOptions::default())?, records)
    });
    group.finish();

    // Inspect cards: every record, plain and coloured.
    let mut group = c.benchmark_group("inspect");
    for (name, paint) in [("cards", Paint::OFF), ("cards_color", Paint::new(true))] {
        let cards = Cards::new(paint);
        bench_writer(&mut group, name, &every, |out, records| {
            for record in records {
                cards.write(out, record)?;
            }
            out.flush()
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = framing, engine, per_record, writers
}
criterion_main!(benches);
