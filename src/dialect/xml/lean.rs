//! The fast path for the common postback: a flat element of simple text
//! fields, with no attributes, comments, CDATA, processing instructions,
//! nesting or entities beyond the five predefined ones and character
//! references. It finds tags with memchr and borrows every value that needs
//! no decoding. Anything else, well-formed or not, gets `None` and is read by
//! the quick-xml parser, which stays the reference: this path must build the
//! very record that one builds, or none.

use std::borrow::Cow;

use memchr::{memchr, memchr3, memmem};

use super::{forbidden_control, is_xml_char, Dialect};
use crate::postback::{Element, Postback};
use crate::spec::dialects::canonical;

/// The record of a flat postback, or `None` when `text` is anything else.
pub fn parse(text: &str) -> Option<Postback<'_>> {
    let bytes = text.as_bytes();
    // `]]>` outside CDATA is malformed: the reference says where.
    if forbidden_control(bytes).is_some() || memmem::find(bytes, b"]]>").is_some() {
        return None;
    }
    let (dialect, root) = if bytes.starts_with(b"<POSTBACK>") {
        (Dialect::V1, &b"POSTBACK"[..])
    } else if bytes.starts_with(b"<postback>") {
        (Dialect::Lower, &b"postback"[..])
    } else {
        return None;
    };
    let mut pos = root.len() + 2;
    let mut fields = Vec::with_capacity(16);
    loop {
        // Between fields: white space only (anything else is text beside
        // the fields, which the reference keeps and reports).
        let lt = pos + memchr(b'<', &bytes[pos..])?;
        if !bytes[pos..lt].iter().all(|&b| is_space(b)) {
            return None;
        }
        if bytes.get(lt + 1) == Some(&b'/') {
            // Only the root can close here; the reference stops at its end tag.
            return closes(bytes, lt, root).then(|| Postback {
                dialect,
                has_attributes: false,
                text: Cow::Borrowed(""),
                fields,
            });
        }
        let name_end = name_end(bytes, lt + 1)?;
        // ASCII bytes only, so both ends are character boundaries.
        let name = &text[lt + 1..name_end];
        let body = match bytes.get(name_end) {
            Some(b'>') => name_end + 1,
            Some(b'/') if bytes.get(name_end + 1) == Some(&b'>') => {
                fields.push(field(dialect, name, lt, Cow::Borrowed("")));
                pos = name_end + 2;
                continue;
            }
            _ => return None,
        };
        let (value, end) = value(text, body)?;
        if !closes(bytes, end, name.as_bytes()) {
            return None;
        }
        fields.push(field(dialect, name, lt, value));
        pos = end + name.len() + 3;
    }
}

fn field<'a>(dialect: Dialect, name: &'a str, at: usize, text: Cow<'a, str>) -> Element<'a> {
    let mut element = Element::text(name, at, text);
    element.canonical = canonical(dialect, name);
    element
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The end of an ASCII element name starting at `start`; `None` when there
/// is none or it is not plain ASCII (the reference judges those).
fn name_end(bytes: &[u8], start: usize) -> Option<usize> {
    let first = *bytes.get(start)?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b':') {
        return None;
    }
    let len = bytes[start + 1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':')))?;
    Some(start + 1 + len)
}

/// Is `bytes[lt..]` exactly `</name>`?
fn closes(bytes: &[u8], lt: usize, name: &[u8]) -> bool {
    let Some(tag) = bytes.get(lt..lt + name.len() + 3) else {
        return false;
    };
    tag[1] == b'/' && &tag[2..2 + name.len()] == name && tag[2 + name.len()] == b'>'
}

/// A field's text from `body` to the next `<`, with references decoded and
/// line ends normalised as the reference does; borrowed when neither
/// occurs. Returns the text and the index of that `<`.
fn value(text: &str, body: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = text.as_bytes();
    let first = body + memchr3(b'<', b'&', b'\r', &bytes[body..])?;
    if bytes[first] == b'<' {
        return Some((Cow::Borrowed(&text[body..first]), first));
    }
    let mut out = String::with_capacity(first - body + 16);
    let mut from = body;
    let mut at = first;
    loop {
        out.push_str(&text[from..at]);
        match bytes[at] {
            b'<' => return Some((Cow::Owned(out), at)),
            b'&' => {
                let (c, next) = reference(bytes, at)?;
                out.push(c);
                from = next;
            }
            _ => {
                // XML 1.0 line ends: CR LF and a lone CR read as LF.
                out.push('\n');
                from = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'\n'));
            }
        }
        at = from + memchr3(b'<', b'&', b'\r', &bytes[from..])?;
    }
}

/// The character a reference at `amp` stands for, and where text goes on.
/// `None` for anything the reference would reject or read otherwise.
fn reference(bytes: &[u8], amp: usize) -> Option<(char, usize)> {
    let rest = &bytes[amp + 1..];
    // `&#x10FFFF;` is the longest reference worth reading here.
    let semi = memchr(b';', &rest[..rest.len().min(12)])?;
    let c = match &rest[..semi] {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"apos" => '\'',
        b"quot" => '"',
        name => char_reference(name)?,
    };
    Some((c, amp + 1 + semi + 1))
}

/// `#65` or `#x41`, as the reference reads it: no sign, not zero, a
/// character XML allows.
fn char_reference(name: &[u8]) -> Option<char> {
    let number = name.strip_prefix(b"#")?;
    let (digits, radix) = match number.strip_prefix(b"x") {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if matches!(digits.first(), None | Some(b'+' | b'-')) {
        return None;
    }
    let code = u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()?;
    char::from_u32(code).filter(|&c| code != 0 && is_xml_char(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_record_is_read_with_borrowed_values() {
        let text = "<POSTBACK>\n  <ORIGIN>SMS_MT</ORIGIN>\n  <FROM_MASK/>\n  <CODE>N202</CODE>\n</POSTBACK>";
        let pb = parse(text).expect("flat");
        let names: Vec<_> = pb.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["ORIGIN", "FROM_MASK", "CODE"]);
        assert!(matches!(pb.fields[0].text, Cow::Borrowed("SMS_MT")));
        assert_eq!(pb.fields[2].at, text.find("<CODE>").unwrap());
    }

    #[test]
    fn references_and_line_ends_are_decoded() {
        let pb = parse("<postback><status>a &amp; b&#x41;&#66;\r\nc\rd</status></postback>")
            .expect("flat");
        assert_eq!(pb.dialect, Dialect::Lower);
        assert_eq!(pb.fields[0].text, "a & bAB\nc\nd");
        assert_eq!(pb.fields[0].canonical, "STATUS");
    }

    #[test]
    fn anything_unusual_is_left_to_the_reference() {
        for text in [
            "<POSTBACK a='1'><CODE>N202</CODE></POSTBACK>",
            "<POSTBACK><CODE x='1'>N202</CODE></POSTBACK>",
            "<POSTBACK><!-- c --><CODE>N202</CODE></POSTBACK>",
            "<POSTBACK><CODE><![CDATA[N202]]></CODE></POSTBACK>",
            "<POSTBACK><CODE>&nbsp;</CODE></POSTBACK>",
            "<POSTBACK><CODE>&#0;</CODE></POSTBACK>",
            "<POSTBACK><CONTENT><FILE>a</FILE></CONTENT></POSTBACK>",
            "<POSTBACK>text<CODE>N202</CODE></POSTBACK>",
            "<POSTBACK><CODE>N202</CODE>",
            "<POSTBACK><CODE>N202</ORIGIN></POSTBACK>",
            "<POSTBACK><CODE>N202</CODE ></POSTBACK>",
            "<POSTBACK><ÇODE>N202</ÇODE></POSTBACK>",
            "<POSTBACK/>",
            "<POSTBACK ><CODE>N202</CODE></POSTBACK>",
            "<POSTBACK><CODE>N202]]></CODE></POSTBACK>",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
