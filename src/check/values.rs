//! Section 2 of `FIELDS.md`: the formats of single values, independent of the code.

use crate::finding::{Finding, Rule};
use crate::spec::{NumberKind, SENDER_ID_MAX};
use crate::time::days_from_civil;

/// How a timestamp should look, for help lines.
const TIMESTAMP_FORM: &str =
    "expected YYYY-MM-DDThh:mm:ss, an optional fraction, then Z, ±hh:mm, ±hhmm or ±hh, e.g. 2013-11-05T05:41:08-05:00";

/// A value quoted for a message: escaped, and cut short so a huge value
/// cannot make a huge message.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// TIMESTAMP, RECEIVED.
pub(crate) fn timestamp(name: &str, at: usize, value: &str) -> Option<Finding> {
    let reason = parse_timestamp(value).err()?;
    Some(
        Finding::new(
            Rule::BadTimestamp,
            at,
            format!("{name} {} is not a valid date-time", shown(value)),
        )
        .field(name)
        .help(format!("{reason}; {TIMESTAMP_FORM}")),
    )
}

/// TO, FROM, MOBILE, SHORTCODE.
pub(crate) fn number(name: &str, at: usize, value: &str, kind: NumberKind) -> Option<Finding> {
    let (plus, digits) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let range = kind.digits();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let count = digits.len();
        if !range.contains(&count) {
            return Some(
                Finding::new(
                    Rule::BadNumber,
                    at,
                    format!(
                        "{name} {} has {count} digits; {} has {}-{}",
                        shown(value),
                        kind.describe(),
                        range.start(),
                        range.end()
                    ),
                )
                .field(name)
                .help("write the number in international format, country code first"),
            );
        }
        if plus {
            return Some(
                Finding::new(
                    Rule::PlusPrefix,
                    at,
                    format!("{name} {} has a leading +", shown(value)),
                )
                .field(name)
                .help(format!("numbers are written without +: {digits}")),
            );
        }
        return None;
    }
    Some(
        Finding::new(
            Rule::BadNumber,
            at,
            format!("{name} {} is not a number", shown(value)),
        )
        .field(name)
        .help(format!(
            "{} is {}-{} digits in international format: no +, spaces or punctuation",
            kind.describe(),
            range.start(),
            range.end()
        )),
    )
}

/// FROM_MASK: an alphanumeric sender ID.
pub(crate) fn sender_id(name: &str, at: usize, value: &str) -> Option<Finding> {
    const HELP: &str = "an alphanumeric sender ID is at most 11 ASCII letters, digits and spaces";
    let message = if value.chars().count() > SENDER_ID_MAX {
        format!(
            "{name} {} is longer than {SENDER_ID_MAX} characters",
            shown(value)
        )
    } else if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == ' '))
    {
        format!(
            "{name} {} has {bad:?}, which is not an ASCII letter, digit or space",
            shown(value)
        )
    } else {
        return None;
    };
    Some(
        Finding::new(Rule::BadSenderId, at, message)
            .field(name)
            .help(HELP),
    )
}

/// An SPID of `digits` digits: exactly 7 in v1.3, 5 to 7 for the
/// hyphenated dialects' `operator-id`.
pub(crate) fn spid_of(
    name: &str,
    at: usize,
    value: &str,
    digits: std::ops::RangeInclusive<usize>,
) -> Option<Finding> {
    if digits.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (count, help) = if digits.start() == digits.end() {
        (
            "7 digits".to_string(),
            "an SPID is exactly 7 digits, leading zeros included, e.g. 0001470",
        )
    } else {
        (
            format!("{} to {} digits", digits.start(), digits.end()),
            "an operator id is 5 to 7 digits, e.g. 31026 or 0001470",
        )
    };
    Some(
        Finding::new(
            Rule::BadSpid,
            at,
            format!("{name} {} is not {count}", shown(value)),
        )
        .field(name)
        .help(help),
    )
}

/// MMSID (`bad-mmsid`), CAMPAIGNID and PASSDATAID (`bad-integer`).
pub(crate) fn positive_integer(rule: Rule, name: &str, at: usize, value: &str) -> Option<Finding> {
    let digits_only = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    if digits_only && value.bytes().any(|b| b != b'0') {
        return None;
    }
    Some(
        Finding::new(
            rule,
            at,
            format!("{name} {} is not a positive integer", shown(value)),
        )
        .field(name)
        .help("digits only, greater than zero"),
    )
}

/// The instant a TIMESTAMP names, in microseconds since 1970-01-01T00:00:00Z
/// (to the millisecond, as [`parse_timestamp`] reads it), when it is valid,
/// surrounding white space aside.
pub fn utc_micros(text: &str) -> Option<i64> {
    parse_timestamp(crate::postback::trim_xml(text))
        .ok()
        .map(|millis| millis * 1000)
}

/// Reads an ISO 8601 date-time with offset as milliseconds since 1970-01-01
/// UTC (a fraction beyond milliseconds is cut; second 60 counts as the next
/// minute's 0); the error says what is wrong.
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape_ok {
        return Err("it does not start with YYYY-MM-DDThh:mm:ss".into());
    }
    let year = num(&b[0..4]);
    let month = num(&b[5..7]);
    let day = num(&b[8..10]);
    let (hour, minute, second) = (num(&b[11..13]), num(&b[14..16]), num(&b[17..19]));
    if !(1..=12).contains(&month) {
        return Err(format!("month {month:02} does not exist"));
    }
    let days = days_in_month(year, month);
    if !(1..=days).contains(&day) {
        return Err(format!(
            "{} does not exist: that month has {days} days",
            &s[..10]
        ));
    }
    if hour > 23 {
        return Err(format!("hour {hour:02} is not 00-23"));
    }
    if minute > 59 {
        return Err(format!("minute {minute:02} is not 00-59"));
    }
    if second > 60 {
        return Err(format!("second {second:02} is not 00-60"));
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err("a '.' with no digits after it".into());
        }
        let mut ms = [b'0'; 3];
        for (to, from) in ms.iter_mut().zip(&fraction[..n]) {
            *to = *from;
        }
        millis = i64::from(num(&ms));
        rest = &fraction[n..];
    }
    let local = (days_from_civil(i64::from(year), i64::from(month), i64::from(day)) * 86_400
        + i64::from(hour * 3600 + minute * 60 + second))
        * 1000
        + millis;
    match rest {
        b"Z" => Ok(local),
        [] => Err("it has no offset".into()),
        [sign @ (b'+' | b'-'), offset @ ..] => {
            let (h, m) = match offset {
                [h1, h2] => ([*h1, *h2], None),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => ([*h1, *h2], Some([*m1, *m2])),
                _ => return Err("the offset is not ±hh:mm, ±hhmm or ±hh".into()),
            };
            let all_digits = h.iter().chain(m.iter().flatten()).all(u8::is_ascii_digit);
            if !all_digits {
                return Err("the offset is not ±hh:mm, ±hhmm or ±hh".into());
            }
            if num(&h) > 14 {
                return Err(format!("offset hour {:02} is not 00-14", num(&h)));
            }
            let minutes = match m {
                Some(m) if num(&m) > 59 => {
                    return Err(format!("offset minute {:02} is not 00-59", num(&m)));
                }
                Some(m) => num(&m),
                None => 0,
            };
            let offset_ms = i64::from(num(&h) * 60 + minutes) * 60_000;
            Ok(if *sign == b'-' {
                local + offset_ms
            } else {
                local - offset_ms
            })
        }
        _ => Err("it has no valid offset after the time".into()),
    }
}

/// Callers pass ASCII digits only.
fn num(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |n, d| n * 10 + u32::from(d.wrapping_sub(b'0')))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_accepted() {
        for ok in [
            "2013-11-05T05:41:08-05:00",
            "2013-11-05T05:41:08Z",
            "2013-11-05T05:41:08.123Z",
            "2013-11-05T05:41:08.5+0530",
            "2014-07-02T14:32:23-04",
            "2014-07-02T14:32:23+14:00",
            "2014-07-02T14:32:23-00:00",
            "2016-12-31T23:59:60Z",
            "2012-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "0000-02-29T00:00:00Z",
        ] {
            assert!(parse_timestamp(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn timestamps_name_their_instant_in_utc() {
        let utc = |s: &str| utc_micros(s).expect(s);
        // 2013-11-05T10:41:08Z, written five ways.
        let instant = 1_383_648_068_000_000;
        for form in [
            "2013-11-05T10:41:08Z",
            "2013-11-05T05:41:08-05:00",
            "2013-11-05T05:41:08-0500",
            "2013-11-05T05:41:08-05",
            " 2013-11-05T16:11:08+05:30\n",
        ] {
            assert_eq!(utc(form), instant, "{form}");
        }
        assert_eq!(utc("1970-01-01T00:00:00Z"), 0);
        assert_eq!(utc("1969-12-31T23:59:59.5Z"), -500_000);
        assert_eq!(utc("2013-11-05T10:41:08.1234567Z"), instant + 123_000);
        assert_eq!(utc("2016-12-31T23:59:60Z"), utc("2017-01-01T00:00:00Z"));
        assert_eq!(utc_micros("2013-02-30T05:41:08Z"), None);
    }

    #[test]
    fn timestamps_refused() {
        for bad in [
            "2013-02-30T05:41:08Z",
            "2013-02-29T05:41:08Z",
            "1900-02-29T05:41:08Z",
            "2013-04-31T05:41:08Z",
            "2013-13-01T05:41:08Z",
            "2013-00-01T05:41:08Z",
            "2013-01-00T05:41:08Z",
            "2013-01-01T24:00:00Z",
            "2013-01-01T23:60:00Z",
            "2013-01-01T23:59:61Z",
            "2013-01-01T23:59:59",
            "2013-01-01T23:59:59.Z",
            "2013-01-01T23:59:59+15:00",
            "2013-01-01T23:59:59+05:60",
            "2013-01-01T23:59:59+5",
            "2013-01-01T23:59:59+05:0",
            "2013-01-01T23:59:59+05:00Z",
            "2013-01-01T23:59:59z",
            "2013-01-01 23:59:59Z",
            "2013-1-01T23:59:59Z",
            "20130101T235959Z",
            "2013-01-01",
            "",
            "2013-01-01T23:59:59+0a:00",
            "2013-01-01T23:59:59 Z",
            "２013-01-01T23:59:59Z",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_timestamp("2013-02-30T05:41:08Z"),
            Err("2013-02-30 does not exist: that month has 28 days".into())
        );
    }

    #[test]
    fn timestamp_finding() {
        let f = timestamp("TIMESTAMP", 9, "2013-02-30T05:41:08Z").unwrap();
        assert_eq!(f.rule, Rule::BadTimestamp);
        assert_eq!(f.at, 9);
        assert_eq!(
            f.message,
            r#"TIMESTAMP "2013-02-30T05:41:08Z" is not a valid date-time"#
        );
        assert!(f.help.unwrap().contains("YYYY-MM-DDThh:mm:ss"));
    }

    #[test]
    fn numbers() {
        assert!(number("TO", 0, "16503333058", NumberKind::Handset).is_none());
        assert!(number("FROM", 0, "60856", NumberKind::Code).is_none());
        assert!(number("TO", 0, "123", NumberKind::Either).is_none());
        assert!(number("TO", 0, "123456789012345", NumberKind::Handset).is_none());
        let plus = number("TO", 0, "+16503333058", NumberKind::Handset).unwrap();
        assert_eq!(plus.rule, Rule::PlusPrefix);
        assert_eq!(plus.message, r#"TO "+16503333058" has a leading +"#);
        for (value, kind) in [
            ("60856", NumberKind::Handset),
            ("12", NumberKind::Code),
            ("1234567890123456", NumberKind::Either),
            ("+123", NumberKind::Handset),
            ("650 333 3058", NumberKind::Handset),
            ("+", NumberKind::Handset),
            ("++16503333058", NumberKind::Handset),
            ("1650-333-3058", NumberKind::Handset),
            ("١٢٣٤٥٦٧", NumberKind::Handset),
        ] {
            let f = number("TO", 0, value, kind).unwrap();
            assert_eq!(f.rule, Rule::BadNumber, "{value}");
            assert_eq!(f.field.as_deref(), Some("TO"));
        }
        assert_eq!(
            number("TO", 0, "60856", NumberKind::Handset)
                .unwrap()
                .message,
            r#"TO "60856" has 5 digits; a handset number has 7-15"#
        );
    }

    #[test]
    fn sender_ids() {
        assert!(sender_id("FROM_MASK", 0, "Skycore").is_none());
        assert!(sender_id("FROM_MASK", 0, "My Shop 123").is_none());
        let long = sender_id("FROM_MASK", 0, "ABCDEFGHIJKL").unwrap();
        assert_eq!(long.rule, Rule::BadSenderId);
        assert_eq!(
            long.message,
            r#"FROM_MASK "ABCDEFGHIJKL" is longer than 11 characters"#
        );
        assert!(sender_id("FROM_MASK", 0, "Café").is_some());
        assert!(sender_id("FROM_MASK", 0, "a_b").is_some());
    }

    #[test]
    fn spids_and_integers() {
        let spid = |name, at, value| spid_of(name, at, value, 7..=7);
        assert!(spid_of("operator-id", 0, "31026", 5..=7).is_none());
        assert!(spid_of("operator-id", 0, "3102", 5..=7).is_some());
        assert!(spid("SPID", 0, "0001470").is_none());
        for bad in ["1470", "00014700", "000147a", "０００１４７０"] {
            assert_eq!(spid("SPID", 0, bad).unwrap().rule, Rule::BadSpid, "{bad}");
        }
        assert!(positive_integer(Rule::BadMmsid, "MMSID", 0, "39597").is_none());
        for bad in ["0", "000", "-1", "1.5", "abc", "1e3", "+5"] {
            let f = positive_integer(Rule::BadMmsid, "MMSID", 0, bad).unwrap();
            assert_eq!(f.rule, Rule::BadMmsid, "{bad}");
        }
        let f = positive_integer(Rule::BadInteger, "CAMPAIGNID", 3, "x").unwrap();
        assert_eq!(f.rule, Rule::BadInteger);
        assert_eq!(f.message, r#"CAMPAIGNID "x" is not a positive integer"#);
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "9".repeat(1000);
        let f = spid_of("SPID", 0, &long, 7..=7).unwrap();
        assert!(f.message.len() < 80, "{}", f.message);
        assert_eq!(shown("a\"b\n"), r#""a\"b\n""#);
    }
}
