//! The XML reader of both XML dialects: a `<POSTBACK>` (v1.3) or `<postback>`
//! (lower-case) element parsed into the canonical record, each field with
//! the name it reads as.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::Dialect;
use crate::finding::{Finding, Rule};
use crate::postback::{is_xml_space, Element, Postback};

mod lean;
mod tag;

/// Parses one record, as [`parse_reference`] does: most records are flat
/// and read without the event reader ([`parse_lean`]).
pub fn parse(text: &str) -> Result<Postback<'_>, Finding> {
    lean::parse(text).map_or_else(|| parse_reference(text), Ok)
}

/// The fast path alone: the record of a flat postback, `None` for any other
/// text (then [`parse_reference`] reads it).
pub fn parse_lean(text: &str) -> Option<Postback<'_>> {
    lean::parse(text)
}

/// Parses one record with the quick-xml reader, the reference: `text` starts with `<POSTBACK` (or the lower-case
/// dialect's `<postback`, which sets the record's dialect) and ends where the framer
/// found its end. Well-formedness problems come back as one `malformed-xml`
/// finding at the place the XML first goes wrong.
pub fn parse_reference(text: &str) -> Result<Postback<'_>, Finding> {
    if let Some(at) = forbidden_control(text.as_bytes()) {
        let byte = text.as_bytes()[at];
        return Err(malformed(
            at,
            format!("control character U+{byte:04X} is not allowed in XML"),
        )
        .help("XML 1.0 allows no C0 control characters other than tab, LF and CR, not even as &#...; references"));
    }
    Parser::new(text).run()
}

/// The first byte XML 1.0 forbids outright: C0 controls other than tab, LF, CR.
pub fn forbidden_control(bytes: &[u8]) -> Option<usize> {
    // Branch-free over whole chunks so the compiler can use SIMD; every
    // record is scanned, and pretty-printed ones hold many allowed LFs.
    let bad = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
    let mut start = 0;
    for chunk in bytes.chunks(64) {
        if chunk.iter().fold(false, |any, &b| any | bad(b)) {
            return chunk.iter().position(|&b| bad(b)).map(|i| start + i);
        }
        start += chunk.len();
    }
    None
}

fn malformed(at: usize, message: impl Into<String>) -> Finding {
    Finding::new(Rule::MalformedXml, at, message)
}

/// Is `c` a character XML 1.0 allows (the `Char` production)?
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start_ok = first.is_ascii_alphabetic() || first == '_' || first == ':' || !first.is_ascii();
    start_ok
        && chars.all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':') || !c.is_ascii()
        })
}

/// Appends a decoded piece of text, borrowing while there is only one piece.
fn push_text<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

struct Parser<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Elements opened and not yet closed; the root `POSTBACK` is `stack[0]`.
    stack: Vec<Element<'a>>,
    /// Elements open below the kept depth.
    unkept: usize,
    postback: Postback<'a>,
}

/// How deep elements are kept. Anything below a field is already a
/// `nested-element` error and convert refuses past 64 levels, so deeper
/// elements are only read for well-formedness: a hostile record nested
/// 100,000 deep then costs no more memory than a flat one.
const MAX_KEPT_DEPTH: usize = 66;

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.trim_text(false);
        config.expand_empty_elements = false;
        Parser {
            text,
            reader,
            stack: Vec::with_capacity(4),
            unkept: 0,
            // Room for a typical postback's fields up front: no regrowth per record.
            postback: Postback {
                fields: Vec::with_capacity(16),
                ..Postback::default()
            },
        }
    }

    fn run(mut self) -> Result<Postback<'a>, Finding> {
        loop {
            let at = self.reader.buffer_position() as usize;
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(err) => return Err(self.error(err)),
            };
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let empty = matches!(event, Event::Empty(_));
                    let name_len = start.name().as_ref().len();
                    let name = self.name(at, name_len)?;
                    let tag_end = self.reader.buffer_position() as usize;
                    let tag = self.text.get(at..tag_end).unwrap_or("");
                    if let Err(w) = tag::check_attributes(tag, name_len) {
                        return Err(malformed(
                            at + w.at,
                            format!("bad attribute in <{name}>: {}", w.message),
                        ));
                    }
                    let mut has_attributes = false;
                    for attr in start.attributes() {
                        // Attributes are not checked, but they must be well-formed:
                        // no `<` and no entity beyond the predefined ones.
                        let bad = match &attr {
                            Err(err) => Some(err.to_string()),
                            Ok(a) if a.value.contains('<') => Some("a < in a value".into()),
                            Ok(a) => a
                                .normalized_value(XmlVersion::Implicit1_0)
                                .err()
                                .map(|e| e.to_string()),
                        };
                        if let Some(err) = bad {
                            return Err(malformed(at, format!("bad attribute in <{name}>: {err}")));
                        }
                        // The provider's own 2013-2014 examples declare namespaces
                        // and a schema location on the root: not findings.
                        let declaration = self.stack.is_empty()
                            && attr.is_ok_and(|a| is_declaration(a.key.as_ref().as_bytes()));
                        has_attributes |= !declaration;
                    }
                    let mut element = Element::text(name, at, Cow::Borrowed(""));
                    element.has_attributes = has_attributes;
                    if self.stack.is_empty() {
                        self.postback.has_attributes = has_attributes;
                        if name == "postback" {
                            self.postback.dialect = Dialect::Lower;
                        }
                    }
                    if self.stack.len() >= MAX_KEPT_DEPTH {
                        // Still read for well-formedness, but not kept.
                        self.unkept += usize::from(!empty);
                        continue;
                    }
                    self.stack.push(element);
                    if empty {
                        self.close();
                    }
                }
                Event::End(_) if self.unkept > 0 => self.unkept -= 1,
                Event::End(_) => self.close(),
                Event::Text(t) => {
                    if let Err(w) = tag::check_text(&t) {
                        return Err(malformed(at + w.at, w.message));
                    }
                    self.text_piece(t.xml10_content())
                }
                Event::CData(c) => self.text_piece(c.xml10_content()),
                Event::GeneralRef(r) => {
                    let decoded = match r.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                        Ok(Some(c)) => {
                            return Err(malformed(at, format!("character reference &{}; names U+{:04X}, which XML does not allow", &*r, c as u32)))
                        }
                        Err(_) => return Err(malformed(at, format!("bad character reference &{};", &*r))),
                        Ok(None) => match &*r {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "apos" => "'".into(),
                            "quot" => "\"".into(),
                            other => {
                                return Err(malformed(at, format!("undefined entity &{other};"))
                                    .help("only &amp; &lt; &gt; &apos; &quot; and character references are allowed; write a literal & as &amp;"))
                            }
                        },
                    };
                    self.text_piece(Cow::Owned(decoded));
                }
                Event::DocType(_) => {
                    return Err(malformed(at, "a DOCTYPE inside a postback"));
                }
                Event::Decl(_) => {
                    return Err(malformed(at, "an XML declaration inside a postback"));
                }
                Event::PI(pi) => {
                    if let Err(w) = tag::check_pi_target(pi.target()) {
                        return Err(malformed(at + 2 + w.at, w.message));
                    }
                }
                Event::Comment(_) => {}
                Event::Eof => break,
            }
            if self.stack.is_empty() && at > 0 {
                break;
            }
        }
        if let Some(open) = self.stack.last() {
            let name = open.name;
            return Err(malformed(open.at, format!("<{name}> is never closed"))
                .help(format!("write <{name}></{name}> or <{name}/>")));
        }
        Ok(self.postback)
    }

    /// The element name as a slice of the record text, so it lives as long as the record.
    fn name(&self, at: usize, len: usize) -> Result<&'a str, Finding> {
        let name = self.text.get(at + 1..at + 1 + len).unwrap_or("");
        if is_name(name) {
            Ok(name)
        } else {
            Err(malformed(at, "stray < in text").help("write a literal < as &lt;"))
        }
    }

    fn text_piece(&mut self, piece: Cow<'a, str>) {
        if self.unkept > 0 {
            return;
        }
        match self.stack.len() {
            0 => {}
            1 => {
                if !piece.chars().all(is_xml_space) {
                    push_text(&mut self.postback.text, piece);
                }
            }
            _ => {
                if let Some(top) = self.stack.last_mut() {
                    push_text(&mut top.text, piece);
                }
            }
        }
    }

    /// Closes the innermost open element and files it under its parent.
    fn close(&mut self) {
        let Some(mut done) = self.stack.pop() else {
            return;
        };
        if !done.children.is_empty() && done.text.chars().all(is_xml_space) {
            done.text = Cow::Borrowed("");
        }
        done.canonical = crate::spec::dialects::canonical(self.postback.dialect, done.name);
        match self.stack.len() {
            0 => {}
            1 => self.postback.fields.push(done),
            _ => {
                if let Some(parent) = self.stack.last_mut() {
                    parent.children.push(done);
                }
            }
        }
    }

    fn error(&self, err: quick_xml::Error) -> Finding {
        use quick_xml::errors::IllFormedError;
        let at = self.reader.error_position() as usize;
        match err {
            quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                // An unkept element's start is unknown: point at the end tag then.
                let open_at = match self.stack.last() {
                    Some(open) if self.unkept == 0 => open.at,
                    _ => at,
                };
                malformed(
                    open_at,
                    format!("<{expected}> is never closed: </{found}> comes first"),
                )
                .help(format!("write <{expected}></{expected}> or <{expected}/>"))
            }
            quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                malformed(at, format!("</{name}> closes nothing"))
            }
            other => malformed(at, other.to_string()),
        }
    }
}

/// `xmlns`, `xmlns:*` and `xsi:*`: namespace and schema declarations.
fn is_declaration(key: &[u8]) -> bool {
    key == b"xmlns" || key.starts_with(b"xmlns:") || key.starts_with(b"xsi:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_controls_are_found_at_any_position_and_allowed_ones_pass() {
        let allowed = "a\tb\r\nc".repeat(40);
        assert_eq!(forbidden_control(allowed.as_bytes()), None);
        for at in [0, 1, 63, 64, 65, 127, 128, 200] {
            let mut bytes = vec![b'x'; 210];
            bytes[at] = 0x1b;
            assert_eq!(forbidden_control(&bytes), Some(at), "ESC at {at}");
        }
    }
}
