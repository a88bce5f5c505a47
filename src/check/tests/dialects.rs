//! The lower-case and v2 dialects: their names, vocabulary and values.

use super::*;
use crate::dialect::v2;

fn json_rules(text: &str) -> Vec<(Rule, Option<String>)> {
    let pb = v2::read(text).expect("a v2 postback");
    let mut out = Vec::new();
    check(&pb, &mut out);
    out.into_iter().map(|f| (f.rule, f.field)).collect()
}

const LOWER_E102: &str = "<postback>
    <origin>MMS_MT</origin>
    <code>E102</code>
    <status>Message Sent/Expired</status>
    <mms-id>41230</mms-id>
    <from>55123</from>
    <to>14155550123</to>
    <tracking-id>QkFTRTY0LTk5MQ==</tracking-id>
    <operator-id>31026</operator-id>
    <status-details>Expired before the handset could be reached</status-details>
</postback>";

const V2_N201: &str = r#"{
"origin":"SMS_MT",
"code":"N201",
"sent-as":"SMS",
"status":"Sent",
"from":"000000",
"to":"10000000000",
"tracking-id":"xxxxxxxxxxxx",
"operator-id":"0001470",
"operator-name":"AT&T",
"timestamp":"2021-01-26T18:00:07.990498+00:00"
}"#;

#[test]
fn the_lower_case_example_is_valid() {
    assert_eq!(rules(LOWER_E102), []);
    let pb = parse(LOWER_E102).unwrap();
    assert_eq!(pb.dialect(), Dialect::Lower);
    assert_eq!(pb.value("SPID"), Some("31026"));
}

#[test]
fn lower_case_names_its_findings_in_its_own_names() {
    let xml = edit(
        LOWER_E102,
        "<tracking-id>QkFTRTY0LTk5MQ==</tracking-id>",
        "",
    );
    assert_eq!(rules(&xml), [pair(Rule::MissingField, "tracking-id")]);
    let xml = edit(
        LOWER_E102,
        "Message Sent/Expired",
        "Message Sent/Not Supported",
    );
    assert_eq!(rules(&xml), []);
    let xml = edit(LOWER_E102, "31026", "3102");
    assert_eq!(rules(&xml), [pair(Rule::BadSpid, "operator-id")]);
}

#[test]
fn an_upper_name_in_a_lower_record_is_mixed_and_read_as_its_field() {
    let xml = edit(
        LOWER_E102,
        "<operator-id>31026</operator-id>",
        "<SPID>31026</SPID>",
    );
    assert_eq!(rules(&xml), [pair(Rule::MixedDialect, "SPID")]);
    let xml = edit(LOWER_E102, "<from>", "<AGGREGATORID>1</AGGREGATORID><from>");
    assert_eq!(rules(&xml), [pair(Rule::MixedDialect, "AGGREGATORID")]);
}

#[test]
fn a_v2_name_in_a_lower_record_is_unexpected_and_satisfies_nothing() {
    let xml = edit(LOWER_E102, "tracking-id>", "trackingid>");
    let xml = edit(&xml, "tracking-id>", "trackingid>");
    assert_eq!(
        rules(&xml),
        [
            pair(Rule::MissingField, "tracking-id"),
            pair(Rule::UnexpectedField, "trackingid")
        ]
    );
}

#[test]
fn a_hyphenated_name_in_a_v1_record_is_mixed() {
    let xml = edit(N201_FIXED, "<TRACKINGID>", "<tracking-id>");
    let xml = edit(&xml, "</TRACKINGID>", "</tracking-id>");
    assert_eq!(rules(&xml), [pair(Rule::MixedDialect, "tracking-id")]);
}

#[test]
fn lower_sms_codes_have_no_field_set() {
    let xml = "<postback><origin>SMS_MT</origin><code>N201</code><status>Message Sent</status></postback>";
    assert_eq!(rules(xml), [pair(Rule::UndocumentedCode, "code")]);
}

#[test]
fn the_v2_sms_example_is_valid() {
    assert_eq!(json_rules(V2_N201), []);
}

#[test]
fn v2_values_follow_the_v2_vocabulary() {
    let text = V2_N201.replace(r#""status":"Sent""#, r#""status":"Message Sent""#);
    assert_eq!(json_rules(&text), [pair(Rule::BadStatus, "status")]);
    let text = V2_N201.replace(r#""sent-as":"SMS""#, r#""sent-as":"MMS""#);
    assert_eq!(json_rules(&text), [pair(Rule::BadSentas, "sent-as")]);
    let text = V2_N201.replace(r#""from":"000000""#, r#""from":"Dunder Mifflin""#);
    assert_eq!(json_rules(&text), []);
    let text = V2_N201.replace("0001470", "31026");
    assert_eq!(json_rules(&text), []);
}

#[test]
fn v2_values_that_are_not_strings_are_bad_json_values() {
    let text = V2_N201.replace(r#""to":"10000000000""#, r#""to":10000000000"#);
    assert_eq!(json_rules(&text), [pair(Rule::BadJsonValue, "to")]);
    let text = V2_N201.replace(r#""to":"10000000000""#, r#""to":{"n":"1"}"#);
    assert_eq!(json_rules(&text), [pair(Rule::NestedElement, "to")]);
}

#[test]
fn two_v2_spellings_of_one_field_are_a_duplicate() {
    let text = V2_N201.replace(
        r#""tracking-id":"xxxxxxxxxxxx","#,
        r#""tracking-id":"a","trackingid":"b","#,
    );
    assert_eq!(
        json_rules(&text),
        [pair(Rule::DuplicateField, "trackingid")]
    );
}

#[test]
fn an_upper_name_in_a_v2_record_is_mixed() {
    let text = V2_N201.replace(r#""tracking-id""#, r#""TRACKINGID""#);
    assert_eq!(json_rules(&text), [pair(Rule::MixedDialect, "TRACKINGID")]);
    let text = V2_N201.replace(r#""timestamp""#, r#""audio-name""#);
    assert_eq!(
        json_rules(&text),
        [
            pair(Rule::MissingField, "timestamp"),
            pair(Rule::UnexpectedField, "audio-name")
        ]
    );
}

#[test]
fn v2_n401_content_is_checked_as_a_file_list() {
    let n401 = r#"{ "origin":"MMS_MO", "code":"N401", "from":"11000111110", "to":"00001", "message-subject":"DEMO", "tracking-id":"MMSMOYhGml849", "timestamp":"2021-02-01T23:54:53+00:00", "content":[{ "file":"https://messagecontent-public.s3.amazonaws.com/part-967.jpg" }, { "file": "https://messagecontent-public.s3.amazonaws.com/smil003.smil" }] }"#;
    assert_eq!(json_rules(n401), []);
    let empty = n401.replace(r#"[{ "file":"https://messagecontent-public.s3.amazonaws.com/part-967.jpg" }, { "file": "https://messagecontent-public.s3.amazonaws.com/smil003.smil" }]"#, "[]");
    assert_eq!(json_rules(&empty), [pair(Rule::EmptyField, "content")]);
    let bad = n401.replace(r#"{ "file":"https"#, r#"{ "url":"https"#);
    assert_eq!(json_rules(&bad), [pair(Rule::NestedElement, "content")]);
    let copy = n401.replace(r#""content""#, r#""copy-to":[],"content""#);
    assert_eq!(json_rules(&copy), []);
}
