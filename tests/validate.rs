//! `postback validate` end to end: the provider's examples, one test per rule
//! id of FIELDS.md (with the location CLI.md says each finding points at),
//! exit statuses, the JSON format and the summary.

mod common;

use common::*;

/// Asserts the findings of a run, as `PATH:LINE:COLUMN: SEVERITY[RULE]`
/// prefixes, in order, and nothing else on stdout.
#[track_caller]
fn assert_findings(run: &Run, expected: &[&str]) {
    assert_eq!(prefixes(run), expected, "{run}");
}

fn rule_fixture(name: &str) -> String {
    format!("tests/fixtures/rules/{name}.xml")
}

/// Validates a rule fixture quietly.
fn validate_rule(name: &str) -> Run {
    exec(&["validate", "-q", &rule_fixture(name)])
}

// The provider's examples (FIELDS.md, "How the source page's own slips are resolved").

#[test]
fn provider_n201_example_is_one_malformed_xml_error_at_the_unclosed_from_mask() {
    let run = exec(&["validate", "tests/fixtures/provider/n201.xml"]);
    assert_eq!(
        run.lines(),
        ["tests/fixtures/provider/n201.xml:7:14: error[malformed-xml]: <FROM_MASK> is never closed: </POSTBACK> comes first"],
        "{run}"
    );
    assert_eq!(run.status, 1, "{run}");
}

#[test]
fn provider_n201_example_shows_snippet_and_help_with_color_always() {
    let run = exec(&[
        "--color",
        "always",
        "validate",
        "tests/fixtures/provider/n201.xml",
    ]);
    let plain = strip_ansi(&run.stdout);
    let lines: Vec<&str> = plain.lines().collect();
    assert!(
        lines[0].starts_with("tests/fixtures/provider/n201.xml:7:14: error[malformed-xml]: "),
        "{run}"
    );
    assert_eq!(lines[2], "7 |   <FROM_MASK><FROM_MASK>", "{run}");
    assert_eq!(
        lines[3], "  |              ^^^^^^^^^^^",
        "carets under <FROM_MASK> from column 14{run}"
    );
    assert_eq!(
        lines[4], "  = help: write <FROM_MASK></FROM_MASK> or <FROM_MASK/>",
        "{run}"
    );
    assert_eq!(lines.len(), 5, "one finding only{run}");
    assert!(run.stdout.contains('\x1b'), "coloured{run}");
}

#[test]
fn every_other_provider_example_is_valid_with_no_output() {
    for example in PROVIDER_EXAMPLES
        .iter()
        .filter(|e| !e.ends_with("n201.xml"))
    {
        let path = format!("tests/fixtures/{example}");
        let run = exec(&["validate", &path]);
        assert_eq!(run.stdout, "", "{example} has findings{run}");
        assert_eq!(run.status, 0, "{example}{run}");
        assert!(
            run.stderr
                .contains("1 postback checked in 1 input: 1 valid, 0 with errors, 0 with warnings"),
            "{run}"
        );
    }
}

#[test]
fn all_nine_provider_examples_in_one_stream_give_exactly_one_finding() {
    let mut stream = String::new();
    let mut n201_line = 0;
    for example in PROVIDER_EXAMPLES {
        if example.ends_with("n201.xml") {
            n201_line = stream.lines().count() + 7;
        }
        stream.push_str(&fixture_text(example));
    }
    let run = exec_stdin(&["validate"], stream);
    assert_findings(
        &run,
        &[&format!("<stdin>:{n201_line}:14: error[malformed-xml]")],
    );
    assert_eq!(run.status, 1, "{run}");
    assert!(
        run.stderr
            .contains("9 postbacks checked in 1 input: 8 valid, 1 with errors, 0 with warnings"),
        "{run}"
    );
}

#[test]
fn provider_examples_as_a_directory_are_read_in_path_order() {
    let run = exec(&["validate", "-q", "tests/fixtures/provider"]);
    assert_findings(
        &run,
        &["tests/fixtures/provider/n201.xml:7:14: error[malformed-xml]"],
    );
}

// One test per rule id (FIELDS.md sections 2 and 3), at the place CLI.md
// "Where a finding points" names.

#[test]
fn malformed_xml_points_at_the_element_left_open() {
    let run = validate_rule("malformed-xml");
    assert_findings(
        &run,
        &["tests/fixtures/rules/malformed-xml.xml:5:3: error[malformed-xml]"],
    );
    assert!(
        run.stdout
            .contains("<STATUS> is never closed: </STATUSS> comes first"),
        "{run}"
    );
    assert_eq!(run.status, 1);
}

#[test]
fn oversized_record_is_reported_at_its_start_and_reading_goes_on() {
    let path = rule_fixture("oversized-record");
    let run = exec(&["validate", "-q", "--max-record-size", "512", &path]);
    assert_findings(
        &run,
        &[
            "tests/fixtures/rules/oversized-record.xml:2:1: error[oversized-record]",
            "tests/fixtures/rules/oversized-record.xml:17:3: error[bad-mmsid]",
        ],
    );
    assert!(run.stdout.contains("larger than 512 bytes"), "{run}");
    // Under the default limit the same record is read and checked.
    let run = exec(&["validate", "-q", &path]);
    assert_findings(
        &run,
        &["tests/fixtures/rules/oversized-record.xml:17:3: error[bad-mmsid]"],
    );
}

#[test]
fn missing_field_points_at_the_postback_start_tag() {
    let run = validate_rule("missing-field");
    assert_findings(
        &run,
        &["tests/fixtures/rules/missing-field.xml:2:1: error[missing-field]"],
    );
    assert!(run.stdout.ends_with("N201 requires TIMESTAMP\n"), "{run}");
}

#[test]
fn empty_field_points_at_the_empty_element() {
    let run = validate_rule("empty-field");
    assert_findings(
        &run,
        &["tests/fixtures/rules/empty-field.xml:5:3: error[empty-field]"],
    );
}

#[test]
fn empty_from_mask_is_allowed() {
    // The provider's N202 example carries <FROM_MASK></FROM_MASK>.
    let run = exec(&["validate", "tests/fixtures/provider/n202.xml"]);
    assert_eq!(run.stdout, "", "{run}");
}

#[test]
fn duplicate_field_points_at_the_second_occurrence() {
    let run = validate_rule("duplicate-field");
    assert_findings(
        &run,
        &["tests/fixtures/rules/duplicate-field.xml:8:3: error[duplicate-field]"],
    );
}

#[test]
fn unexpected_field_is_a_warning_naming_the_codes_that_carry_it() {
    let run = exec(&[
        "--color",
        "always",
        "validate",
        "-q",
        &rule_fixture("unexpected-field"),
    ]);
    let plain = strip_ansi(&run.stdout);
    assert!(
        plain.starts_with("tests/fixtures/rules/unexpected-field.xml:11:3: warning[unexpected-field]: N201 does not carry HANDSET"),
        "{run}"
    );
    assert!(
        plain.contains("= help: HANDSET is documented for N102"),
        "{run}"
    );
    assert_eq!(run.status, 0, "a warning alone passes{run}");
}

#[test]
fn unknown_field_suggests_the_nearest_known_name() {
    let run = exec(&[
        "--color",
        "never",
        "validate",
        "-q",
        &rule_fixture("unknown-field"),
    ]);
    assert_findings(
        &run,
        &[
            "tests/fixtures/rules/unknown-field.xml:2:1: error[missing-field]",
            "tests/fixtures/rules/unknown-field.xml:5:3: warning[unknown-field]",
        ],
    );
    let run = exec(&[
        "--color",
        "always",
        "validate",
        "-q",
        &rule_fixture("unknown-field"),
    ]);
    assert!(
        strip_ansi(&run.stdout).contains("= help: did you mean STATUS?"),
        "{run}"
    );
}

#[test]
fn unknown_code_points_at_code_and_stops_field_set_findings() {
    let run = validate_rule("unknown-code");
    assert_findings(
        &run,
        &["tests/fixtures/rules/unknown-code.xml:4:3: error[unknown-code]"],
    );
}

#[test]
fn origin_mismatch_is_one_finding_naming_both_origins_with_no_cascade() {
    // An MMS N101 field set under ORIGIN SMS_MT: SENTAS and MMSID would be
    // unexpected for an SMS, yet nothing but the mismatch is reported.
    let run = validate_rule("origin-mismatch");
    assert_eq!(
        run.lines(),
        ["tests/fixtures/rules/origin-mismatch.xml:4:3: error[origin-mismatch]: N101 is documented for MMS_MT, not SMS_MT"],
        "{run}"
    );
    assert_eq!(run.status, 1);
}

#[test]
fn undocumented_code_is_a_warning_at_code_and_only_values_are_checked() {
    let run = validate_rule("undocumented-code");
    assert_findings(
        &run,
        &["tests/fixtures/rules/undocumented-code.xml:4:3: warning[undocumented-code]"],
    );
    assert_eq!(run.status, 0, "{run}");
    // Value formats still apply to the fields it has.
    let text = fixture_text("rules/undocumented-code.xml").replace("35674", "0");
    let run = exec_stdin(&["validate", "-q"], text);
    assert_findings(
        &run,
        &[
            "<stdin>:4:3: warning[undocumented-code]",
            "<stdin>:5:3: error[bad-mmsid]",
        ],
    );
}

#[test]
fn nested_element_points_at_the_field_holding_it() {
    let run = validate_rule("nested-element");
    assert_findings(
        &run,
        &["tests/fixtures/rules/nested-element.xml:11:3: error[nested-element]"],
    );
}

#[test]
fn nested_elements_are_allowed_in_n401_content() {
    let n401 = "<POSTBACK><ORIGIN>MMS_MO</ORIGIN><CODE>N401</CODE><FROM>16503333058</FROM>\
        <TO>60856</TO><TRACKINGID>x</TRACKINGID><SPID>0001470</SPID>\
        <TIMESTAMP>2014-07-02T14:32:23-04:00</TIMESTAMP>\
        <CONTENT><FILE>https://example.com/a.jpg</FILE><FILE>https://example.com/b.txt</FILE></CONTENT>\
        </POSTBACK>";
    let run = exec_stdin(&["validate"], n401);
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(run.status, 0, "{run}");
}

#[test]
fn attribute_is_a_warning_at_the_element_carrying_it() {
    let run = validate_rule("attribute");
    assert_findings(
        &run,
        &["tests/fixtures/rules/attribute.xml:7:3: warning[attribute]"],
    );
    assert_eq!(run.status, 0);
}

#[test]
fn doctype_points_at_the_doctype_and_refuses_the_document() {
    let run = validate_rule("doctype");
    assert_findings(
        &run,
        &["tests/fixtures/rules/doctype.xml:2:1: error[doctype]"],
    );
    assert_eq!(run.status, 1);
}

#[test]
fn bad_timestamp_points_at_timestamp() {
    let run = validate_rule("bad-timestamp");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-timestamp.xml:10:3: error[bad-timestamp]"],
    );
}

#[test]
fn bad_number_points_at_the_number() {
    let run = validate_rule("bad-number");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-number.xml:7:3: error[bad-number]"],
    );
}

#[test]
fn plus_prefix_is_a_warning_on_otherwise_valid_digits() {
    let run = validate_rule("plus-prefix");
    assert_findings(
        &run,
        &["tests/fixtures/rules/plus-prefix.xml:7:3: warning[plus-prefix]"],
    );
    assert_eq!(run.status, 0);
}

#[test]
fn bad_sender_id_is_a_warning_on_a_long_from_mask() {
    let run = validate_rule("bad-sender-id");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-sender-id.xml:7:3: warning[bad-sender-id]"],
    );
    assert_eq!(run.status, 0);
}

#[test]
fn bad_spid_points_at_spid() {
    let run = validate_rule("bad-spid");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-spid.xml:9:3: error[bad-spid]"],
    );
}

#[test]
fn spid_missing_from_the_carrier_table_is_no_finding() {
    // 0001140 is in the provider's own examples but not in carriers.tsv.
    let run = exec(&["validate", "tests/fixtures/provider/e101.xml"]);
    assert_eq!(run.stdout, "", "{run}");
}

#[test]
fn bad_mmsid_points_at_mmsid() {
    let run = validate_rule("bad-mmsid");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-mmsid.xml:5:3: error[bad-mmsid]"],
    );
}

#[test]
fn bad_integer_points_at_campaignid() {
    let run = validate_rule("bad-integer");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-integer.xml:6:3: error[bad-integer]"],
    );
}

#[test]
fn bad_sentas_points_at_sentas() {
    let run = validate_rule("bad-sentas");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-sentas.xml:5:3: error[bad-sentas]"],
    );
}

#[test]
fn bad_sentas_when_an_mms_n202_fallback_says_mms() {
    let run = validate_rule("bad-sentas-fallback");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-sentas-fallback.xml:5:3: error[bad-sentas]"],
    );
}

#[test]
fn bad_status_suggests_the_nearest_allowed_value() {
    let run = exec(&[
        "--color",
        "always",
        "validate",
        "-q",
        &rule_fixture("bad-status"),
    ]);
    let plain = strip_ansi(&run.stdout);
    assert!(
        plain.starts_with("tests/fixtures/rules/bad-status.xml:5:3: error[bad-status]: "),
        "{run}"
    );
    assert!(
        plain.contains("= help: did you mean \"Message Sent\"?"),
        "{run}"
    );
    // Nothing near: the help lists what the code allows.
    let text = fixture_text("rules/bad-status.xml").replace("Message sent", "Delivered");
    let run = exec_stdin(&["--color", "always", "validate", "-q"], text);
    assert!(
        strip_ansi(&run.stdout).contains("= help: allowed: \"Message Sent\", \"Message Failed\""),
        "{run}"
    );
}

#[test]
fn padded_value_is_a_warning_and_the_value_is_checked_trimmed() {
    let run = validate_rule("padded-value");
    assert_findings(
        &run,
        &["tests/fixtures/rules/padded-value.xml:8:3: warning[padded-value]"],
    );
    assert_eq!(run.status, 0);
}

#[test]
fn every_rule_id_has_a_fixture_that_triggers_it() {
    let rules = [
        "malformed-xml",
        "oversized-record",
        "missing-field",
        "empty-field",
        "duplicate-field",
        "unexpected-field",
        "unknown-field",
        "unknown-code",
        "origin-mismatch",
        "undocumented-code",
        "nested-element",
        "attribute",
        "doctype",
        "bad-timestamp",
        "bad-number",
        "plus-prefix",
        "bad-sender-id",
        "bad-spid",
        "bad-mmsid",
        "bad-integer",
        "bad-sentas",
        "bad-status",
        "padded-value",
    ];
    for rule in rules {
        let run = exec(&[
            "validate",
            "--format",
            "json",
            "--max-record-size",
            "512",
            &rule_fixture(rule),
        ]);
        let found: Vec<String> = json_findings(&run)
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        assert!(found.iter().any(|r| r == rule), "{rule} not found{run}");
    }
}

// Exit status (CLI.md "Exit status").

#[test]
fn exit_status_is_0_when_everything_is_valid() {
    let run = exec(&["validate", &rule_fixture("valid-n201")]);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
}

#[test]
fn warnings_alone_exit_0_and_strict_makes_them_exit_1() {
    let path = rule_fixture("plus-prefix");
    let run = exec(&["validate", &path]);
    assert_eq!(run.status, 0, "{run}");
    assert!(
        run.stderr
            .contains("1 valid, 0 with errors, 1 with warnings"),
        "{run}"
    );
    let run = exec(&["validate", "--strict", &path]);
    assert_eq!(run.status, 1, "{run}");
    assert!(
        run.stderr
            .contains("0 valid, 1 with errors, 1 with warnings"),
        "{run}"
    );
}

#[test]
fn an_error_exits_1() {
    assert_eq!(validate_rule("bad-spid").status, 1);
}

#[test]
fn a_missing_file_is_reported_on_stderr_the_rest_is_read_and_exit_is_2() {
    let run = exec(&[
        "validate",
        "tests/fixtures/rules/no-such-file.xml",
        &rule_fixture("bad-spid"),
    ]);
    assert_eq!(run.status, 2, "input trouble outranks findings{run}");
    assert_findings(
        &run,
        &["tests/fixtures/rules/bad-spid.xml:9:3: error[bad-spid]"],
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("no-such-file.xml"))
        .collect();
    assert_eq!(errors.len(), 1, "one line naming the path{run}");
    assert!(
        errors[0].starts_with("postback: tests/fixtures/rules/no-such-file.xml: "),
        "{run}"
    );
    assert!(run.stderr.contains("1 input could not be read"), "{run}");
}

#[test]
fn a_missing_file_alone_exits_2_even_with_quiet() {
    let run = exec(&["validate", "-q", "no-such-file.xml"]);
    assert_eq!(run.status, 2, "{run}");
    assert_eq!(run.stdout, "", "{run}");
    assert!(
        run.stderr.contains("no-such-file.xml"),
        "the error is not a summary{run}"
    );
}

#[test]
fn a_usage_error_exits_2() {
    let run = exec(&["validate", "--max-record-size", "lots", "x.xml"]);
    assert_eq!(run.status, 2, "{run}");
    let run = exec(&["validate", "--format", "yaml"]);
    assert_eq!(run.status, 2, "{run}");
}

// Output formats.

#[test]
fn human_lines_are_path_line_column_severity_rule_message() {
    let run = exec(&["validate", &rule_fixture("bad-timestamp")]);
    assert_eq!(
        run.lines(),
        ["tests/fixtures/rules/bad-timestamp.xml:10:3: error[bad-timestamp]: TIMESTAMP \"2013-02-30T05:41:08-05:00\" is not a valid date-time"],
        "{run}"
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal{run}"
    );
    assert!(
        !run.stdout.contains("help:"),
        "no snippet when stdout is not a terminal{run}"
    );
}

#[test]
fn json_format_has_exactly_the_documented_keys_and_nothing_else_on_stdout() {
    let run = exec(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/provider",
        "tests/fixtures/rules",
    ]);
    let findings = json_findings(&run);
    assert!(findings.len() > 20, "{run}");
    let keys = [
        "source", "line", "column", "offset", "severity", "rule", "code", "field", "message",
    ];
    for f in &findings {
        let obj = f.as_object().unwrap();
        let mut got: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want = keys.to_vec();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{f}");
        assert!(f["source"].is_string() && f["message"].is_string(), "{f}");
        assert!(
            f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1,
            "{f}"
        );
        assert!(f["offset"].is_u64(), "{f}");
        assert!(
            matches!(f["severity"].as_str(), Some("error" | "warning")),
            "{f}"
        );
        assert!(f["code"].is_string() || f["code"].is_null(), "{f}");
        assert!(f["field"].is_string() || f["field"].is_null(), "{f}");
    }
    // The summary stays on stderr.
    assert!(run.stderr.contains("postbacks checked"), "{run}");
}

#[test]
fn json_format_carries_code_and_field_or_null() {
    let run = exec(&["validate", "--format", "json", &rule_fixture("bad-spid")]);
    let f = &json_findings(&run)[0];
    assert_eq!(f["source"], "tests/fixtures/rules/bad-spid.xml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(9), Some(3))
    );
    assert_eq!(f["severity"], "error");
    assert_eq!(f["rule"], "bad-spid");
    assert_eq!(f["code"], "N201");
    assert_eq!(f["field"], "SPID");
    assert_eq!(f["message"], "SPID \"1470\" is not 7 digits");
    let text = fixture_text("rules/bad-spid.xml");
    let offset = f["offset"].as_u64().unwrap() as usize;
    assert!(
        text[offset..].starts_with("<SPID>"),
        "offset points at the start tag"
    );

    // A record that is not well-formed has no code or field to name.
    let run = exec(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/provider/n201.xml",
    ]);
    let f = &json_findings(&run)[0];
    assert!(f["code"].is_null() && f["field"].is_null(), "{f}");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(7), Some(14))
    );
}

#[test]
fn summary_goes_to_stderr_and_quiet_silences_it() {
    let path = rule_fixture("plus-prefix");
    let run = exec(&["validate", &path, "tests/fixtures/provider/n003.xml"]);
    assert_eq!(
        run.stderr.trim_end(),
        "2 postbacks checked in 2 inputs: 2 valid, 0 with errors, 1 with warnings",
        "{run}"
    );
    assert_eq!(run.lines().len(), 1, "{run}");
    let run = exec(&["validate", "-q", &path]);
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(run.lines().len(), 1, "findings still shown{run}");
    let run = exec(&["validate", "--quiet", "--format", "json", &path]);
    assert_eq!(run.stderr, "", "{run}");
}

#[test]
fn findings_of_one_postback_come_in_document_order() {
    let text = fixture_text("rules/valid-n201.xml")
        .replace("0001470", "1470")
        .replace("16503333058", "+16503333058")
        .replace("Message Sent", "Sent");
    let run = exec_stdin(&["validate", "-q"], text);
    assert_findings(
        &run,
        &[
            "<stdin>:5:3: error[bad-status]",
            "<stdin>:7:3: warning[plus-prefix]",
            "<stdin>:9:3: error[bad-spid]",
        ],
    );
}

/// Removes ANSI colour sequences (ESC [ ... m) from coloured output.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
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
fn namespace_and_schema_declarations_on_the_root_are_not_findings() {
    let declared = fixture_text("provider/n003.xml").replacen(
        "<POSTBACK>",
        r#"<POSTBACK xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="postback.xsd" xmlns="urn:x">"#,
        1,
    );
    let run = exec_stdin(&["validate"], declared.clone());
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(run.stdout, "", "{run}");
    let other = declared.replacen("<POSTBACK ", r#"<POSTBACK id="7" "#, 1);
    let run = exec_stdin(&["validate", "--color", "never"], other);
    assert!(run.stdout.contains("warning[attribute]"), "{run}");
    assert!(!run.stdout.contains("sends none"), "{run}");
}

#[test]
fn with_help_adds_the_help_after_message_and_leaves_the_other_keys() {
    let plain = exec(&["validate", "--format", "json", &rule_fixture("bad-spid")]);
    let run = exec(&[
        "validate",
        "--format",
        "json",
        "--with-help",
        &rule_fixture("bad-spid"),
    ]);
    assert_eq!(run.status, 1, "{run}");
    let f = &json_findings(&run)[0];
    let help = f["help"]
        .as_str()
        .unwrap_or_else(|| panic!("a help string: {run}"));
    assert!(help.contains("7 digits") || help.contains("zero"), "{help}");
    // The same object as without the flag, plus `help` as its last key.
    assert!(
        run.stdout.contains(r#","help":"#) && run.stdout.trim_end().ends_with("\"}"),
        "{run}"
    );
    let mut without = f.as_object().unwrap().clone();
    without.remove("help");
    assert_eq!(
        serde_json::Value::Object(without),
        json_findings(&plain)[0],
        "{run}"
    );
}

#[test]
fn with_help_writes_null_for_a_finding_without_help_and_needs_json() {
    let run = exec(&[
        "validate",
        "--format",
        "json",
        "--with-help",
        "tests/fixtures/provider",
        "tests/fixtures/rules",
    ]);
    let findings = json_findings(&run);
    assert!(findings.len() > 20, "{run}");
    for f in &findings {
        assert!(f["help"].is_string() || f["help"].is_null(), "{f}");
    }
    let human = exec(&["validate", "--with-help", &rule_fixture("bad-spid")]);
    assert_eq!(human.status, 2, "{human}");
    assert!(human.stderr.contains("--format json"), "{human}");
    assert!(human.stdout.is_empty(), "{human}");
}
