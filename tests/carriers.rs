//! `postback carriers`: SPID, country or carrier name to rows of the carrier table.

mod common;

use common::run;

#[test]
fn an_spid_matches_exactly() {
    let (status, out, _) = run(&[
        "carriers", "--format", "table", "--color", "never", "0001470",
    ]);
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "SPID     COUNTRY        CARRIER\n0001470  United States  AT&T\n"
    );
}

#[test]
fn an_spid_may_drop_its_leading_zeros() {
    let (_, short, _) = run(&["carriers", "--format", "table", "--color", "never", "1470"]);
    let (_, full, _) = run(&[
        "carriers", "--format", "table", "--color", "never", "0001470",
    ]);
    assert_eq!(short, full);
}

#[test]
fn an_spid_with_two_rows_shows_both() {
    let (status, out, _) = run(&[
        "carriers", "--format", "table", "--color", "never", "0001100",
    ]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("spid_with_two_rows", out);
}

#[test]
fn names_match_any_case_substring_of_country_or_carrier() {
    let (status, out, _) = run(&[
        "carriers", "--format", "table", "--color", "never", "CANADA",
    ]);
    assert_eq!(status, 0);
    assert!(out.lines().skip(1).all(|l| l.contains("Canada")), "{out}");
    insta::assert_snapshot!("canada", out);
    let (status, out, _) = run(&["carriers", "--format", "table", "--color", "never", "at&t"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("at_and_t", out);
}

#[test]
fn no_query_lists_the_whole_table() {
    let (status, out, _) = run(&["carriers", "--format", "table", "--color", "never"]);
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
    let (_, coloured, _) = run(&[
        "carriers", "--format", "table", "--color", "always", "0001470",
    ]);
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn piped_output_is_tsv_and_json_on_request() {
    let (status, out, _) = run(&["carriers", "0001470"]);
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "spid\tcountry\tcarrier\n0001470\tUnited States\tAT&T\n"
    );
    let (_, json, _) = run(&["carriers", "--format", "json", "0001470"]);
    assert_eq!(
        json,
        "[{\"spid\":\"0001470\",\"country\":\"United States\",\"carrier\":\"AT&T\"}]\n"
    );
}

#[test]
fn names_ignore_case_spaces_and_punctuation_from_a_word_start() {
    let carriers = |query: &str| -> Vec<String> {
        let (status, out, _) = run(&["carriers", query]);
        assert_eq!(status, 0, "{query}");
        out.lines()
            .skip(1)
            .map(|l| l.split('\t').nth(2).unwrap_or_default().to_string())
            .collect()
    };
    let att = carriers("att");
    assert!(att.iter().any(|c| c == "AT&T"), "{att:?}");
    assert!(
        att.iter().all(|c| c.contains("AT&T")),
        "not Mattel: {att:?}"
    );
    let tmobile = carriers("tmobile");
    assert!(
        tmobile.len() > 3 && tmobile.iter().all(|c| c.contains("T-Mobile")),
        "{tmobile:?}"
    );
    assert_eq!(carriers("T mobile"), tmobile);
    assert_eq!(carriers("verizonwireless"), ["Verizon Wireless"]);
}

#[test]
fn country_codes_and_common_names_pick_that_country() {
    let countries = |query: &str| -> Vec<String> {
        let (status, out, _) = run(&["carriers", query]);
        assert_eq!(status, 0, "{query}");
        out.lines()
            .skip(1)
            .map(|l| l.split('\t').nth(1).unwrap_or_default().to_string())
            .collect()
    };
    for query in ["uk", "gb", "GB", "U.K."] {
        let found = countries(query);
        assert!(
            !found.is_empty() && found.iter().all(|c| c == "United Kingdom"),
            "{query}: {found:?}"
        );
    }
    let us = countries("us");
    assert!(us.len() > 50 && us.iter().all(|c| c == "United States"));
    assert!(countries("ca").iter().all(|c| c == "Canada"));
}
