//! `postback sample`: what it prints is what `validate` accepts, and edits
//! break exactly what they name.

mod common;

use common::{exec, exec_stdin, json_findings};

/// Every sample of a dialect's table validates with no finding at all.
fn all_samples_validate(dialect: &str, validate: &[&str], record_start: &str) {
    let samples = exec(&["sample", "--all", "--dialect", dialect]);
    assert_eq!(samples.status, 0, "{samples}");
    let n = samples.stdout.matches(record_start).count();
    assert!(n > 5, "{samples}");
    let checked = exec_stdin(validate, samples.stdout.clone());
    assert_eq!(checked.status, 0, "{checked}{samples}");
    assert_eq!(checked.stdout, "", "{checked}");
    let summary = format!("{n} postbacks checked in 1 input: {n} valid");
    assert!(checked.stderr.starts_with(&summary), "{checked}");
}

#[test]
fn every_v1_sample_passes_validate() {
    all_samples_validate("v1", &["validate", "--strict"], "<POSTBACK>");
}

#[test]
fn every_lower_sample_passes_validate() {
    all_samples_validate(
        "lower",
        &["validate", "--strict", "--dialect", "lower"],
        "<postback>",
    );
}

#[test]
fn every_v2_sample_passes_validate() {
    all_samples_validate(
        "v2",
        &["validate", "--strict", "--dialect", "v2"],
        "{\"origin\"",
    );
}

fn tracking_ids(xml: &str) -> Vec<&str> {
    xml.lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("<TRACKINGID>")?
                .strip_suffix("</TRACKINGID>")
        })
        .collect()
}

#[test]
fn a_lifecycle_is_a_sent_and_a_final_postback_of_one_message() {
    let run = exec(&["sample", "--lifecycle", "N101", "--count", "2"]);
    assert_eq!(run.status, 0, "{run}");
    let codes: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<CODE>")?.strip_suffix("</CODE>"))
        .collect();
    assert_eq!(codes, ["N101", "N102", "N101", "N102"]);
    let ids = tracking_ids(&run.stdout);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[2], ids[3]);
    assert_ne!(ids[0], ids[2]);
    assert_eq!(
        exec_stdin(&["validate", "--strict"], run.stdout.clone()).status,
        0
    );
}

#[test]
fn count_varies_the_tracking_ids() {
    let run = exec(&["sample", "N201", "--count", "5"]);
    let mut ids = tracking_ids(&run.stdout);
    assert_eq!(ids.len(), 5);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5, "{run}");
}

#[test]
fn set_and_unset_make_the_findings_they_name() {
    let run = exec(&[
        "sample",
        "N202",
        "--origin",
        "SMS_MT",
        "--set",
        "STATUS=Delivered",
        "--unset",
        "AGGREGATORID",
    ]);
    assert_eq!(run.status, 0, "{run}");
    let checked = exec_stdin(&["validate", "--format", "json"], run.stdout.clone());
    assert_eq!(checked.status, 1, "{checked}");
    let mut rules: Vec<String> = json_findings(&checked)
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["field"].as_str().unwrap()
            )
        })
        .collect();
    rules.sort();
    assert_eq!(rules, ["bad-status STATUS", "missing-field AGGREGATORID"]);
}

#[test]
fn a_code_without_a_field_set_is_refused_with_the_ones_that_have_one() {
    let run = exec(&["sample", "E003"]);
    assert_eq!(run.status, 2, "{run}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("MMS_MT E003 has no documented field set"),
        "{run}"
    );
    assert!(run.stderr.contains("SMS_MT:N201"), "{run}");
    let run = exec(&["sample", "N202"]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("pick one with --origin"), "{run}");
    assert_eq!(exec(&["sample", "mms_mt:n202"]).status, 0);
    assert_eq!(exec(&["sample", "X123"]).status, 2);
    assert_eq!(exec(&["sample", "N201", "--set", "novalue"]).status, 2);
}
