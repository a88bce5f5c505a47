//! The provider's later revisions (FIELDS.md section 6): the 2015 page's
//! examples with their verdicts, E102, the device-discovery codes, the
//! operator-id table and the notes inspect adds for statuses that moved.

mod common;

use common::*;

fn validate_stdin(capture: &str) -> Run {
    exec_stdin(&["validate", "-q", "--format", "json"], capture)
}

fn rules_and_fields(run: &Run) -> Vec<(String, String)> {
    json_findings(run)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// An MMS_MT postback of `code` with these fields, one line each.
fn mms(code: &str, fields: &[(&str, &str)]) -> String {
    let mut xml = format!("<POSTBACK>\n<ORIGIN>MMS_MT</ORIGIN>\n<CODE>{code}</CODE>\n");
    for (name, value) in fields {
        xml.push_str(&format!("<{name}>{value}</{name}>\n"));
    }
    xml.push_str("</POSTBACK>\n");
    xml
}

const E102_FIELDS: &[(&str, &str)] = &[
    ("STATUS", "Message Sent/Rejected"),
    ("MMSID", "39755"),
    ("FROM", "60856"),
    ("TO", "16502424956"),
    ("TRACKINGID", "TU1TXzU5Nzg3Nw=="),
    ("SPID", "0001140"),
    ("STATUSDETAILS", "Recipient blocked by mobile operator"),
];

#[test]
fn every_valid_example_of_the_2015_page_passes_with_no_output() {
    for name in [
        "n202",
        "e202",
        "n101-binary",
        "n101-xhtml",
        "n102-binary",
        "n102-xhtml",
        "e101",
        "e102",
        "n003",
        "e002",
    ] {
        let path = format!("tests/fixtures/provider-2015/{name}.xml");
        let run = exec(&["validate", &path]);
        assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    }
}

#[test]
fn the_2015_n201_and_e201_examples_are_one_malformed_xml_each_at_line_7() {
    let run = exec(&[
        "validate",
        "-q",
        "tests/fixtures/provider-2015/n201.xml",
        "tests/fixtures/provider-2015/e201.xml",
    ]);
    assert_eq!(
        prefixes(&run),
        [
            "tests/fixtures/provider-2015/n201.xml:7:16: error[malformed-xml]",
            "tests/fixtures/provider-2015/e201.xml:7:16: error[malformed-xml]",
        ],
        "{run}"
    );
    assert!(run.stdout.contains("<FROM_MASK> is never closed"), "{run}");
    assert_eq!(run.status, 1);
}

#[test]
fn the_from_less_examples_of_the_method_page_miss_from() {
    // D7: FROM stays required for N101 and N102.
    let run = exec(&[
        "validate",
        "-q",
        "tests/fixtures/provider-2015/sendsavedmms-n101.xml",
        "tests/fixtures/provider-2015/sendsavedmms-n102.xml",
    ]);
    assert_eq!(
        prefixes(&run),
        [
            "tests/fixtures/provider-2015/sendsavedmms-n101.xml:2:1: error[missing-field]",
            "tests/fixtures/provider-2015/sendsavedmms-n102.xml:2:1: error[missing-field]",
        ],
        "{run}"
    );
    assert!(run.stdout.contains("N101 requires FROM"), "{run}");
}

#[test]
fn e102_without_timestamp_or_aggregator_is_valid() {
    // D1: the first E102 example carried neither.
    let run = validate_stdin(&mms("E102", E102_FIELDS));
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
}

#[test]
fn e102_requires_statusdetails_and_refuses_a_handset() {
    let fields: Vec<_> = E102_FIELDS
        .iter()
        .copied()
        .filter(|(n, _)| *n != "STATUSDETAILS")
        .chain([("HANDSET", "motol7c")])
        .collect();
    let run = validate_stdin(&mms("E102", &fields));
    assert_eq!(
        rules_and_fields(&run),
        [
            ("missing-field".into(), "STATUSDETAILS".into()),
            ("unexpected-field".into(), "HANDSET".into())
        ],
        "{run}"
    );
}

#[test]
fn e102_allows_the_four_statuses_of_the_variable_table() {
    // D2: Rejected too, though the summary line omits it.
    for status in [
        "Message Sent/Expired",
        "Message Sent/Rejected",
        "Message Sent/Failed",
        "Message Sent/NotSupported",
    ] {
        let mut fields = E102_FIELDS.to_vec();
        fields[0] = ("STATUS", status);
        let run = validate_stdin(&mms("E102", &fields));
        assert_eq!(run.stdout, "", "{status}: {run}");
    }
    let mut fields = E102_FIELDS.to_vec();
    fields[0] = ("STATUS", "Message Sent/Delivered");
    let run = validate_stdin(&mms("E102", &fields));
    assert_eq!(
        rules_and_fields(&run),
        [("bad-status".into(), "STATUS".into())],
        "{run}"
    );
}

const N101_FIELDS: &[(&str, &str)] = &[
    ("SENTAS", "MMS"),
    ("STATUS", "Message Sent"),
    ("MMSID", "39597"),
    ("FROM", "60856"),
    ("TO", "16501112222"),
    ("TRACKINGID", "TU1TXzU5Nzg3OQ=="),
    ("SPID", "0001570"),
    ("TIMESTAMP", "2012-06-07T07:27:29-05:00"),
];

#[test]
fn n501_takes_the_n101_field_set() {
    // D3.
    let run = validate_stdin(&mms("N501", N101_FIELDS));
    assert_eq!(run.stdout, "", "{run}");
    let without_mmsid: Vec<_> = N101_FIELDS
        .iter()
        .copied()
        .filter(|(n, _)| *n != "MMSID")
        .collect();
    let run = validate_stdin(&mms("N501", &without_mmsid));
    assert_eq!(
        rules_and_fields(&run),
        [("missing-field".into(), "MMSID".into())],
        "{run}"
    );
}

#[test]
fn n502_takes_both_n102_variants_and_only_the_delivered_status() {
    let mut binary = N101_FIELDS.to_vec();
    binary[1] = ("STATUS", "Message Sent/Delivered");
    binary.push(("HANDSET", "motol7c"));
    binary.push(("AGGREGATORID", "11529-64807"));
    let run = validate_stdin(&mms("N502", &binary));
    assert_eq!(run.stdout, "", "{run}");
    // As SMS: no HANDSET expected.
    let mut as_sms = binary.clone();
    as_sms[0] = ("SENTAS", "SMS");
    let run = validate_stdin(&mms("N502", &as_sms));
    assert_eq!(
        rules_and_fields(&run),
        [("unexpected-field".into(), "HANDSET".into())],
        "{run}"
    );
    // N102's Expired is not among N502's statuses.
    binary[1] = ("STATUS", "Message Sent/Expired");
    let run = validate_stdin(&mms("N502", &binary));
    assert_eq!(
        rules_and_fields(&run),
        [("bad-status".into(), "STATUS".into())],
        "{run}"
    );
}

#[test]
fn e501_and_e502_are_undocumented_but_their_status_is_checked() {
    let run = validate_stdin(&mms("E501", &[("STATUS", "Message Failed")]));
    assert_eq!(
        rules_and_fields(&run),
        [("undocumented-code".into(), "CODE".into())],
        "{run}"
    );
    let run = validate_stdin(&mms("E502", &[("STATUS", "Message Failed")]));
    assert_eq!(
        rules_and_fields(&run),
        [
            ("undocumented-code".into(), "CODE".into()),
            ("bad-status".into(), "STATUS".into())
        ],
        "{run}"
    );
    assert!(
        run.stdout.contains("only STATUS and value formats"),
        "{run}"
    );
}

#[test]
fn n102_expired_stays_valid_and_inspect_says_it_moved_to_e102() {
    // D6.
    let mut fields = N101_FIELDS.to_vec();
    fields[1] = ("STATUS", "Message Sent/Expired");
    fields.push(("HANDSET", "motol7c"));
    fields.push(("AGGREGATORID", "11529"));
    let xml = mms("N102", &fields);
    let run = validate_stdin(&xml);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run}");
    let run = exec_stdin(&["inspect", "--color", "never"], xml);
    assert!(run.stdout.contains("(later sent as E102)"), "{run}");
}

#[test]
fn sms_n202_failed_stays_valid_and_inspect_says_it_moved_to_e202() {
    let xml = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
               <STATUS>Message Sent/Failed</STATUS><FROM>60856</FROM><TO>16503333058</TO>\
               <TRACKINGID>U01T</TRACKINGID><SPID>0001470</SPID>\
               <TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP><AGGREGATORID>1</AGGREGATORID></POSTBACK>";
    let run = validate_stdin(xml);
    assert_eq!(run.stdout, "", "{run}");
    let run = exec_stdin(&["inspect", "--color", "never"], xml);
    assert!(run.stdout.contains("(later sent as E202)"), "{run}");
    let delivered = xml.replace("Message Sent/Failed", "Message Sent/Delivered");
    let run = exec_stdin(&["inspect", "--color", "never"], delivered);
    assert!(!run.stdout.contains("later sent as"), "{run}");
}

#[test]
fn inspect_names_the_providers_own_spid_from_the_operator_table() {
    let run = exec(&[
        "inspect",
        "--color",
        "never",
        "tests/fixtures/provider-2015/n101-xhtml.xml",
    ]);
    assert!(
        run.stdout.contains("Alltel-Verizon (United States)"),
        "{run}"
    );
    assert!(!run.stdout.contains("not in the carrier table"), "{run}");
}

#[test]
fn carriers_finds_operator_ids_the_carrier_table_lacks() {
    let run = exec(&["carriers", "0001140"]);
    assert_eq!(run.status, 0, "{run}");
    assert!(run.stdout.contains("Alltel-Verizon"), "{run}");
    let run = exec(&["carriers", "emulator"]);
    assert!(run.stdout.contains("1001000"), "{run}");
    // The carrier table's name wins for an SPID both list.
    let run = exec(&["carriers", "0001890"]);
    assert_eq!(run.lines().len(), 2, "{run}");
    assert!(run.stdout.contains("Verizon Wireless"), "{run}");
}

#[test]
fn codes_lists_the_later_codes_with_their_origin() {
    let run = exec(&["codes", "--color", "never"]);
    for needle in ["E102", "N501", "N502", "E501", "E502", "E001", "N002"] {
        assert!(run.stdout.contains(needle), "{needle}: {run}");
    }
    let run = exec(&["codes", "--color", "never", "E502"]);
    assert!(run.stdout.contains("Message Sent/NotSupported"), "{run}");
    let run = exec(&["codes", "--color", "never", "E102"]);
    assert!(run.stdout.contains("later"), "{run}");
    assert!(run.stdout.contains("STATUSDETAILS"), "{run}");
}
