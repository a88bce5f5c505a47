//! The JSON shape of a record, shared by every format that writes JSON: one
//! object per element list, repeated names grouped into arrays, nested
//! elements as objects, N401's file list, terminal-safe string escapes.

use std::io::{self, Write};

use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Trace, MAX_DEPTH, TEXT_KEY};
use crate::postback::{Element, Postback};
use crate::render::terminal::is_unsafe;

/// Marks "no further element of this name" in [`Groups::next`].
pub(super) const NONE: usize = usize::MAX;

/// Whether this is an N401 postback, whose `CONTENT` is always a file list.
pub(super) fn is_n401(postback: &Postback<'_>) -> bool {
    postback.code() == Some("N401")
}

/// The child name always written as an array for this field: `FILE` for the
/// `CONTENT` of an N401 postback.
pub(super) fn file_list(n401: bool, field: &Element<'_>) -> Option<&'static str> {
    // The lower-case dialect's `content` holds `file` elements.
    let item = if field.name == "content" {
        "file"
    } else {
        "FILE"
    };
    (n401 && field.canonical == "CONTENT").then_some(item)
}

/// Writes one postback as a JSON object, with where it was read after its
/// fields when `trace` is given; indented for a person when `pretty`.
pub(super) fn write_object<W: Write>(
    out: &mut W,
    postback: &Postback<'_>,
    groups: &mut Groups,
    trace: Option<&Trace<'_>>,
    pretty: bool,
) -> io::Result<()> {
    groups.compute(&postback.fields);
    let object = Object {
        elements: &postback.fields,
        groups,
        only: None,
        text: &postback.text,
        list: None,
        n401: is_n401(postback),
        depth: 1,
        trace,
    };
    if pretty {
        let formatter = Pretty {
            level: 1,
            has_value: false,
        };
        let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
        return object.serialize(&mut serializer).map_err(io::Error::from);
    }
    to_json(out, &object)
}

/// What the JSON and NDJSON writers share: each postback is written whole
/// into a buffer, between what its format puts before and after it, then
/// goes out in one write.
pub(super) struct ObjectWriter<W: Write> {
    pub(super) out: W,
    groups: Groups,
    /// Add where each record was read, when it is known.
    with_source: bool,
    pretty: bool,
    /// The record being written: serde_json makes many small writes, which
    /// cost far less into a `Vec` than through a `dyn Write` each.
    record: Vec<u8>,
}

impl<W: Write> ObjectWriter<W> {
    pub(super) fn new(out: W, with_source: bool, pretty: bool) -> Self {
        ObjectWriter {
            out,
            groups: Groups::default(),
            with_source,
            pretty,
            record: Vec::new(),
        }
    }

    /// Writes `before`, the postback as an object (with `trace` if the
    /// options ask for it), and `after`.
    pub(super) fn write(
        &mut self,
        before: &[u8],
        postback: &Postback<'_>,
        trace: Option<Trace<'_>>,
        after: &[u8],
    ) -> io::Result<()> {
        self.record.clear();
        self.record.extend_from_slice(before);
        let trace = trace.filter(|_| self.with_source);
        write_object(
            &mut self.record,
            postback,
            &mut self.groups,
            trace.as_ref(),
            self.pretty,
        )?;
        self.record.extend_from_slice(after);
        self.out.write_all(&self.record)
    }
}

pub(super) fn to_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafe);
    // serde_json's `From` keeps an I/O error's kind (a closed pipe stays one);
    // anything else, such as nesting too deep, becomes `InvalidData`.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// serde_json's compact format, except that the characters a terminal acts
/// on which JSON does not require escaping (DEL, C1 controls, bidi controls)
/// are written as `\u` escapes too: the value is the same, and `cat out.json`
/// cannot drive or disguise the terminal.
#[derive(Debug, Clone, Copy)]
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        // The common case, checked a word at a time: ASCII without DEL.
        if fragment.is_ascii() && memchr::memchr(0x7F, bytes).is_none() {
            return out.write_all(bytes);
        }
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // C0 controls never reach here (serde_json escapes them); every
            // other unsafe character is DEL or starts with one of these bytes.
            if matches!(bytes[i], 0x7F | 0xC2 | 0xD8 | 0xE2) {
                // A lead byte starts a character, so `i` is a char boundary.
                if let Some(c) = fragment[i..].chars().next().filter(|&c| is_unsafe(c)) {
                    out.write_all(&bytes[start..i])?;
                    write!(out, "\\u{:04x}", c as u32)?;
                    i += c.len_utf8();
                    start = i;
                    continue;
                }
            }
            i += 1;
        }
        out.write_all(&bytes[start..])
    }
}

/// Two blanks a level, keys and values one a line, as `jq .` writes them,
/// with [`TerminalSafe`]'s escapes. It starts one level in: the object sits
/// in an array whose brackets are written around it.
#[derive(Debug, Clone, Copy)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn newline<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..self.level {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, out: &mut W, open: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, out: &mut W, close: &[u8]) -> io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.newline(out)?;
        }
        self.has_value = true;
        out.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        self.newline(out)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.begin(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.end(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.begin(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.end(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        TerminalSafe.write_string_fragment(out, fragment)
    }
}

/// Which elements of a list share a name, computed once per list into
/// buffers reused across records.
#[derive(Debug, Default)]
pub(super) struct Groups {
    /// For each element, the index of the next one with the same name, or [`NONE`].
    pub(super) next: Vec<usize>,
    /// Whether each element is the first of its name.
    pub(super) first: Vec<bool>,
    /// Indices sorted by (name, index), the scratch the groups are found with.
    pub(super) order: Vec<usize>,
}

impl Groups {
    pub(super) fn compute(&mut self, elements: &[Element<'_>]) {
        let n = elements.len();
        self.next.clear();
        self.next.resize(n, NONE);
        self.first.clear();
        self.first.resize(n, true);
        if n < 2 {
            return;
        }
        // Sorting keeps this O(n log n) however many fields a hostile record
        // holds; equal names end up adjacent, in document order.
        self.order.clear();
        self.order.extend(0..n);
        self.order
            .sort_unstable_by(|&a, &b| elements[a].name.cmp(elements[b].name).then(a.cmp(&b)));
        for pair in self.order.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if elements[a].name == elements[b].name {
                self.next[a] = b;
                self.first[b] = false;
            }
        }
    }
}

/// A list of elements as one JSON object, keys in document order.
pub(super) struct Object<'r, 'a> {
    pub(super) elements: &'r [Element<'a>],
    pub(super) groups: &'r Groups,
    /// Only the names whose first element is marked (CSV EXTRA); all when `None`.
    pub(super) only: Option<&'r [bool]>,
    /// Text beside the elements, written under `#text` when not empty.
    pub(super) text: &'r str,
    /// A name always written as an array, and written (empty) even when absent.
    pub(super) list: Option<&'static str>,
    /// Whether an element named `CONTENT` is N401's file list.
    pub(super) n401: bool,
    pub(super) depth: usize,
    /// Where the record was read, written after everything else.
    pub(super) trace: Option<&'r Trace<'r>>,
}

impl Serialize for Object<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(list) = self.list {
            if !self.elements.iter().any(|e| e.name == list) {
                map.serialize_entry(list, &[] as &[&str])?;
            }
        }
        for (i, element) in self.elements.iter().enumerate() {
            if !self.groups.first[i] || self.only.is_some_and(|only| !only[i]) {
                continue;
            }
            let group = Group {
                elements: self.elements,
                groups: self.groups,
                first: i,
                array: self.list == Some(element.name),
                list: file_list(self.n401, element),
                depth: self.depth,
            };
            map.serialize_entry(element.name, &group)?;
        }
        if !self.text.is_empty() {
            map.serialize_entry(TEXT_KEY, self.text)?;
        }
        if let Some(trace) = self.trace {
            let at = trace.at;
            let values = [
                ("source", TraceValue::Text(trace.source)),
                ("line", TraceValue::Number(at.line)),
                ("column", TraceValue::Number(at.column)),
                ("offset", TraceValue::Number(at.offset)),
            ];
            for (name, value) in values {
                map.serialize_entry(&trace_key(self.elements, name), &value)?;
            }
        }
        map.end()
    }
}

/// The key of a trace value: its name, with a `#` in front for as long as a
/// field of the record has that name (a lower-case or v2 field may be called
/// `source`), so that no key is ever written twice.
fn trace_key<'n>(elements: &[Element<'_>], name: &'n str) -> std::borrow::Cow<'n, str> {
    let mut key = std::borrow::Cow::Borrowed(name);
    while elements.iter().any(|e| e.name == key) {
        key = std::borrow::Cow::Owned(format!("#{key}"));
    }
    key
}

/// A trace value: the source's name or a number.
enum TraceValue<'a> {
    Text(&'a str),
    Number(u64),
}

impl Serialize for TraceValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TraceValue::Text(text) => serializer.serialize_str(text),
            TraceValue::Number(n) => serializer.serialize_u64(*n),
        }
    }
}

/// Every element of one name: its value, or an array of the values when the
/// name occurs more than once (or must always be an array).
struct Group<'r, 'a> {
    elements: &'r [Element<'a>],
    groups: &'r Groups,
    first: usize,
    array: bool,
    list: Option<&'static str>,
    depth: usize,
}

impl Serialize for Group<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = |i: usize| Value {
            element: &self.elements[i],
            list: self.list,
            depth: self.depth,
        };
        if !self.array && self.groups.next[self.first] == NONE {
            return value(self.first).serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(None)?;
        let mut i = self.first;
        while i != NONE {
            seq.serialize_element(&value(i))?;
            i = self.groups.next[i];
        }
        seq.end()
    }
}

/// One element's value: its text, or an object when it holds elements (or is
/// a file list).
pub(super) struct Value<'r, 'a> {
    pub(super) element: &'r Element<'a>,
    pub(super) list: Option<&'static str>,
    /// The element's own depth (fields are 1).
    pub(super) depth: usize,
}

impl Serialize for Value<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let element = self.element;
        if element.json.is_some() {
            // A v2 value that is not a string: written as sent, less its line
            // breaks, so that an NDJSON record stays on one line. In JSON a raw
            // CR or LF can only be white space between tokens.
            let text = element.text.replace(['\n', '\r'], "");
            let raw = serde_json::value::RawValue::from_string(text).map_err(S::Error::custom)?;
            return raw.serialize(serializer);
        }
        if element.children.is_empty() && self.list.is_none() {
            return serializer.serialize_str(&element.text);
        }
        if self.depth >= MAX_DEPTH {
            return Err(S::Error::custom(format!(
                "<{}> holds elements nested more than {MAX_DEPTH} levels deep",
                element.name
            )));
        }
        // Children are rare (N401's files, or a malformed capture): a fresh
        // grouping here costs nothing on the common path.
        let mut groups = Groups::default();
        groups.compute(&element.children);
        Object {
            elements: &element.children,
            groups: &groups,
            only: None,
            text: &element.text,
            list: self.list,
            n401: false,
            depth: self.depth + 1,
            trace: None,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;

    #[test]
    fn groups_link_each_name_in_document_order() {
        let postback = parse("<POSTBACK><B/><A/><B/><C/><A/><B/></POSTBACK>").unwrap();
        let mut groups = Groups::default();
        groups.compute(&postback.fields);
        assert_eq!(groups.first, [true, true, false, true, false, false]);
        assert_eq!(groups.next, [2, 4, 5, NONE, NONE, NONE]);
    }

    #[test]
    fn groups_of_a_long_list_match_a_naive_scan() {
        let names = ["B", "A", "B", "C", "A", "B", "D", "C"];
        let xml: String = names
            .iter()
            .cycle()
            .take(40)
            .map(|n| format!("<{n}/>"))
            .collect();
        let xml = format!("<POSTBACK>{xml}</POSTBACK>");
        let postback = parse(&xml).unwrap();
        let fields = &postback.fields;
        let mut groups = Groups::default();
        groups.compute(fields);
        for (i, field) in fields.iter().enumerate() {
            let first = !fields[..i].iter().any(|f| f.name == field.name);
            assert_eq!(groups.first[i], first);
            let next = fields[i + 1..].iter().position(|f| f.name == field.name);
            assert_eq!(groups.next[i], next.map_or(NONE, |p| i + 1 + p));
        }
    }
}
