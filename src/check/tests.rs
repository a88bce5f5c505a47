//! Unit tests of the checker, on postbacks as the parser gives them.

use super::*;
use crate::finding::Severity;
use crate::postback::parse;

fn findings(xml: &str) -> Vec<Finding> {
    let pb = parse(xml).unwrap_or_else(|f| panic!("not well-formed: {f:?}\n{xml}"));
    let mut out = Vec::new();
    check(&pb, &mut out);
    out
}

/// (rule, field) pairs, in output order.
fn rules(xml: &str) -> Vec<(Rule, Option<String>)> {
    findings(xml)
        .into_iter()
        .map(|f| (f.rule, f.field))
        .collect()
}

fn only(xml: &str) -> Finding {
    let mut all = findings(xml);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

fn pair(rule: Rule, field: &str) -> (Rule, Option<String>) {
    (rule, Some(field.to_string()))
}

/// Replaces the first occurrence of `from`, asserting it is there.
fn edit(xml: &str, from: &str, to: &str) -> String {
    assert!(xml.contains(from), "{from} not in {xml}");
    xml.replacen(from, to, 1)
}

// The provider's examples, without their `<?xml?>` line (the framer drops it).
const N201_FIXED: &str = "<POSTBACK>
  <ORIGIN>SMS_MT</ORIGIN>
  <CODE>N201</CODE>
  <STATUS>Message Sent</STATUS>
  <FROM>60856</FROM>
  <FROM_MASK></FROM_MASK>
  <TO>16503333058</TO>
  <TRACKINGID>U01TXzgwNjc4</TRACKINGID>
  <SPID>0001470</SPID>
  <TIMESTAMP>2013-11-05T05:41:08-05:00</TIMESTAMP>
</POSTBACK>";

const N202: &str = "<POSTBACK>
  <ORIGIN>SMS_MT</ORIGIN>
  <CODE>N202</CODE>
  <STATUS>Message Sent/Delivered</STATUS>
  <FROM>60856</FROM>
  <FROM_MASK></FROM_MASK>
  <TO>16503333058</TO>
  <TRACKINGID>U01TXzgwNjc4</TRACKINGID>
  <SPID>0001470</SPID>
  <TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>
  <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
</POSTBACK>";

const N101_BINARY: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>N101</CODE>
  <SENTAS>MMS</SENTAS>
  <STATUS>Message Sent</STATUS>
  <MMSID>39597</MMSID>
  <FROM>60856</FROM>
  <TO>16501112222</TO>
  <TRACKINGID>TU1TXzU5Nzg3OQ==</TRACKINGID>
  <SPID>0001570</SPID>
  <TIMESTAMP>2012-06-07T07:27:29-05:00</TIMESTAMP>
</POSTBACK>";

const N101_XHTML: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>N101</CODE>
  <SENTAS>SMS</SENTAS>
  <STATUS>Message Sent</STATUS>
  <MMSID>39755</MMSID>
  <FROM>60856</FROM>
  <TO>16502424956</TO>
  <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
  <SPID>0001140</SPID>
  <TIMESTAMP>2012-06-07T07:27:34-05:00</TIMESTAMP>
  <STATUSDETAILS>Handset setting: mms with pass via xHTML</STATUSDETAILS>
</POSTBACK>";

const N102_BINARY: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>N102</CODE>
  <SENTAS>MMS</SENTAS>
  <STATUS>Message Sent/Delivered</STATUS>
  <MMSID>39597</MMSID>
  <FROM>60856</FROM>
  <TO>16501112222</TO>
  <TRACKINGID>TU1TXzU5Nzg3OQ==</TRACKINGID>
  <SPID>0001570</SPID>
  <TIMESTAMP>2012-06-07T07:27:34-05:00</TIMESTAMP>
  <HANDSET>motol7c</HANDSET>
  <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
  <OS>iOS</OS>
</POSTBACK>";

/// Titled "N102 (xHTML)" by the provider; CODE N202 under MMS_MT is valid.
const N102_XHTML: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>N202</CODE>
  <SENTAS>SMS</SENTAS>
  <STATUS>Message Sent/Delivered</STATUS>
  <FROM>60856</FROM>
  <TO>16502424956</TO>
  <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
  <SPID>0001140</SPID>
  <TIMESTAMP>2012-06-07T07:28:09-05:00</TIMESTAMP>
  <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
</POSTBACK>";

const E101: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>E101</CODE>
  <STATUS>Message Failed</STATUS>
  <MMSID>39755</MMSID>
  <FROM>60856</FROM>
  <TO>16502424956</TO>
  <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
  <SPID>0001140</SPID>
  <STATUSDETAILS>Error fetching dynamic content</STATUSDETAILS>
</POSTBACK>";

const N003: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>N003</CODE>
  <MMSID>35674</MMSID>
</POSTBACK>";

const E002: &str = "<POSTBACK>
  <ORIGIN>MMS_MT</ORIGIN>
  <CODE>E002</CODE>
  <MMSID>35674</MMSID>
  <AUDIONAME>sample.mp3</AUDIONAME>
</POSTBACK>";

const N401: &str = "<POSTBACK>
  <ORIGIN>MMS_MO</ORIGIN>
  <CODE>N401</CODE>
  <FROM>16502424956</FROM>
  <TO>60856</TO>
  <KEYWORD>PHOTO</KEYWORD>
  <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
  <SPID>0001470</SPID>
  <TIMESTAMP>2014-07-02T14:32:23-04:00</TIMESTAMP>
  <CONTENT>
    <FILE>http://example.com/a.jpg</FILE>
    <FILE>http://example.com/b.txt</FILE>
  </CONTENT>
</POSTBACK>";

const N801: &str = "<POSTBACK>
  <ORIGIN>GENERATE_PASS</ORIGIN>
  <STATUSCODE>N801</STATUSCODE>
  <REFERENCEDBY>MOBILE</REFERENCEDBY>
  <REFERENCEVALUE>16502424956</REFERENCEVALUE>
  <PASSDATAID>1234</PASSDATAID>
  <SERIALNUMBER>ABC-123</SERIALNUMBER>
  <TIMESTAMP>2014-07-02T14:32:23-04:00</TIMESTAMP>
</POSTBACK>";

const N301: &str = "<POSTBACK>
  <ORIGIN>SUB</ORIGIN>
  <CODE>N301</CODE>
  <MOBILE>16502424956</MOBILE>
  <CAMPAIGNID>42</CAMPAIGNID>
  <TIMESTAMP>2014-07-02T14:32:23-04</TIMESTAMP>
  <SHORTCODE>60856</SHORTCODE>
  <CAMPAIGNTITLE>Spring</CAMPAIGNTITLE>
  <BRANDNAME>Acme</BRANDNAME>
  <SOURCE>API</SOURCE>
</POSTBACK>";

const N211: &str = "<POSTBACK>
  <ORIGIN>SMS_MO</ORIGIN>
  <CODE>N211</CODE>
  <FROM>16502424956</FROM>
  <TO>60856</TO>
  <TEXT>STOP</TEXT>
  <RECEIVED>2014-07-02T14:32:23Z</RECEIVED>
  <TRANSACTIONID>abc</TRANSACTIONID>
</POSTBACK>";

#[test]
fn provider_examples_are_clean() {
    for xml in [
        N201_FIXED,
        N202,
        N101_BINARY,
        N101_XHTML,
        N102_BINARY,
        N102_XHTML,
        E101,
        N003,
        E002,
    ] {
        assert_eq!(findings(xml), vec![], "{xml}");
    }
}

#[test]
fn reference_examples_are_clean() {
    for xml in [N401, N801, N301, N211] {
        assert_eq!(findings(xml), vec![], "{xml}");
    }
    let n304 = "<POSTBACK><ORIGIN>EMAIL_SUB</ORIGIN><CODE>N304</CODE>\
        <EMAIL>a@example.com</EMAIL><CAMPAIGNID>7</CAMPAIGNID></POSTBACK>";
    assert_eq!(findings(n304), vec![]);
    let e202 = edit(
        &edit(N202, "N202", "E202"),
        "Message Sent/Delivered",
        "Message Sent/NotSupported",
    );
    let e202 = edit(
        &e202,
        "  <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>\n",
        "",
    );
    assert_eq!(findings(&e202), vec![]);
    let e201 = edit(
        &edit(N201_FIXED, "N201", "E201"),
        "Message Sent",
        "Message Failed",
    );
    assert_eq!(findings(&e201), vec![]);
}

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
fn unknown_code() {
    let xml = edit(N202, "N202", "N999");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::UnknownCode);
    assert_eq!(f.message, "unknown code N999");
    assert_eq!(f.field.as_deref(), Some("CODE"));
    assert_eq!(&xml[f.at..f.at + 6], "<CODE>");
    let typo = only(&edit(N202, "N202", "N2O2"));
    assert_eq!(typo.help.as_deref(), Some("did you mean N202?"));
}

#[test]
fn unknown_code_keeps_value_checks_only() {
    let xml = edit(N202, "N202", "N999");
    let xml = edit(
        &xml,
        "<TO>16503333058</TO>",
        "<TO>+16503333058</TO><Bogus/>",
    );
    let xml = edit(&xml, "<TRACKINGID>U01TXzgwNjc4</TRACKINGID>", "");
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::UnknownCode, "CODE"),
            pair(Rule::PlusPrefix, "TO")
        ]
    );
}

#[test]
fn origin_mismatch_does_not_cascade() {
    let xml = edit(N101_BINARY, "MMS_MT", "SMS_MT");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::OriginMismatch);
    assert_eq!(f.message, "N101 is documented for MMS_MT, not SMS_MT");
    assert_eq!(&xml[f.at..f.at + 6], "<CODE>");
    // Fields N201 would want or refuse are not mentioned either.
    let xml = edit(N201_FIXED, "SMS_MT", "MMS_MT");
    assert_eq!(rules(&xml), vec![pair(Rule::OriginMismatch, "CODE")]);
    // Value checks still run; STATUS has no list to check against.
    let xml = edit(&xml, "<SPID>0001470</SPID>", "<SPID>1470</SPID>");
    let xml = edit(&xml, "Message Sent", "Whatever");
    assert_eq!(
        rules(&xml),
        vec![
            pair(Rule::OriginMismatch, "CODE"),
            pair(Rule::BadSpid, "SPID")
        ]
    );
}

#[test]
fn undocumented_code_checks_values_only() {
    let xml = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>E003</CODE>\
        <MMSID>0</MMSID><WHATEVER>x</WHATEVER><STATUS>anything</STATUS></POSTBACK>";
    let all = findings(xml);
    assert_eq!(
        all.iter().map(|f| (f.rule, f.severity)).collect::<Vec<_>>(),
        vec![
            (Rule::UndocumentedCode, Severity::Warning),
            (Rule::BadMmsid, Severity::Error)
        ]
    );
    assert_eq!(
        all[0].message,
        "MMS_MT E003 has no documented field set; only value formats were checked"
    );
    assert_eq!(all[0].at, xml.find("<CODE>").unwrap());
    // E999 is documented for any origin.
    let e999 = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>E999</CODE></POSTBACK>";
    assert_eq!(rules(e999), vec![pair(Rule::UndocumentedCode, "CODE")]);
}

#[test]
fn missing_or_empty_code_or_origin() {
    let no_code = edit(N202, "<CODE>N202</CODE>", "");
    let f = only(&no_code);
    assert_eq!(
        (f.rule, f.at, f.message.as_str()),
        (Rule::MissingField, 0, "postback has no CODE")
    );
    let empty_code = edit(N202, "<CODE>N202</CODE>", "<CODE></CODE>");
    assert_eq!(rules(&empty_code), vec![pair(Rule::EmptyField, "CODE")]);
    let no_origin = edit(N202, "<ORIGIN>SMS_MT</ORIGIN>", "");
    assert_eq!(rules(&no_origin), vec![pair(Rule::MissingField, "ORIGIN")]);
    let empty_origin = edit(N202, "<ORIGIN>SMS_MT</ORIGIN>", "<ORIGIN/>");
    assert_eq!(rules(&empty_origin), vec![pair(Rule::EmptyField, "ORIGIN")]);
    // The code is still known to exist (or not) without an ORIGIN.
    let unknown = edit(&no_origin, "N202", "N999");
    assert_eq!(
        rules(&unknown),
        vec![
            pair(Rule::MissingField, "ORIGIN"),
            pair(Rule::UnknownCode, "CODE")
        ]
    );
    // Without ORIGIN the direction is unknown: TO gets the looser 3-15 rule.
    let short_to = edit(&no_origin, "16503333058", "60856");
    assert_eq!(rules(&short_to), vec![pair(Rule::MissingField, "ORIGIN")]);
    let nothing = "<POSTBACK></POSTBACK>";
    assert_eq!(
        rules(nothing),
        vec![
            pair(Rule::MissingField, "ORIGIN"),
            pair(Rule::MissingField, "CODE")
        ]
    );
}

#[test]
fn n102_variants() {
    // SENTAS=SMS: HANDSET is not expected, MMSID optional.
    let sms = edit(N102_BINARY, "<SENTAS>MMS</SENTAS>", "<SENTAS>SMS</SENTAS>");
    let sms = edit(&sms, "<MMSID>39597</MMSID>", "");
    let all = findings(&sms);
    assert_eq!(
        all.iter()
            .map(|f| (f.rule, f.field.as_deref()))
            .collect::<Vec<_>>(),
        vec![
            (Rule::UnexpectedField, Some("HANDSET")),
            (Rule::UnexpectedField, Some("OS"))
        ]
    );
    assert_eq!(
        all[0].message,
        "N102 does not carry HANDSET when SENTAS is SMS"
    );
    // SENTAS=MMS: HANDSET and MMSID are required.
    let mms = edit(N102_BINARY, "<HANDSET>motol7c</HANDSET>", "");
    let mms = edit(&mms, "<MMSID>39597</MMSID>", "");
    let all = findings(&mms);
    assert_eq!(
        all.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
        vec![
            "N102 requires MMSID when SENTAS is MMS",
            "N102 requires HANDSET when SENTAS is MMS"
        ]
    );
}

#[test]
fn n102_without_valid_sentas_merges_variants() {
    // Missing SENTAS: that finding only; HANDSET, OS and a missing MMSID are all acceptable.
    let none = edit(N102_BINARY, "<SENTAS>MMS</SENTAS>", "");
    assert_eq!(rules(&none), vec![pair(Rule::MissingField, "SENTAS")]);
    let none = edit(&none, "<MMSID>39597</MMSID>", "");
    let none = edit(&none, "<HANDSET>motol7c</HANDSET>", "");
    assert_eq!(rules(&none), vec![pair(Rule::MissingField, "SENTAS")]);
    // Fields required by both variants still are.
    let no_agg = edit(
        &none,
        "<AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>",
        "",
    );
    let all = findings(&no_agg);
    assert_eq!(all[1].message, "N102 requires AGGREGATORID");
    // Invalid SENTAS: bad-sentas, then the merge.
    let bad = edit(N102_BINARY, "<SENTAS>MMS</SENTAS>", "<SENTAS>mms</SENTAS>");
    let f = only(&bad);
    assert_eq!(f.rule, Rule::BadSentas);
    assert_eq!(f.message, r#"SENTAS "mms" is not MMS or SMS"#);
    assert_eq!(f.help.as_deref(), Some("did you mean MMS?"));
    // A field of neither variant is still unexpected.
    let extra = edit(&bad, "</POSTBACK>", "<FROM_MASK>x</FROM_MASK></POSTBACK>");
    assert_eq!(
        rules(&extra),
        vec![
            pair(Rule::BadSentas, "SENTAS"),
            pair(Rule::UnexpectedField, "FROM_MASK")
        ]
    );
}

#[test]
fn mms_n202_needs_sentas_sms() {
    let xml = edit(N102_XHTML, "<SENTAS>SMS</SENTAS>", "<SENTAS>MMS</SENTAS>");
    let f = only(&xml);
    assert_eq!(f.rule, Rule::BadSentas);
    assert_eq!(f.message, r#"SENTAS "MMS" is not allowed for MMS_MT N202"#);
    assert!(f.help.unwrap().ends_with("SENTAS must be SMS"));
    let missing = edit(N102_XHTML, "<SENTAS>SMS</SENTAS>", "");
    assert_eq!(rules(&missing), vec![pair(Rule::MissingField, "SENTAS")]);
    // SMS_MT N202 does not carry SENTAS at all.
    let sms = edit(N202, "</POSTBACK>", "<SENTAS>SMS</SENTAS></POSTBACK>");
    assert_eq!(rules(&sms), vec![pair(Rule::UnexpectedField, "SENTAS")]);
}

#[test]
fn e002_one_of() {
    let both = edit(
        E002,
        "</POSTBACK>",
        "<VIDEONAME>v.mp4</VIDEONAME></POSTBACK>",
    );
    assert_eq!(findings(&both), vec![]);
    let video = edit(
        E002,
        "<AUDIONAME>sample.mp3</AUDIONAME>",
        "<VIDEONAME>v.mp4</VIDEONAME>",
    );
    assert_eq!(findings(&video), vec![]);
    let neither = edit(E002, "<AUDIONAME>sample.mp3</AUDIONAME>", "");
    let f = only(&neither);
    assert_eq!(f.rule, Rule::MissingField);
    assert_eq!(f.message, "E002 requires AUDIONAME or VIDEONAME");
    assert_eq!(f.field, None);
    let empty = edit(E002, "<AUDIONAME>sample.mp3</AUDIONAME>", "<AUDIONAME/>");
    assert_eq!(rules(&empty), vec![pair(Rule::EmptyField, "AUDIONAME")]);
}

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

#[test]
fn n801_statuscode() {
    let with_code = edit(N801, "<STATUSCODE>N801</STATUSCODE>", "<CODE>N801</CODE>");
    let all = findings(&with_code);
    assert_eq!(
        all.iter()
            .map(|f| (f.rule, f.field.as_deref()))
            .collect::<Vec<_>>(),
        vec![
            (Rule::MissingField, Some("STATUSCODE")),
            (Rule::UnexpectedField, Some("CODE"))
        ]
    );
    let none = edit(N801, "<STATUSCODE>N801</STATUSCODE>", "");
    let f = only(&none);
    assert_eq!(f.message, "postback has no STATUSCODE");
    let unknown = only(&edit(N801, "<STATUSCODE>N801", "<STATUSCODE>N899"));
    assert_eq!(unknown.rule, Rule::UnknownCode);
    assert_eq!(unknown.field.as_deref(), Some("STATUSCODE"));
    let undocumented = only(&edit(N801, "<STATUSCODE>N801", "<STATUSCODE>N802"));
    assert_eq!(undocumented.rule, Rule::UndocumentedCode);
    let no_serial = edit(N801, "<SERIALNUMBER>ABC-123</SERIALNUMBER>", "");
    assert_eq!(only(&no_serial).message, "N801 requires SERIALNUMBER");
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
fn findings_are_sorted_by_offset() {
    let xml = edit(
        N202,
        "<AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>",
        "",
    );
    let xml = edit(&xml, "<SPID>0001470</SPID>", "<SPID>1</SPID>");
    let xml = edit(&xml, "<FROM>60856</FROM>", "<FROM>1</FROM>");
    let all = findings(&xml);
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].rule, Rule::MissingField);
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

mod dialects {
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
}
