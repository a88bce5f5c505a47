//! Every scan is linear in the input: for each construct a hostile or broken
//! capture repeats (a DOCTYPE that never closes, a start tag cut off, an
//! unclosed CDATA section inside a record, escaped starts between escaped
//! quotes, ...), doubling the input at most doubles the time, within 2.5x.
//! A scan that looks back or ahead a fixed window per candidate shows as 4x.
//!
//! Sizes are small (the window is the 1 MiB record limit, so a quadratic scan
//! already shows at a few hundred KiB); each time is the fastest of several
//! runs, and a construct is measured again before it is called non-linear, as
//! the machine may be busy.

use std::io;
use std::time::{Duration, Instant};

use postback::engine::{read_input, Options, Record, Sink};
use postback::render::findings::{write_human, HumanStyle};
use postback::render::terminal::Paint;

const P: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>";

/// Counts what the engine hands out, so nothing is optimised away.
#[derive(Default)]
struct Count(usize);

impl Sink for Count {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.0 += 1 + record.findings.len();
        Ok(())
    }
}

fn time_once(data: &[u8]) -> Duration {
    let mut sink = Count::default();
    let start = Instant::now();
    read_input("t", data, &Options::default(), &mut sink).expect("reads from memory");
    let took = start.elapsed();
    assert!(sink.0 < usize::MAX);
    took
}

fn fastest(data: &[u8]) -> Duration {
    (0..5).map(|_| time_once(data)).min().expect("five runs")
}

/// `unit` repeated to about `bytes` bytes.
fn repeat(unit: &str, bytes: usize) -> Vec<u8> {
    unit.repeat(bytes / unit.len() + 1).into_bytes()
}

/// The constructs, each as (name, generator of about n bytes).
#[allow(clippy::type_complexity)]
fn constructs() -> Vec<(&'static str, Box<dyn Fn(usize) -> Vec<u8>>)> {
    vec![
        (
            "unclosed DOCTYPE subsets",
            Box::new(|n| repeat("<!DOCTYPE x [\n", n)),
        ),
        (
            "HTML error bodies with a DOCTYPE",
            Box::new(|n| {
                repeat(
                    "time=1 body=<!DOCTYPE html><html><body>502 Bad Gateway\n",
                    n,
                )
            }),
        ),
        (
            "escaped quotes and escaped starts on one line",
            Box::new(|n| repeat("a\\\" \\u003cPOSTBACK ", n)),
        ),
        (
            "escaped starts after JSON on one line",
            Box::new(|n| {
                let mut v = b"{\"a\":1} ".to_vec();
                v.extend(repeat("\\u003cPOSTBACK ", n));
                v
            }),
        ),
        (
            "start tags cut off in an attribute",
            Box::new(|n| repeat("<POSTBACK id=\"trunc\n", n)),
        ),
        (
            "unclosed CDATA inside records",
            Box::new(|n| repeat("<POSTBACK><A><![CDATA[x\n", n)),
        ),
        (
            "unclosed comments inside records",
            Box::new(|n| repeat("<POSTBACK><A><!-- x\n", n)),
        ),
        (
            "unclosed processing instructions inside records",
            Box::new(|n| repeat("<POSTBACK><A><?pi x\n", n)),
        ),
        (
            "postbacks after an unclosed comment",
            Box::new(|n| {
                let mut v = b"<W><!-- ".to_vec();
                v.extend(repeat(&format!("{P}\n"), n));
                v
            }),
        ),
        (
            "comment openers before each postback",
            Box::new(|n| repeat(&format!("<!--{P}\n"), n)),
        ),
        (
            "CDATA openers before each postback",
            Box::new(|n| repeat(&format!("<![CDATA[{P}\n"), n)),
        ),
        (
            "unclosed records holding a form-encoded start",
            Box::new(|n| repeat("<POSTBACK><A>x %3CPOSTBACK y\n", n)),
        ),
        (
            "form values holding a start, no separator",
            Box::new(|n| repeat("%3CPOSTBACK%3E", n)),
        ),
        (
            "log lines in brackets with escaped starts",
            Box::new(|n| repeat("[2024-05-01 10:00:00] INFO \"\\u003cPOSTBACK x\n", n)),
        ),
        (
            "a long JSON line before its body",
            Box::new(|n| {
                let body = serde_json::to_string(P)
                    .expect("a string")
                    .replace('<', "\\u003c");
                let mut line = format!("{{\"pad\":\"{}\",\"body\":{body}}}\n", "x".repeat(n));
                line.push_str(&format!("{P}\n"));
                line.into_bytes()
            }),
        ),
        (
            "JSON objects opened and never closed, on one line",
            Box::new(|n| repeat("{\"a\":", n)),
        ),
        (
            "JSON objects and arrays opened, then a syntax error",
            Box::new(|n| {
                let mut v = repeat("{\"a\":[1,{\"b\":[", n);
                v.extend(b"x\n");
                v
            }),
        ),
        (
            "JSON postback objects opened and never closed",
            Box::new(|n| repeat("{\"origin\":\"SMS_MT\",\"code\":\"N201\",\"a\":", n)),
        ),
        (
            "DOCTYPE documents holding postbacks",
            Box::new(|n| repeat(&format!("<!DOCTYPE POSTBACK>{P}\n"), n)),
        ),
        (
            "valid postbacks",
            Box::new(|n| repeat(&format!("{P}\n"), n)),
        ),
    ]
}

#[test]
fn doubling_the_input_at_most_doubles_the_time_for_every_construct() {
    const SMALL: usize = 200_000;
    let mut slow = Vec::new();
    for (name, make) in constructs() {
        let (small, large) = (make(SMALL), make(2 * SMALL));
        let mut ratios = Vec::new();
        // Measured up to three times: a busy machine can slow one run.
        let linear = (0..3).any(|_| {
            let (a, b) = (fastest(&small), fastest(&large));
            // Below a millisecond the clock and the allocator dominate.
            let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.001);
            ratios.push(format!("{a:?} -> {b:?} ({ratio:.2}x)"));
            ratio <= 2.5
        });
        eprintln!("{name}: {}", ratios.join(", "));
        if !linear {
            slow.push(format!("{name}: {}", ratios.join(", ")));
        }
    }
    assert!(slow.is_empty(), "not linear:\n{}", slow.join("\n"));
}

/// Renders every finding with its snippet in colour, as `--color always` does.
struct Snippets(Vec<u8>);

impl Sink for Snippets {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let style = HumanStyle {
            paint: Paint::new(true),
            snippets: true,
            width: postback::render::snippet::DEFAULT_WIDTH,
        };
        for located in &record.findings {
            write_human(&mut self.0, record, located, style)?;
        }
        Ok(())
    }
}

fn render_once(data: &[u8]) -> Duration {
    let mut sink = Snippets(Vec::new());
    let start = Instant::now();
    read_input("t", data, &Options::default(), &mut sink).expect("reads from memory");
    let took = start.elapsed();
    assert!(!sink.0.is_empty(), "findings were rendered");
    took
}

#[test]
fn snippets_on_one_long_line_take_time_linear_in_the_line() {
    // One record on one line with many unknown children: a finding each,
    // and each finding's snippet comes from that same long line.
    let record = |children: usize| {
        let mut v = P.trim_end_matches("</POSTBACK>").to_string();
        v.push_str(&"<A/>".repeat(children));
        v.push_str("</POSTBACK>");
        v.into_bytes()
    };
    const SMALL: usize = 4_000;
    let (small, large) = (record(SMALL), record(2 * SMALL));
    let mut ratios = Vec::new();
    let linear = (0..3).any(|_| {
        let a = (0..3).map(|_| render_once(&small)).min().expect("runs");
        let b = (0..3).map(|_| render_once(&large)).min().expect("runs");
        let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.001);
        ratios.push(format!("{a:?} -> {b:?} ({ratio:.2}x)"));
        ratio <= 2.5
    });
    assert!(linear, "not linear: {}", ratios.join(", "));
}
