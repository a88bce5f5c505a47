//! Three dialects, one record (DIALECTS.md): the provider's v2 pages and the
//! lower-case example, each dialect in each framing, locations inside JSON
//! postbacks, malformed-json, `--dialect`, convert's keys, inspect's label,
//! and the same postback giving the same findings in every dialect.

mod common;

use common::*;
use postback::dialect::Dialect;
use postback::engine::{read_input, Options, Record, Sink};
use postback::spec::dialects::canonical;
use proptest::prelude::*;

/// An N101 as every dialect writes it: (canonical name, value) pairs; the
/// STATUS value is the dialect's own.
const N101: &[(&str, &str)] = &[
    ("ORIGIN", "MMS_MT"),
    ("CODE", "N101"),
    ("SENTAS", "MMS"),
    ("STATUS", "Message Sent"),
    ("MMSID", "39597"),
    ("FROM", "60856"),
    ("TO", "16501112222"),
    ("TRACKINGID", "TU1TXzU5Nzg3OQ=="),
    ("SPID", "0001470"),
    ("TIMESTAMP", "2012-06-07T07:27:29-05:00"),
];

fn name_in(dialect: Dialect, canonical: &str) -> &'static str {
    postback::spec::dialects::written_name(dialect, canonical).expect("a field of every dialect")
}

/// Writes `fields` as one postback of `dialect`, one field a line (XML) or
/// as a one-line JSON object (v2).
fn write(dialect: Dialect, fields: &[(&str, String)]) -> String {
    let value = |name: &str, v: &str| match (dialect, name) {
        (Dialect::V2, "STATUS") if v == "Message Sent" => "Sent".to_string(),
        _ => v.to_string(),
    };
    match dialect {
        Dialect::V2 => {
            let members: Vec<String> = fields
                .iter()
                .map(|(n, v)| {
                    let v = serde_json::to_string(&value(n, v)).expect("a string serialises");
                    format!("\"{}\":{v}", name_in(dialect, n))
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        _ => {
            let root = if dialect == Dialect::V1 {
                "POSTBACK"
            } else {
                "postback"
            };
            let mut xml = format!("<{root}>\n");
            for (n, v) in fields {
                let n = name_in(dialect, n);
                xml.push_str(&format!("  <{n}>{}</{n}>\n", value(n, v)));
            }
            xml.push_str(&format!("</{root}>"));
            xml
        }
    }
}

fn n101() -> Vec<(&'static str, String)> {
    N101.iter().map(|(n, v)| (*n, v.to_string())).collect()
}

fn with(field: &str, value: &str) -> Vec<(&'static str, String)> {
    let mut fields = n101();
    for f in &mut fields {
        if f.0 == field {
            f.1 = value.to_string();
        }
    }
    fields
}

/// (rule, canonical field) of each finding, sorted, read through the library.
fn findings_by_field(capture: &str) -> Vec<(String, String)> {
    struct Collect(Vec<(String, String)>);
    impl Sink for Collect {
        fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
            let dialect = record.dialect().unwrap_or_default();
            for f in &record.findings {
                let field = f.finding.field.as_deref().unwrap_or("");
                self.0.push((
                    f.finding.rule.to_string(),
                    canonical(dialect, field).to_string(),
                ));
            }
            Ok(())
        }
    }
    let mut sink = Collect(Vec::new());
    read_input("<test>", capture.as_bytes(), &Options::default(), &mut sink).expect("read");
    sink.0.sort();
    sink.0
}

#[test]
fn the_same_postback_is_valid_in_every_dialect() {
    for dialect in Dialect::ALL {
        let text = write(dialect, &n101());
        let run = exec_stdin(&["validate", "--format", "json"], text.clone());
        assert_eq!(
            (run.status, run.stdout.as_str()),
            (0, ""),
            "{dialect}: {text}{run}"
        );
        assert!(run.stderr.contains("1 postback checked"), "{run}");
    }
}

/// Slips that every dialect reports alike.
fn slips() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TO", "650-333-3058"),
        ("FROM", ""),
        ("TIMESTAMP", "2013-02-30T00:00:00Z"),
        ("TRACKINGID", " padded "),
        ("SENTAS", "BINARY"),
        ("MMSID", "MMS-1"),
        ("SPID", "14"),
        ("CODE", "N999"),
        ("TIMESTAMP", "2014-07-02 14:32:23-04"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The differential property: one postback with any mix of slips,
    /// written in each dialect, gives the same findings by rule and field.
    #[test]
    fn the_same_slips_give_the_same_findings_in_every_dialect(
        picked in prop::collection::vec(0..9usize, 0..4),
        drop_tracking in any::<bool>(),
        duplicate_to in any::<bool>(),
    ) {
        let all = slips();
        let mut fields = n101();
        for &i in &picked {
            let (name, value) = all[i];
            for f in &mut fields {
                if f.0 == name {
                    f.1 = value.to_string();
                }
            }
        }
        if drop_tracking {
            fields.retain(|f| f.0 != "TRACKINGID");
        }
        if duplicate_to {
            fields.push(("TO", "16501112222".to_string()));
        }
        let v1 = findings_by_field(&write(Dialect::V1, &fields));
        // Every slip gives a finding, so a postback with none is clean.
        prop_assert_eq!(v1.is_empty(), picked.is_empty() && !drop_tracking && !duplicate_to);
        for dialect in [Dialect::Lower, Dialect::V2] {
            let other = findings_by_field(&write(dialect, &fields));
            prop_assert_eq!(&v1, &other, "{} against v1", dialect);
        }
    }
}

#[test]
fn a_slip_is_found_the_same_in_three_dialects() {
    let expected = vec![("bad-number".to_string(), "TO".to_string())];
    for dialect in Dialect::ALL {
        let text = write(dialect, &with("TO", "650-333-3058"));
        assert_eq!(findings_by_field(&text), expected, "{dialect}");
    }
}

/// Every framing of FIELDS.md 5 and DIALECTS.md 1, for a postback of
/// `dialect` whose TO is bad: the capture, and where the finding must point.
fn framings(dialect: Dialect) -> Vec<(&'static str, String, usize)> {
    let pretty = write(dialect, &with("TO", "650-333-3058"));
    let one_line: String = match dialect {
        Dialect::V2 => pretty.clone(),
        _ => pretty.lines().map(str::trim).collect(),
    };
    let to = |text: &str| match dialect {
        Dialect::V2 => text.find("\"to\"").expect("a to key"),
        _ => text
            .find(&format!("<{}>", name_in(dialect, "TO")))
            .expect("a TO"),
    };
    let mut out = vec![("a file", pretty.clone(), to(&pretty))];
    let two = format!("{one_line}\n{one_line}\n");
    out.push(("concatenated", two.clone(), to(&two)));
    let log = format!("2024-05-01T10:00:00Z INFO body={one_line} status=200\n");
    out.push(("a log line", log.clone(), to(&log)));
    let string = serde_json::to_string(&pretty).expect("serialises");
    let json_line = format!("{{\"ts\":\"2024-05-01\",\"body\":{string}}}\n");
    let quote = json_line.find(&string).expect("the string");
    out.push(("a JSON string", json_line, quote));
    let form_name = if dialect == Dialect::V2 {
        "json"
    } else {
        "xml"
    };
    let encoded: String = one_line
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let form = format!("POST /hook {form_name}={encoded}&x=1\n");
    let value = form.find('=').expect("a value") + 1;
    out.push(("a form body", form, value));
    if dialect == Dialect::V2 {
        let array = format!("[\n  {one_line},\n  {one_line}\n]\n");
        out.push(("an array body", array.clone(), to(&array)));
        let pretty_json = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&one_line).expect("JSON"),
        )
        .expect("serialises");
        out.push(("a pretty body", pretty_json.clone(), to(&pretty_json)));
        let nested = format!("{{\"event\":{{\"payload\":[{one_line}]}}}}\n");
        out.push(("nested in other JSON", nested.clone(), to(&nested)));
    }
    out
}

#[test]
fn each_dialect_is_found_in_each_framing_with_its_finding_placed() {
    for dialect in Dialect::ALL {
        for (framing, capture, at) in framings(dialect) {
            let run = exec_stdin(&["validate", "--format", "json"], capture.clone());
            let found = json_findings(&run);
            let (line, column) = line_col(capture.as_bytes(), at);
            let first = found
                .first()
                .unwrap_or_else(|| panic!("{dialect} in {framing}: nothing found{run}"));
            assert_eq!(first["rule"], "bad-number", "{dialect} in {framing}{run}");
            assert_eq!(
                (
                    first["line"].as_u64(),
                    first["column"].as_u64(),
                    first["offset"].as_u64()
                ),
                (Some(line), Some(column), Some(at as u64)),
                "{dialect} in {framing}: {capture}{run}"
            );
            assert_eq!(run.status, 1, "{run}");
        }
    }
}

#[test]
fn the_providers_pages_give_the_spec_verdicts() {
    let run = exec(&["validate", "-q", "tests/fixtures/provider-pages"]);
    assert_eq!(
        prefixes(&run),
        [
            "tests/fixtures/provider-pages/POSTBACK_DELIVERY_REPORTS-2015.md:48:16: error[malformed-xml]",
            "tests/fixtures/provider-pages/POSTBACK_DELIVERY_REPORTS-2015.md:81:16: error[malformed-xml]",
            // The N401 request template lacks a comma after "SUBJECT".
            "tests/fixtures/provider-pages/mms-mo-postback-v2.md:21:1: error[malformed-json]",
            // Copy A breaks off inside its first example.
            "tests/fixtures/provider-pages/mms-mo-postback-v2.md:41:1: error[malformed-json]",
            "tests/fixtures/provider-pages/sendSavedMMS-postbacks.md:6:1: error[missing-field]",
            "tests/fixtures/provider-pages/sendSavedMMS-postbacks.md:22:1: error[missing-field]",
        ],
        "{run}"
    );
    let run = exec(&["validate", "tests/fixtures/provider-pages"]);
    // 12 + 2 XML; v2: two N201s and the alphanumeric sender, N401 twice cut
    // and once whole, N211; templates with placeholder codes are not postbacks.
    assert!(
        run.stderr
            .contains("21 postbacks checked in 11 inputs: 15 valid, 6 with errors"),
        "{run}"
    );
}

#[test]
fn the_v2_examples_are_valid_v2_postbacks() {
    for page in ["sms-mt-postback-v2.md", "sms-mo-postback-v2.md"] {
        let path = format!("tests/fixtures/provider-pages/{page}");
        let run = exec(&["validate", "--dialect", "v2", &path]);
        assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    }
    let run = exec(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider-pages/sms-mt-postback-v2.md",
    ]);
    assert!(
        run.stdout
            .contains("N201 · SMS sent to the carrier  [v2 JSON]"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("operator-id    0001470  → AT&T (United States)"),
        "{run}"
    );
    assert!(run.stdout.contains("operator-name  AT&T"), "{run}");
    assert!(
        run.lines()
            .iter()
            .any(|l| l.starts_with("  from ") && l.ends_with(" Dunder Mifflin")),
        "an alphanumeric sender, as sent{run}"
    );
}

const LOWER_E102: &str = "<postback>
    <origin>MMS_MT</origin>
    <code>E102</code>
    <status>Message Sent/Expired</status>
    <mms-id>41230</mms-id>
    <from>55123</from>
    <to>14155550123</to>
    <tracking-id>QkFTRTY0LTk5MQ==</tracking-id>
    <operator-id>31026</operator-id>
    <status-details>Expired before the handset could be reached</status-details>
</postback>
";

#[test]
fn the_lower_case_example_is_valid_and_converts_as_the_spec_shows() {
    assert_eq!(fixture_text("dialects/lower-e102.xml"), LOWER_E102);
    let run = exec(&["validate", "tests/fixtures/dialects/lower-e102.xml"]);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/dialects/lower-e102.xml",
    ]);
    assert!(
        run.stdout
            .starts_with(r#"{"origin":"MMS_MT","code":"E102","status":"#),
        "{run}"
    );
    let run = exec(&[
        "convert",
        "--canonical",
        "--to",
        "ndjson",
        "tests/fixtures/dialects/lower-e102.xml",
    ]);
    assert!(
        run.stdout.starts_with(
            r#"{"ORIGIN":"MMS_MT","CODE":"E102","STATUS":"Message Sent/Expired","MMSID":"41230","FROM":"55123","TO":"14155550123","TRACKINGID":"QkFTRTY0LTk5MQ==","SPID":"31026","STATUSDETAILS":"#
        ),
        "{run}"
    );
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/dialects/lower-e102.xml",
    ]);
    let row = run.lines()[1];
    assert!(
        row.starts_with(
            "MMS_MT,E102,Message Sent/Expired,,41230,55123,,14155550123,QkFTRTY0LTk5MQ==,31026,"
        ),
        "{run}"
    );
    let run = exec(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/dialects/lower-e102.xml",
    ]);
    assert!(
        run.stdout
            .starts_with("E102 · MMS delivery failed  [lower-case XML]\n"),
        "{run}"
    );
    assert!(
        run.stdout.contains("operator-id     31026\n"),
        "a 5-digit id names no carrier{run}"
    );
}

#[test]
fn a_cut_json_postback_is_malformed_json_at_its_brace_and_goes_to_rejects() {
    let capture = "2024 INFO body={\"origin\":\"SMS_MT\",\"code\":\"N201\",\"stat\n\
                   {\"status\":\"ok\",\"code\":\"200\"}\n\
                   {\"origin\":1,\"code\":\"N201\"}\n";
    let run = exec_stdin(&["validate", "--format", "json"], capture);
    let found = json_findings(&run);
    assert_eq!(found.len(), 1, "{run}");
    assert_eq!(found[0]["rule"], "malformed-json");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(1), Some(16))
    );
    assert!(run.stderr.contains("1 postback checked"), "{run}");
    let dir = tempfile::tempdir().expect("a temp dir");
    let rejects = dir.path().join("rejects.txt");
    let run = exec_stdin(
        &[
            "convert",
            "--to",
            "ndjson",
            "--rejects",
            rejects.to_str().expect("utf-8"),
        ],
        capture,
    );
    assert_eq!(run.status, 1, "{run}");
    let kept = std::fs::read_to_string(&rejects).expect("rejects written");
    assert!(
        kept.starts_with("{\"origin\":\"SMS_MT\",\"code\":\"N201\",\"stat"),
        "{kept:?}"
    );
}

#[test]
fn findings_inside_a_json_postback_point_at_keys_and_braces() {
    let capture = "  {\"origin\":\"SMS_MT\",\n   \"code\":\"N201\",\"to\":\"1\",\"to\":\"2\"}\n";
    let run = exec_stdin(&["validate", "--format", "json"], capture);
    let at = |rule: &str, field: &str| {
        json_findings(&run)
            .into_iter()
            .find(|f| f["rule"] == rule && f["field"] == field)
            .map(|f| {
                (
                    f["line"].as_u64().unwrap_or(0),
                    f["column"].as_u64().unwrap_or(0),
                )
            })
    };
    // Missing: at the object's `{`; the second `to` at its key's quote.
    assert_eq!(at("missing-field", "sent-as"), Some((1, 3)), "{run}");
    assert_eq!(at("duplicate-field", "to"), Some((2, 27)), "{run}");
    assert_eq!(at("bad-number", "to"), Some((2, 18)), "{run}");
    let unknown = "{\"origin\":\"SMS_MT\",\"code\":\"N299\"}";
    let run = exec_stdin(&["validate", "--format", "json"], unknown);
    let found = json_findings(&run);
    assert_eq!(found[0]["rule"], "unknown-code", "{run}");
    assert_eq!(found[0]["column"], 20, "at the code key{run}");
}

#[test]
fn mixed_dialect_names_are_warned_and_read_as_their_field() {
    let capture = write(Dialect::V2, &n101()).replace("\"tracking-id\"", "\"TRACKINGID\"");
    let run = exec_stdin(&["validate", "--format", "json"], capture);
    let found = json_findings(&run);
    assert_eq!(found.len(), 1, "{run}");
    assert_eq!(
        (found[0]["rule"].as_str(), found[0]["field"].as_str()),
        (Some("mixed-dialect"), Some("TRACKINGID"))
    );
    assert_eq!(run.status, 0, "a warning{run}");
}

#[test]
fn bad_json_values_are_errors_at_their_key() {
    let capture = write(Dialect::V2, &n101()).replace("\"39597\"", "39597");
    let run = exec_stdin(&["validate", "--format", "json"], capture);
    let found = json_findings(&run);
    assert_eq!(found.len(), 1, "{run}");
    assert_eq!(found[0]["rule"], "bad-json-value");
    assert_eq!(found[0]["field"], "mms-id");
    let run = exec_stdin(
        &["convert", "--to", "ndjson"],
        write(Dialect::V2, &n101()).replace("\"39597\"", "39597"),
    );
    assert!(
        run.stdout.contains("\"mms-id\":39597"),
        "numbers are kept as written{run}"
    );
}

#[test]
fn dialect_picks_which_records_are_read() {
    let capture = format!(
        "{}\n{}\n{}\n",
        write(Dialect::V1, &n101()),
        write(Dialect::Lower, &n101()),
        write(Dialect::V2, &n101())
    );
    for (choice, count) in [("auto", 3), ("v1", 1), ("lower", 1), ("v2", 1)] {
        let run = exec_stdin(
            &["inspect", "--color", "never", "--dialect", choice],
            capture.clone(),
        );
        let cards = run.stdout.matches("N101 · MMS is being sent").count();
        assert_eq!(cards, count, "--dialect {choice}{run}");
    }
    let run = exec_stdin(&["inspect", "--color", "never"], capture);
    let labels: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("N101 · "))
        .map(|l| l.rsplit("  ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        labels,
        ["[v1.3 XML]", "[lower-case XML]", "[v2 JSON]"],
        "{run}"
    );
}

#[test]
fn v2_content_converts_as_sent_or_as_a_file_list() {
    let n401 = r#"{"origin":"MMS_MO","code":"N401","from":"10000000000","to":"00000","tracking-id":"MMSMOT0OTq6AK","timestamp":"2021-02-03T18:27:54.235957+00:00","content":[{"file":"https://x/a.jpg"},{"file":"https://x/b.smil"}]}"#;
    let run = exec_stdin(&["validate"], n401);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    let run = exec_stdin(&["convert", "--to", "ndjson"], n401);
    assert!(
        run.stdout
            .contains(r#""content":[{"file":"https://x/a.jpg"},{"file":"https://x/b.smil"}]"#),
        "{run}"
    );
    let run = exec_stdin(&["convert", "--canonical", "--to", "ndjson"], n401);
    assert!(
        run.stdout
            .contains(r#""CONTENT":{"FILE":["https://x/a.jpg","https://x/b.smil"]}"#),
        "{run}"
    );
}

#[test]
fn a_v2_value_nested_too_deep_is_refused_by_convert_only() {
    let deep = format!("{}\"x\"{}", "[".repeat(70), "]".repeat(70));
    let capture = write(Dialect::V2, &n101()).replace("\"Sent\"", &deep);
    let run = exec_stdin(&["convert", "--to", "ndjson"], capture.clone());
    assert_eq!(run.status, 1, "{run}");
    assert!(run.stderr.contains("too deep to convert"), "{run}");
    let run = exec_stdin(&["validate", "--format", "json"], capture);
    let rules: Vec<_> = json_findings(&run)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(rules, ["nested-element"], "{run}");
}

#[test]
fn an_oversized_json_postback_is_reported_at_its_brace() {
    let big = write(Dialect::V2, &with("TRACKINGID", &"x".repeat(2000)));
    let capture = format!("{big}\n{}\n", write(Dialect::V2, &n101()));
    let run = exec_stdin(
        &["validate", "--format", "json", "--max-record-size", "1K"],
        capture,
    );
    let found = json_findings(&run);
    assert_eq!(found.len(), 1, "{run}");
    assert_eq!(found[0]["rule"], "oversized-record");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(run.stderr.contains("2 postbacks checked"), "{run}");
}

#[test]
fn a_mixed_capture_gives_the_same_bytes_with_any_number_of_jobs() {
    let mut capture = String::new();
    for i in 0..4000 {
        let dialect = Dialect::ALL[i % 3];
        let fields = match i % 5 {
            0 => with("TO", "650-333-3058"),
            1 => with("TIMESTAMP", "2014-07-02 14:32:23-04"),
            _ => n101(),
        };
        let text = write(dialect, &fields);
        match i % 4 {
            0 => capture.push_str(&format!("{text}\n")),
            1 => capture.push_str(&format!("INFO body={} tail\n", text.replace('\n', ""))),
            2 => capture.push_str(&format!(
                "{{\"ts\":{i},\"body\":{}}}\n",
                serde_json::to_string(&text).expect("serialises")
            )),
            _ => capture.push_str(&format!("cut {}\n", &text.replace('\n', "")[..40])),
        }
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("mixed.log");
    std::fs::write(&path, &capture).expect("written");
    let path = path.to_str().expect("utf-8");
    for args in [
        vec!["validate", "--format", "json", path],
        vec!["convert", "--to", "ndjson", path],
        vec!["convert", "--to", "csv", path],
        vec!["inspect", "--color", "never", path],
    ] {
        let runs: Vec<Run> = ["1", "2", "3"]
            .iter()
            .map(|jobs| {
                let mut with_jobs = args.clone();
                with_jobs.extend(["--jobs", jobs]);
                exec(&with_jobs)
            })
            .collect();
        assert!(!runs[0].stdout.is_empty(), "{}", runs[0]);
        for run in &runs[1..] {
            assert_eq!(
                (&run.stdout, &run.stderr, run.status),
                (&runs[0].stdout, &runs[0].stderr, runs[0].status),
                "{args:?}"
            );
        }
    }
}

#[test]
fn codes_shows_each_dialects_field_set_in_its_names() {
    let run = exec(&["codes", "--color", "never", "N102"]);
    assert!(
        run.stdout.contains("in the lower-case XML dialect:"),
        "{run}"
    );
    assert!(run.stdout.contains("when sent-as is MMS"), "{run}");
    assert!(
        run.stdout
            .contains("tracking-id, operator-id, timestamp, handset"),
        "{run}"
    );
    assert!(run.stdout.contains("in the v2 JSON dialect:"), "{run}");
    let run = exec(&["codes", "--color", "never", "--dialect", "v2", "N201"]);
    assert!(!run.stdout.contains("TRACKINGID"), "v2 only{run}");
    assert!(run.stdout.contains("status     Sent\n"), "{run}");
    let run = exec(&["codes", "--color", "never", "--dialect", "lower", "E502"]);
    assert!(run.stdout.contains("Message Sent/Not Supported"), "{run}");
}

/// What a capture gives, as (kind, offset, rules) per record, read with
/// these options through this reader.
fn records_of(reader: impl std::io::Read, options: &Options) -> Vec<String> {
    struct Lines(Vec<String>);
    impl Sink for Lines {
        fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
            let rules: Vec<String> = record
                .findings
                .iter()
                .map(|f| f.finding.rule.to_string())
                .collect();
            self.0.push(format!(
                "{:?} {} {:?} {rules:?}",
                record.kind, record.at.offset, record.embedding
            ));
            Ok(())
        }
    }
    let mut lines = Lines(Vec::new());
    read_input("<test>", reader, options, &mut lines).expect("read");
    lines.0
}

#[test]
fn a_json_text_past_the_limit_is_judged_alike_however_it_is_read() {
    // Found by fuzzing: a JSON log line longer than the limit holding a
    // postback string was decoded when read whole and text when read in pieces.
    let line = r#"{"ts":"2024-05-01T10:00:00Z","level":"info","body":"<POSTBACK>\n  <ORIGIN>MMS_MT</ORIGIN>\n  <CODE>N003</CODE>\n  <MMSID>35674</MMSID>\n</POSTBACK>\n"}"#;
    let big = write(Dialect::V2, &with("TRACKINGID", &"x".repeat(300)));
    let capture = format!("{line}\n{big}\nINFO body={big} tail\n[{big}]\n");
    let options = Options::with_max_record(64);
    let whole = records_of(capture.as_bytes(), &options);
    for sizes in [&[1usize][..], &[7, 3, 64], &[100, 1]] {
        let pieces = records_of(Trickle::new(capture.as_bytes(), sizes), &options);
        assert_eq!(whole, pieces, "read in pieces of {sizes:?}");
    }
    assert!(
        whole
            .iter()
            .filter(|r| r.contains("oversized-record"))
            .count()
            >= 3,
        "{whole:#?}"
    );
}
