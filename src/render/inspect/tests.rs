//! The cards rendered from captures, end to end inside the crate.

use std::io::{self, Write};

use super::card::*;
use super::meaning::*;
use super::summary::*;
use super::values::*;
use crate::engine::{read_input, Options, Record, Sink};
use crate::render::terminal::Paint;

/// Renders every card of `capture` (and the summary) with colour off.
fn render(capture: &str, paint: Paint) -> String {
    struct Collect {
        cards: Cards,
        tally: Tally,
        out: Vec<u8>,
    }
    impl Sink for Collect {
        fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
            if self.tally.shown() > 0 {
                writeln!(self.out)?;
            }
            self.cards.write(&mut self.out, record)?;
            self.tally.add(record);
            Ok(())
        }
    }
    let mut sink = Collect {
        cards: Cards::new(paint),
        tally: Tally::default(),
        out: Vec::new(),
    };
    read_input("t.xml", capture.as_bytes(), &Options::default(), &mut sink).unwrap();
    if sink.tally.shown() > 1 {
        writeln!(sink.out, "{}", sink.tally.breakdown()).unwrap();
    }
    String::from_utf8(sink.out).unwrap()
}

#[test]
fn base64_of_printable_text_is_decoded() {
    assert_eq!(
        decode_base64_text("U01TXzgwNjc4").as_deref(),
        Some("SMS_80678")
    );
    assert_eq!(
        decode_base64_text("TU1TXzU5Nzg3OQ==").as_deref(),
        Some("MMS_597879")
    );
    assert_eq!(
        decode_base64_text("TU1TXzU5Nzg3OQ").as_deref(),
        Some("MMS_597879")
    );
    assert_eq!(decode_base64_text("aGk=").as_deref(), Some("hi"));
}

#[test]
fn plain_ids_and_binary_are_not_base64_text() {
    for value in [
        "SMS_80678",
        "12345",
        "abcd",
        "1234",
        "=",
        "a===",
        "aGl=",
        "G3s=",
        "",
    ] {
        assert_eq!(decode_base64_text(value), None, "{value}");
    }
    // "\x1b[" encoded: decodes, but to a control character.
    assert_eq!(decode_base64_text("G1s="), None);
}

#[test]
fn timestamps_shift_to_utc() {
    assert_eq!(
        to_utc("2013-11-05T05:41:15-05:00"),
        Some(Utc::At("2013-11-05 10:41:15".into()))
    );
    assert_eq!(
        to_utc("2013-12-31T22:00:00-0300"),
        Some(Utc::At("2014-01-01 01:00:00".into()))
    );
    assert_eq!(
        to_utc("2024-03-01T01:30:00.250+02"),
        Some(Utc::At("2024-02-29 23:30:00.250".into()))
    );
    assert_eq!(
        to_utc("2014-07-02T14:32:23-04"),
        Some(Utc::At("2014-07-02 18:32:23".into()))
    );
    assert_eq!(
        to_utc("2016-12-31T23:59:60+00:30"),
        Some(Utc::At("2016-12-31 23:29:60".into()))
    );
    assert_eq!(
        to_utc("0000-03-01T00:30:00+01:00"),
        Some(Utc::At("0000-02-29 23:30:00".into()))
    );
    assert_eq!(
        to_utc("0000-01-01T00:00:00+01:00"),
        Some(Utc::OutOfRange { before: true })
    );
    assert_eq!(
        to_utc("9999-12-31T23:00:00-05:00"),
        Some(Utc::OutOfRange { before: false })
    );
    assert_eq!(to_utc("2013-11-05T05:41:15Z"), None);
    assert_eq!(to_utc("2013-11-05T05:41:15+00:00"), None);
    for bad in [
        "",
        "2013-11-05",
        "2013-11-05T05:41:15",
        "2013-11-05T05:41:15+5",
        "x013-11-05T05:41:15Z",
        "2013-11-05T05:41:15-05:00x",
        "2013-11-05T05:41:15.+01",
    ] {
        assert_eq!(to_utc(bad), None, "{bad}");
    }
}

#[test]
fn status_colours_follow_the_outcome() {
    assert_eq!(outcome("Message Sent/Delivered"), Some(Outcome::Good));
    assert_eq!(outcome("Message Sent/Failed"), Some(Outcome::Bad));
    assert_eq!(outcome("Message Sent/Expired"), Some(Outcome::Bad));
    assert_eq!(outcome("Message Sent/Rejected"), Some(Outcome::Bad));
    assert_eq!(outcome("Message Failed"), Some(Outcome::Bad));
    assert_eq!(outcome("Message Sent"), Some(Outcome::Pending));
    assert_eq!(outcome("Pending"), Some(Outcome::Pending));
    assert_eq!(outcome("whatever"), None);
}

#[test]
fn a_card_shows_fields_aligned_with_their_meaning() {
    let out = render(
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS>\
         <FROM>60856</FROM><FROM_MASK></FROM_MASK><TO>16503333058</TO><TRACKINGID>U01TXzgwNjc4</TRACKINGID>\
         <SPID>0001470</SPID><TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>\
         <AGGREGATORID>1-2</AGGREGATORID></POSTBACK>",
        Paint::OFF,
    );
    assert_eq!(
        out,
        "N202 · SMS delivered to the handset  [v1.3 XML]\n\
         SMS_MT · t.xml:1:1\n\
         \n\
         \x20 ORIGIN        SMS_MT\n\
         \x20 CODE          N202\n\
         \x20 STATUS        Message Sent/Delivered  → delivered to the handset\n\
         \x20 FROM          60856\n\
         \x20 FROM_MASK     \"\"  → no alphanumeric sender ID\n\
         \x20 TO            16503333058\n\
         \x20 TRACKINGID    U01TXzgwNjc4  → base64 of \"SMS_80678\"\n\
         \x20 SPID          0001470  → AT&T (United States)\n\
         \x20 TIMESTAMP     2013-11-05T05:41:15-05:00  → 2013-11-05 10:41:15 UTC\n\
         \x20 AGGREGATORID  1-2\n\
         \n\
         \x20 ✓ valid\n"
    );
}

#[test]
fn findings_sit_under_their_field_or_the_header() {
    let out = render(
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message sent</STATUS>\
         <FROM>60856</FROM><TO>16503333058</TO><TRACKINGID>x</TRACKINGID>\
         <SPID>0001100</SPID><TIMESTAMP>2013-02-30T05:41:15-05:00</TIMESTAMP><SPID>0001100</SPID></POSTBACK>",
        Paint::OFF,
    );
    let lines: Vec<&str> = out.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("missing-field"))
        .unwrap();
    let fields = lines
        .iter()
        .position(|l| l.starts_with("  ORIGIN"))
        .unwrap();
    assert!(header < fields, "{out}");
    let status = lines
        .iter()
        .position(|l| l.starts_with("  STATUS"))
        .unwrap();
    assert!(
        lines[status + 1].starts_with("              error[bad-status]"),
        "{out}"
    );
    let ts = lines
        .iter()
        .position(|l| l.starts_with("  TIMESTAMP"))
        .unwrap();
    assert!(
        !lines[ts].contains('→'),
        "no UTC for a bad timestamp: {out}"
    );
    assert!(lines[ts + 1].contains("error[bad-timestamp]"), "{out}");
    let spids: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("  SPID"))
        .map(|(i, _)| i)
        .collect();
    assert!(
        lines[spids[0]].contains("All Carriers (Canada) or AT&T (Blue GSM) unused (United States)"),
        "{out}"
    );
    assert!(!lines[spids[0] + 1].contains("duplicate-field"), "{out}");
    assert!(
        lines[spids[1] + 1].contains("error[duplicate-field]"),
        "{out}"
    );
    assert!(out.ends_with("  ✗ 4 errors\n"), "{out}");
}

#[test]
fn nested_files_are_indented_under_content() {
    let out = render(
        "<POSTBACK><ORIGIN>MMS_MO</ORIGIN><CODE>N401</CODE><FROM>16501112222</FROM><TO>60856</TO>\
         <TRACKINGID>a</TRACKINGID><SPID>0001140</SPID><TIMESTAMP>2014-07-02T14:32:23Z</TIMESTAMP>\
         <CONTENT><FILE>http://x/1.jpg</FILE><FILE>http://x/2.txt</FILE></CONTENT></POSTBACK>",
        Paint::OFF,
    );
    assert!(
        out.contains("\n  CONTENT\n    FILE      http://x/1.jpg\n    FILE      http://x/2.txt\n"),
        "{out}"
    );
    assert!(
        out.contains("0001140  → Alltel-Verizon (United States)"),
        "{out}"
    );
    assert!(
        out.contains("2014-07-02T14:32:23Z\n"),
        "a UTC time needs no note: {out}"
    );
}

#[test]
fn an_unreadable_record_shows_the_place_with_a_caret() {
    let out = render("<POSTBACK>\n  <CODE>N201<CODE>\n</POSTBACK>", Paint::OFF);
    assert!(out.starts_with("not well-formed · "), "{out}");
    assert!(
        out.contains("  2 |   <CODE>N201<CODE>\n    |             ^^^^^^\n"),
        "{out}"
    );
    assert!(
        out.contains("  help: write <CODE></CODE> or <CODE/>"),
        "{out}"
    );
}

#[test]
fn payload_controls_are_escaped_with_colour_on() {
    let out = render(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID><X\u{202e}>&#x9b;2J\u{7f}</X\u{202e}></POSTBACK>",
        Paint::new(true),
    );
    assert!(
        !out.contains('\u{9b}') && !out.contains('\u{202e}') && !out.contains('\u{7f}'),
        "{out:?}"
    );
    assert!(out.contains("\\u{9b}2J\\u{7f}"), "{out:?}");
    assert!(out.contains("X\\u{202e}"), "{out:?}");
}

#[test]
fn summary_counts_codes_and_errors() {
    let one = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";
    let sms = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE></POSTBACK>\n";
    let mms = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N202</CODE></POSTBACK>\n";
    let out = render(
        &format!("{one}{one}{sms}{mms}<POSTBACK><A></POSTBACK>"),
        Paint::OFF,
    );
    let last = out.lines().last().unwrap();
    assert_eq!(
        last,
        "2 N003, 1 SMS_MT:N202, 1 MMS_MT:N202, 1 not well-formed"
    );
}

#[test]
fn a_failed_status_heads_the_card_whatever_the_code_claims() {
    let card = |xml: &str| render(xml, Paint::OFF);
    let n202 = card(
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
         <STATUS>Message Sent/Failed</STATUS></POSTBACK>",
    );
    assert!(
        n202.starts_with("N202 · SMS delivery failed  [v1.3 XML]\n"),
        "{n202}"
    );
    let fallback = card(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N202</CODE>\
         <STATUS>Message Sent/Expired</STATUS></POSTBACK>",
    );
    assert!(
        fallback.starts_with("N202 · fallback SMS expired before delivery"),
        "{fallback}"
    );
    let delivered = card(
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
         <STATUS>Message Sent/Delivered</STATUS></POSTBACK>",
    );
    assert!(
        delivered.starts_with("N202 · SMS delivered to the handset"),
        "{delivered}"
    );
    // An error code is a failure in red even where STATUS says nothing.
    let e201 = render(
        "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>E201</CODE></POSTBACK>",
        Paint::new(true),
    );
    assert!(
        e201.contains("\u{1b}[31;1mSMS could not be sent"),
        "{e201:?}"
    );
}
