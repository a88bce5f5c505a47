//! JSON: one array of every postback, written as it goes.

use std::io::{self, Write};

use super::object::{write_object, Groups};
use super::{JsonOptions, RecordWriter, Trace};
use crate::postback::Postback;

/// How a JSON array opens, separates its records and closes.
pub(super) const JSON_OPEN: &[u8] = b"[";
pub(super) const JSON_SEPARATOR: &[u8] = b",\n";
pub(super) const JSON_CLOSE: &[u8] = b"]\n";

/// A JSON array of postbacks, written record by record as it goes, so a
/// consumer can stream it; valid JSON even when empty.
pub struct JsonArray<W: Write> {
    out: W,
    groups: Groups,
    options: JsonOptions,
    /// The record being written (see [`super::Ndjson`]).
    record: Vec<u8>,
    written: u64,
}

impl<W: Write> JsonArray<W> {
    /// Writes the opening `[`.
    pub fn new(out: W) -> io::Result<Self> {
        JsonArray::with_options(out, JsonOptions::default())
    }

    pub fn with_options(mut out: W, options: JsonOptions) -> io::Result<Self> {
        out.write_all(JSON_OPEN)?;
        Ok(JsonArray::part(out, options))
    }

    /// Records for the middle of an array whose brackets are written
    /// elsewhere: separated by `,\n`, nothing before or after them.
    pub(super) fn part(out: W, options: JsonOptions) -> Self {
        JsonArray {
            out,
            groups: Groups::default(),
            options,
            record: Vec::new(),
            written: 0,
        }
    }

    /// Writes one postback, with where it was read if the options ask for it.
    pub fn write_traced(
        &mut self,
        postback: &Postback<'_>,
        trace: Option<Trace<'_>>,
    ) -> io::Result<()> {
        self.record.clear();
        if self.written > 0 {
            self.record.extend_from_slice(JSON_SEPARATOR);
        }
        let trace = trace.filter(|_| self.options.with_source);
        write_object(&mut self.record, postback, &mut self.groups, trace.as_ref())?;
        self.out.write_all(&self.record)?;
        self.written += 1;
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> RecordWriter for JsonArray<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.write_traced(postback, None)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(JSON_CLOSE)?;
        self.out.flush()
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
