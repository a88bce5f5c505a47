//! JSON texts read with their positions (DIALECTS.md 2): serde_json checks
//! and spans each value; this walks objects and arrays one level at a time
//! so that every member's key and value keep their byte offsets.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// One member of an object, as written.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    /// Offset of the key's opening quote.
    pub key_at: usize,
    /// The value's JSON text.
    pub value: &'a str,
    /// Offset of the value's first byte.
    pub value_at: usize,
    /// The value is a string holding no escape: its text lies between its quotes.
    pub value_plain: bool,
}

/// Where a member lies in its object's text, counted from the object's
/// `{`: what a first parse hands on, so that the object is not parsed again.
/// Kept small (they travel with every batch of records): an offset past
/// `u32` is stored as `u32::MAX`, which fits no text, so that object is
/// parsed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSpan {
    pub key_at: u32,
    /// The key as written, quotes included.
    pub key_len: u32,
    pub value_at: u32,
    pub value_len: u32,
    /// The key holds no escape: its text is what lies between its quotes.
    pub key_plain: bool,
    pub value_plain: bool,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Member<'_> {
    /// This member's span in an object whose `{` is at `object_at`, given
    /// its key as written.
    pub fn span(&self, object_at: usize, raw_key: &str) -> MemberSpan {
        MemberSpan {
            key_at: small(self.key_at - object_at),
            key_len: small(raw_key.len()),
            value_at: small(self.value_at - object_at),
            value_len: small(self.value.len()),
            key_plain: matches!(self.key, Cow::Borrowed(_)),
            value_plain: self.value_plain,
        }
    }
}

/// The members of the object `text` (from its `{`) that an earlier parse
/// found at `spans`; `None` when a span does not fit the text, which then
/// has to be parsed.
pub fn members_at<'a>(text: &'a str, spans: &[MemberSpan]) -> Option<Vec<Member<'a>>> {
    let mut members = Vec::with_capacity(spans.len());
    let wide = |n: u32| usize::try_from(n).ok();
    for s in spans {
        let (key_at, value_at) = (wide(s.key_at)?, wide(s.value_at)?);
        let key_end = key_at.checked_add(wide(s.key_len)?)?;
        let key = if s.key_plain {
            Cow::Borrowed(inside_quotes(text.get(key_at..key_end)?))
        } else {
            string(text.get(key_at..key_end)?)
        };
        let value = text.get(value_at..value_at.checked_add(wide(s.value_len)?)?)?;
        members.push(Member {
            key,
            key_at,
            value,
            value_at,
            value_plain: s.value_plain,
        });
    }
    Some(members)
}

/// Why a JSON value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Offset of the byte where parsing failed (the end of the text when it
    /// ran out).
    pub at: usize,
    /// The text ran out: more input could complete it.
    pub eof: bool,
    /// What the parser expected, for messages. Fixed for the failures read
    /// here, which a broken text can produce at every candidate.
    pub message: Cow<'static, str>,
}

/// JSON white space.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_space(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && is_space(text[i]) {
        i += 1;
    }
    i
}

fn ran_out(text: &[u8], message: &'static str) -> Failure {
    Failure {
        at: text.len(),
        eof: true,
        message: Cow::Borrowed(message),
    }
}

fn expected(at: usize, message: &'static str) -> Failure {
    Failure {
        at,
        eof: false,
        message: Cow::Borrowed(message),
    }
}

/// The value starting at `text[at]` (no white space before it): its JSON
/// text, which ends at `at + value.len()`.
pub fn value(text: &[u8], at: usize) -> Result<&str, Failure> {
    let rest = &text[at..];
    let mut de = serde_json::Deserializer::from_slice(rest);
    match <&RawValue>::deserialize(&mut de) {
        Ok(raw) => Ok(raw.get()),
        Err(err) => {
            let at = if err.is_eof() {
                text.len()
            } else {
                at + offset_of(rest, err.line(), err.column())
            };
            // serde_json calls a number cut off by the end of the text (`-`,
            // `1.`, `2e+`) invalid, not cut off: more input could complete it.
            let cut_number = matches!(rest.first(), Some(b'-' | b'0'..=b'9'))
                && text[at.min(text.len())..]
                    .iter()
                    .all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'));
            let eof = err.is_eof() || cut_number;
            let at = if eof { text.len() } else { at };
            let message = err.to_string();
            // serde_json appends its own position, which is not the input's.
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            let message = Cow::Owned(message);
            Err(Failure {
                at: at.min(text.len()),
                eof,
                message,
            })
        }
    }
}

/// As [`value`], reading the two kinds of value a log line is mostly made
/// of, a string without escapes and a plain integer, without serde_json.
/// Anything else, or anything that might not parse, goes to serde_json,
/// which then gives the same span or says what is wrong.
fn member_value<'a>(text: &'a [u8], known: Option<&'a str>, at: usize) -> Result<&'a str, Failure> {
    let quick = match text.get(at) {
        Some(b'"') => plain_string(text, known, at),
        Some(b'-' | b'0'..=b'9') => plain_integer(text, known, at),
        _ => None,
    };
    match quick {
        Some(raw) => Ok(raw),
        None => value(text, at),
    }
}

/// The text of a string written without escapes: what lies between its quotes.
pub fn inside_quotes(raw: &str) -> &str {
    raw.get(1..raw.len().saturating_sub(1)).unwrap_or("")
}

/// `text[from..to]` as a string when it is UTF-8. `known` is `text` itself
/// when the caller already holds it as a string: then only the two ends are
/// checked (they are ASCII here), not every byte again.
fn utf8_span<'a>(
    text: &'a [u8],
    known: Option<&'a str>,
    from: usize,
    to: usize,
) -> Option<&'a str> {
    match known {
        Some(s) => s.get(from..to),
        None => std::str::from_utf8(text.get(from..to)?).ok(),
    }
}

/// The string at `text[at]` (its `"`) when it holds no escape and no
/// control character and is UTF-8: then it is valid JSON as it stands.
fn plain_string<'a>(text: &'a [u8], known: Option<&'a str>, at: usize) -> Option<&'a str> {
    let rest = text.get(at + 1..)?;
    let close = memchr::memchr2(b'"', b'\\', rest)?;
    if rest[close] != b'"' || rest[..close].iter().any(|&b| b < 0x20) {
        return None;
    }
    // The span is the opening quote to the closing one, inclusive. Most
    // are short and ASCII, where the standard check is the quicker one.
    utf8_span(text, known, at, at + close + 2)
}

/// The integer at `text[at]` (`-?(0|[1-9][0-9]*)`) when a byte that cannot
/// continue a number follows it; fractions, exponents, leading zeros and
/// a number cut by the end of the text are left to serde_json.
fn plain_integer<'a>(text: &'a [u8], known: Option<&'a str>, at: usize) -> Option<&'a str> {
    let digits_from = at + usize::from(text[at] == b'-');
    let digits = text.get(digits_from..)?;
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let next = *digits.get(n)?;
    if n == 0 || (digits[0] == b'0' && n > 1) || matches!(next, b'.' | b'e' | b'E') {
        return None;
    }
    // ASCII digits and a sign: UTF-8.
    utf8_span(text, known, at, digits_from + n)
}

/// The byte offset of serde_json's 1-based line and (byte) column. The
/// column names the byte before a refused control character, which has
/// been read; any other refused byte is at the column itself.
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &text[start..]) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let at = start + column.saturating_sub(1);
    match text.get(at + 1) {
        Some(&b) if b < 0x20 && text.get(at).is_some_and(|&a| a >= 0x20) => at + 1,
        _ => at,
    }
}

/// A string value's text, decoded; borrowed when it holds no escapes.
pub fn string(raw: &str) -> Cow<'_, str> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if !inner.as_bytes().contains(&b'\\') {
        return Cow::Borrowed(inner);
    }
    if let Some(decoded) = unescape_short(inner) {
        return Cow::Owned(decoded);
    }
    // `raw` was checked as a JSON string, so it decodes.
    serde_json::from_str::<String>(raw).map_or(Cow::Borrowed(inner), Cow::Owned)
}

/// The text of a string holding only the one-letter escapes (`\n`, `\"`, ...),
/// as serde_json decodes it; `None` for a `\u` escape, or anything that is
/// not a valid JSON string's inside (serde_json then decides).
fn unescape_short(inner: &str) -> Option<String> {
    let bytes = inner.as_bytes();
    if bytes.iter().any(|&b| b < 0x20) {
        return None;
    }
    let mut out = String::with_capacity(inner.len());
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'\\', b'"', &bytes[from..]) {
        let at = from + i;
        if bytes[at] == b'"' {
            return None;
        }
        out.push_str(&inner[from..at]);
        out.push(match bytes.get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        });
        // Both bytes are ASCII: `from` stays on a character boundary.
        from = at + 2;
    }
    out.push_str(&inner[from..]);
    Some(out)
}

/// Reads the object whose `{` is at `text[at]`, one level: its members in
/// order (duplicate keys kept) and the offset just after its `}`.
/// On failure, the members read before it come back with the failure.
pub fn object(
    text: &[u8],
    at: usize,
) -> Result<(Vec<Member<'_>>, usize), (Vec<Member<'_>>, Failure)> {
    object_in(text, None, at, None)
}

/// As [`object`], also writing each member's span into `spans` (cleared
/// first), so that a reader can take the members without parsing again.
pub fn object_with_spans<'a>(
    text: &'a [u8],
    at: usize,
    spans: &mut Vec<MemberSpan>,
) -> Result<(Vec<Member<'a>>, usize), (Vec<Member<'a>>, Failure)> {
    spans.clear();
    object_in(text, None, at, Some(spans))
}

/// As [`object_with_spans`], for a text already known to be UTF-8.
pub fn object_str_with_spans<'a>(
    text: &'a str,
    at: usize,
    spans: &mut Vec<MemberSpan>,
) -> Result<(Vec<Member<'a>>, usize), (Vec<Member<'a>>, Failure)> {
    spans.clear();
    object_in(text.as_bytes(), Some(text), at, Some(spans))
}

/// As [`object`], for a text already known to be UTF-8 (the members' spans
/// are then not checked again).
pub fn object_str(
    text: &str,
    at: usize,
) -> Result<(Vec<Member<'_>>, usize), (Vec<Member<'_>>, Failure)> {
    object_in(text.as_bytes(), Some(text), at, None)
}

type Members<'a> = Vec<Member<'a>>;

fn object_in<'a>(
    text: &'a [u8],
    known: Option<&'a str>,
    at: usize,
    mut spans: Option<&mut Vec<MemberSpan>>,
) -> Result<(Members<'a>, usize), (Members<'a>, Failure)> {
    // A postback object has a dozen or so members: room for them at once
    // saves growing the vector four times.
    let mut members = Vec::with_capacity(16);
    let mut i = skip_space(text, at + 1);
    if text.get(i) == Some(&b'}') {
        return Ok((members, i + 1));
    }
    loop {
        match text.get(i) {
            None => {
                return Err((
                    members,
                    ran_out(text, "the text ends where a member name should follow"),
                ))
            }
            Some(b'"') => {}
            Some(_) => return Err((members, expected(i, "expected a member name in quotes"))),
        }
        let key_at = i;
        // A name read without serde_json holds no escape: it is its text.
        let (raw_key, key) = match plain_string(text, known, i) {
            Some(k) => (k, Cow::Borrowed(inside_quotes(k))),
            None => match value(text, i) {
                Ok(k) => (k, string(k)),
                Err(f) => return Err((members, f)),
            },
        };
        i = skip_space(text, i + raw_key.len());
        match text.get(i) {
            None => {
                return Err((
                    members,
                    ran_out(text, "the text ends where `:` should follow"),
                ))
            }
            Some(b':') => {}
            Some(_) => return Err((members, expected(i, "expected `:` after the member name"))),
        }
        i = skip_space(text, i + 1);
        if i >= text.len() {
            return Err((
                members,
                ran_out(text, "the text ends where a value should follow"),
            ));
        }
        let value_at = i;
        // A string read without serde_json is plain, as a name is.
        let plain = match text[i] {
            b'"' => plain_string(text, known, i),
            _ => None,
        };
        let (raw, value_plain) = match plain {
            Some(v) => (v, true),
            None => match member_value(text, known, i) {
                Ok(v) => (v, false),
                Err(f) => return Err((members, f)),
            },
        };
        let member = Member {
            key,
            key_at,
            value: raw,
            value_at,
            value_plain,
        };
        if let Some(spans) = spans.as_deref_mut() {
            spans.push(member.span(at, raw_key));
        }
        members.push(member);
        i = skip_space(text, i + raw.len());
        match text.get(i) {
            None => {
                return Err((
                    members,
                    ran_out(text, "the text ends where `,` or `}` should follow"),
                ))
            }
            Some(b',') => i = skip_space(text, i + 1),
            Some(b'}') => return Ok((members, i + 1)),
            Some(_) => return Err((members, expected(i, "expected `,` or `}` after a member"))),
        }
    }
}

/// Reads the array whose `[` is at `text[at]`, one level: each element's
/// offset and JSON text.
pub fn array(text: &[u8], at: usize) -> Result<Vec<(usize, &str)>, Failure> {
    let whole = value(text, at)?;
    let end = at + whole.len();
    let mut items = Vec::new();
    let mut i = skip_space(text, at + 1);
    while i < end - 1 {
        let item = member_value(&text[..end], None, i)?;
        items.push((i, item));
        i = skip_space(text, i + item.len());
        if text.get(i) == Some(&b',') {
            i = skip_space(text, i + 1);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_their_offsets_and_duplicates() {
        let text = br#"{ "a" : 1, "b":"x\"y", "a":[1, {"c":null}] } tail"#;
        let (members, end) = object(text, 0).unwrap();
        assert_eq!(&text[end..], b" tail");
        let keys: Vec<_> = members
            .iter()
            .map(|m| (m.key.as_ref(), m.key_at, m.value))
            .collect();
        assert_eq!(
            keys,
            [
                ("a", 2, "1"),
                ("b", 11, r#""x\"y""#),
                ("a", 23, r#"[1, {"c":null}]"#)
            ]
        );
        assert_eq!(string(members[1].value), "x\"y");
        let items = array(text, members[2].value_at).unwrap();
        assert_eq!(items, [(28, "1"), (31, r#"{"c":null}"#)]);
    }

    #[test]
    fn a_cut_object_keeps_what_was_read_and_says_where_it_broke() {
        let text = b"{\"origin\":\"SMS_MT\",\"code\":\"N201\",\"stat\nnext line";
        let (members, failure) = object(text, 0).unwrap_err();
        assert_eq!(members.len(), 2);
        // At the line end that cuts the string.
        assert_eq!(failure.at, 38, "{failure:?}");
        assert!(!failure.eof);
        let (_, failure) = object(b"{\"a\":1,", 0).unwrap_err();
        assert!(failure.eof);
    }

    #[test]
    fn a_number_cut_off_by_the_end_of_the_text_ran_out() {
        for cut in ["-", "1.", "2e", "2e+", "-0.5E-"] {
            let text = format!("{{\"a\":{cut}");
            let (_, failure) = object(text.as_bytes(), 0).unwrap_err();
            assert!(failure.eof, "{cut}: {failure:?}");
            assert_eq!(failure.at, text.len(), "{cut}");
        }
        for bad in ["-s", "1.x", "2e}"] {
            let text = format!("{{\"a\":{bad}");
            let (_, failure) = object(text.as_bytes(), 0).unwrap_err();
            assert!(!failure.eof, "{bad}: {failure:?}");
        }
    }

    #[test]
    fn the_quick_member_reads_agree_with_serde_json() {
        let cases: [&[u8]; 16] = [
            b"\"abc\"}",
            b"\"\",",
            b"\"a\\\"b\" ",
            b"\"a\x01b\"}",
            b"\"a\tb\"}",
            b"\"\xff\"}",
            b"\"caf\xc3\xa9 \x7f\"]",
            b"\"unterminated",
            b"123,",
            b"-0]",
            b"0123,",
            b"1.5,",
            b"-1e3}",
            b"-,",
            b"12",
            b"-x",
        ];
        for text in cases {
            assert_eq!(
                member_value(text, None, 0),
                value(text, 0),
                "{:?}",
                text.escape_ascii()
            );
        }
        assert_eq!(member_value(b"\"abc\"}", None, 0), Ok("\"abc\""));
        assert_eq!(member_value(b"-120,", None, 0), Ok("-120"));
    }

    #[test]
    fn an_object_read_from_a_string_is_read_as_from_its_bytes() {
        let texts = [
            r#"{ "a" : 1, "b":"x\"y", "a":[1, {"c":null}] } tail"#,
            "{\"origin\":\"SMS_MT\",\"code\":\"N201\",\"to\":\"caf\u{e9}\",\"n\":-12,\"f\":1.5}",
            r#"{"k\u00e9y":"v\u00e9","x":"é😀"}"#,
            "{\"a\":\"tab\there\",\"b\":0123}",
            "{\"a\":\"cut",
            "{\"a\":1,",
            "{}",
        ];
        type Read<'a> = Result<(Vec<Member<'a>>, usize), (Vec<Member<'a>>, Failure)>;
        let shape = |r: Read<'_>| match r {
            Ok((m, end)) => Ok((
                m.iter()
                    .map(|m| (m.key.to_string(), m.key_at, m.value.to_string(), m.value_at))
                    .collect::<Vec<_>>(),
                end,
            )),
            Err((m, f)) => Err((m.len(), f)),
        };
        for text in texts {
            assert_eq!(
                shape(object_str(text, 0)),
                shape(object(text.as_bytes(), 0)),
                "{text}"
            );
        }
        let (members, _) = object_str(texts[1], 0).unwrap();
        assert_eq!(members[2].value, "\"caf\u{e9}\"");
        assert_eq!(members[3].value, "-12");
    }

    #[test]
    fn one_letter_escapes_decode_as_serde_json_decodes_them() {
        for raw in [
            r#""a\nb\"c\\d\/e\tf\rg\bh\fi""#,
            r#""<POSTBACK>\n  <CODE>N201</CODE>\n</POSTBACK>""#,
            r#""caf\u00e9\n""#,
            r#""\ud83d\ude00\n""#,
            r#""x\\""#,
        ] {
            let want: String = serde_json::from_str(raw).unwrap();
            assert_eq!(string(raw), want, "{raw}");
        }
        // Not a JSON string: left as it was.
        assert_eq!(string(r#""a"b\n""#), r#"a"b\n"#);
        assert_eq!(string(r#""a\q""#), r#"a\q"#);
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_parse() {
        assert!(object(b"{\"a\":\"\xff\"}", 0).is_err());
        assert!(object(b"{\"\xff\":1}", 0).is_err());
    }
}
