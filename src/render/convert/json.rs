//! JSON: one array of every postback, written as it goes.

use std::io::{self, Write};

use super::object::ObjectWriter;
use super::{JsonOptions, RecordWriter, Trace};
use crate::postback::Postback;

/// How a JSON array opens, separates its records and closes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Brackets {
    pub(super) open: &'static [u8],
    /// Before the first record.
    pub(super) first: &'static [u8],
    /// Before every other record.
    pub(super) separator: &'static [u8],
    pub(super) close: &'static [u8],
    /// The close of an array without records.
    pub(super) close_empty: &'static [u8],
}

/// A record a line: the array can be read line by line too.
const COMPACT: Brackets = Brackets {
    open: b"[",
    first: b"",
    separator: b",\n",
    close: b"]\n",
    close_empty: b"]\n",
};

/// As `jq .` writes an array: its records indented, one key a line.
const PRETTY: Brackets = Brackets {
    open: b"[",
    first: b"\n  ",
    separator: b",\n  ",
    close: b"\n]\n",
    close_empty: b"]\n",
};

impl Brackets {
    pub(super) fn of(options: &JsonOptions) -> Brackets {
        if options.pretty {
            PRETTY
        } else {
            COMPACT
        }
    }

    pub(super) fn before(&self, written: bool) -> &'static [u8] {
        if written {
            self.separator
        } else {
            self.first
        }
    }

    pub(super) fn after(&self, written: bool) -> &'static [u8] {
        if written {
            self.close
        } else {
            self.close_empty
        }
    }
}

/// A JSON array of postbacks, written record by record as it goes, so a
/// consumer can stream it; valid JSON even when empty.
pub struct JsonArray<W: Write> {
    objects: ObjectWriter<W>,
    brackets: Brackets,
    /// Whether it writes the brackets too (else it is a part of an array).
    whole: bool,
    written: u64,
}

impl<W: Write> JsonArray<W> {
    /// Writes the opening `[`.
    pub fn new(out: W) -> io::Result<Self> {
        JsonArray::with_options(out, JsonOptions::default())
    }

    pub fn with_options(mut out: W, options: JsonOptions) -> io::Result<Self> {
        out.write_all(Brackets::of(&options).open)?;
        Ok(JsonArray {
            whole: true,
            ..JsonArray::part(out, options)
        })
    }

    /// Records for the middle of an array whose brackets are written
    /// elsewhere: separated from each other, nothing before or after them.
    pub(super) fn part(out: W, options: JsonOptions) -> Self {
        JsonArray {
            objects: ObjectWriter::new(out, options.with_source, options.pretty),
            brackets: Brackets::of(&options),
            whole: false,
            written: 0,
        }
    }

    /// Writes one postback, with where it was read if the options ask for it.
    pub fn write_traced(
        &mut self,
        postback: &Postback<'_>,
        trace: Option<Trace<'_>>,
    ) -> io::Result<()> {
        let before = if self.written > 0 || self.whole {
            self.brackets.before(self.written > 0)
        } else {
            b""
        };
        self.objects.write(before, postback, trace, b"")?;
        self.written += 1;
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.objects.out
    }
}

impl<W: Write> RecordWriter for JsonArray<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.write_traced(postback, None)
    }

    fn finish(&mut self) -> io::Result<()> {
        let close = self.brackets.after(self.written > 0);
        self.objects.out.write_all(close)?;
        self.objects.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;

    #[test]
    fn json_array_is_valid_when_empty_and_separates_records() {
        let mut out = Vec::new();
        JsonArray::new(&mut out).unwrap().finish().unwrap();
        assert_eq!(out, b"[]\n");

        let mut out = Vec::new();
        let mut writer = JsonArray::new(&mut out).unwrap();
        for xml in [
            "<POSTBACK><A>1</A></POSTBACK>",
            "<POSTBACK><A>2</A></POSTBACK>",
        ] {
            writer.write(&parse(xml).unwrap()).unwrap();
        }
        writer.finish().unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r#"
        [{"A":"1"},
        {"A":"2"}]
        "#);
    }
}
