//! `postback codes`: every documented (ORIGIN, CODE) pair, or one code's field set.

mod common;

use common::run;

#[test]
fn the_table_lists_every_documented_pair() {
    let (status, out, stderr) = run(&["codes", "--color", "never"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        out.lines().count(),
        1 + 36,
        "a header and one row per codes.tsv row"
    );
    insta::assert_snapshot!("table", out);
}

#[test]
fn the_table_tells_an_origin_apart() {
    let (_, out, _) = run(&["codes", "--color", "never"]);
    let n202: Vec<&str> = out.lines().filter(|l| l.contains(" N202 ")).collect();
    assert_eq!(n202.len(), 2, "{out}");
    assert!(n202[0].starts_with("SMS_MT") && n202[0].ends_with("SMS delivered to the handset"));
    assert!(n202[1].starts_with("MMS_MT") && n202[1].contains("fallback SMS"));
}

#[test]
fn a_code_shows_its_field_sets_per_variant() {
    let (status, out, _) = run(&["codes", "--color", "never", "N102"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("n102", out);
}

#[test]
fn a_code_may_be_given_in_lower_case_or_with_its_origin() {
    let (_, upper, _) = run(&["codes", "--color", "never", "N102"]);
    let (_, lower, _) = run(&["codes", "--color", "never", "n102"]);
    assert_eq!(upper, lower);
    let (status, out, _) = run(&["codes", "--color", "never", "mms_mt:n202"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("mms_mt_n202", out);
    let (_, both, _) = run(&["codes", "--color", "never", "N202"]);
    assert!(
        both.contains("N202 SMS_MT · ") && both.contains("N202 MMS_MT · "),
        "{both}"
    );
}

#[test]
fn reference_and_undocumented_field_sets_say_so() {
    let (status, out, _) = run(&["codes", "--color", "never", "N801"]);
    assert_eq!(status, 0);
    assert!(out.contains("other pages"), "{out}");
    assert!(
        out.contains("STATUSCODE; there is no CODE element"),
        "{out}"
    );
    let (_, out, _) = run(&["codes", "--color", "never", "E002"]);
    assert!(out.contains("one of     AUDIONAME, VIDEONAME"), "{out}");
    let (status, out, _) = run(&["codes", "--color", "never", "E003"]);
    assert_eq!(status, 0);
    assert!(out.contains("no field set is documented"), "{out}");
}

#[test]
fn an_unknown_code_fails_with_near_codes() {
    let (status, out, stderr) = run(&["codes", "N999"]);
    assert_eq!(status, 1);
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        stderr,
        "postback: N999 is not a documented code\nhint: did you mean E999? `postback codes` lists them all\n"
    );
    let (status, _, stderr) = run(&["codes", "N10"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("`postback codes` lists every documented code"),
        "{stderr}"
    );
}

#[test]
fn a_code_under_the_wrong_origin_names_the_right_one() {
    let (status, _, stderr) = run(&["codes", "SMS_MT:N101"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("N101 is not documented under ORIGIN SMS_MT"),
        "{stderr}"
    );
    assert!(stderr.contains("MMS_MT:N101"), "{stderr}");
}

#[test]
fn colour_only_when_asked() {
    let (_, plain, _) = run(&["codes"]);
    assert!(!plain.contains('\u{1b}'), "a pipe gets no colour");
    let (_, coloured, _) = run(&["codes", "--color", "always"]);
    assert!(coloured.contains("\u{1b}["));
}
