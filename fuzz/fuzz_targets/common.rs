//! Shared by the fuzz targets: a reader that hands the input out in small,
//! irregular pieces, and independent checks of locations and terminal safety.
#![allow(dead_code)]

use std::io::{self, Read};

use postback::engine::Options;
use postback::location::Location;
use postback::render::terminal::is_unsafe;

/// The options a fuzz input asks for: its first byte picks a small record size
/// limit (64..1080 bytes, to reach the oversized and skip paths with small
/// inputs) or, with its high bit set, the default 1 MiB.
pub fn options(selector: u8) -> Options {
    if selector & 0x80 == 0 {
        Options::with_max_record(64 + (selector as usize) * 8)
    } else {
        Options::default()
    }
}

/// Hands out `data` in pieces of 1 to 64 bytes chosen by a seeded generator,
/// so that every framer refill and every needle split across reads is tried.
pub struct Pieces<'a> {
    data: &'a [u8],
    state: u32,
}

impl<'a> Pieces<'a> {
    pub fn new(data: &'a [u8], seed: u8) -> Self {
        Pieces {
            data,
            state: 0x9E37_79B9 ^ u32::from(seed).wrapping_mul(0x0101_0101),
        }
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        // Now and then an interrupted read, which the framer must retry.
        if self.state % 29 == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let want = 1 + (self.state % 64) as usize;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The location of every byte offset of `data` (and of its end), counted
/// here independently of the crate: 1-based line and column, columns in
/// characters (a byte that does not continue a UTF-8 sequence starts one),
/// a leading BOM taking no column.
pub fn locations(data: &[u8]) -> Vec<Location> {
    let mut out = Vec::with_capacity(data.len() + 1);
    let (mut line, mut column) = (1u64, 1u64);
    let bom = data.starts_with(b"\xEF\xBB\xBF");
    for (i, &b) in data.iter().enumerate() {
        out.push(Location {
            line,
            column,
            offset: i as u64,
        });
        if b == b'\n' {
            line += 1;
            column = 1;
        } else if (b as i8) >= -0x40 && !(bom && i == 0) {
            column += 1;
        }
    }
    out.push(Location {
        line,
        column,
        offset: data.len() as u64,
    });
    out
}

/// Panics if a location does not point where its offset says.
pub fn check_location(table: &[Location], loc: Location, what: &str) {
    let Some(expected) = table.get(loc.offset as usize) else {
        panic!("{what}: offset {} is past the input's end", loc.offset);
    };
    assert_eq!(
        *expected, loc,
        "{what}: line/column do not match the offset"
    );
}

/// `text` with colour sequences (`ESC [ digits;... m`) removed.
pub fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[len..].starts_with('m') {
            rest = &after[len + 1..];
        } else {
            // Not a colour sequence: keep the ESC so the check below sees it.
            out.push('\u{1b}');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Panics if output meant for a terminal holds a character a terminal acts
/// on (other than the line ends the writer itself puts there).
pub fn assert_terminal_safe(output: &[u8], what: &str) {
    let text =
        std::str::from_utf8(output).unwrap_or_else(|e| panic!("{what}: output is not UTF-8: {e}"));
    if let Some(c) = text.chars().find(|&c| c != '\n' && is_unsafe(c)) {
        panic!("{what}: raw U+{:04X} in output:\n{text}", c as u32);
    }
}
