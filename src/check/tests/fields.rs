//! Field sets: missing, empty, repeated, unexpected, unknown and nested
//! fields, attributes, and the nearest name suggested.

use super::*;

#[test]
fn missing_field_names_the_code() {
    let xml = edit(
        N202,
        "<AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>",
        "",
    );
    let f = only(&xml);
    assert_eq!(f.rule, Rule::MissingField);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.at, 0);
    assert_eq!(f.field.as_deref(), Some("AGGREGATORID"));
    assert_eq!(f.message, "N202 requires AGGREGATORID");
}

#[test]
fn empty_field() {
    let xml = edit(N202, "<TO>16503333058</TO>", "<TO> </TO>");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::EmptyField);
    assert_eq!(f.field.as_deref(), Some("TO"));
    assert_eq!(&xml[f.at..f.at + 4], "<TO>");
    assert_eq!(f.message, "TO is empty; N202 requires a value");
    // An empty optional field and a self-closing FROM_MASK are fine.
    assert_eq!(
        findings(&edit(N202, "<FROM_MASK></FROM_MASK>", "<FROM_MASK/>")),
        vec![]
    );
    assert_eq!(
        findings(&edit(
            N101_XHTML,
            "<STATUSDETAILS>Handset setting: mms with pass via xHTML</STATUSDETAILS>",
            "<STATUSDETAILS/>"
        )),
        vec![]
    );
}

#[test]
fn empty_value_gets_no_format_finding() {
    let xml = edit(
        N202,
        "<TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>",
        "<TIMESTAMP>\n</TIMESTAMP>",
    );
    assert_eq!(rules(&xml), vec![pair(Rule::EmptyField, "TIMESTAMP")]);
}

#[test]
fn duplicate_field_points_at_second() {
    let xml = edit(
        N202,
        "<SPID>0001470</SPID>",
        "<SPID>0001470</SPID><SPID>123</SPID>",
    );
    let all = findings(&xml);
    assert_eq!(
        all.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec![Rule::DuplicateField, Rule::BadSpid],
        "every occurrence is value-checked"
    );
    let second = xml.find("<SPID>123").unwrap();
    assert!(all.iter().all(|f| f.at == second));
    assert_eq!(all[0].message, "SPID appears more than once");
}

#[test]
fn duplicates_in_a_huge_postback() {
    let mut xml = String::from("<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE>");
    for _ in 0..100 {
        xml.push_str("<X/>");
    }
    xml.push_str("</POSTBACK>");
    let all = findings(&xml);
    let dups = all
        .iter()
        .filter(|f| f.rule == Rule::DuplicateField)
        .count();
    assert_eq!(dups, 99);
    let unknown = all.iter().filter(|f| f.rule == Rule::UnknownField).count();
    assert_eq!(unknown, 1);
}

#[test]
fn unexpected_field() {
    let xml = edit(
        N101_BINARY,
        "</POSTBACK>",
        "<FROM_MASK>Acme</FROM_MASK></POSTBACK>",
    );
    let f = only(&xml);
    assert_eq!(f.rule, Rule::UnexpectedField);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.message, "N101 does not carry FROM_MASK");
    assert_eq!(f.field.as_deref(), Some("FROM_MASK"));
    assert!(f.help.unwrap().contains("N201"));
}

#[test]
fn unexpected_field_is_still_value_checked() {
    let xml = edit(
        N003,
        "</POSTBACK>",
        "<TIMESTAMP>2013-02-30T05:41:08Z</TIMESTAMP></POSTBACK>",
    );
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::UnexpectedField, "TIMESTAMP"),
            pair(Rule::BadTimestamp, "TIMESTAMP")
        ]
    );
}

#[test]
fn unknown_field_suggests() {
    let xml = edit(N202, "<STATUS>", "<Status>");
    let xml = edit(&xml, "</STATUS>", "</Status>");
    let all = findings(&xml);
    assert_eq!(
        all.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec![Rule::MissingField, Rule::UnknownField]
    );
    let f = &all[1];
    assert_eq!(f.message, "unknown field Status");
    assert_eq!(f.help.as_deref(), Some("did you mean STATUS?"));
    let typo = edit(
        N202,
        "</POSTBACK>",
        "<AGREGATORID>1</AGREGATORID></POSTBACK>",
    );
    let f = findings(&typo).pop().unwrap();
    assert_eq!(f.rule, Rule::UnknownField);
    assert_eq!(f.help.as_deref(), Some("did you mean AGGREGATORID?"));
    let far = edit(N202, "</POSTBACK>", "<BANANA>1</BANANA></POSTBACK>");
    let f = findings(&far).pop().unwrap();
    assert_eq!(f.rule, Rule::UnknownField);
    assert_eq!(f.help, None);
}

#[test]
fn nested_element() {
    let xml = edit(
        N202,
        "<STATUS>Message Sent/Delivered</STATUS>",
        "<STATUS><B>Message Sent/Delivered</B></STATUS>",
    );
    let f = only(&xml);
    assert_eq!(f.rule, Rule::NestedElement);
    assert_eq!(f.field.as_deref(), Some("STATUS"));
    assert_eq!(&xml[f.at..f.at + 8], "<STATUS>");
    assert_eq!(f.message, "STATUS holds an element <B>");
    // CONTENT/FILE is only allowed in N401.
    let xml = edit(
        N202,
        "</POSTBACK>",
        "<CONTENT><FILE>x</FILE></CONTENT></POSTBACK>",
    );
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::UnexpectedField, "CONTENT"),
            pair(Rule::NestedElement, "CONTENT")
        ]
    );
}

#[test]
fn attributes_everywhere() {
    let xml = edit(N202, "<POSTBACK>", "<POSTBACK id=\"1\">");
    let xml = edit(&xml, "<SPID>", "<SPID kind=\"x\">");
    let all = findings(&xml);
    assert_eq!(
        all.iter()
            .map(|f| (f.rule, f.at, f.field.as_deref()))
            .collect::<Vec<_>>(),
        vec![
            (Rule::Attribute, 0, None),
            (Rule::Attribute, xml.find("<SPID").unwrap(), Some("SPID"))
        ]
    );
    assert!(all.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn nearest_and_distance() {
    let d = |a: &str, b: &str| {
        edit_distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    };
    assert_eq!(d("STAUTS", "STATUS"), 1);
    assert_eq!(d("", "ABC"), 3);
    assert_eq!(d("kitten", "sitting"), 3);
    assert_eq!(
        nearest("status", ["STATUSCODE", "STATUS"].into_iter()),
        Some("STATUS")
    );
    assert_eq!(nearest("TX", ["TO", "OS"].into_iter()), Some("TO"));
    assert_eq!(nearest("QQQQ", ["TO", "OS"].into_iter()), None);
}
