//! The syntax XML asks of a start tag's attributes and of the text between
//! tags, checked byte by byte so that a broken one is reported at the
//! character where it first goes wrong, not at the start of its tag.

use std::collections::HashSet;

use memchr::memmem;

use super::is_xml_char;

/// What is wrong, and where: an index into the text checked.
#[derive(Debug, PartialEq, Eq)]
pub struct Wrong {
    pub at: usize,
    pub message: String,
}

fn wrong(at: usize, message: impl Into<String>) -> Result<(), Wrong> {
    Err(Wrong {
        at,
        message: message.into(),
    })
}

/// Checks the attributes of `tag`, which runs from its `<` to its `>` and
/// names its element in the `name_len` bytes after the `<`.
pub fn check_attributes(tag: &str, name_len: usize) -> Result<(), Wrong> {
    let bytes = tag.as_bytes();
    let close = if bytes.ends_with(b"/>") {
        bytes.len().saturating_sub(2)
    } else {
        bytes.len().saturating_sub(1)
    };
    let mut i = name_len.saturating_add(1);
    let mut seen = HashSet::new();
    loop {
        let gap = i;
        i = skip_space(bytes, i, close);
        if i >= close {
            return Ok(());
        }
        if i == gap {
            return wrong(
                i,
                format!(
                    "{} right after an attribute: attributes are separated by white space",
                    shown(tag, i)
                ),
            );
        }
        let name = i;
        while i < close && is_name_byte(bytes[i]) {
            i += 1;
        }
        if i == name || !is_name_start(bytes[name]) {
            return wrong(
                name,
                format!("{} cannot start an attribute name", shown(tag, name)),
            );
        }
        if !seen.insert(&tag[name..i]) {
            return wrong(name, format!("attribute {} given twice", &tag[name..i]));
        }
        i = skip_space(bytes, i, close);
        if i >= close || bytes[i] != b'=' {
            return wrong(i, "an attribute name without = and a value");
        }
        i = skip_space(bytes, i + 1, close);
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) if i < close => q,
            _ => return wrong(i, "an attribute value must be in quotes"),
        };
        i += 1;
        loop {
            match bytes.get(i) {
                _ if i >= close => return wrong(i, "an attribute value is never closed"),
                Some(&b) if b == quote => break,
                Some(b'<') => return wrong(i, "a < in an attribute value (write &lt;)"),
                Some(b'&') => i = reference_end(tag, i)?,
                _ => i += 1,
            }
        }
        i += 1;
    }
}

/// The first `]]>` in text between tags: XML allows it only to end a CDATA section.
pub fn check_text(text: &str) -> Result<(), Wrong> {
    match memmem::find(text.as_bytes(), b"]]>") {
        Some(at) => wrong(
            at,
            "]]> in text: it may only end a CDATA section (write ]]&gt;)",
        ),
        None => Ok(()),
    }
}

/// A processing instruction's target must be a name, and not `xml` in any
/// case: that one is the XML declaration, and a record holds none.
pub fn check_pi_target(target: &str) -> Result<(), Wrong> {
    let bytes = target.as_bytes();
    if bytes.is_empty() || !is_name_start(bytes[0]) {
        return wrong(0, "a processing instruction without a target name");
    }
    // The name runs to the first byte that cannot be in one.
    let len = bytes
        .iter()
        .position(|&b| !is_name_byte(b))
        .unwrap_or(bytes.len());
    let name = &target[..len];
    if name.eq_ignore_ascii_case("xml") {
        return wrong(
            0,
            format!("<?{name} is reserved: only the XML declaration at the very start of a document may use it"),
        );
    }
    Ok(())
}

/// Past the reference at `amp` (`&name;` for a predefined entity, or a
/// character reference), or where it goes wrong.
fn reference_end(tag: &str, amp: usize) -> Result<usize, Wrong> {
    let rest = &tag.as_bytes()[amp + 1..];
    let Some(semi) = rest.iter().take(16).position(|&b| b == b';') else {
        return Err(Wrong {
            at: amp,
            message: "a & that starts no reference (write &amp;)".into(),
        });
    };
    let name = &tag[amp + 1..amp + 1 + semi];
    let fine = match name {
        "amp" | "lt" | "gt" | "apos" | "quot" => true,
        _ => char_reference(name).is_some(),
    };
    if fine {
        Ok(amp + 1 + semi + 1)
    } else if name.starts_with('#') {
        Err(Wrong {
            at: amp,
            message: format!("bad character reference &{name}; in an attribute value"),
        })
    } else {
        Err(Wrong {
            at: amp,
            message: format!("undefined entity &{name}; in an attribute value"),
        })
    }
}

/// `#65` or `#x41` naming a character XML allows.
fn char_reference(name: &str) -> Option<char> {
    let number = name.strip_prefix('#')?;
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) || digits.is_empty() {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    char::from_u32(code).filter(|&c| code != 0 && is_xml_char(c))
}

fn skip_space(bytes: &[u8], mut i: usize, close: usize) -> usize {
    while i < close && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || !b.is_ascii()
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':') || !b.is_ascii()
}

/// The character at `at`, quoted for a message.
fn shown(text: &str, at: usize) -> String {
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) => format!("{c:?}"),
        None => "the end".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tag: &str) -> Option<usize> {
        let name_len = tag[1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(0);
        check_attributes(tag, name_len).err().map(|w| w.at)
    }

    #[test]
    fn sound_attributes_pass() {
        for tag in [
            "<X>",
            "<X/>",
            "<X a=\"1\">",
            "<X a='1' b=\"2\"/>",
            "<X a = \"1\"\n\tb='&amp;&#x41;&#66;'>",
            "<X a=\"/>\">",
            "<X é='1'>",
        ] {
            assert_eq!(at(tag), None, "{tag}");
        }
    }

    #[test]
    fn a_broken_attribute_is_placed_at_its_first_wrong_character() {
        assert_eq!(at("<X a=\"1\"b=\"2\">"), Some(8));
        assert_eq!(at("<X a=1>"), Some(5));
        assert_eq!(at("<X a>"), Some(4));
        assert_eq!(at("<X a=\"x<y\">"), Some(7));
        assert_eq!(at("<X a=\"x&nbsp;\">"), Some(7));
        assert_eq!(at("<X a=\"x & y\">"), Some(8));
        assert_eq!(at("<X a=\"&#0;\">"), Some(6));
        assert_eq!(at("<X 1a=\"1\">"), Some(3));
        assert_eq!(at("<X a=\"1\" a=\"2\">"), Some(9));
    }

    #[test]
    fn cdata_ends_and_reserved_targets_are_refused() {
        assert_eq!(check_text("a]]>b").err().map(|w| w.at), Some(1));
        assert!(check_text("a]]b>").is_ok());
        for target in ["xml", "XML", "xMl"] {
            assert!(check_pi_target(target).is_err(), "{target}");
        }
        assert!(check_pi_target("xml-stylesheet").is_ok());
        assert!(check_pi_target("pi").is_ok());
        assert!(check_pi_target("").is_err());
        assert!(check_pi_target("auT</A>").is_ok());
        assert!(check_pi_target("XML</A>").is_err());
    }
}
