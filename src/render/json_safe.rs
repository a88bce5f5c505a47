//! JSON that is safe to print on a terminal and equal in meaning to plain
//! JSON: every character a terminal acts on or that reorders text (C1
//! controls, DEL, bidi controls) is written as a `\uXXXX` escape, as serde
//! already does for C0 controls; a byte of a file name that is not UTF-8
//! (carried as described in [`crate::input::raw_byte`]) becomes the lone
//! surrogate `\udcXX` of PEP 383, so the name can be turned back into its
//! bytes (Python: `os.fsencode(json.loads(line)["source"])`).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

use crate::input::raw_byte;
use crate::render::terminal::is_unsafe;

/// Writes `value` as compact JSON with the escapes above.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeFormatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

struct SafeFormatter;

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Plain ASCII below DEL is by far the common case: written as is.
        if fragment.bytes().all(|b| b < 0x7f) {
            return CompactFormatter.write_string_fragment(writer, fragment);
        }
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match raw_byte(c) {
                Some(byte) => Some(0xdc00 | u32::from(byte)),
                None if is_unsafe(c) => Some(c as u32),
                None => None,
            };
            if let Some(unit) = escape {
                writer.write_all(&fragment.as_bytes()[from..i])?;
                // Every escaped character is in the BMP (bidi controls, C1,
                // DEL, surrogates): one \u escape each.
                write!(writer, "\\u{unit:04x}")?;
                from = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[from..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: &str) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_controls_are_escaped_and_the_meaning_kept() {
        let text = "a\u{9b}2J\u{202e}b\u{7f}\u{1b}é\"";
        let out = json(text);
        assert_eq!(out, "\"a\\u009b2J\\u202eb\\u007f\\u001bé\\\"\"");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn raw_file_name_bytes_become_lone_surrogates() {
        let name: String = ['a', char::from_u32(0x10ff00 + 0xff).unwrap(), 'b']
            .iter()
            .collect();
        assert_eq!(json(&name), "\"a\\udcffb\"");
    }
}
