//! Unit tests of the checker, on postbacks as the parser gives them: the
//! helpers and the provider's examples here, a module per check family.

use super::*;
use crate::finding::Severity;
use crate::postback::parse;

mod codes;
mod dialects;
mod examples;
mod fields;
mod values;

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
