//! `--code`, `--only`, `--tracking-id` and `--rule` choose what is shown,
//! never what is read: the summary still counts every postback and says how
//! many were filtered out.

mod common;

use common::{exec_stdin, fixture_text};

/// Five postbacks: an SMS N202 and an MMS N202 with errors, an N003 with a
/// warning, the provider's valid SMS N202 (TRACKINGID U01TXzgwNjc4) and a
/// record that is not XML.
fn capture() -> String {
    let sms_n202 =
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>SUCCESS</STATUS></POSTBACK>";
    let mms_n202 = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N202</CODE></POSTBACK>";
    let n003 =
        fixture_text("provider/n003.xml").replace("</POSTBACK>", "<NOTE>x</NOTE></POSTBACK>");
    let valid = fixture_text("provider/n202.xml");
    format!("{sms_n202}\n{mms_n202}\n{n003}\n{valid}\n<POSTBACK><A></POSTBACK>\n")
}

const TRACKING_ID: &str = "U01TXzgwNjc4";

#[test]
fn code_filters_by_code_and_origin() {
    let all = exec_stdin(&["convert", "--to", "ndjson"], capture());
    let n202 = exec_stdin(&["convert", "--to", "ndjson", "--code", "n202"], capture());
    assert_eq!(n202.lines().len(), 3, "{n202}");
    assert!(
        n202.stderr
            .contains("3 converted, 0 skipped, 0 rejected, 2 filtered out, from 1 input"),
        "{n202}"
    );
    let sms = exec_stdin(
        &["convert", "--to", "ndjson", "--code", "SMS_MT:N202"],
        capture(),
    );
    assert_eq!(sms.lines().len(), 2, "{sms}");
    assert!(!sms.stdout.contains(r#""ORIGIN":"MMS_MT""#), "{sms}");
    let two = exec_stdin(
        &[
            "convert",
            "--to",
            "ndjson",
            "--code",
            "N003",
            "--code",
            "mms_mt:n202",
        ],
        capture(),
    );
    assert_eq!(two.lines().len(), 2, "{two}");
    assert!(all.stderr.contains("1 rejected"), "{all}");
    assert!(!all.stderr.contains("filtered"), "{all}");
}

#[test]
fn only_picks_by_verdict_and_the_counts_still_add_up() {
    let errors = exec_stdin(
        &["inspect", "--color", "never", "--only", "errors"],
        capture(),
    );
    assert_eq!(errors.stdout.matches("\n  ✗ ").count(), 3, "{errors}");
    assert!(
        errors
            .stderr
            .starts_with("5 postbacks checked in 1 input: 0 valid, 3 with errors, "),
        "{errors}"
    );
    assert!(
        errors
            .stderr
            .contains("; 2 filtered out (1 SMS_MT:N202, 1 MMS_MT:N202, 1 not well-formed)"),
        "{errors}"
    );
    assert_eq!(errors.status, 1);
    let valid = exec_stdin(&["validate", "--only", "valid"], capture());
    // The N003's warning is shown; the errors of the others are not.
    assert_eq!(valid.status, 0, "{valid}");
    assert!(valid.stdout.contains("warning[unknown-field]"), "{valid}");
    assert!(!valid.stdout.contains("error["), "{valid}");
    assert!(
        valid.stderr.contains("5 postbacks checked in 1 input: 2 valid, 0 with errors, 1 with warnings; 3 filtered out"),
        "{valid}"
    );
    let warned = exec_stdin(
        &["convert", "--to", "ndjson", "--only", "warnings"],
        capture(),
    );
    assert_eq!(warned.lines().len(), 1, "{warned}");
    assert!(warned.stdout.contains(r#""CODE":"N003""#), "{warned}");
}

#[test]
fn tracking_id_shows_one_message() {
    let run = exec_stdin(
        &["inspect", "--color", "never", "--tracking-id", TRACKING_ID],
        capture(),
    );
    assert_eq!(run.status, 0, "{run}");
    assert!(run.stdout.contains(TRACKING_ID), "{run}");
    assert_eq!(run.stdout.matches("✓ valid").count(), 1, "one card: {run}");
    assert!(run.stderr.contains("; 4 filtered out"), "{run}");
}

#[test]
fn rule_shows_only_its_findings() {
    let run = exec_stdin(&["validate", "--rule", "malformed-xml"], capture());
    assert_eq!(run.lines().len(), 1, "{run}");
    assert!(run.stdout.contains("error[malformed-xml]"), "{run}");
    assert!(run.stderr.contains("; 4 filtered out"), "{run}");
    let typo = exec_stdin(&["validate", "--rule", "malformed-xlm"], capture());
    assert_eq!(typo.status, 2, "{typo}");
    assert!(
        typo.stderr.contains("did you mean malformed-xml?"),
        "{typo}"
    );
}

#[test]
fn a_code_filter_must_name_a_code() {
    let run = exec_stdin(&["validate", "--code", "SMS_MT:"], capture());
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("SMS_MT:N202"), "{run}");
}

#[test]
fn validate_says_when_no_postback_was_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.log");
    let noise = dir.path().join("noise.log");
    std::fs::write(&empty, "").expect("write");
    std::fs::write(&noise, "GET /health 200\nPOST /hook 204\n").expect("write");
    let paths = [empty.to_str().unwrap(), noise.to_str().unwrap()];
    let run = exec_stdin(&["validate", paths[0], paths[1]], "");
    assert_eq!(run.status, 0, "{run}");
    assert!(
        run.stderr
            .contains("postback: no postback found in 2 inputs"),
        "{run}"
    );
    let strict = exec_stdin(&["validate", "--strict", "-q", paths[0], paths[1]], "");
    assert_eq!(strict.status, 1, "{strict}");
    assert!(
        strict.stderr.contains("no postback found in 2 inputs"),
        "the exit status needs its reason: {strict}"
    );
}
