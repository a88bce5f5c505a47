//! Decoding values a person would decode by hand: base64 text in an ID, a
//! date-time with an offset in UTC.

use crate::render::terminal::is_unsafe;
use crate::time::{civil_from_days, days_from_civil};

/// The text a value encodes when it is standard base64 of printable UTF-8;
/// `None` for anything else, so plain IDs are left alone.
pub fn decode_base64_text(value: &str) -> Option<String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes = value.as_bytes();
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    if body.is_empty()
        || body.len() % 4 == 1
        || (body.len() != bytes.len() && !bytes.len().is_multiple_of(4))
    {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        // A short last chunk carries 12 or 18 bits: 1 or 2 bytes, and leftover bits that must be 0.
        let (acc, n) = match chunk.len() {
            4 => (acc, 3),
            3 if acc & 0b11 == 0 => (acc >> 2, 2),
            2 if acc & 0b1111 == 0 => (acc >> 4, 1),
            _ => return None,
        };
        for i in (0..n).rev() {
            out.push((acc >> (8 * i)) as u8);
        }
    }
    let text = String::from_utf8(out).ok()?;
    let printable = text.chars().all(|c| !c.is_control() && !is_unsafe(c));
    printable.then_some(text)
}

/// A date-time with an offset, moved to UTC.
#[derive(Debug, PartialEq, Eq)]
pub enum Utc {
    /// `YYYY-MM-DD hh:mm:ss`, fraction kept.
    At(String),
    /// The moment falls before year 0000 (`true`) or after 9999 in UTC.
    OutOfRange { before: bool },
}

/// A valid date-time with an offset, written in UTC as `YYYY-MM-DD hh:mm:ss`
/// (fraction kept); `None` when it is already UTC or does not parse.
pub fn to_utc(value: &str) -> Option<Utc> {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    // Bytes 0..19 were all checked to be ASCII, so 19 is a character boundary
    // and the slice cannot panic.
    let mut rest = &value[19..];
    let mut fraction = "";
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        fraction = &rest[..=n];
        rest = &after[n..];
    }
    let offset_minutes = match rest.as_bytes() {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), off @ ..] => {
            let two = |p: &[u8]| -> Option<i64> {
                match p {
                    [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                        Some(i64::from((a - b'0') * 10 + (b - b'0')))
                    }
                    _ => None,
                }
            };
            let (h, m) = match off {
                [h1, h2] => (two(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (two(&[*h1, *h2])?, two(&[*m1, *m2])?),
                _ => return None,
            };
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    if offset_minutes == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Minutes since the epoch, shifted by the offset; seconds (60 included) ride along.
    let local = days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
    let utc = local - offset_minutes;
    let (days, in_day) = (utc.div_euclid(1440), utc.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return Some(Utc::OutOfRange { before: y < 0 });
    }
    Some(Utc::At(format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{second:02}{fraction}",
        in_day / 60,
        in_day % 60
    )))
}
