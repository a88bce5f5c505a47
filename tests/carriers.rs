//! `postback carriers`: SPID, country or carrier name to rows of the carrier table.

mod common;

use common::run;

#[test]
fn an_spid_matches_exactly() {
    let (status, out, _) = run(&["carriers", "--color", "never", "0001470"]);
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "SPID     COUNTRY        CARRIER\n0001470  United States  AT&T\n"
    );
}

#[test]
fn an_spid_may_drop_its_leading_zeros() {
    let (_, short, _) = run(&["carriers", "--color", "never", "1470"]);
    let (_, full, _) = run(&["carriers", "--color", "never", "0001470"]);
    assert_eq!(short, full);
}

#[test]
fn an_spid_with_two_rows_shows_both() {
    let (status, out, _) = run(&["carriers", "--color", "never", "0001100"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("spid_with_two_rows", out);
}

#[test]
fn names_match_any_case_substring_of_country_or_carrier() {
    let (status, out, _) = run(&["carriers", "--color", "never", "CANADA"]);
    assert_eq!(status, 0);
    assert!(out.lines().skip(1).all(|l| l.contains("Canada")), "{out}");
    insta::assert_snapshot!("canada", out);
    let (status, out, _) = run(&["carriers", "--color", "never", "at&t"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("at_and_t", out);
}

#[test]
fn no_query_lists_the_whole_table() {
    let (status, out, _) = run(&["carriers", "--color", "never"]);
    assert_eq!(status, 0);
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/carriers.tsv"))
        .expect("the carrier table");
    let rows = table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    // The operator-id list adds the 59 SPIDs the carrier table lacks.
    assert_eq!(out.lines().count(), 1 + rows + 59);
    assert!(out.starts_with("SPID     COUNTRY"), "{out}");
}

#[test]
fn no_match_fails_with_a_message_on_stderr() {
    let (status, out, stderr) = run(&["carriers", "no such carrier"]);
    assert_eq!(status, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        stderr.starts_with("postback: no carrier matches \"no such carrier\"\n"),
        "{stderr}"
    );
}

#[test]
fn a_hostile_query_is_echoed_escaped() {
    let (status, _, stderr) = run(&["carriers", "\u{1b}[2J\u{202e}"]);
    assert_eq!(status, 1);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\e[2J\\u{202e}"), "{stderr}");
}

#[test]
fn colour_only_when_asked() {
    let (_, plain, _) = run(&["carriers", "0001470"]);
    assert!(!plain.contains('\u{1b}'));
    let (_, coloured, _) = run(&["carriers", "--color", "always", "0001470"]);
    assert!(coloured.contains("\u{1b}["));
}
