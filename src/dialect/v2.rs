//! The v2 JSON reader: a postback object's members become the record's
//! fields, each with its key as written, its canonical name and the offset
//! of its key's opening quote (DIALECTS.md 2, 3, 7).

use std::borrow::Cow;

use crate::finding::{Finding, Rule};
use crate::json::{self, Member};
use crate::postback::{Element, JsonValue, Postback};
use crate::spec::dialects::canonical;

use super::Dialect;

/// How deep values below a field are kept: convert refuses past 64 levels,
/// so deeper ones only need to be seen, not held (as for XML).
const MAX_KEPT_DEPTH: usize = 66;

/// Whether these members make a v2 postback object: the first `origin`
/// holds a string, and the first `code` a string that, trimmed, is one
/// capital letter and three digits.
pub fn is_postback(members: &[Member<'_>]) -> bool {
    let first = |name: &str| members.iter().find(|m| m.key == name);
    let origin = first("origin").is_some_and(|m| m.value.starts_with('"'));
    origin && first("code").is_some_and(|m| is_code_value(m.value))
}

fn is_code_value(raw: &str) -> bool {
    if !raw.starts_with('"') {
        return false;
    }
    let code = json::string(raw);
    let b = code
        .trim_matches(|c: char| c.is_ascii() && json::is_space(c as u8))
        .as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Reads the postback object that `text` holds, from its `{` to its `}`.
pub fn read(text: &str) -> Result<Postback<'_>, Finding> {
    read_with(text, None)
}

/// As [`read`], taking the members from `spans` when the object's first
/// reader kept them, rather than parsing it again.
pub fn read_with<'a>(
    text: &'a str,
    spans: Option<&[json::MemberSpan]>,
) -> Result<Postback<'a>, Finding> {
    let members = match spans.and_then(|spans| json::members_at(text, spans)) {
        Some(members) => members,
        None => {
            json::object_str(text, 0)
                .map_err(|(_, failure)| {
                    Finding::new(
                        Rule::MalformedJson,
                        0,
                        format!("the JSON postback breaks off: {}", failure.message),
                    )
                })?
                .0
        }
    };
    let mut postback = Postback {
        dialect: Dialect::V2,
        fields: Vec::with_capacity(members.len()),
        ..Postback::default()
    };
    let is_n401 = members
        .iter()
        .find(|m| m.key == "code")
        .is_some_and(|m| json::string(m.value).trim() == "N401");
    for member in members {
        postback.fields.push(field(text, member, is_n401));
    }
    Ok(postback)
}

/// The key as the element's name: borrowed from the text; a key written
/// with escapes keeps its escapes, as written.
fn key_name<'a>(text: &'a str, member: &Member<'a>) -> &'a str {
    match member.key {
        Cow::Borrowed(key) => key,
        Cow::Owned(_) => {
            let raw_end = text[member.key_at + 1..]
                .find(':')
                .map_or(text.len(), |i| member.key_at + 1 + i);
            text[member.key_at..raw_end]
                .trim_end_matches(|c: char| c.is_ascii_whitespace())
                .trim_matches('"')
        }
    }
}

fn field<'a>(text: &'a str, member: Member<'a>, is_n401: bool) -> Element<'a> {
    let name = key_name(text, &member);
    let mut element = value_element(text, name, member.key_at, &member, 1);
    element.canonical = canonical(Dialect::V2, name);
    if let (true, Some(JsonValue::Nested { .. })) = (is_n401, element.json) {
        let item = match element.canonical {
            "CONTENT" => Some("file"),
            "copy-to" => Some("number"),
            _ => None,
        };
        if let Some(item) = item {
            if let Some(items) = list_of(text, member.value_at, item) {
                element.children = items;
                element.json = Some(JsonValue::Nested { list: true });
            }
        }
    }
    element
}

/// An element for a value: a string's text, a literal's JSON, or an
/// object's or array's JSON with its items as children (kept to a depth).
fn value_element<'a>(
    text: &'a str,
    name: &'a str,
    at: usize,
    member: &Member<'a>,
    depth: usize,
) -> Element<'a> {
    let raw = member.value;
    match raw.as_bytes().first() {
        Some(b'"') if member.value_plain => {
            Element::text(name, at, Cow::Borrowed(json::inside_quotes(raw)))
        }
        Some(b'"') => Element::text(name, at, json::string(raw)),
        Some(b'{' | b'[') => {
            let mut element = Element::text(name, at, Cow::Borrowed(raw));
            element.json = Some(JsonValue::Nested { list: false });
            if depth < MAX_KEPT_DEPTH {
                element.children = children(text, name, member.value_at, depth + 1);
            }
            element
        }
        _ => {
            let mut element = Element::text(name, at, Cow::Borrowed(raw));
            element.json = Some(JsonValue::Literal);
            element
        }
    }
}

/// The items of the object or array at `at`, each located at its value's first byte.
fn children<'a>(text: &'a str, name: &'a str, at: usize, depth: usize) -> Vec<Element<'a>> {
    let bytes = text.as_bytes();
    let items: Vec<(&'a str, Member<'a>)> = if bytes[at] == b'{' {
        match json::object_str(text, at) {
            Ok((members, _)) => members
                .into_iter()
                .map(|m| (key_name(text, &m), m))
                .collect(),
            Err(_) => Vec::new(),
        }
    } else {
        match json::array(bytes, at) {
            Ok(items) => items
                .into_iter()
                .map(|(value_at, value)| {
                    let member = Member {
                        key: Cow::Borrowed(name),
                        key_at: value_at,
                        value,
                        value_at,
                        value_plain: false,
                    };
                    (name, member)
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    };
    items
        .into_iter()
        .map(|(name, m)| value_element(text, name, m.value_at, &m, depth))
        .collect()
}

/// `[{"item": "..."}, ...]`, each object with exactly that one string
/// member: the items as elements at their keys. `None` for any other shape.
fn list_of<'a>(text: &'a str, at: usize, item: &'static str) -> Option<Vec<Element<'a>>> {
    let bytes = text.as_bytes();
    if bytes[at] != b'[' {
        return None;
    }
    let mut out = Vec::new();
    for (value_at, value) in json::array(bytes, at).ok()? {
        if !value.starts_with('{') {
            return None;
        }
        let (members, _) = json::object_str(text, value_at).ok()?;
        match &members[..] {
            [m] if m.key == item && m.value.starts_with('"') => {
                let mut element = Element::text(key_name(text, m), m.key_at, json::string(m.value));
                element.canonical = canonical(Dialect::V2, element.name);
                out.push(element);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_become_fields_with_canonical_names_at_their_keys() {
        let text = r#"{"origin":"SMS_MT", "code":"N201","trackingid":"x","mms-id":5,"to":null}"#;
        let pb = read(text).unwrap();
        assert_eq!(pb.dialect(), Dialect::V2);
        let names: Vec<_> = pb
            .fields
            .iter()
            .map(|f| (f.name, f.canonical, f.at))
            .collect();
        assert_eq!(
            names,
            [
                ("origin", "ORIGIN", 1),
                ("code", "CODE", 20),
                ("trackingid", "TRACKINGID", 34),
                ("mms-id", "MMSID", 51),
                ("to", "TO", 62)
            ]
        );
        assert_eq!(pb.value("TRACKINGID"), Some("x"));
        assert_eq!(pb.code(), Some("N201"));
        assert_eq!(pb.field("MMSID").unwrap().json, Some(JsonValue::Literal));
        assert_eq!(pb.value("MMSID"), Some("5"));
    }

    #[test]
    fn n401_content_is_a_file_list_and_other_shapes_are_nested() {
        let text = r#"{"origin":"MMS_MO","code":"N401","content":[{"file":"a"},{"file":"b"}]}"#;
        let pb = read(text).unwrap();
        let content = pb.field("CONTENT").unwrap();
        assert_eq!(content.json, Some(JsonValue::Nested { list: true }));
        let files: Vec<_> = content
            .children
            .iter()
            .map(|c| (c.canonical, c.text.as_ref()))
            .collect();
        assert_eq!(files, [("FILE", "a"), ("FILE", "b")]);
        let text = r#"{"origin":"MMS_MO","code":"N401","content":[{"file":"a","x":1}]}"#;
        let pb = read(text).unwrap();
        assert_eq!(
            pb.field("CONTENT").unwrap().json,
            Some(JsonValue::Nested { list: false })
        );
    }

    #[test]
    fn postback_objects_are_told_from_other_json() {
        let members = |t: &'static str| json::object(t.as_bytes(), 0).unwrap().0;
        assert!(is_postback(&members(r#"{"origin":"X","code":" N999 "}"#)));
        assert!(!is_postback(&members(r#"{"origin":"X","code":"200"}"#)));
        assert!(!is_postback(&members(r#"{"origin":1,"code":"N201"}"#)));
        assert!(!is_postback(&members(
            r#"{"ORIGIN":"SMS_MT","CODE":"N201"}"#
        )));
        // The first member of a name decides.
        assert!(is_postback(&members(
            r#"{"origin":"SMS_MT","code":"N201","code":"x"}"#
        )));
        assert!(!is_postback(&members(
            r#"{"origin":"SMS_MT","code":"x","code":"N201"}"#
        )));
    }
}
