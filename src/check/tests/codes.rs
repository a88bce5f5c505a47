//! Codes and origins: which field set applies, and what happens when
//! none does.

use super::*;

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
