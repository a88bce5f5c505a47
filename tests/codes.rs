//! `postback codes`: every documented (ORIGIN, CODE) pair, or one code's field set.

mod common;

use common::run;

#[test]
fn the_table_lists_every_documented_pair() {
    let (status, out, stderr) = run(&["codes", "--format", "table", "--color", "never"]);
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
    let (_, out, _) = run(&["codes", "--format", "table", "--color", "never"]);
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
    let (_, coloured, _) = run(&["codes", "--format", "table", "--color", "always"]);
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn piped_output_is_tsv_so_cut_works() {
    let (status, out, _) = run(&["codes"]);
    assert_eq!(status, 0);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("origin\tcode\tfield_set\tmeaning"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 36, "{out}");
    assert!(rows.iter().all(|r| r.len() == 4), "{out}");
    assert!(
        rows.contains(&vec![
            "SMS_MT",
            "N202",
            "seed",
            "SMS delivered to the handset"
        ]),
        "{out}"
    );
    assert!(rows
        .iter()
        .all(|r| ["seed", "reference", "later", "none"].contains(&r[2])));
    let (_, table, _) = run(&["codes", "--format", "table"]);
    assert!(table.starts_with("ORIGIN  "), "{table}");
}

#[test]
fn json_lists_every_row_and_a_code_its_field_sets() {
    let (status, out, _) = run(&["codes", "--format", "json"]);
    assert_eq!(status, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    assert_eq!(rows.len(), 36);
    assert_eq!(rows[0]["code"], "N201");
    assert_eq!(rows[0]["field_set"], "seed");

    let (status, out, _) = run(&["codes", "--format", "json", "--dialect", "v1", "N102"]);
    assert_eq!(status, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    let sets = &rows[0]["dialects"][0]["field_sets"];
    let sentas: Vec<&str> = sets
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sentas"].as_str().unwrap())
        .collect();
    assert_eq!(sentas, ["MMS", "SMS"], "{out}");
    assert!(
        sets[0]["fields"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "MMSID", "presence": "required"})),
        "{out}"
    );
}

#[test]
fn tsv_of_a_code_is_one_field_a_line() {
    let (status, out, _) = run(&["codes", "--format", "tsv", "--dialect", "v2", "N201"]);
    assert_eq!(status, 0);
    assert!(out.starts_with("origin\tcode\tdialect\tsentas\tfield\tpresence\n"));
    assert!(
        out.contains("SMS_MT\tN201\tv2\t\ttracking-id\trequired\n"),
        "{out}"
    );
    // Without --format, a code's field sets stay words even through a pipe.
    let (_, words, _) = run(&["codes", "N201"]);
    assert!(words.starts_with("N201 SMS_MT · "), "{words}");
}

#[test]
fn a_number_alone_finds_the_code_under_each_letter() {
    let (status, out, _) = run(&["codes", "--color", "never", "202"]);
    assert_eq!(status, 0);
    for head in ["N202 SMS_MT · ", "N202 MMS_MT · ", "E202 "] {
        assert!(out.contains(head), "{head}: {out}");
    }
}

#[test]
fn suggestions_keep_the_letter_and_family_typed() {
    let (status, _, stderr) = run(&["codes", "N209"]);
    assert_eq!(status, 1);
    let hint = stderr.lines().nth(1).unwrap_or_default();
    assert!(hint.contains("N202") && hint.contains("N201"), "{stderr}");
    assert!(!hint.contains("E20") && !hint.contains("N1"), "{stderr}");
    let (_, _, stderr) = run(&["codes", "E109"]);
    let hint = stderr.lines().nth(1).unwrap_or_default();
    assert!(hint.contains("E10") && !hint.contains("N10"), "{stderr}");
}
