//! Surviving the world: I/O faults around the binary (full disks, closed
//! pipes, unreadable files, odd standard inputs) and the regressions the
//! fuzzers found (`fuzz/README.md`). Hostile *content* is in `hostile*.rs`;
//! what is already covered elsewhere (convert's `-o /dev/full`, a dangling
//! symlink in a directory, convert into `| head -1` with the default jobs)
//! is not repeated here.

mod common;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{exec, exec_stdin, fixture_text, head_1, prefixes, root, Run, Trickle};
use postback::engine::{read_input, Options, Record, RecordKind, Sink};

const BIN: &str = env!("CARGO_BIN_EXE_postback");

// ---------------------------------------------------------------------------
// Library-level helpers for the fuzz regressions.

/// One line per record: its kind, start and findings.
#[derive(Default)]
struct Lines(Vec<String>);

impl Sink for Lines {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let mut line = format!(
            "{:?} {}:{}:{}",
            record.kind, record.at.line, record.at.column, record.at.offset
        );
        for f in &record.findings {
            line.push_str(&format!(" | {} {}", f.finding.rule, f.finding.message));
        }
        self.0.push(line);
        Ok(())
    }
}

/// The records of `data` read whole, after checking that reading it one
/// byte and seven bytes at a time finds exactly the same.
fn records(data: &[u8], max_record: usize) -> Vec<String> {
    let options = Options::with_max_record(max_record);
    let mut whole = Lines::default();
    read_input("t", data, &options, &mut whole).unwrap();
    for step in [1, 7] {
        let mut pieces = Lines::default();
        read_input("t", Trickle::new(data, &[step]), &options, &mut pieces).unwrap();
        assert_eq!(
            whole.0, pieces.0,
            "reads of {step} bytes find something else"
        );
    }
    whole.0
}

fn kinds(data: &[u8], max_record: usize) -> Vec<RecordKind> {
    struct Kinds(Vec<RecordKind>);
    impl Sink for Kinds {
        fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
            self.0.push(record.kind);
            Ok(())
        }
    }
    let mut sink = Kinds(Vec::new());
    read_input("t", data, &Options::with_max_record(max_record), &mut sink).unwrap();
    sink.0
}

// ---------------------------------------------------------------------------
// Fuzz regressions.

/// frame_parse_check: a JSON string holding a postback that passes the size
/// limit and then breaks off at its line end was `malformed-xml` when the
/// line end was in the buffer, `oversized-record` when it was not yet read.
#[test]
fn a_json_string_past_the_limit_that_breaks_off_is_oversized_however_it_is_read() {
    let long = "x".repeat(100);
    let data = format!(
        "{{\"body\": \"<POSTBACK>{long}\n<POSTBACK><CODE>N003</CODE></POSTBACK>\n{{\"body\": \"<POSTBACK>{long}"
    );
    let found = records(data.as_bytes(), 64);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("Oversized 1:10:9 | oversized-record"),
        "{found:#?}"
    );
    assert!(found[1].starts_with("Postback 2:1:"), "{found:#?}");
    // Cut off at the end of the input: the same.
    assert!(found[2].starts_with("Oversized 3:10:"), "{found:#?}");
    // Under the limit, both are still what they were: strings that never end.
    assert_eq!(
        kinds(data.as_bytes(), 1024),
        [
            RecordKind::Malformed,
            RecordKind::Postback,
            RecordKind::Malformed
        ]
    );
}

/// frame_parse_check: a `<POSTBACK` inside a comment that never closes.
/// Looking for the comment's end read on, which moved the buffer, and the
/// record was then cut from where its start had been before the move: read
/// whole, it began 51 bytes late, in the middle of other text.
#[test]
fn a_record_in_an_unclosed_comment_starts_at_its_tag_however_it_is_read() {
    let data = concat!(
        "{\"ts\":\"2024-05-01T10:00:00Z\",\"level\":\"info\",\"body\":\"<POSTBACK>\\n  <O",
        "RIGIN>MMS_MT</ORIGIN>\\n  <CODE>N004</CODE>\\n  <MMSID>35674</MMSID>\\n  <NOTE>t",
        "ab\\there, quy></html>\n2024-05-01T10:00:01Z<!--FO body=<POSTBACK><ORIGIN>ote \\\"",
        " and \\u00e9</NOTE>\\n</POWTBACK>\\n\"}\nPOST /hooks/sky<AGGcore HTTP/1.1 id=7&x",
        "ml=%3CPOSTBACK%3E%3CORIGIN%3EMMS_MT%3C%2FORIGIN%3E%3CCODE%3EE002%3C%2FCODE%3E%3C",
        "MMSID%3E1%3C%2FMMSID%3E%3CVIDEONAME%3Ea+b%26amp%3<POSTBACK>\n  <ORIGIN>MMS_MT</O",
        "RIGIN>\n  <CODE>N003</CODE>\n  <MMSID>&foo;35674</MMSID>\n</POSTBACK>Bc.mp4%3C%2",
        "FVIDEONAME%3E%3C%2FPOSTBACK%3E&sig=abc\n",
    );
    let found = records(data.as_bytes(), 576);
    assert_eq!(found.len(), 4, "{found:#?}");
    // The `<POSTBACK` after `<!--FO body=` on line 2.
    assert_eq!(
        found[1], "Malformed 2:33:199 | malformed-xml <POSTBACK> is never closed",
        "{found:#?}"
    );
}

/// frame_parse_check: a record that fits the limit was `oversized-record`
/// when a read happened to end inside the `<POSTBACK` that starts the next
/// one: the bytes not yet known to be the next record's were counted as its.
#[test]
fn a_record_under_the_limit_is_never_oversized_whatever_the_reads() {
    // The first record is cut off by the second after 59 bytes; the limit is 64.
    let data = b"-><POSTBACK><ORIGIN>SMS_MT</ORFO\\n-7\0\0STBACK>n e5\", \"body\": \"<POSTBACK>n ";
    let found = records(data, 64);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("Malformed 1:3:2 | malformed-xml <POSTBACK> is never closed"),
        "{found:#?}"
    );
}

/// frame_parse_check: a backslash just before the line end that cuts a JSON
/// string off sent the framer to read more instead of on to that line end;
/// with more than the size limit already in the buffer, the string (16
/// bytes) was then called oversized.
#[test]
fn a_json_string_ending_in_a_backslash_at_its_line_end_is_cut_off_there() {
    let mut data = b"{\"\\u003cPOSTBACK\\\n".to_vec();
    data.extend_from_slice(&b"noise ".repeat(20));
    data.extend_from_slice(b"\n<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>\n");
    let found = records(&data, 64);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0],
        "Malformed 1:2:1 | malformed-xml the JSON string holding a postback never ends on its line"
    );
    assert!(found[1].starts_with("Postback 3:1:"), "{found:#?}");
}

/// frame_parse_check: a DOCTYPE document too large to hold is skipped to
/// its root's end tag and that tag's `>`; when the `>` was not read yet, the
/// skip ended wherever the last read had, so what followed was found or
/// swallowed depending on how the input arrived.
#[test]
fn a_too_large_doctype_document_ends_at_its_end_tags_close_however_it_is_read() {
    let data =
        b"x\n<!DOCTYPE POSTCK [<!ENTIY x \"boom\">]>\n<POSTBACK><RIGINd\n</POSTBACK<POSTBACK";
    let found = records(data, 64);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("Doctype 2:1:2 | doctype"),
        "{found:#?}"
    );
    // With the `>` there, what follows it is read.
    let data = b"x\n<!DOCTYPE POSTCK [<!ENTIY x \"boom\">]>\n<POSTBACK><RIGINd\n</POSTBACK <POSTBACK> >\n<POSTBACK/>";
    let found = records(data, 64);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[1].starts_with("Postback 5:1:"), "{found:#?}");
}

/// frame_parse_check: a `<![CDATA[` inside a DOCTYPE's internal subset was
/// counted as two more open brackets, so the declaration never ended there:
/// the document was taken for log noise, its postback was read and checked as
/// if no DOCTYPE came before it, and the `<![CDATA[` hid every postback up to
/// a `]]>` further on. Brackets do not nest in an internal subset; the
/// document is refused and what follows it is read.
#[test]
fn a_cdata_opener_in_a_doctype_subset_neither_hides_the_document_nor_what_follows() {
    let head = "<?xml version=\"1.0\"?>\n<!DOCTYPE POSTBACK [\n  <!ENTITY pass<![CDATA[ \"file:///etc/passwd\">\n]>\n<POSTBACK><ORIGIN>&pass;</ORIGIN></POSTBACK>\n";
    let postback =
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>7</MMSID></POSTBACK>\n";
    // Without a `]]>` further on, and with one (which hid everything before it).
    for tail in ["", "<x>]]></x>\n"] {
        let data = format!("{head}{postback}{tail}{postback}");
        let found = records(data.as_bytes(), 1 << 20);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with("Doctype 2:1:22 | doctype"),
            "{found:#?}"
        );
        assert!(found[1].starts_with("Postback 6:1:"), "{found:#?}");
        let last = if tail.is_empty() { 7 } else { 8 };
        assert!(
            found[2].starts_with(&format!("Postback {last}:1:")),
            "{found:#?}"
        );

        let run = exec_stdin(&["validate", "--color", "never", "-"], data);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert!(
            run.stdout.starts_with("<stdin>:2:1: error[doctype]:"),
            "{}",
            run.stdout
        );
    }
}

/// A line of `{"a":` repeated 400,000 times took ten minutes: every `{` is a
/// candidate, and each parsed the rest of the line again to the same break.
/// The values a broken JSON text leaves open are now judged by its break;
/// what is found is what was found before: the postback among them breaks
/// off where the text does, and the objects around it are noise.
#[test]
fn objects_left_open_by_a_broken_json_text_are_judged_once_however_it_is_read() {
    let postback = "{\"origin\":\"SMS_MT\",\"code\":\"N201\",\"c\":";
    let data = format!(
        "{{\"a\":{{\"b\":{postback}{{\"d\":[1,{{\"e\":2}},{{\"f\":\nINFO {}x\n{{\"origin\":\"SMS_MT\",\"code\":\"N202\"}}\n",
        "{\"a\":".repeat(20)
    );
    let found = records(data.as_bytes(), 1 << 20);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0], "Malformed 1:11:10 | malformed-json the JSON postback breaks off: expected value",
        "{found:#?}"
    );
    assert!(found[1].starts_with("Postback 3:1:"), "{found:#?}");

    // Broken off at its own level, a postback says so in its own words.
    let found = records(
        b"{\"b\":[{\"origin\":\"SMS_MT\",\"code\":\"N201\",[\n",
        1 << 20,
    );
    assert_eq!(
        found,
        ["Malformed 1:7:6 | malformed-json the JSON postback breaks off: expected a member name in quotes"]
    );

    // Past the size limit, the open postback is oversized, as the text is.
    let long = format!("{{\"pad\":[{postback}{}", "{\"a\":".repeat(40));
    let found = records(long.as_bytes(), 64);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("Oversized 1:9:8"), "{found:#?}");

    // The CLI: a long open line, a finding for the postback, and the run goes on.
    let line = format!(
        "{}{postback}x\n{{\"origin\":\"SMS_MT\",\"code\":\"N202\",\"to\":1}}\n",
        "{\"a\":".repeat(200_000)
    );
    let run = exec_stdin(&["validate", "--color", "never", "--jobs", "1", "-"], line);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("<stdin>:1:1000001: error[malformed-json]:"),
        "{}",
        run.stdout
    );
}

/// frame_parse_check: a DOCTYPE declaration that heads no document (text
/// follows it, not an element) is log noise, but a `<!--` or `<![CDATA[` in
/// its quoted literals or internal subset was taken for the start of a real
/// comment or CDATA section. A `-->` (or `]]>`) further on, here inside a
/// postback cut off by the end of the capture, then hid every postback
/// before it: nothing was reported at all. Those openers open nothing; both
/// postbacks are reported, the cut one as never closed.
#[test]
fn an_opener_in_a_doctype_declaration_of_log_noise_hides_no_postback() {
    let postback =
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>7</MMSID></POSTBACK>\n";
    let cut =
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>8</MMSID><STATUSoK> -->py ]]>\n";
    for declaration in [
        "<!DOCTYPE note SYSTEM \"notes<!--.dtd\">",
        "<!DOCTYPE note [<!ENTITY open \"<!--\">]>",
        "<!DOCTYPE note [<!ENTITY open '<![CDATA['>]>",
    ] {
        let data = format!("12:00:01 proxy: {declaration} sent back\n{postback}{cut}");
        for limit in [256, 1 << 20] {
            let found = records(data.as_bytes(), limit);
            assert_eq!(found.len(), 2, "{declaration} {limit}: {found:#?}");
            assert!(found[0].starts_with("Postback 2:1:"), "{found:#?}");
            let at = data.find(cut).unwrap();
            assert_eq!(
                found[1],
                format!("Malformed 3:1:{at} | malformed-xml <POSTBACK> is never closed"),
                "{declaration}"
            );
        }
        let run = exec_stdin(&["validate", "-q", "--jobs", "1", "-"], data);
        assert_eq!(
            prefixes(&run),
            ["<stdin>:3:1: error[malformed-xml]"],
            "{declaration}: {run}"
        );
    } // The shortest such capture: the declaration's `>` is the postback's.
    let found = records(b"<!DOCTYPE\"<!--\"<POSTBACK></POSTBACK-->", 64);
    assert_eq!(
        found,
        ["Malformed 1:16:15 | malformed-xml <POSTBACK> is never closed"]
    );
}

/// frame_parse_check: a DOCTYPE document whose root never closes ends where
/// the next `<!DOCTYPE` starts. When that start lay in the last bytes up to
/// the end of the 577 the size limit decides on and a read ended inside it,
/// the document was taken for one too large to hold and skipped to its
/// root's end tag, here the next document's: that document was lost, or not,
/// depending on how the capture arrived in reads.
#[test]
fn a_doctype_document_cut_off_by_the_next_one_near_the_limit_is_read_alike_in_pieces() {
    let head =
        "<!DOCTYPE BATCH [<!ENTITY a 'b'>]>\n<BATCH>\n<POSTBACK><ORIGIN>&a;</ORIGIN></POSTBACK>\n";
    let next = "<!DOCTYPE BATCH [<!ENTITY a 'b'>]><BATCH><POSTBACK><ORIGIN>&a;</ORIGIN></POSTBACK></BATCH>\n";
    let postback =
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>7</MMSID></POSTBACK>\n";
    // The first document runs 569 to 577 bytes: the next `<!DOCTYPE` ends
    // past the 577 bytes a 576-byte limit decides on.
    for len in 569..=577 {
        let filler = "log line\n".repeat((len - head.len()) / 9);
        let pad = " ".repeat(len - head.len() - filler.len());
        let data = format!("{head}{filler}{pad}{next}{postback}");
        assert_eq!(data.find(next), Some(len));
        let found = records(data.as_bytes(), 576);
        assert_eq!(found.len(), 3, "{len}: {found:#?}");
        assert!(
            found[0].starts_with("Doctype 1:1:0 | doctype"),
            "{found:#?}"
        );
        let second = format!(":{len} | doctype");
        assert!(
            found[1].starts_with("Doctype ") && found[1].contains(&second),
            "{len}: {found:#?}"
        );
        assert!(found[2].starts_with("Postback "), "{found:#?}");
    }
}

/// frame_parse_check: serde_json calls a number cut off by the end of what
/// has been read (`-`, `1.`, `2e+`) invalid rather than cut off, so a read
/// ending just after the `-` of a negative number made a sound v2 postback
/// `malformed-json` ("invalid number"), or moved where a broken one was said
/// to break off. A number that runs to the end of what is read waits for more.
#[test]
fn a_v2_postback_with_a_negative_number_is_read_alike_in_pieces() {
    let data = "{\"origin\":\"MMS_MO\",\"code\":\"N401\",\"utc_offset\":-3600,\"rate\":1.5e+2}\n\
                {\"origin\":\"MMS_MO\",\"code\":\"N401\",\"from\":-s\n";
    let found = records(data.as_bytes(), 1 << 20);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("Postback 1:1:0"), "{found:#?}");
    assert!(
        found[1].starts_with("Malformed 2:1:") && found[1].contains("invalid number"),
        "{found:#?}"
    );
}

/// Found while checking the fix above: after `</POSTBACK` the scan waited at
/// the tag for its `>` and kept every byte of white space in memory (300 MB
/// of blanks took 530 MB). It now moves through them. The binary runs with
/// its address space capped at 64 MiB and reads 100 MB of blanks.
#[cfg(target_os = "linux")]
#[test]
fn white_space_before_an_end_tags_close_is_not_held_in_memory() {
    use std::io::Write;

    let mut child = Command::new("sh")
        .args(["-c", "ulimit -v 65536 && exec \"$0\" \"$@\"", BIN])
        .args(["validate", "-q", "-j", "1", "--color", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        stdin.write_all(
            b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK",
        )?;
        let blanks = vec![b' '; 1 << 20];
        for _ in 0..100 {
            stdin.write_all(&blanks)?;
        }
        stdin.write_all(b">\n<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>\n")
    });
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        writer.join().unwrap().is_ok(),
        "the binary stopped reading: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "<stdin>:1:1: error[oversized-record]: record is larger than 1 MiB and was skipped\n\
         <stdin>:2:1: error[missing-field]: N003 requires MMSID\n"
    );
}

#[test]
fn a_record_nested_160000_deep_is_checked_in_a_few_megabytes() {
    let depth = 160_000;
    let record = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{}7{}</MMSID></POSTBACK>\n",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    let out = Command::new("sh")
        .args(["-c", "ulimit -v 65536 && exec \"$0\" \"$@\"", BIN])
        .args(["validate", "-q", "-j", "1", "--max-record-size", "4M"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(record.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "<stdin>:1:51: error[nested-element]: MMSID holds an element <a>\n"
    );
}

// ---------------------------------------------------------------------------
// The binary and its surroundings.

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// A dump whose every record has findings and makes a card: enough output
/// (several hundred KiB) to overflow any pipe buffer.
fn big_dump(dir: &Path) -> PathBuf {
    let dump = dir.join("dump.log");
    fs::write(&dump, fixture_text("rules/bad-spid.xml").repeat(4000)).unwrap();
    dump
}

#[test]
fn a_closed_stdout_ends_every_command_quietly_with_any_number_of_jobs() {
    let dir = temp();
    let dump = big_dump(dir.path());
    let dump = dump.to_str().unwrap();
    for jobs in ["1", "2"] {
        for (args, status) in [
            // Every record has an error: the status of the work done is 1.
            (vec!["validate", "-j", jobs, dump], 1),
            (vec!["validate", "--format", "json", "-j", jobs, dump], 1),
            (vec!["inspect", "--color", "never", "-j", jobs, dump], 1),
            // Convertible records: nothing rejected, status 0.
            (vec!["convert", "--to", "csv", "-j", jobs, dump], 0),
            (vec!["convert", "--to", "ndjson", "-j", jobs, dump], 0),
            (vec!["convert", "--to", "json", "-j", jobs, dump], 0),
        ] {
            let (code, stderr) = head_1(&args);
            assert_eq!(code, Some(status), "{args:?}: {stderr}");
            assert_eq!(stderr, "", "{args:?}: no message, not even a summary");
        }
    }
}

/// Runs the binary from the crate root with its stdout on `/dev/full`.
#[cfg(target_os = "linux")]
fn into_dev_full(args: &[&str]) -> (Option<i32>, String) {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(BIN)
        .current_dir(root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_reported_with_exit_2_by_validate_and_inspect() {
    let dir = temp();
    let dump = big_dump(dir.path());
    let dump = dump.to_str().unwrap();
    for jobs in ["1", "2"] {
        for args in [
            vec!["validate", "-j", jobs, dump],
            vec!["validate", "--format", "json", "-j", jobs, dump],
            vec!["inspect", "-j", jobs, dump],
            // A small input: the error comes at the final flush.
            vec!["validate", "-j", jobs, "tests/fixtures/rules/bad-spid.xml"],
            vec!["inspect", "-j", jobs, "tests/fixtures/provider/n003.xml"],
        ] {
            let (code, stderr) = into_dev_full(&args);
            assert_eq!(code, Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("cannot write output") && stderr.contains("No space left"),
                "{args:?}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{args:?}: one message: {stderr}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn convert_into_dev_full_names_the_file_and_the_error_with_any_number_of_jobs() {
    let dir = temp();
    let dump = big_dump(dir.path());
    let dump = dump.to_str().unwrap();
    for jobs in ["1", "2"] {
        for to in ["csv", "ndjson", "json"] {
            let run = exec(&["convert", "--to", to, "-j", jobs, dump, "-o", "/dev/full"]);
            assert_eq!(run.status, 2, "{run}");
            assert!(
                run.stderr.contains("/dev/full") && run.stderr.contains("No space left"),
                "{run}"
            );
            assert!(
                !run.stderr.contains("converted,"),
                "no summary after a failure{run}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn stdin_that_is_a_directory_is_a_clear_error_not_a_hang() {
    let dir = temp();
    for command in [
        vec!["validate"],
        vec!["inspect"],
        vec!["convert", "--to", "csv"],
        vec!["validate", "-"],
    ] {
        let start = Instant::now();
        let out = Command::new(BIN)
            .args(&command)
            .stdin(fs::File::open(dir.path()).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{command:?} hung"
        );
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("<stdin>: standard input is a directory; name it as a PATH"),
            "{command:?}: {stderr}"
        );
    }
}

/// The uid tests run under (`id -u`), if it can be told.
#[cfg(unix)]
fn uid() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// Whether `setpriv` can run the binary as `nobody` here (it may be
/// missing, or the binary may sit below a folder `nobody` cannot enter).
#[cfg(unix)]
fn setpriv_works() -> bool {
    Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "--version",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_in_a_directory_is_reported_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;

    let dir = temp();
    let tree = dir.path().join("hooks");
    fs::create_dir(&tree).unwrap();
    fs::write(tree.join("a.xml"), fixture_text("rules/bad-spid.xml")).unwrap();
    fs::write(tree.join("b.xml"), fixture_text("provider/n003.xml")).unwrap();
    fs::write(tree.join("c.xml"), fixture_text("rules/bad-mmsid.xml")).unwrap();
    fs::set_permissions(tree.join("b.xml"), fs::Permissions::from_mode(0o000)).unwrap();

    // Root reads a mode-000 file all the same. Then the test runs the binary
    // as `nobody` through setpriv, for whom the mode does deny the read; if
    // that cannot be done either, it says so and proves only the weaker part.
    let as_root = uid() == Some(0);
    if as_root && !setpriv_works() {
        eprintln!(
            "note: running as root and cannot run the binary as nobody: a mode-000 \
             file is readable here, so only 'the whole directory is read' is checked"
        );
        let run = exec(&["validate", tree.to_str().unwrap()]);
        assert_eq!(run.lines().len(), 2, "{run}");
        return;
    }
    if as_root {
        // `nobody` must be able to reach the tree.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let postback = || {
        if as_root {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
            cmd
        } else {
            Command::new(BIN)
        }
    };
    for args in [
        vec!["validate", "-j", "1"],
        vec!["validate", "-j", "2"],
        vec!["convert", "--to", "ndjson"],
    ] {
        let out = postback()
            .args(&args)
            .arg(&tree)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let run = Run {
            command: format!("postback {} {}", args.join(" "), tree.display()),
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_eq!(run.status, 2, "{run}");
        let errors: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("postback: "))
            .collect();
        assert_eq!(errors.len(), 1, "one error line{run}");
        assert!(
            errors[0].contains("b.xml") && errors[0].contains("Permission denied"),
            "{run}"
        );
        // a.xml and c.xml, before and after it, are read: two findings or two objects.
        assert_eq!(run.lines().len(), 2, "{run}");
        if args[0] == "validate" {
            assert!(run.stdout.contains("a.xml:9:3: error[bad-spid]"), "{run}");
            assert!(
                run.stdout.contains("c.xml:") && run.stdout.contains("bad-mmsid"),
                "{run}"
            );
            assert!(run.stderr.contains("in 2 inputs"), "{run}");
        }
    }
}

/// `script` (util-linux) runs a command on a new pseudo-terminal.
#[cfg(unix)]
fn on_a_terminal(command: &str) -> Option<(Option<i32>, String)> {
    let script = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = script else {
        return None;
    };
    // A command waiting for a terminal that never types would hang: give up.
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`{command}` on a terminal did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.code(), text))
}

#[cfg(unix)]
#[test]
fn no_input_on_a_terminal_says_how_to_use_it_instead_of_waiting() {
    if on_a_terminal("true").is_none_or(|(code, _)| code != Some(0)) {
        eprintln!("note: no working `script` to make a pseudo-terminal: test skipped");
        return;
    }
    for command in ["validate", "inspect", "convert --to csv"] {
        let line = format!("{BIN} {command}");
        let (code, text) = on_a_terminal(&line).unwrap();
        assert_eq!(code, Some(2), "{line}: {text}");
        assert!(
            text.contains("standard input is a terminal") && text.contains("pipe"),
            "{line}: {text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn binary_formats_refuse_a_terminal_and_write_nothing_there() {
    if on_a_terminal("true").is_none_or(|(code, _)| code != Some(0)) {
        eprintln!("note: no working `script` to make a pseudo-terminal: test skipped");
        return;
    }
    let input = common::fixture("provider/n202.xml");
    for format in ["xlsx", "parquet"] {
        let line = format!("{BIN} convert --to {format} {}", input.display());
        let (code, text) = on_a_terminal(&line).unwrap();
        assert_eq!(code, Some(2), "{line}: {text}");
        assert!(
            text.contains("binary") && text.contains("-o FILE"),
            "{line}: {text}"
        );
        assert!(
            !text.contains("PK") && !text.contains("PAR1"),
            "{line}: {text}"
        );
    }
}

#[test]
fn a_start_in_an_unclosed_cdata_after_a_json_string_is_framed_where_it_is() {
    // Reading on to look for the CDATA section's end moved the buffer (to
    // keep the open JSON string), and the start was then framed at its old
    // index: before the end of what had been read.
    let run = exec_stdin(
        &["validate", "-q", "--jobs", "1", "-"],
        "{\"024-0y\": \"<POSTBACK>\"<![CDATA[<POSTBACK\n",
    );
    assert_eq!(
        prefixes(&run),
        [
            "<stdin>:1:12: error[malformed-xml]",
            "<stdin>:1:33: error[malformed-xml]"
        ],
        "{run}"
    );
}
