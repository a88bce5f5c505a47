//! The record: one postback, in any dialect, as ordered fields that borrow
//! from the record's text wherever no decoding was needed.

use std::borrow::Cow;

pub use crate::dialect::xml::{forbidden_control, parse};
pub use crate::dialect::Dialect;

/// An element of a postback: a field, or (inside a field) a child such as N401's `FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element name (or v2 member key) as written (case-sensitive).
    pub name: &'a str,
    /// The name the record is read by: the v1.3 name of the field
    /// (`tracking-id` reads as `TRACKINGID`), or `name` when it has none.
    pub canonical: &'a str,
    /// Set for a v2 member whose value is not a JSON string: `text` then
    /// holds the value's JSON as written.
    pub json: Option<JsonValue>,
    /// Byte offset of the start tag's `<` in the record text.
    pub at: usize,
    /// Whether the start tag carries attributes.
    pub has_attributes: bool,
    /// The text content: entities and CDATA decoded, line ends normalised to LF,
    /// not trimmed. For an element with children, the text beside them.
    pub text: Cow<'a, str>,
    /// Child elements in document order (empty for a simple field).
    pub children: Vec<Element<'a>>,
}

/// A v2 value that is not a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonValue {
    /// A number, `true`, `false` or `null`.
    Literal,
    /// An object or an array. `list` is set when it has the shape the field
    /// is documented with (N401's `content` of `{"file": ...}` objects,
    /// `copy-to` of `{"number": ...}` objects); `children` then hold its items.
    Nested { list: bool },
}

/// Dropped without recursion: a hostile record nested 100,000 deep fits
/// under the size limit, and the derived drop would overflow the stack.
impl Drop for Element<'_> {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut e) = pending.pop() {
            pending.append(&mut e.children);
        }
    }
}

impl<'a> Element<'a> {
    /// A field of text, named as written; `canonical` is set by the reader.
    pub fn text(name: &'a str, at: usize, text: Cow<'a, str>) -> Self {
        Element {
            name,
            canonical: name,
            json: None,
            at,
            has_attributes: false,
            text,
            children: Vec::new(),
        }
    }

    /// The value as checked: the text without surrounding XML white space.
    pub fn trimmed(&self) -> &str {
        trim_xml(&self.text)
    }
}

/// One parsed postback.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Postback<'a> {
    /// The dialect the record was written in.
    pub dialect: Dialect,
    /// Whether the `<POSTBACK>` start tag carries attributes.
    pub has_attributes: bool,
    /// Text directly inside `<POSTBACK>` beside the fields (white space dropped).
    pub text: Cow<'a, str>,
    /// The fields in document order; a repeated field appears once per occurrence.
    pub fields: Vec<Element<'a>>,
}

impl<'a> Postback<'a> {
    /// The dialect the record was written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The first field read as this v1.3 name (`TRACKINGID` finds a v2
    /// `tracking-id` too), or, for a name without one, written so.
    pub fn field(&self, name: &str) -> Option<&Element<'a>> {
        self.fields
            .iter()
            .find(|f| crate::spec::same(f.canonical, name))
    }

    /// The trimmed value of the first field read as this v1.3 name.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.field(name).map(Element::trimmed)
    }

    /// The record under v1.3 names (DIALECTS.md 8): every field renamed to
    /// the name it reads as, and a v2 file list as `FILE` elements. Borrowed
    /// when nothing changes, as for every v1.3 record.
    pub fn canonical(&self) -> Cow<'_, Postback<'a>> {
        fn renamed(e: &Element<'_>) -> bool {
            e.name != e.canonical
                || e.json == Some(JsonValue::Nested { list: true })
                || e.children.iter().any(renamed)
        }
        if !self.fields.iter().any(renamed) {
            return Cow::Borrowed(self);
        }
        fn rename(e: &mut Element<'_>) {
            e.name = e.canonical;
            if e.json == Some(JsonValue::Nested { list: true }) {
                // Items are written from the children, as for XML.
                e.json = None;
                e.text = Cow::Borrowed("");
            }
            e.children.iter_mut().for_each(rename);
        }
        let mut copy = self.clone();
        copy.fields.iter_mut().for_each(rename);
        Cow::Owned(copy)
    }

    /// The notification code: `CODE`, or `STATUSCODE` for pass postbacks, which carry no `CODE`.
    pub fn code(&self) -> Option<&str> {
        self.value("CODE")
            .or_else(|| self.value("STATUSCODE"))
            .filter(|c| !c.is_empty())
    }

    /// The trimmed `ORIGIN`, when present and not empty.
    pub fn origin(&self) -> Option<&str> {
        self.value("ORIGIN").filter(|o| !o.is_empty())
    }
}

/// XML white space: space, tab, CR, LF.
pub fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

pub fn trim_xml(s: &str) -> &str {
    s.trim_matches(is_xml_space)
}
