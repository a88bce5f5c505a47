//! Values: STATUS lists, timestamps, numbers, sender IDs, integers,
//! padding, and N401's file list.

use super::*;

#[test]
fn bad_status() {
    let xml = edit(N202, "Message Sent/Delivered", "Message Delivered");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::BadStatus);
    assert_eq!(
        f.message,
        r#"STATUS "Message Delivered" is not allowed for SMS_MT N202"#
    );
    assert_eq!(
        f.help.as_deref(),
        Some(r#"allowed: "Message Sent/Delivered", "Message Sent/Failed""#)
    );
    let typo = only(&edit(
        N202,
        "Message Sent/Delivered",
        "message sent/delivered",
    ));
    assert_eq!(
        typo.help.as_deref(),
        Some(r#"did you mean "Message Sent/Delivered"?"#)
    );
    // Valid for SMS_MT N202, not for MMS_MT N202.
    let mms = only(&edit(
        N102_XHTML,
        "Message Sent/Delivered",
        "Message Sent/Failed",
    ));
    assert_eq!(mms.rule, Rule::BadStatus);
    // Padded STATUS: a padded-value warning, and the trimmed value is fine.
    let padded = edit(
        N202,
        "<STATUS>Message Sent/Delivered",
        "<STATUS> Message Sent/Delivered\t",
    );
    let f = only(&padded);
    assert_eq!(f.rule, Rule::PaddedValue);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        r#"STATUS " Message Sent/Delivered\t" has leading and trailing white space"#
    );
    // E202 uses its section-4 list.
    let e202 = edit(N202, "N202", "E202");
    assert_eq!(rules(&e202), vec![pair(Rule::BadStatus, "STATUS")]);
}

#[test]
fn timestamps_leap_years_and_offsets() {
    let with = |ts: &str| rules(&edit(N202, "2013-11-05T05:41:15-05:00", ts));
    for ok in [
        "2012-02-29T05:41:08Z",
        "2000-02-29T05:41:08Z",
        "2013-11-05T05:41:08+05:30",
        "2013-11-05T05:41:08+0530",
        "2013-11-05T05:41:08-04",
        "2013-11-05T05:41:08.123456Z",
        "2013-11-05T23:59:60+14:00",
    ] {
        assert_eq!(with(ok), vec![], "{ok}");
    }
    for bad in [
        "2013-02-29T05:41:08Z",
        "1900-02-29T05:41:08Z",
        "2013-02-30T05:41:08Z",
        "2013-11-05T05:41:08",
        "2013-11-05T05:41:08+15:00",
        "2013-11-05T24:41:08Z",
        "2013-11-05 05:41:08Z",
    ] {
        assert_eq!(
            with(bad),
            vec![pair(Rule::BadTimestamp, "TIMESTAMP")],
            "{bad}"
        );
    }
    let f = only(&edit(
        N202,
        "2013-11-05T05:41:15-05:00",
        "2013-02-30T05:41:08Z",
    ));
    assert_eq!(
        f.message,
        r#"TIMESTAMP "2013-02-30T05:41:08Z" is not a valid date-time"#
    );
    assert!(f.help.unwrap().contains("2013-11-05T05:41:08-05:00"));
    // RECEIVED follows the same rule.
    let received = edit(N211, "2014-07-02T14:32:23Z", "yesterday");
    assert_eq!(rules(&received), vec![pair(Rule::BadTimestamp, "RECEIVED")]);
}

#[test]
fn numbers_by_direction() {
    // MT: TO is the handset (7-15), FROM the code (3-15).
    let short_to = only(&edit(N202, "16503333058", "60856"));
    assert_eq!(
        (short_to.rule, short_to.field.as_deref()),
        (Rule::BadNumber, Some("TO"))
    );
    let long_from = edit(N202, "<FROM>60856</FROM>", "<FROM>16503333058</FROM>");
    assert_eq!(findings(&long_from), vec![]);
    let tiny_from = only(&edit(N202, "<FROM>60856</FROM>", "<FROM>12</FROM>"));
    assert_eq!(tiny_from.rule, Rule::BadNumber);
    // MO: FROM is the handset, TO the code.
    let mo = edit(N211, "<FROM>16502424956</FROM>", "<FROM>60856</FROM>");
    assert_eq!(rules(&mo), vec![pair(Rule::BadNumber, "FROM")]);
    // MOBILE is always a handset, SHORTCODE a code.
    let mobile = edit(
        N301,
        "<MOBILE>16502424956</MOBILE>",
        "<MOBILE>60856</MOBILE>",
    );
    assert_eq!(rules(&mobile), vec![pair(Rule::BadNumber, "MOBILE")]);
    let shortcode = edit(
        N301,
        "<SHORTCODE>60856</SHORTCODE>",
        "<SHORTCODE>12</SHORTCODE>",
    );
    assert_eq!(rules(&shortcode), vec![pair(Rule::BadNumber, "SHORTCODE")]);
    // Unknown direction: TO/FROM get 3-15.
    let sub = edit(N301, "</POSTBACK>", "<TO>60856</TO></POSTBACK>");
    assert_eq!(rules(&sub), vec![pair(Rule::UnexpectedField, "TO")]);
    let letters = only(&edit(N202, "16503333058", "1650333305x"));
    assert_eq!(letters.rule, Rule::BadNumber);
}

#[test]
fn plus_prefix() {
    let f = only(&edit(N202, "16503333058", "+16503333058"));
    assert_eq!(f.rule, Rule::PlusPrefix);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.message, r#"TO "+16503333058" has a leading +"#);
    let bad = only(&edit(N202, "16503333058", "+1 650 333 3058"));
    assert_eq!(bad.rule, Rule::BadNumber);
}

#[test]
fn sender_id() {
    let f = only(&edit(
        N202,
        "<FROM_MASK></FROM_MASK>",
        "<FROM_MASK>ABCDEFGHIJKL</FROM_MASK>",
    ));
    assert_eq!(f.rule, Rule::BadSenderId);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        r#"FROM_MASK "ABCDEFGHIJKL" is longer than 11 characters"#
    );
    let ok = edit(
        N202,
        "<FROM_MASK></FROM_MASK>",
        "<FROM_MASK>Acme Shop 1</FROM_MASK>",
    );
    assert_eq!(findings(&ok), vec![]);
}

#[test]
fn spid_mmsid_integers() {
    assert_eq!(
        rules(&edit(N202, "0001470", "1470")),
        vec![pair(Rule::BadSpid, "SPID")]
    );
    // Absent from the carrier table is fine.
    assert_eq!(findings(&edit(N202, "0001470", "9999999")), vec![]);
    assert_eq!(
        rules(&edit(N003, "35674", "-1")),
        vec![pair(Rule::BadMmsid, "MMSID")]
    );
    assert_eq!(
        rules(&edit(N301, "<CAMPAIGNID>42", "<CAMPAIGNID>0")),
        vec![pair(Rule::BadInteger, "CAMPAIGNID")]
    );
    assert_eq!(
        rules(&edit(N801, "1234", "12a")),
        vec![pair(Rule::BadInteger, "PASSDATAID")]
    );
}

#[test]
fn padded_value() {
    let xml = edit(N202, "<SPID>0001470</SPID>", "<SPID>\n  0001470\n</SPID>");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::PaddedValue);
    assert_eq!(f.field.as_deref(), Some("SPID"));
    assert_eq!(
        f.message,
        r#"SPID "\n  0001470\n" has leading and trailing white space"#
    );
    // Trailing only, on an unknown field too.
    let xml = edit(N202, "</POSTBACK>", "<Foo>x </Foo></POSTBACK>");
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::UnknownField, "Foo"),
            pair(Rule::PaddedValue, "Foo")
        ]
    );
    // Padding and a bad value are both reported.
    let xml = edit(N202, "<SPID>0001470</SPID>", "<SPID> 1470</SPID>");
    assert_eq!(
        rules(&xml),
        vec![pair(Rule::PaddedValue, "SPID"), pair(Rule::BadSpid, "SPID")]
    );
}

#[test]
fn n401_content() {
    // Something other than FILE inside CONTENT.
    let xml = edit(
        N401,
        "<FILE>http://example.com/b.txt</FILE>",
        "<IMG>x</IMG>",
    );
    let f = only(&xml);
    assert_eq!(f.rule, Rule::NestedElement);
    assert_eq!(f.field.as_deref(), Some("CONTENT"));
    // No FILE at all.
    let start = N401.find("<CONTENT>").unwrap();
    let end = N401.find("</CONTENT>").unwrap() + "</CONTENT>".len();
    let empty = format!("{}<CONTENT></CONTENT>{}", &N401[..start], &N401[end..]);
    let f = only(&empty);
    assert_eq!(f.rule, Rule::EmptyField);
    assert_eq!(f.message, "CONTENT holds no FILE; N401 requires one");
    let text_only = format!(
        "{}<CONTENT>http://x</CONTENT>{}",
        &N401[..start],
        &N401[end..]
    );
    assert_eq!(rules(&text_only), vec![pair(Rule::EmptyField, "CONTENT")]);
    // An empty FILE, a padded FILE, a FILE with attributes.
    let xml = edit(N401, "<FILE>http://example.com/a.jpg</FILE>", "<FILE/>");
    assert_eq!(rules(&xml), vec![pair(Rule::EmptyField, "FILE")]);
    let xml = edit(
        N401,
        "<FILE>http://example.com/a.jpg</FILE>",
        "<FILE type=\"x\"> http://example.com/a.jpg</FILE>",
    );
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::Attribute, "FILE"),
            pair(Rule::PaddedValue, "FILE")
        ]
    );
    // Missing CONTENT.
    let missing = format!("{}{}", &N401[..start], &N401[end..]);
    assert_eq!(only(&missing).message, "N401 requires CONTENT");
}
