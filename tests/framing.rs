//! Where postbacks are found (FIELDS.md section 5) and what inputs are read
//! (CLI.md "Inputs"), with the line, column and byte offset of each finding.

mod common;

use std::io::{self, Write};
use std::path::Path;

use common::*;
use flate2::write::GzEncoder;
use flate2::Compression;
use postback::engine::{read_input, Options, Record, Sink};
use serde_json::Value;

/// (line, column, offset, rule) of each finding of `--format json`.
fn places(run: &Run) -> Vec<(u64, u64, u64, String)> {
    json_findings(run)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["offset"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Validates a framing fixture as JSON lines.
fn validate_json(name: &str) -> (Run, Vec<u8>) {
    let path = format!("tests/fixtures/framing/{name}");
    let run = exec(&["validate", "--format", "json", &path]);
    (
        run,
        std::fs::read(fixture(&format!("framing/{name}"))).unwrap(),
    )
}

/// Asserts that each finding's offset points at `marker` in `text` and that
/// its line and column agree with that offset.
#[track_caller]
fn assert_points_at(run: &Run, text: &[u8], markers: &[&str]) {
    let found = json_findings(run);
    assert_eq!(found.len(), markers.len(), "{run}");
    for (f, marker) in found.iter().zip(markers) {
        let offset = f["offset"].as_u64().unwrap() as usize;
        assert!(
            text[offset..].starts_with(marker.as_bytes()),
            "offset {offset} is at {:?}, not {marker:?}{run}",
            String::from_utf8_lossy(&text[offset..(offset + 20).min(text.len())])
        );
        let (line, column) = line_col(text, offset);
        assert_eq!(
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()),
            (line, column),
            "{f}"
        );
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

// One input, many shapes.

#[test]
fn one_document_without_declaration() {
    let (run, text) = validate_json("no-declaration.xml");
    assert_eq!(
        places(&run),
        [(6, 3, 122, "plus-prefix".to_string())],
        "{run}"
    );
    assert_points_at(&run, &text, &["<TO>"]);
}

#[test]
fn bom_counts_in_the_offset_but_not_the_column_and_crlf_ends_lines() {
    let (run, text) = validate_json("bom-crlf.xml");
    assert!(text.starts_with(b"\xEF\xBB\xBF") && text.windows(2).any(|w| w == b"\r\n"));
    // Line 7 of 11-byte... lines: the offset counts the 3 BOM bytes and every CR.
    assert_eq!(
        places(&run),
        [(7, 3, 153, "plus-prefix".to_string())],
        "{run}"
    );
    assert_points_at(&run, &text, &["<TO>"]);
}

#[test]
fn bom_on_a_one_line_postback_keeps_column_1() {
    let text = b"\xEF\xBB\xBF<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>";
    let run = exec_stdin(&["validate", "--format", "json"], &text[..]);
    assert_eq!(
        places(&run),
        [(1, 1, 3, "missing-field".to_string())],
        "{run}"
    );
}

#[test]
fn concatenated_documents_each_with_a_declaration() {
    let (run, text) = validate_json("concatenated.log");
    assert_points_at(&run, &text, &["<TO>", "<MMSID>", "<POSTBACK>"]);
    assert!(run.stderr.starts_with("3 postbacks checked"), "{run}");
}

#[test]
fn wrapper_element_holding_several_postbacks() {
    let (run, text) = validate_json("wrapper.xml");
    assert_points_at(&run, &text, &["<TO>", "<MMSID>", "<POSTBACK>"]);
    assert!(run.stderr.starts_with("3 postbacks checked"), "{run}");
}

#[test]
fn log_lines_with_text_around_and_a_multibyte_prefix_count_characters() {
    let (run, text) = validate_json("log-lines.log");
    // Line 4 starts "2024-05-01T10:00:02Z INFO reçu → body=": ç and → are
    // one column each but 2 and 3 bytes.
    let found = places(&run);
    assert_eq!(found[1].0, 4, "{run}");
    let line4 = text.split(|&b| b == b'\n').nth(3).unwrap();
    let col_bytes = line4.windows(7).position(|w| w == b"<MMSID>").unwrap() as u64;
    assert_eq!(
        found[1].1,
        col_bytes + 1 - 3,
        "column counts characters{run}"
    );
    assert_points_at(&run, &text, &["<TO>", "<MMSID>"]);
    assert!(run.stderr.starts_with("2 postbacks checked"), "{run}");
}

#[test]
fn json_log_lines_point_at_the_opening_quote_of_the_string() {
    let (run, text) = validate_json("json-lines.log");
    // Line 2 is Go-style: \u003cPOSTBACK\u003e..., after a "reçu" field.
    assert!(String::from_utf8_lossy(&text).contains("\\u003cPOSTBACK\\u003e"));
    // Line 4 is a logfmt line carrying a JSON object: an escaped start is
    // inside a string wherever it is.
    assert_points_at(
        &run,
        &text,
        &["\"<POSTBACK>\\n", "\"\\u003cPOSTBACK", "\"\\u003cPOSTBACK"],
    );
    assert_eq!(places(&run)[2].0, 4, "{run}");
    let found = json_findings(&run);
    assert_eq!(found[0]["rule"], "plus-prefix");
    assert_eq!(found[1]["rule"], "bad-mmsid");
    // The message adds where, inside the decoded text, the finding is.
    assert!(
        found[1]["message"]
            .as_str()
            .unwrap()
            .ends_with("(line 4, column 3 of the decoded JSON string)"),
        "{run}"
    );
    assert!(run.stderr.starts_with("3 postbacks checked"), "{run}");
}

#[test]
fn form_encoded_bodies_point_at_the_first_byte_after_xml_equals() {
    let (run, text) = validate_json("form-encoded.log");
    // Line 1 is percent-encoded (%20), line 2 plus-encoded (+) between other parameters.
    assert_points_at(&run, &text, &["%3C%3Fxml%20", "%3C%3Fxml+"]);
    let found = json_findings(&run);
    assert_eq!(found[0]["rule"], "plus-prefix", "a %2B decodes to +");
    assert_eq!(found[1]["rule"], "bad-mmsid");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("(line 7, column 3 of the decoded form value)"),
        "{run}"
    );
}

#[test]
fn text_without_a_postback_is_skipped_silently() {
    let (run, _) = validate_json("noise-only.log");
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(run.status, 0);
    assert!(
        run.stderr.starts_with("0 postbacks checked in 1 input"),
        "{run}"
    );
}

#[test]
fn a_json_object_before_a_plain_postback_on_the_same_line_is_not_a_string() {
    let line = "{\"a\":1,\"b\":\"x\\\"y\"} <POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>\n";
    let run = exec_stdin(&["validate", "--format", "json"], line);
    assert_points_at(&run, line.as_bytes(), &["<MMSID>"]);
}

#[test]
fn a_json_string_cut_off_at_its_line_end_does_not_swallow_the_next_lines() {
    let text = "{\"body\":\"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n\
                <POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>\n\
                <POSTBACK a=\"1\"><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";
    let run = exec_stdin(&["validate", "--format", "json"], text);
    assert_points_at(
        &run,
        text.as_bytes(),
        &["\"<POSTBACK>", "<MMSID>0", "<POSTBACK a"],
    );
    let rules: Vec<_> = places(&run).into_iter().map(|p| p.3).collect();
    assert_eq!(rules, ["malformed-xml", "bad-mmsid", "attribute"], "{run}");
}

#[test]
fn two_postbacks_in_two_strings_of_one_json_line() {
    let pb = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>";
    let line = format!("{{\"req\":\"{pb}\",\"retry\":\"{pb}\"}}\n");
    let run = exec_stdin(&["validate", "--format", "json"], line.clone());
    let found = places(&run);
    assert_eq!(found.len(), 2, "{run}");
    assert_eq!(found[0].1, 8, "{run}");
    assert_eq!(found[1].1 as usize, 8 + pb.len() + 11, "{run}");
}

// Inputs: stdin, files, gzip, directories.

#[test]
fn stdin_is_read_with_no_path_and_with_dash() {
    let text = fixture_text("rules/bad-spid.xml");
    for args in [&["validate", "-q"][..], &["validate", "-q", "-"][..]] {
        let run = exec_stdin(args, text.clone());
        assert_eq!(prefixes(&run), ["<stdin>:9:3: error[bad-spid]"], "{run}");
    }
}

#[test]
fn gzip_is_recognised_by_magic_bytes_whatever_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("rules/bad-spid.xml");
    // A gzip stream named .xml, and plain text named .gz.
    std::fs::write(dir.path().join("capture.xml"), gzip(text.as_bytes())).unwrap();
    std::fs::write(dir.path().join("plain.gz"), &text).unwrap();
    for name in ["capture.xml", "plain.gz"] {
        let path = dir.path().join(name);
        let run = exec(&["validate", "--format", "json", path.to_str().unwrap()]);
        assert_points_at(&run, text.as_bytes(), &["<SPID>"]);
        assert_eq!(places(&run)[0].0, 9, "{name}{run}");
    }
    // Gzip on stdin, too.
    let run = exec_stdin(&["validate", "-q"], gzip(text.as_bytes()));
    assert_eq!(prefixes(&run), ["<stdin>:9:3: error[bad-spid]"], "{run}");
}

#[test]
fn multi_member_gzip_is_read_to_the_end_with_locations_across_members() {
    let a = fixture_text("rules/bad-spid.xml");
    let b = fixture_text("rules/bad-mmsid.xml");
    let mut data = gzip(a.as_bytes());
    data.extend(gzip(b.as_bytes()));
    let run = exec_stdin(&["validate", "--format", "json"], data);
    let whole = format!("{a}{b}");
    assert_points_at(&run, whole.as_bytes(), &["<SPID>", "<MMSID>"]);
}

#[test]
fn truncated_gzip_processes_what_came_before_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>\n";
    let data = gzip(record.repeat(20_000).as_bytes());
    let path = dir.path().join("dump.log.gz");
    std::fs::write(&path, &data[..data.len() / 2]).unwrap();
    let run = exec(&["validate", "-q", path.to_str().unwrap()]);
    assert_eq!(run.status, 2, "{run}");
    let lines = run.lines();
    assert!(
        lines.len() > 1000,
        "records before the break are checked{run}"
    );
    assert!(lines[0]
        .ends_with("dump.log.gz:1:51: error[bad-mmsid]: MMSID \"0\" is not a positive integer"));
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 1, "{run}");
    assert!(
        errors[0].starts_with(&format!("postback: {}: ", path.display())),
        "{run}"
    );
}

#[test]
fn directories_are_read_recursively_in_byte_order_of_the_full_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    let text = fixture_text("rules/bad-spid.xml");
    // Byte order: "B.xml" < "a-b.xml" < "a/1.xml" < "a/b/2.xml.gz" ('-' < '/' < 'b').
    for name in ["a/b/2.xml.gz", "a/1.xml", "a-b.xml", "B.xml"] {
        let data = if name.ends_with(".gz") {
            gzip(text.as_bytes())
        } else {
            text.clone().into_bytes()
        };
        std::fs::write(root.join(name), data).unwrap();
    }
    let run = exec(&["validate", "--format", "json", root.to_str().unwrap()]);
    let sources: Vec<String> = json_findings(&run)
        .iter()
        .map(|f| f["source"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = ["B.xml", "a-b.xml", "a/1.xml", "a/b/2.xml.gz"]
        .iter()
        .map(|n| root.join(n).display().to_string())
        .collect();
    assert_eq!(sources, expected, "{run}");
    assert!(run.stderr.contains("in 4 inputs"), "{run}");
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_in_a_directory_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a.xml"), fixture_text("rules/bad-spid.xml")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.xml"), root.join("b.xml")).unwrap();
    std::os::unix::fs::symlink(root.join("a.xml"), root.join("c.xml")).unwrap();
    let run = exec(&["validate", root.to_str().unwrap()]);
    assert_eq!(run.status, 2, "{run}");
    // The real file and the symlink to it are both read.
    assert_eq!(run.lines().len(), 2, "{run}");
    assert!(run.stdout.contains("c.xml:9:3: error[bad-spid]"), "{run}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("postback: "))
        .collect();
    assert_eq!(errors.len(), 1, "{run}");
    assert!(errors[0].contains("b.xml"), "{run}");
}

// The read boundary.

/// A record with one finding (bad-mmsid at its MMSID), `len` bytes long:
/// a comment pads it.
fn record_of_len(len: usize) -> String {
    let head = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID><!--";
    let tail = "--></POSTBACK>";
    assert!(len > head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()))
}

#[test]
fn postbacks_straddling_the_256_kib_read_boundary_are_all_found() {
    // One input per shift, so a record's `<POSTBACK` (or its end tag) is cut
    // at every byte around 262,144 in one of them.
    const BOUNDARY: usize = 256 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let record = record_of_len(200);
    let mut expected = Vec::new();
    for shift in 0..40 {
        let start = BOUNDARY - 20 - (record.len() - 30) * (shift % 2) + shift;
        let filler = "2024-05-01T10:00:00Z INFO noise\n";
        let mut text = filler.repeat(start / filler.len());
        text.push_str(&"y".repeat(start - text.len()));
        text.push_str(&record);
        text.push_str("\ntrailer\n");
        text.push_str(&record);
        text.push('\n');
        let name = format!("{shift:03}.log");
        std::fs::write(dir.path().join(&name), &text).unwrap();
        let mmsid = |from: usize| from + text[from..].find("<MMSID>").unwrap();
        for at in [mmsid(start), mmsid(start + record.len())] {
            let (line, column) = line_col(text.as_bytes(), at);
            expected.push((name.clone(), line, column, at as u64));
        }
    }
    let run = exec(&[
        "validate",
        "--format",
        "json",
        "-q",
        dir.path().to_str().unwrap(),
    ]);
    let got: Vec<(String, u64, u64, u64)> = json_findings(&run)
        .iter()
        .map(|f| {
            let source = f["source"].as_str().unwrap();
            let name = Path::new(source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn postbacks_at_every_offset_around_the_read_boundary_in_one_stream_are_found_with_their_lines() {
    // Records of growing length from 200 KiB to 330 KiB, in every framing:
    // each starts one byte further along than a fixed stride would put it.
    let mut text = String::new();
    let mut expected = Vec::new();
    let filler = "2024-05-01T10:00:00Z INFO noise\n".repeat(7000);
    text.push_str(&filler[..200 * 1024]);
    let mut line_no = text.matches('\n').count() as u64 + 1;
    // The filler was cut mid-line: the next line starts after that piece.
    let mut column0 = text.len() - text.rfind('\n').unwrap() - 1;
    let mut n = 0;
    while text.len() < 330 * 1024 {
        let record = record_of_len(120 + n % 37);
        let line_start = text.len();
        let (line, shown) = match n % 4 {
            0 => (format!("{record}\n"), 0),
            1 => (format!("2024 INFO caf\u{e9} body={record} end\n"), 0),
            2 => (
                format!("{{\"body\":{}}}\n", serde_json::to_string(&record).unwrap()),
                1,
            ),
            _ => (format!("xml={}\n", form_encode(&record)), 2),
        };
        let at = match shown {
            0 => line.find("<MMSID>").unwrap(),
            1 => line.find(":\"").unwrap() + 1,
            _ => 4,
        };
        let column = column0 as u64 + line_col(line.as_bytes(), at).1;
        expected.push((line_no, column, (line_start + at) as u64));
        text.push_str(&line);
        line_no += 1;
        column0 = 0;
        n += 1;
    }
    let run = exec_stdin(&["validate", "--format", "json", "-q"], text);
    let found: Vec<(u64, u64, u64)> = places(&run)
        .into_iter()
        .map(|(line, column, offset, _)| (line, column, offset))
        .collect();
    assert_eq!(found.len(), n, "every record found");
    assert_eq!(found, expected);
}

fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// How the input arrives in reads never changes what is found (library level).

#[derive(Default)]
struct Summary(Vec<String>);

impl Sink for Summary {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let mut line = format!(
            "{:?} {}:{}:{}",
            record.kind, record.at.line, record.at.column, record.at.offset
        );
        for f in &record.findings {
            let loc = f.location;
            line.push_str(&format!(
                " | {} {}:{}:{} {}",
                f.finding.rule, loc.line, loc.column, loc.offset, f.finding.message
            ));
        }
        self.0.push(line);
        Ok(())
    }
}

fn frame_all(data: &[u8], sizes: &[usize], max_record: usize) -> Vec<String> {
    let mut sink = Summary::default();
    let reader = Trickle::new(data, sizes);
    read_input(
        "mix",
        reader,
        &Options::with_max_record(max_record),
        &mut sink,
    )
    .unwrap();
    sink.0
}

/// A capture mixing every framing, noise, broken and oversized records.
fn mixed_capture() -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let pretty = fixture_text("framing/no-declaration.xml");
    let one_line = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>";
    let mut out = String::new();
    for _ in 0..220 {
        match next(12) {
            0 => out.push_str(&format!("2024 INFO h\u{e9}llo body={one_line} tail\n")),
            1 => out.push_str(&format!(
                "{{\"ts\":\"\u{65e5}\",\"body\":{}}}\n",
                serde_json::to_string(&pretty).unwrap()
            )),
            2 => out.push_str(&format!(
                "{{\"body\":{}}}\n",
                serde_json::to_string(&pretty)
                    .unwrap()
                    .replace('<', "\\u003c")
                    .replace('>', "\\u003e")
            )),
            3 => out.push_str(&format!("a=1&xml={}&b=2\n", form_encode(&pretty))),
            4 => out.push_str(&format!("<BATCH>\n{one_line}\n{one_line}\n</BATCH>\n")),
            5 => out.push_str(&format!("<?xml version='1.0'?>\r\n{}", pretty.replace('\n', "\r\n"))),
            6 => out.push_str("<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID><![CDATA[</POSTBACK>]]></MMSID><!-- </POSTBACK> --></POSTBACK>\n"),
            7 => out.push_str(&"noise ".repeat(next(3000) as usize + 1)),
            8 => out.push_str("<POSTBACK><ORIGIN>MMS_MT</ORIGIN>\n"),
            9 => out.push_str("<!DOCTYPE POSTBACK [<!ENTITY a \"b\">]>\n<POSTBACK><ORIGIN>&a;</ORIGIN></POSTBACK>\n"),
            10 => out.push_str("{\"body\":\"<POSTBACK><ORIGIN>MMS_MT</ORIGIN>\n"),
            _ => out.push_str(&format!("{}\n", record_of_len(150 + next(5000) as usize))),
        }
    }
    out.into_bytes()
}

#[test]
fn how_the_input_is_split_into_reads_never_changes_what_is_found() {
    let data = mixed_capture();
    for max_record in [2048, 1024 * 1024] {
        let whole = frame_all(&data, &[usize::MAX], max_record);
        assert!(whole.len() > 150, "{}", whole.len());
        for sizes in [
            &[1][..],
            &[7],
            &[4093],
            &[65_536],
            &[100_000, 3],
            &[262_143],
        ] {
            let got = frame_all(&data, sizes, max_record);
            let first_diff = (0..whole.len().max(got.len())).find(|&i| whole.get(i) != got.get(i));
            assert!(
                first_diff.is_none(),
                "reads of {sizes:?}, limit {max_record}: record {first_diff:?} differs\nwhole: {:?}\ngot:   {:?}",
                first_diff.and_then(|i| whole.get(i)),
                first_diff.and_then(|i| got.get(i)),
            );
        }
    }
}

#[test]
fn a_bom_takes_no_column_however_the_reads_cut_it() {
    for filler in 8180..8200 {
        let mut data = b"\xEF\xBB\xBF".to_vec();
        data.extend(vec![b'x'; filler]);
        data.extend_from_slice(b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>");
        let whole = frame_all(&data, &[usize::MAX], 1 << 20);
        assert_eq!(
            whole[0].split(' ').nth(1),
            Some(format!("1:{}:{}", filler + 1, filler + 3).as_str())
        );
        for sizes in [&[1][..], &[2], &[3], &[8192], &[8193, 1]] {
            assert_eq!(
                frame_all(&data, sizes, 1 << 20),
                whole,
                "filler {filler}, reads of {sizes:?}"
            );
        }
    }
}

/// Random bytes mixed with every piece of markup the framer looks for.
fn markup_soup(seed: u64, len: usize) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"<POSTBACK",
        b"<POSTBACK>",
        b"</POSTBACK>",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b"%3CPOSTBACK",
        b"%3C",
        b"\\u003cPOSTBACK",
        b"\\u003e",
        b"{\"",
        b"\"",
        b"\\",
        b"\n",
        b"\r\n",
        b"<!DOCTYPE POSTBACK [",
        b"]>",
        b"<!DOCTYPE x>",
        b"xml=",
        b"&",
        b"=",
        b"<ORIGIN>MMS_MT</ORIGIN>",
        b"<CODE>N003</CODE>",
        b"<MMSID>0</MMSID>",
        b"<?xml version=\"1.0\"?>",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3\xA9",
        b"\x1B",
        b"<",
        b">",
        b"/",
        b"[",
        b"{",
        b" ",
        b"<A>",
        b"</A>",
        b"<x a=\"<POSTBACK>\">",
        b"</x>",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(len + 64);
    while out.len() < len {
        let r = next();
        if r % 10 < 7 {
            out.extend_from_slice(PIECES[(r >> 8) as usize % PIECES.len()]);
        } else {
            for _ in 0..(r >> 8) % 20 + 1 {
                out.push(next() as u8);
            }
        }
    }
    out
}

#[test]
fn how_markup_soup_is_split_into_reads_never_changes_what_is_found() {
    // Tiny reads make some scans quadratic, so they get smaller inputs.
    let cases: [(usize, &[usize]); 4] = [
        (6_000, &[1]),
        (20_000, &[13]),
        (60_000, &[4093]),
        (60_000, &[65_536, 3]),
    ];
    for seed in 1..=4 {
        for (len, sizes) in cases {
            let data = markup_soup(seed, len);
            for max_record in [300, 1024 * 1024] {
                let whole = frame_all(&data, &[usize::MAX], max_record);
                let got = frame_all(&data, sizes, max_record);
                let first_diff =
                    (0..whole.len().max(got.len())).find(|&i| whole.get(i) != got.get(i));
                assert!(
                    first_diff.is_none(),
                    "seed {seed}, reads of {sizes:?}, limit {max_record}: record {first_diff:?} differs\nwhole: {:?}\ngot:   {:?}",
                    first_diff.and_then(|i| whole.get(i)),
                    first_diff.and_then(|i| got.get(i)),
                );
            }
        }
    }
}

#[test]
fn mixed_capture_findings_all_point_inside_the_input() {
    let data = mixed_capture();
    let run = exec_stdin(&["validate", "--format", "json"], data.clone());
    for f in json_findings(&run) {
        let offset = f["offset"].as_u64().unwrap() as usize;
        assert!(offset < data.len(), "{f}");
        let (line, column) = line_col(&data, offset);
        assert_eq!(
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()),
            (line, column),
            "{f}"
        );
        assert!(!matches!(f["rule"], Value::Null));
    }
}
