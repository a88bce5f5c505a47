//! The objects and arrays a broken JSON text leaves open. A line such as
//! `{"a":{"a":{"a":...` that never closes holds a candidate at every `{`,
//! and each would parse to the same break again: quadratic in the line.
//! Every value still open where the text broke off breaks off there too,
//! with the same failure, so the framer judges each from what comes before
//! its open child instead of parsing on to the break.

use std::collections::VecDeque;

use memchr::memchr2;

use crate::json;

/// The values left open by the last JSON text that broke off.
#[derive(Debug, Default)]
pub(super) struct OpenAtBreak {
    /// Input offsets of the `{` and `[` still open at the break, outermost
    /// first, but for the outermost and the innermost.
    open: VecDeque<u64>,
    /// Input offset of the innermost, which ends every judged value's text.
    innermost: u64,
    /// Input offset of the break.
    broke_at: u64,
    message: String,
    /// The text ran past the size limit rather than breaking off.
    too_large: bool,
}

/// How a value open at the break is judged.
pub(super) struct Judged<'a> {
    /// The members before its open child, when it is an object.
    pub members: Vec<json::Member<'a>>,
    /// Buffer offset of the break.
    pub broke_at: usize,
    pub too_large: bool,
}

impl OpenAtBreak {
    /// Records the break of the JSON text at `text[from..]`, which parsed
    /// without error up to `broke_at`. `base` is the input offset of `text[0]`.
    /// While values of an earlier break after `from` are still to be judged,
    /// that break is kept: `from` is then a candidate inside its text.
    pub fn record(
        &mut self,
        text: &[u8],
        base: u64,
        from: usize,
        broke_at: usize,
        message: &str,
        too_large: bool,
    ) {
        self.drop_before(base + from as u64);
        if !self.open.is_empty() {
            return;
        }
        let mut open = open_brackets(text, from, broke_at);
        // The parser may name the byte after the one it refused: a bracket
        // there may be that byte, so it is not taken for an open value.
        if open.last().is_some_and(|&at| at + 1 == broke_at) {
            open.pop();
        }
        // The outermost is the text just parsed; the innermost is parsed
        // again on its own, as its own top level may be where it broke. The
        // others broke inside a value of theirs, as the outermost did.
        let innermost = open.pop();
        self.open.clear();
        if let Some(innermost) = innermost {
            self.open
                .extend(open.into_iter().skip(1).map(|at| base + at as u64));
            self.innermost = base + innermost as u64;
        }
        self.broke_at = base + broke_at as u64;
        self.message = message.to_string();
        self.too_large = too_large;
    }

    /// Why the recorded text broke off.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn drop_before(&mut self, here: u64) {
        while self.open.front().is_some_and(|&o| o < here) {
            self.open.pop_front();
        }
    }

    /// The judgement on the candidate at buffer offset `at`, when it is a
    /// value left open at the recorded break.
    pub fn judge<'a>(&mut self, text: &'a [u8], base: u64, at: usize) -> Option<Judged<'a>> {
        let here = base + at as u64;
        self.drop_before(here);
        if self.open.front() != Some(&here) {
            return None;
        }
        self.open.pop_front();
        let child = self.open.front().copied().unwrap_or(self.innermost);
        // Both offsets lie at or after the candidate, which is in the buffer.
        let child = (child - base) as usize;
        let members = if text[at] == b'{' {
            // Cut at the open child, the object reads to there and stops.
            match json::object(&text[..child], at) {
                Ok((members, _)) | Err((members, _)) => members,
            }
        } else {
            Vec::new()
        };
        Some(Judged {
            members,
            broke_at: (self.broke_at - base) as usize,
            too_large: self.too_large,
        })
    }
}

/// The offsets of the `{` and `[` in `text[from..to]` still open at `to`,
/// outermost first. `text[from..to]` is the start of a JSON value that
/// parsed without error, so strings and brackets are told apart exactly.
fn open_brackets(text: &[u8], from: usize, to: usize) -> Vec<usize> {
    let mut open = Vec::new();
    let mut i = from;
    while i < to {
        match text[i] {
            b'"' => match string_end(&text[..to], i + 1) {
                Some(end) => i = end,
                None => break,
            },
            b'{' | b'[' => {
                open.push(i);
                i += 1;
            }
            b'}' | b']' => {
                open.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
    open
}

/// The offset just after the `"` closing the string whose text starts at
/// `text[from]`, or `None` when it does not close in `text`.
fn string_end(text: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let k = i + memchr2(b'"', b'\\', &text[i..])?;
        if text[k] == b'"' {
            return Some(k + 1);
        }
        i = k + 2;
        if i > text.len() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_and_closed_values_are_not_open() {
        let text = br#"{"a":[1,{"b":"}{[\"]"},{"c":{"d":"x"#;
        assert_eq!(open_brackets(text, 0, text.len()), [0, 5, 23, 28]);
        assert_eq!(open_brackets(b"{}[]", 0, 4), [] as [usize; 0]);
    }

    #[test]
    fn each_open_object_is_judged_from_its_members_before_its_child() {
        let text = br#"{"x":1,"a":{"origin":"SMS_MT","code":"N201","b":{"c":{"d"#;
        let mut open = OpenAtBreak::default();
        open.record(text, 100, 0, text.len(), "cut", false);
        // The outermost was the parse itself; the innermost is parsed again.
        assert!(open.judge(text, 100, 0).is_none());
        let judged = open.judge(text, 100, 11).expect("open at the break");
        let keys: Vec<_> = judged.members.iter().map(|m| m.key.as_ref()).collect();
        assert_eq!(keys, ["origin", "code"]);
        assert_eq!(judged.broke_at, text.len());
        assert_eq!(open.message(), "cut");
        // A break found inside the text does not replace the one still judged.
        open.record(text, 100, 48, 50, "other", false);
        let judged = open.judge(text, 100, 48).expect("open at the break");
        assert!(judged.members.is_empty());
        assert_eq!(open.message(), "cut");
        assert!(open.judge(text, 100, 53).is_none());
    }
}
