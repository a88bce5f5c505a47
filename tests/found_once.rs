//! Every postback in a capture is found exactly once, and the counts add up,
//! whatever breaks around it: a start tag cut off, a section left open, an
//! encoded start inside a value, a postback commented out, a log line that
//! looks like JSON and is not, a long JSON line, a form value with a quote.

mod common;

use common::*;

const P: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>";

/// `convert --to ndjson` of `input`: the objects written and the summary.
fn convert(input: impl Into<Vec<u8>>) -> (Run, Vec<serde_json::Value>) {
    let run = exec_stdin(&["convert", "--to", "ndjson"], input);
    let objects = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}{run}")))
        .collect();
    (run, objects)
}

fn summary(run: &Run) -> &str {
    run.stderr.lines().last().unwrap_or("")
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_start_tag_cut_off_in_an_attribute_costs_one_finding_not_the_records_after() {
    let input = format!("<POSTBACK id=\"trunc\n{P}\n{P}\n{P}\n");
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 3, "{run}");
    assert_eq!(
        summary(&run),
        "3 converted, 0 skipped, 1 rejected, from 1 input"
    );
    assert!(
        run.stderr.contains("<stdin>:1:1: error[malformed-xml]"),
        "{run}"
    );
}

#[test]
fn a_start_tag_cut_off_before_twenty_thousand_postbacks_loses_none() {
    let mut input = String::from("<POSTBACK id=\"trunc\n");
    for _ in 0..20_000 {
        input.push_str(P);
        input.push('\n');
    }
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 20_000, "{}", summary(&run));
    assert_eq!(
        summary(&run),
        "20000 converted, 0 skipped, 1 rejected, from 1 input"
    );
}

#[test]
fn an_unclosed_cdata_comment_or_instruction_in_a_record_ends_it_at_the_next_postback() {
    for opener in ["<![CDATA[", "<!--", "<?pi"] {
        let mut input = format!("<POSTBACK><STATUSDETAILS>{opener}x\n");
        for _ in 0..20_000 {
            input.push_str(P);
            input.push('\n');
        }
        let (run, objects) = convert(input);
        assert_eq!(objects.len(), 20_000, "{opener}: {}", summary(&run));
        assert_eq!(
            summary(&run),
            "20000 converted, 0 skipped, 1 rejected, from 1 input",
            "{opener}"
        );
    }
}

#[test]
fn a_cdata_section_that_closes_may_hold_postback_tags_as_text() {
    let input = format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>2</MMSID>\
         <STATUSDETAILS><![CDATA[echo {P}]]></STATUSDETAILS></POSTBACK>\n{P}\n"
    );
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 2, "{run}");
    assert_eq!(objects[0]["STATUSDETAILS"], format!("echo {P}"));
}

#[test]
fn a_postback_after_a_record_in_the_same_json_string_is_converted_once() {
    let input = format!("msg=\"{P} \\u003cPOSTBACK/>\"\n");
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 2, "{run}");
    assert_eq!(objects[0]["MMSID"], "1");
    assert_eq!(objects[1], serde_json::json!({}));
    assert_eq!(
        summary(&run),
        "2 converted, 0 skipped, 0 rejected, from 1 input"
    );
}

#[test]
fn a_form_encoded_postback_right_after_a_plain_one_is_converted_once() {
    let second = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>2</MMSID></POSTBACK>";
    let input = format!("xml={P}{}\n", form_encode(second));
    let (run, objects) = convert(input);
    let ids: Vec<_> = objects.iter().map(|o| o["MMSID"].clone()).collect();
    assert_eq!(ids, ["1", "2"], "{run}");
}

#[test]
fn json_lines_with_more_than_64_kib_before_the_body_are_read() {
    let pad = "x".repeat(70_000);
    let body = serde_json::to_string(P).unwrap();
    let escaped = body.replace('<', "\\u003c");
    let input = format!(
        "{{\"pad\":\"{pad}\",\"body\":{escaped}}}\n{{\"pad\":\"{pad}\",\"body\":{}}}\n",
        body.replace("MMSID>1", "MMSID>2")
    );
    let (run, objects) = convert(input);
    let ids: Vec<_> = objects.iter().map(|o| o["MMSID"].clone()).collect();
    assert_eq!(ids, ["1", "2"], "{run}");
    assert_eq!(
        summary(&run),
        "2 converted, 0 skipped, 0 rejected, from 1 input"
    );
}

#[test]
fn postbacks_inside_comments_or_cdata_outside_records_are_text() {
    for input in [
        format!("<W><!-- {P} --></W>\n"),
        format!("<W><![CDATA[ {P} ]]></W>\n"),
        format!("<W>\n<!--\n{P}\n{P}\n-->\n</W>\n"),
    ] {
        let (run, objects) = convert(input.clone());
        assert_eq!(objects.len(), 0, "{input}{run}");
        assert_eq!(
            summary(&run),
            "0 converted, 0 skipped, 0 rejected, from 1 input"
        );
    }
    // A comment that never closes hides nothing: it is broken, not a comment.
    let (run, objects) = convert(format!("<W><!-- broken {P} {P}\n"));
    assert_eq!(objects.len(), 2, "{run}");
    // Nor does one that closes only past the record size limit.
    let far = format!("<!-- {P}\n{}-->\n", "x".repeat(2000));
    let run = exec_stdin(&["validate", "--max-record-size", "1000"], far);
    assert!(run.stderr.starts_with("1 postback checked"), "{run}");
}

#[test]
fn encoded_starts_and_instructions_inside_values_do_not_break_records() {
    let values = [
        "<STATUSDETAILS>q=%3cpostback</STATUSDETAILS>",
        "<STATUSDETAILS>q=%3CPOSTBACK%3E</STATUSDETAILS>",
        "<STATUSDETAILS>a \\u003cPOSTBACK b</STATUSDETAILS>",
        "<?pi </POSTBACK>?>",
    ];
    for value in values {
        let input = format!(
            "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID>{value}</POSTBACK>\n"
        );
        let run = exec_stdin(&["validate"], input);
        assert!(!run.stdout.contains("malformed-xml"), "{value}{run}");
        assert!(run.stderr.starts_with("1 postback checked"), "{value}{run}");
    }
}

#[test]
fn an_unclosed_record_ends_at_an_encoded_start_when_no_end_tag_comes() {
    let form = form_encode(P);
    let input = format!("<POSTBACK><A>cut off\nxml={form}\n");
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(
        summary(&run),
        "1 converted, 0 skipped, 1 rejected, from 1 input"
    );
}

#[test]
fn a_log_line_in_brackets_is_not_taken_for_json() {
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID>\
                  <STATUSDETAILS>C:\\temp\\new</STATUSDETAILS></POSTBACK>";
    let input = format!("[2024-05-01 10:00:00] INFO body=\"{record}\"\n");
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(objects[0]["STATUSDETAILS"], "C:\\temp\\new");

    let input = format!("[2024-05-01 10:00:00] INFO ua=\"5\\\" body={P}\n");
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(
        summary(&run),
        "1 converted, 0 skipped, 0 rejected, from 1 input"
    );
    // A real JSON array line still is one.
    let input = format!(
        "[{}]\n",
        serde_json::to_string(P).unwrap().replace("1<", "3<")
    );
    let (run, objects) = convert(input);
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(objects[0]["MMSID"], "3");
}

#[test]
fn a_form_value_keeps_the_quotes_encode_uri_component_leaves_raw() {
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID>\
                  <STATUSDETAILS>can't \"x\"</STATUSDETAILS></POSTBACK>";
    let encoded = form_encode(record).replace("%27", "'");
    let (run, objects) = convert(format!("xml={encoded}\n"));
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(objects[0]["STATUSDETAILS"], "can't \"x\"");
    // A quote that opened the value still closes it.
    let (run, objects) = convert(format!("body='xml={}' next\n", form_encode(P)));
    assert_eq!(objects.len(), 1, "{run}");
    assert_eq!(
        summary(&run),
        "1 converted, 0 skipped, 0 rejected, from 1 input"
    );
}
