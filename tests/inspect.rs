//! `postback inspect`: one card per record, in input order, with the code in
//! words, the fields aligned, notes on their values, and validate's findings.

mod common;

use common::{fixture_text, postback, run, run_with_stdin, PROVIDER_EXAMPLES};

/// Raw output bytes, for the tests about what reaches the terminal.
fn raw_stdout(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    postback()
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("postback runs")
        .stdout
}

/// Colour codes made visible, so a snapshot reads as text: ESC becomes ␛.
fn visible(text: &str) -> String {
    text.replace('\u{1b}', "␛")
}

fn snapshot_name(fixture: &str, color: &str) -> String {
    let stem = fixture
        .trim_start_matches("provider/")
        .trim_end_matches(".xml");
    format!("{stem}_color_{color}")
}

#[test]
fn every_provider_example_as_a_card_without_colour() {
    for example in PROVIDER_EXAMPLES {
        let path = format!("tests/fixtures/{example}");
        let (status, stdout, stderr) = run(&["inspect", "--color", "never", &path]);
        let expected = if example.ends_with("n201.xml") { 1 } else { 0 };
        assert_eq!(status, expected, "{example}: {stderr}");
        assert!(
            stderr.starts_with("1 postback checked in 1 input: "),
            "{example}: only the summary on stderr: {stderr}"
        );
        assert!(
            !stdout.contains('\u{1b}'),
            "{example}: colour with --color never"
        );
        insta::assert_snapshot!(snapshot_name(example, "never"), stdout);
    }
}

#[test]
fn every_provider_example_as_a_card_with_colour() {
    for example in PROVIDER_EXAMPLES {
        let path = format!("tests/fixtures/{example}");
        let (_, stdout, _) = run(&["inspect", "--color", "always", &path]);
        assert!(
            stdout.contains("\u{1b}["),
            "{example}: no colour with --color always"
        );
        insta::assert_snapshot!(snapshot_name(example, "always"), visible(&stdout));
    }
}

#[test]
fn a_code_is_read_with_its_origin() {
    let (_, sms, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n202.xml",
    ]);
    assert!(
        sms.starts_with("N202 · SMS delivered to the handset  [v1.3 XML]\n"),
        "{sms}"
    );
    let (_, mms, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n102-xhtml.xml",
    ]);
    assert!(
        mms.starts_with("N202 · MMS delivered to the handset as a fallback SMS  [v1.3 XML]\n"),
        "{mms}"
    );
}

#[test]
fn annotations_explain_spid_trackingid_timestamp_and_sentas() {
    let (_, out, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n202.xml",
    ]);
    assert!(
        out.contains("  SPID          0001470  → AT&T (United States)\n"),
        "{out}"
    );
    assert!(
        out.contains("  TRACKINGID    U01TXzgwNjc4  → base64 of \"SMS_80678\"\n"),
        "{out}"
    );
    assert!(
        out.contains("  TIMESTAMP     2013-11-05T05:41:15-05:00  → 2013-11-05 10:41:15 UTC\n"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n101-xhtml.xml",
    ]);
    assert!(
        out.contains("SENTAS         SMS  → fallback SMS with a link"),
        "{out}"
    );
    assert!(
        out.contains("0001140  → Alltel-Verizon (United States)"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n102-binary.xml",
    ]);
    assert!(out.contains("SENTAS        MMS  → binary MMS"), "{out}");
}

#[test]
fn an_spid_with_two_carriers_shows_both() {
    let xml = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><STATUS>Message Sent</STATUS>\
               <FROM>60856</FROM><TO>16503333058</TO><TRACKINGID>x</TRACKINGID>\
               <SPID>0007000</SPID><TIMESTAMP>2013-11-05T05:41:08Z</TIMESTAMP></POSTBACK>";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], xml);
    assert_eq!(status, 0, "{out}");
    let spid = out
        .lines()
        .find(|l| l.starts_with("  SPID"))
        .expect("an SPID line");
    assert_eq!(spid.matches(" or ").count(), 1, "{spid}");
}

#[test]
fn status_is_coloured_by_outcome() {
    let card = |status: &str| {
        let xml = format!(
            "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N102</CODE><STATUS>{status}</STATUS></POSTBACK>"
        );
        let (_, out, _) = run_with_stdin(&["inspect", "--color", "always"], xml);
        out
    };
    assert!(card("Message Sent/Delivered").contains("\u{1b}[32mMessage Sent/Delivered\u{1b}[0m"));
    assert!(card("Message Sent/Expired").contains("\u{1b}[31mMessage Sent/Expired\u{1b}[0m"));
    assert!(card("Message Sent/Rejected").contains("\u{1b}[31mMessage Sent/Rejected\u{1b}[0m"));
    assert!(card("Message Sent").contains("\u{1b}[33mMessage Sent\u{1b}[0m"));
}

#[test]
fn the_malformed_provider_example_shows_the_place_with_a_caret() {
    let (status, out, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n201.xml",
    ]);
    assert_eq!(status, 1);
    assert!(out.starts_with("not well-formed · "), "{out}");
    assert!(
        out.contains("error[malformed-xml]: <FROM_MASK> is never closed"),
        "{out}"
    );
    assert!(
        out.contains("  7 |   <FROM_MASK><FROM_MASK>\n    |              ^^^^^^^^^^^\n"),
        "{out}"
    );
    assert!(
        out.contains("help: write <FROM_MASK></FROM_MASK> or <FROM_MASK/>"),
        "{out}"
    );
    assert!(out.ends_with("  ✗ 1 error\n"), "{out}");
}

#[test]
fn findings_appear_under_the_field_they_concern() {
    let xml = "<POSTBACK>\n<ORIGIN>SMS_MT</ORIGIN>\n<CODE>N202</CODE>\n<STATUS>Message sent</STATUS>\n\
               <FROM>60856</FROM>\n<TO>+16503333058</TO>\n<TRACKINGID>x</TRACKINGID>\n\
               <SPID>0001470</SPID>\n<TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>\n<Status>x</Status>\n</POSTBACK>";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], xml);
    assert_eq!(status, 1, "{out}");
    insta::assert_snapshot!("findings_under_fields", out);
}

#[test]
fn nested_content_files_are_indented() {
    let xml = "<POSTBACK><ORIGIN>MMS_MO</ORIGIN><CODE>N401</CODE><FROM>16501112222</FROM>\
               <TO>60856</TO><KEYWORD>PIC</KEYWORD><TRACKINGID>a</TRACKINGID><SPID>0001470</SPID>\
               <TIMESTAMP>2014-07-02T14:32:23-04</TIMESTAMP><CONTENT><FILE>https://x.example/1.jpg</FILE>\
               <FILE>https://x.example/2.txt</FILE></CONTENT></POSTBACK>";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], xml);
    assert_eq!(status, 0, "{out}");
    insta::assert_snapshot!("n401_content_files", out);
}

#[test]
fn unknown_and_mismatched_codes_are_named_as_such() {
    let (status, out, _) = run_with_stdin(
        &["inspect", "--color", "never"],
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N999</CODE></POSTBACK>",
    );
    assert_eq!(status, 1);
    assert!(
        out.starts_with("N999 · unknown code: not in the provider's list of codes  [v1.3 XML]\n"),
        "{out}"
    );
    assert!(out.contains("error[unknown-code]"), "{out}");
    let (_, out, _) = run_with_stdin(
        &["inspect", "--color", "never"],
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N101</CODE></POSTBACK>",
    );
    assert!(
        out.starts_with("N101 · not a code of SMS_MT: documented for MMS_MT only  [v1.3 XML]\n"),
        "{out}"
    );
    assert!(out.contains("error[origin-mismatch]"), "{out}");
}

#[test]
fn the_summary_goes_to_stderr_in_validate_s_words() {
    let (status, out, stderr) = run(&["inspect", "--color", "never", "tests/fixtures/provider"]);
    assert_eq!(status, 1, "{stderr}");
    let cards = out.matches("\n  ✓ valid\n").count() + out.matches("\n  ✗ ").count();
    assert_eq!(cards, 9, "{out}");
    assert!(!out.contains("checked in"), "no summary on stdout: {out}");
    insta::assert_snapshot!("summary_of_the_provider_examples", stderr.trim_end());
    // The same counts, words and order as validate's summary.
    let (_, _, validated) = run(&["validate", "--color", "never", "tests/fixtures/provider"]);
    let counts = |s: &str| s.split(" (").next().unwrap_or("").trim_end().to_string();
    assert_eq!(counts(&stderr), counts(&validated));
}

#[test]
fn a_postback_with_only_warnings_counts_as_valid() {
    let warned =
        fixture_text("provider/n003.xml").replace("</POSTBACK>", "<NOTE>x</NOTE></POSTBACK>");
    let (status, _, stderr) = run_with_stdin(&["inspect", "--color", "never"], warned);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr
            .starts_with("1 postback checked in 1 input: 1 valid, 0 with errors, 1 with warnings"),
        "{stderr}"
    );
}

#[test]
fn quiet_hides_the_summary() {
    let (_, out, stderr) = run(&[
        "inspect",
        "-q",
        "--color",
        "never",
        "tests/fixtures/provider",
    ]);
    assert!(out.contains("N202 ·"), "{out}");
    assert_eq!(stderr, "", "{stderr}");
}

#[test]
fn one_postback_has_no_summary_line() {
    let (_, out, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n003.xml",
    ]);
    assert!(out.ends_with("  ✓ valid\n"), "{out}");
    assert!(!out.contains("postbacks:"), "{out}");
}

#[test]
fn cards_follow_input_order_across_log_lines() {
    let log = "10:00 INFO body=<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n\
               10:01 INFO noise\n\
               {\"ts\":\"10:02\",\"body\":\"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>E002</CODE><MMSID>2</MMSID><VIDEONAME>v.mp4</VIDEONAME></POSTBACK>\"}\n";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], log);
    assert_eq!(status, 0, "{out}");
    let n003 = out.find("N003 ·").expect("N003 card");
    let e002 = out.find("E002 ·").expect("E002 card");
    assert!(n003 < e002, "{out}");
    assert!(out.contains("MMS_MT · <stdin>:1:17\n"), "{out}");
    assert!(
        out.contains("MMS_MT · <stdin>:3:22, decoded from a JSON string\n"),
        "{out}"
    );
    assert!(out.ends_with("  ✓ valid\n"), "{out}");
}

/// A STATUSDETAILS that tries to drive or disguise the terminal, in ways XML
/// allows: C1 CSI as a character reference and raw, and a right-to-left override.
const HOSTILE: &str = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
    <STATUS>Message Sent/Delivered</STATUS><FROM>60856</FROM><TO>16503333058</TO>\
    <TRACKINGID>x</TRACKINGID><SPID>0001470</SPID><TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>\
    <AGGREGATORID>1</AGGREGATORID>\
    <STATUSDETAILS>&#x9b;31mred \u{9b}2J \u{202e}gnp.exe</STATUSDETAILS></POSTBACK>";

/// Raw ESC and BEL are not XML at all: the record is malformed and its text is shown as a snippet.
const RAW_ESC: &[u8] = b"<POSTBACK><ORIGIN>SMS_MT</ORIGIN>\n<STATUSDETAILS>\x1b[2J\x1b]0;pwned\x07</STATUSDETAILS></POSTBACK>";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn payload_controls_never_reach_the_terminal_raw() {
    for color in ["never", "always"] {
        for input in [HOSTILE.as_bytes(), RAW_ESC] {
            let out = raw_stdout(&["inspect", "--color", color], input);
            assert!(
                !contains(&out, "\u{9b}".as_bytes()),
                "raw U+009B with --color {color}"
            );
            assert!(
                !contains(&out, "\u{202e}".as_bytes()),
                "raw U+202E with --color {color}"
            );
            assert!(!out.contains(&0x07), "raw BEL with --color {color}");
            if color == "never" {
                assert!(!out.contains(&0x1b), "raw ESC with --color never");
            } else {
                // Our own colour codes start with ESC; the payload's must not.
                for seq in [&b"\x1b[2J"[..], b"\x1b]0;", b"\x1b[31mred"] {
                    assert!(!contains(&out, seq), "payload sequence {seq:?} written raw");
                }
            }
        }
        let text = String::from_utf8(raw_stdout(
            &["inspect", "--color", color],
            HOSTILE.as_bytes(),
        ))
        .expect("UTF-8 output");
        assert!(
            text.contains("\\u{9b}31mred \\u{9b}2J \\u{202e}gnp.exe"),
            "{text}"
        );
        let text = String::from_utf8(raw_stdout(&["inspect", "--color", color], RAW_ESC))
            .expect("UTF-8 output");
        assert!(text.contains("\\e[2J\\e]0;pwned\\u{7}"), "{text}");
    }
}

#[test]
fn hostile_element_names_and_source_paths_are_escaped_too() {
    let xml = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID><A\u{202e}B>v</A\u{202e}B></POSTBACK>";
    let out = raw_stdout(&["inspect", "--color", "never"], xml.as_bytes());
    assert!(!contains(&out, "\u{202e}".as_bytes()));
    assert!(contains(&out, b"A\\u{202e}B"));
}

#[test]
fn exit_status_is_validates() {
    let (ok, _, _) = run(&["inspect", "tests/fixtures/provider/n202.xml"]);
    assert_eq!(ok, 0);
    let (bad, _, _) = run(&["inspect", "tests/fixtures/provider/n201.xml"]);
    assert_eq!(bad, 1);
    let (warned, _, _) = run_with_stdin(
        &["inspect"],
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID><X>y</X></POSTBACK>",
    );
    assert_eq!(warned, 0, "warnings alone do not fail");
    let (missing, out, stderr) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n202.xml",
        "tests/fixtures/no-such-file.xml",
    ]);
    assert_eq!(missing, 2, "an unreadable input wins: {stderr}");
    assert!(
        out.starts_with("N202 · "),
        "the other input is still shown: {out}"
    );
    assert!(stderr.contains("no-such-file.xml"), "{stderr}");
}

#[test]
fn text_without_postbacks_says_so() {
    let (status, out, stderr) = run_with_stdin(&["inspect"], "just a log line\n");
    assert_eq!(status, 0);
    assert!(out.is_empty(), "{out}");
    assert!(
        stderr.ends_with("\npostback: no postback found in 1 input\n"),
        "{stderr}"
    );
}

#[test]
fn an_oversized_record_shows_its_finding() {
    let big = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{}</MMSID></POSTBACK>",
        "1".repeat(2000)
    );
    let (status, out, _) = run_with_stdin(
        &["inspect", "--color", "never", "--max-record-size", "1K"],
        big,
    );
    assert_eq!(status, 1);
    assert!(out.starts_with("too large · "), "{out}");
    assert!(
        out.contains("error[oversized-record]: record is larger than 1 KiB"),
        "{out}"
    );
}

#[test]
fn a_doctype_document_shows_its_finding() {
    let xml = "<?xml version='1.0'?>\n<!DOCTYPE POSTBACK [<!ENTITY x 'y'>]>\n<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>&x;</MMSID></POSTBACK>\n";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], xml);
    assert_eq!(status, 1);
    assert!(out.starts_with("DOCTYPE · "), "{out}");
    assert!(out.contains("error[doctype]"), "{out}");
}

#[test]
fn a_long_element_name_is_cut_and_does_not_pad_the_other_rows() {
    let name = "N".repeat(20_000);
    let rows: String = (0..2_000).map(|i| format!("<A{i}/>")).collect();
    let record = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID>\
         <{name}>x</{name}>{rows}</POSTBACK>"
    );
    let (status, stdout, stderr) =
        run_with_stdin(&["inspect", "--color", "never"], record.into_bytes());
    assert_eq!(status, 0, "{stderr}");
    // 2,000 rows padded to a 20,000-column name would be 40 MB.
    assert!(stdout.len() < 1_000_000, "{} bytes of card", stdout.len());
    let cut = format!("  {}…  x", "N".repeat(31));
    assert!(stdout.lines().any(|line| line == cut), "{stdout:.2000}");
    assert!(
        stdout
            .lines()
            .any(|line| line == format!("  ORIGIN{}MMS_MT", " ".repeat(28))),
        "the value column sits after the capped name column: {stdout:.2000}"
    );
}

#[test]
fn a_timestamp_before_year_0000_in_utc_is_said_so_not_shown_as_a_negative_year() {
    let record = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
                  <TIMESTAMP>0000-01-01T00:00:00+01:00</TIMESTAMP></POSTBACK>";
    let (_, stdout, _) = run_with_stdin(&["inspect", "--color", "never"], record);
    assert!(
        stdout
            .lines()
            .any(|l| l == "  TIMESTAMP  0000-01-01T00:00:00+01:00  → before the year 0000 in UTC"),
        "{stdout}"
    );
    assert!(!stdout.contains("-001"), "{stdout}");
}

/// `postback ARGS` with `COLUMNS` set, as a terminal of that width would.
fn at_width(columns: &str, args: &[&str], stdin: &str) -> String {
    let out = postback()
        .env("COLUMNS", columns)
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .expect("postback runs");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Colour codes removed, to measure what a terminal shows.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn long_help_wraps_at_the_terminal_width_with_a_hanging_indent() {
    let capture = fixture_text("rules/bad-spid.xml");
    let out = at_width("40", &["inspect", "--color", "never"], &capture);
    let help: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("help:"))
        .take_while(|l| !l.trim_start().starts_with("TIMESTAMP"))
        .collect();
    assert!(help.len() > 1, "the help wraps: {out}");
    let hang = help[0].find("help: ").expect("a help line") + "help: ".len();
    for line in &help {
        assert!(line.chars().count() <= 40, "{line:?} in {out}");
    }
    for line in &help[1..] {
        assert_eq!(line.len() - line.trim_start().len(), hang, "{out}");
    }
    let words: Vec<&str> = help
        .iter()
        .flat_map(|l| l.split_whitespace())
        .skip(1)
        .collect();
    assert_eq!(
        words.join(" "),
        "an SPID is exactly 7 digits, leading zeros included, e.g. 0001470"
    );
    // Wide enough, it stays on one line.
    let wide = at_width("200", &["inspect", "--color", "never"], &capture);
    assert!(
        wide.contains("help: an SPID is exactly 7 digits, leading zeros included, e.g. 0001470\n")
    );
}

#[test]
fn snippets_fit_the_terminal_with_the_carets_under_the_bad_value() {
    let line = format!(
        "{}<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><SPID>1470</SPID></POSTBACK>{}\n",
        "x".repeat(200),
        "y".repeat(200)
    );
    for width in ["50", "80"] {
        let out = plain(&at_width(
            width,
            &["validate", "--color", "always", "--rule", "bad-spid"],
            &line,
        ));
        let lines: Vec<&str> = out.lines().collect();
        let source = lines
            .iter()
            .position(|l| l.contains("<SPID>"))
            .expect("a snippet");
        let width: usize = width.parse().unwrap();
        for l in &lines[1..] {
            assert!(
                l.chars().count() <= width,
                "{l:?} wider than {width}: {out}"
            );
        }
        let shown: Vec<char> = lines[source].chars().collect();
        let carets = lines[source + 1];
        let first = carets.find('^').expect("carets");
        let under: String = shown[first..first + "<SPID>1470</SPID>".len()]
            .iter()
            .collect();
        assert_eq!(under, "<SPID>1470</SPID>", "{out}");
        assert_eq!(
            carets.matches('^').count(),
            "<SPID>1470</SPID>".len(),
            "{out}"
        );
    }
}

#[test]
fn a_cut_off_record_still_shows_the_fields_read_before_the_cut() {
    let capture = "2014-07-02 body=<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
                   <STATUS>Message Sent/Delivered</STATUS><TO>1650";
    let (status, out, _) = run_with_stdin(&["inspect", "--color", "never"], capture);
    assert_eq!(status, 1, "{out}");
    assert!(out.starts_with("cut off · "), "{out}");
    assert!(
        out.contains("error[malformed-xml]: <POSTBACK> is never closed"),
        "{out}"
    );
    assert!(
        out.contains("\n  ORIGIN  SMS_MT\n  CODE    N202\n  STATUS  Message Sent/Delivered"),
        "{out}"
    );
    assert!(
        !out.contains("  TO "),
        "the cut field is not shown as read: {out}"
    );
    // A record broken inside but closed is not cut off: no fields are guessed.
    let (_, broken, _) = run(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider/n201.xml",
    ]);
    assert!(broken.starts_with("not well-formed · "), "{broken}");
}
