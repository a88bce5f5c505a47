//! Garbage, truncated and hostile inputs: never a panic, never an entity
//! expanded or fetched, never a raw control character on the terminal, and
//! each one reported where FIELDS.md and CLI.md say.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Asserts the run ended with a documented status and without a panic.
#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(matches!(run.status, 0..=2), "status {}{run}", run.status);
    assert!(!run.stderr.contains("panicked"), "{run}");
    assert!(!run.stderr.contains("overflow"), "{run}");
}

fn hostile(name: &str) -> String {
    format!("tests/fixtures/hostile/{name}")
}

/// A seeded xorshift stream, so a failure can be replayed.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

const N003: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>0</MMSID></POSTBACK>";

#[test]
fn random_binary_never_panics_in_any_output_format() {
    for seed in [1, 42, 0xDEAD_BEEF] {
        let data = random_bytes(seed, 1 << 20);
        for args in [
            &["validate"][..],
            &["validate", "--format", "json"],
            &["--color", "always", "validate"],
        ] {
            let run = exec_stdin(args, data.clone());
            assert_no_panic(&run);
        }
    }
}

#[test]
fn random_binary_with_postbacks_inside_still_finds_them() {
    let mut data = random_bytes(7, 300_000);
    // Put records after a newline so they do not join a random line's JSON or form.
    data.extend_from_slice(format!("\n{N003}\n").as_bytes());
    data.extend(random_bytes(8, 300_000));
    data.extend_from_slice(format!("\n{N003}\n").as_bytes());
    let run = exec_stdin(&["validate", "--format", "json"], data);
    assert_no_panic(&run);
    let mmsid = json_findings(&run)
        .iter()
        .filter(|f| f["rule"] == "bad-mmsid")
        .count();
    assert_eq!(mmsid, 2, "{run}");
}

#[test]
fn markup_soup_never_panics_and_snippets_stay_escaped() {
    let pieces: &[&[u8]] = &[
        b"<POSTBACK>",
        b"</POSTBACK>",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b"%3CPOSTBACK",
        b"\\u003cPOSTBACK",
        b"{\"",
        b"\"",
        b"\\",
        b"\n",
        b"<!DOCTYPE POSTBACK [",
        b"]>",
        b"<MMSID>",
        b"</MMSID>",
        b"\x1b[31m",
        b"\x07",
        b"\xC2\x9B",
        b"\xE2\x80\xAE",
        b"\xFF",
        b"&#x1B;",
        b"&foo;",
        b"<A b='<POSTBACK>'>",
    ];
    for seed in [3, 5, 11] {
        let random = random_bytes(seed, 200_000);
        let data: Vec<u8> = random
            .chunks(4)
            .flat_map(|c| {
                let piece = pieces[c[0] as usize % pieces.len()];
                if c[1] % 2 == 0 {
                    piece.to_vec()
                } else {
                    c.to_vec()
                }
            })
            .collect();
        let run = exec_stdin(&["--color", "always", "validate"], data.clone());
        assert_no_panic(&run);
        // Colour codes are ours; a payload's ESC, BEL, CSI or bidi override never reaches the terminal.
        assert!(!run.stdout.contains("\x1b[31m"), "payload ESC written raw");
        assert!(!run.stdout.contains('\x07'), "payload BEL written raw");
        assert!(!run.stdout.contains('\u{9b}') && !run.stdout.contains('\u{202e}'));
        let run = exec_stdin(&["validate", "--format", "json"], data);
        assert_no_panic(&run);
        json_findings(&run);
    }
}

#[test]
fn invalid_utf8_inside_a_value_is_malformed_xml_at_that_byte() {
    let text = b"<POSTBACK>\n  <ORIGIN>MMS_MT</ORIGIN>\n  <CODE>N003</CODE>\n  <MMSID>35\xFF674</MMSID>\n</POSTBACK>\n";
    let run = exec_stdin(&["validate", "--format", "json"], &text[..]);
    let findings = json_findings(&run);
    assert_eq!(findings.len(), 1, "{run}");
    let f = &findings[0];
    assert_eq!(f["rule"], "malformed-xml");
    assert_eq!(
        f["offset"].as_u64(),
        Some(text.iter().position(|&b| b == 0xFF).unwrap() as u64)
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(12))
    );
    assert_eq!(f["message"], "byte 0xFF is not UTF-8");
    assert_eq!(run.status, 1);
}

#[test]
fn raw_escape_and_bell_in_a_value_are_malformed_and_never_reach_the_terminal() {
    let text = "<POSTBACK>\n  <ORIGIN>MMS_MT</ORIGIN>\n  <CODE>N003</CODE>\n  <MMSID>1\x1b]0;pwned\x07\x1b[2J</MMSID>\n</POSTBACK>\n";
    let run = exec_stdin(&["validate", "-q"], text);
    assert_eq!(
        prefixes(&run),
        ["<stdin>:4:11: error[malformed-xml]"],
        "{run}"
    );
    assert!(run.stdout.contains("U+001B"), "{run}");

    let run = exec_stdin(&["--color", "always", "validate", "-q"], text);
    assert!(run.stdout.contains('\x1b'), "coloured output{run}");
    assert!(
        !run.stdout.contains("\x1b]0;") && !run.stdout.contains('\x07'),
        "{run}"
    );
    assert!(!run.stdout.contains("\x1b[2J"), "{run}");
    // The snippet shows the escapes instead.
    assert!(run.stdout.contains("\\e]0;pwned"), "{run}");
}

#[test]
fn a_character_reference_to_esc_is_malformed_xml() {
    let run = exec(&["validate", "-q", &hostile("escape-char-ref.xml")]);
    assert_eq!(
        run.lines(),
        ["tests/fixtures/hostile/escape-char-ref.xml:4:15: error[malformed-xml]: character reference &#x1B; names U+001B, which XML does not allow"],
        "{run}"
    );
}

#[test]
fn an_undefined_entity_is_malformed_xml_at_the_reference() {
    let run = exec(&["validate", "-q", &hostile("undefined-entity.xml")]);
    assert_eq!(
        run.lines(),
        ["tests/fixtures/hostile/undefined-entity.xml:4:10: error[malformed-xml]: undefined entity &foo;"],
        "{run}"
    );
}

#[test]
fn attribute_values_must_be_well_formed_too() {
    // A broken attribute is placed at its offending character; the tag
    // starts at column 51.
    for (attr, place) in [
        ("a=\"&amp;&#x41;\"", "1:51: warning[attribute]"),
        ("a=\"&foo;\"", "1:61: error[malformed-xml]"),
        ("a=\"1 < 2\"", "1:63: error[malformed-xml]"),
        ("a=\"1\" a=\"2\"", "1:64: error[malformed-xml]"),
    ] {
        let text = format!(
            "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID {attr}>1</MMSID></POSTBACK>"
        );
        let run = exec_stdin(&["validate", "-q"], text);
        assert_eq!(prefixes(&run), [format!("<stdin>:{place}")], "{attr}{run}");
    }
}

#[test]
fn predefined_entities_and_character_references_are_decoded() {
    // "Message&#32;Sent" is a valid STATUS once decoded; the FROM_MASK's
    // &amp; decodes to the & that the sender-id rule then names.
    let run = exec(&["validate", "-q", &hostile("entities.xml")]);
    assert_eq!(
        run.lines(),
        ["tests/fixtures/hostile/entities.xml:6:3: warning[bad-sender-id]: FROM_MASK \"Tom & Jo\" has '&', which is not an ASCII letter, digit or space"],
        "{run}"
    );
}

#[test]
fn an_external_entity_doctype_is_one_doctype_finding_and_nothing_is_read() {
    let run = exec(&["validate", &hostile("xxe-file-entity.xml")]);
    assert_eq!(
        prefixes(&run),
        ["tests/fixtures/hostile/xxe-file-entity.xml:2:1: error[doctype]"],
        "{run}"
    );
    assert!(
        !run.stdout.contains("root:") && !run.stderr.contains("root:"),
        "{run}"
    );
    assert_eq!(run.status, 1);
    let run = exec(&[
        "--color",
        "always",
        "validate",
        &hostile("xxe-file-entity.xml"),
    ]);
    assert!(!run.stdout.contains("root:x:0"), "{run}");
}

#[test]
fn billion_laughs_is_one_doctype_finding_and_fast() {
    let started = Instant::now();
    let run = exec(&["validate", "-q", &hostile("billion-laughs.xml")]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // The document, wrapper and both postbacks in it, is refused as one; the
    // postback after the document is read.
    assert_eq!(
        prefixes(&run),
        [
            "tests/fixtures/hostile/billion-laughs.xml:2:1: error[doctype]",
            "tests/fixtures/hostile/billion-laughs.xml:18:51: error[bad-mmsid]",
        ],
        "{run}"
    );
}

#[test]
fn a_doctype_in_log_noise_is_noise() {
    let run = exec(&["validate", "-q", &hostile("doctype-in-log-noise.log")]);
    assert_eq!(
        prefixes(&run),
        ["tests/fixtures/hostile/doctype-in-log-noise.log:2:82: error[bad-mmsid]"],
        "{run}"
    );
}

fn nested(depth: usize) -> String {
    format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{}{}</MMSID></POSTBACK>\n",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    )
}

#[test]
fn ten_thousand_deep_nesting_is_one_nested_element_finding() {
    let run = exec_stdin(&["validate", "-q"], nested(10_000));
    assert_eq!(
        prefixes(&run),
        ["<stdin>:1:51: error[nested-element]"],
        "{run}"
    );
}

#[test]
fn nesting_as_deep_as_the_size_limit_allows_does_not_overflow_the_stack() {
    // 140,000 levels still fit in 1 MiB; dropping the tree once recursed.
    let text = nested(140_000);
    assert!(text.len() < 1024 * 1024);
    let run = exec_stdin(&["validate", "-q"], text);
    assert_no_panic(&run);
    assert_eq!(
        prefixes(&run),
        ["<stdin>:1:51: error[nested-element]"],
        "{run}"
    );
    let run = exec_stdin(
        &["validate", "-q"],
        "<POSTBACK>".to_string() + &"<a>".repeat(300_000),
    );
    assert_no_panic(&run);
}

#[test]
fn a_flood_of_escaped_starts_outside_any_string_does_not_overflow_the_stack() {
    // Each `\u003cPOSTBACK` in no JSON string is skipped; skipping once recursed.
    let text = "x \\u003cPOSTBACK y\n".repeat(300_000);
    let run = exec_stdin(&["validate"], text);
    assert_no_panic(&run);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    assert!(run.stderr.starts_with("0 postbacks checked"), "{run}");
}

#[test]
fn a_20_mb_value_is_oversized_by_default_and_valid_under_a_larger_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xml");
    let mut file = std::fs::File::create(&path).unwrap();
    let record = fixture_text("provider/e101.xml");
    let (head, tail) = record.split_at(record.find("Error fetching").unwrap());
    file.write_all(head.as_bytes()).unwrap();
    file.write_all(&vec![b'x'; 20 * 1024 * 1024]).unwrap();
    file.write_all(tail.as_bytes()).unwrap();
    file.write_all(format!("{N003}\n").as_bytes()).unwrap();
    drop(file);
    let path = path.to_str().unwrap();

    let run = exec(&["validate", "-q", path]);
    assert_eq!(
        prefixes(&run),
        [
            format!("{path}:2:1: error[oversized-record]"),
            format!("{path}:13:51: error[bad-mmsid]")
        ],
        "{run}"
    );
    assert!(
        run.stdout
            .contains("record is larger than 1 MiB and was skipped"),
        "{run}"
    );

    let run = exec(&["validate", "--max-record-size", "32M", path]);
    assert_eq!(
        prefixes(&run),
        [format!("{path}:13:51: error[bad-mmsid]")],
        "{run}"
    );
    assert!(
        run.stderr
            .contains("2 postbacks checked in 1 input: 1 valid"),
        "{run}"
    );
}

#[test]
fn a_postback_unterminated_at_end_of_input_is_malformed_at_its_start() {
    let run = exec(&["validate", "-q", &hostile("unterminated.xml")]);
    assert_eq!(
        run.lines(),
        [
            "tests/fixtures/hostile/unterminated.xml:1:51: error[bad-mmsid]: MMSID \"0\" is not a positive integer",
            "tests/fixtures/hostile/unterminated.xml:2:3: error[malformed-xml]: <POSTBACK> is never closed",
        ],
        "{run}"
    );
}

#[test]
fn a_start_tag_cut_off_as_the_last_bytes_of_the_input_is_reported() {
    for text in [
        "log line <POSTBACK",
        "<POSTBACK ",
        "<POSTBACK><ORIGIN>MMS_MT</ORIG",
    ] {
        let run = exec_stdin(&["validate", "--format", "json"], text);
        let found = json_findings(&run);
        assert_eq!(found.len(), 1, "{text:?}{run}");
        assert_eq!(found[0]["rule"], "malformed-xml", "{text:?}{run}");
        assert_eq!(
            found[0]["offset"].as_u64(),
            Some(text.find('<').unwrap() as u64)
        );
    }
}

#[test]
fn a_hundred_thousand_tiny_postbacks_in_one_stream_are_all_counted() {
    let text = format!("{}\n", N003.replace(">0<", ">7<")).repeat(100_000);
    let run = exec_stdin(&["validate"], text);
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(
        run.stderr.trim_end(),
        "100000 postbacks checked in 1 input: 100000 valid, 0 with errors, 0 with warnings",
        "{run}"
    );
    assert_eq!(run.status, 0);
}

#[test]
fn cdata_holding_an_end_tag_does_not_end_the_record() {
    let run = exec(&["validate", "-q", &hostile("cdata-end-tag.xml")]);
    // The E101 is valid (CDATA is text); the record after it is found.
    assert_eq!(
        prefixes(&run),
        ["tests/fixtures/hostile/cdata-end-tag.xml:12:51: error[bad-mmsid]"],
        "{run}"
    );
}

#[test]
fn comments_and_processing_instructions_inside_a_record_are_ignored() {
    let run = exec(&["validate", &hostile("comments.xml")]);
    assert_eq!(run.stdout, "", "{run}");
    assert!(run.stderr.starts_with("1 postback checked"), "{run}");
    assert_eq!(run.status, 0);
}

#[test]
fn postbacks_wrappers_and_stray_end_tags_are_noise() {
    let run = exec(&["validate", &hostile("postbacks-noise.log")]);
    assert_eq!(
        prefixes(&run),
        ["tests/fixtures/hostile/postbacks-noise.log:3:51: error[bad-mmsid]"],
        "{run}"
    );
    assert!(run.stderr.starts_with("1 postback checked"), "{run}");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.log");
    std::fs::write(&path, format!("{N003}\n").repeat(200_000)).unwrap();
    for format in ["human", "json"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("postback"))
            .args(["validate", "--format", format])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.contains("bad-mmsid"), "{first}");
        drop(stdout);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{format}: {:?} {stderr}",
            output.status
        );
        assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// The first finding line of `validate` on `record`, and its exit status.
fn first_finding(record: &str) -> (i32, String) {
    let run = exec_stdin(&["validate", "--color", "never"], record);
    let line = run.stdout.lines().next().unwrap_or("").to_string();
    (run.status, line)
}

#[test]
fn lenient_xml_is_malformed_at_the_character_where_it_goes_wrong() {
    let head = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN>\n";
    let tail = "<MMSID>1</MMSID></POSTBACK>\n";
    for (middle, column, says) in [
        // Line 2 starts at <CODE; each column is the offending character's.
        (
            "<CODE a=\"1\"b=\"2\">N003</CODE>",
            12,
            "'b' right after an attribute",
        ),
        ("<CODE a=1>N003</CODE>", 9, "must be in quotes"),
        ("<CODE a>N003</CODE>", 8, "without = and a value"),
        (
            "<CODE a=\"x<y\">N003</CODE>",
            11,
            "a < in an attribute value",
        ),
        (
            "<CODE a=\"x&nbsp;\">N003</CODE>",
            11,
            "undefined entity &nbsp;",
        ),
        ("<CODE>N003]]></CODE>", 11, "]]> in text"),
        ("<CODE>N003</CODE>]]>", 18, "]]> in text"),
        ("<?XML x?><CODE>N003</CODE>", 3, "<?XML is reserved"),
        ("<?xMl?><CODE>N003</CODE>", 3, "<?xMl is reserved"),
    ] {
        let (status, line) = first_finding(&format!("{head}{middle}{tail}"));
        let place = format!("<stdin>:2:{column}: error[malformed-xml]: ");
        assert!(
            line.starts_with(&place) && line.contains(says),
            "{middle}: {line}"
        );
        assert_eq!(status, 1, "{middle}");
    }
}

#[test]
fn attributes_and_instructions_xml_allows_stay_valid() {
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><?xml-stylesheet href='a'?>\
                  <CODE>N003 ]]&gt; ]]</CODE><MMSID a = '1'\tb=\"&amp;&#x41;\">1</MMSID></POSTBACK>";
    let run = exec_stdin(&["validate", "--color", "never"], record);
    assert!(!run.stdout.contains("malformed-xml"), "{run}");
}

#[test]
fn a_doctype_document_counts_every_postback_it_refuses() {
    let doc = format!("<!DOCTYPE W [<!ENTITY x 'y'>]>\n<W>\n{N003}\n{N003}\n<POSTBACK/>\n</W>\n");
    let validate = exec_stdin(&["validate", "-"], doc.as_str());
    assert_eq!(validate.status, 1, "{validate}");
    assert!(
        validate
            .stderr
            .ends_with("3 postbacks checked in 1 input: 0 valid, 3 with errors, 0 with warnings\n"),
        "{validate}"
    );
    let convert = exec_stdin(&["convert", "--to", "ndjson"], doc.as_str());
    assert!(
        convert
            .stderr
            .ends_with("0 converted, 0 skipped, 3 rejected, from 1 input\n"),
        "{convert}"
    );
    let inspect = exec_stdin(&["inspect", "--color", "never"], doc.as_str());
    assert!(
        inspect
            .stderr
            .starts_with("3 postbacks checked in 1 input: 0 valid, 3 with errors")
            && inspect.stderr.contains("(3 with a DOCTYPE)"),
        "{inspect}"
    );
}

#[test]
fn an_instruction_whose_target_runs_into_its_content_is_read_as_roxmltree_reads_it() {
    // `<?auT</A>?>`: the target is `auT`, the rest its content. Only a
    // target spelled xml (in any case) is refused.
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><?auT</A><B>?><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>";
    let run = exec_stdin(&["validate", "--color", "never"], record);
    assert_eq!(run.status, 0, "{run}");
    let run = exec_stdin(
        &["validate", "--color", "never"],
        record.replace("auT", "XmL"),
    );
    assert!(run.stdout.contains("<?XmL is reserved"), "{run}");
}
