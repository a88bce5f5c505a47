//! Where something is in an input: line and column (characters) for people,
//! byte offset for programs, counted incrementally as bytes pass by.

use memchr::{memchr_iter, memrchr};

/// A position in an input as a person sees it (after gunzip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, counted in characters.
    pub column: u64,
    /// 0-based byte offset (a BOM counts).
    pub offset: u64,
}

impl Default for Location {
    fn default() -> Self {
        Location::START
    }
}

impl Location {
    pub const START: Location = Location {
        line: 1,
        column: 1,
        offset: 0,
    };

    /// Moves past `bytes`, which follow this location in the input.
    pub fn advance(&mut self, bytes: &[u8]) {
        let skip_bom = self.offset == 0 && bytes.starts_with(b"\xEF\xBB\xBF");
        self.offset += bytes.len() as u64;
        let newlines = memchr_iter(b'\n', bytes).count() as u64;
        let tail = match memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += newlines;
                self.column = 1;
                &bytes[last + 1..]
            }
            None if skip_bom => &bytes[3..],
            None => bytes,
        };
        self.column += count_chars(tail);
    }

    /// The location `at` bytes into `bytes`, which start at this location.
    pub fn within(self, bytes: &[u8], at: usize) -> Location {
        let mut loc = self;
        loc.advance(&bytes[..at.min(bytes.len())]);
        loc
    }
}

/// Characters in UTF-8 text: every byte that does not continue a sequence
/// starts one (invalid bytes count one each).
fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_character_columns() {
        let text = "ab\ncé<x";
        let loc = Location::START.within(text.as_bytes(), text.find('<').unwrap());
        assert_eq!((loc.line, loc.column, loc.offset), (2, 3, 6));
    }

    #[test]
    fn bom_takes_a_byte_offset_but_no_column() {
        let loc = Location::START.within(b"\xEF\xBB\xBF<P", 3);
        assert_eq!((loc.line, loc.column, loc.offset), (1, 1, 3));
    }

    #[test]
    fn advancing_in_pieces_matches_advancing_at_once() {
        let text = b"one\r\ntwo three\nfour";
        let mut pieces = Location::START;
        for chunk in text.chunks(3) {
            pieces.advance(chunk);
        }
        assert_eq!(pieces, Location::START.within(text, text.len()));
    }
}
