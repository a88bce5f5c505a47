//! Which value each column of a tabular format shows: the first value of a
//! named field, the text directly inside the postback, or `EXTRA` (every
//! field no other column shows, as one JSON object). CSV, XLSX and Parquet
//! fill their cells through here, so a postback reads the same in each.

use std::io;

use super::object::{file_list, is_n401, to_json, Groups, Object, Value, NONE};
use super::{EXTRA, TEXT_KEY};
use crate::postback::Postback;

/// Receives one record's cells, left to right.
pub(super) trait CellSink {
    /// A value as the payload wrote it.
    fn text(&mut self, value: &str) -> io::Result<()>;
    /// The JSON of an object- or array-valued cell, or of `EXTRA`.
    fn json(&mut self, json: &[u8]) -> io::Result<()>;
    /// A cell with nothing to show.
    fn empty(&mut self) -> io::Result<()>;
}

/// What a column shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// The first value of the field with this name.
    Field(String),
    /// `Postback::text`.
    Text,
    /// Every field no other column shows, and the full list of any repeated one.
    Extra,
}

/// The columns of a table, with the buffers that fill them kept across records.
#[derive(Debug)]
pub(super) struct Columns {
    columns: Vec<Column>,
    /// Whether a `#text` column shows `Postback::text` (else EXTRA carries it).
    has_text: bool,
    groups: Groups,
    /// Per column: the index of the first field it shows in the current record.
    shown: Vec<Option<usize>>,
    /// Per field of the current record: whether EXTRA carries it.
    in_extra: Vec<bool>,
    /// The JSON of an object- or array-valued cell.
    json: Vec<u8>,
}

impl Columns {
    /// Columns by name: `EXTRA` is the catch-all column, `#text` the text
    /// directly inside the postback; any other name is a field.
    pub(super) fn new<S: AsRef<str>>(names: &[S]) -> Self {
        let columns: Vec<Column> = names
            .iter()
            .map(|name| match name.as_ref() {
                EXTRA => Column::Extra,
                TEXT_KEY => Column::Text,
                name => Column::Field(name.to_string()),
            })
            .collect();
        Columns {
            has_text: columns.contains(&Column::Text),
            shown: vec![None; columns.len()],
            columns,
            groups: Groups::default(),
            in_extra: Vec::new(),
            json: Vec::new(),
        }
    }

    /// The column showing field `name`. A linear scan: there are a handful of
    /// columns, and comparing short names costs less than hashing them
    /// (measured: a fingerprint scan was no faster).
    fn column_of(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| matches!(c, Column::Field(f) if f == name))
    }

    /// Passes the postback's cells to `sink`, one per column, in order.
    pub(super) fn fill<S: CellSink>(
        &mut self,
        postback: &Postback<'_>,
        sink: &mut S,
    ) -> io::Result<()> {
        let fields = &postback.fields[..];
        self.groups.compute(fields);
        self.shown.fill(None);
        self.in_extra.clear();
        self.in_extra.resize(fields.len(), false);
        let mut any_extra = false;
        for (i, field) in fields.iter().enumerate() {
            if !self.groups.first[i] {
                continue;
            }
            let repeated = self.groups.next[i] != NONE;
            match self.column_of(field.name) {
                Some(c) => {
                    self.shown[c] = Some(i);
                    // The column keeps the first value; EXTRA the whole list.
                    self.in_extra[i] = repeated;
                }
                None => self.in_extra[i] = true,
            }
            any_extra |= self.in_extra[i];
        }
        let text_in_extra = !self.has_text && !postback.text.is_empty();
        any_extra |= text_in_extra;
        let n401 = is_n401(postback);

        for (c, column) in self.columns.iter().enumerate() {
            match column {
                Column::Field(_) => match self.shown[c] {
                    None => sink.empty()?,
                    Some(i) => {
                        let field = &fields[i];
                        let list = file_list(n401, field);
                        if field.children.is_empty() && list.is_none() {
                            sink.text(&field.text)?;
                        } else {
                            self.json.clear();
                            let value = Value {
                                element: field,
                                list,
                                depth: 1,
                            };
                            to_json(&mut self.json, &value)?;
                            sink.json(&self.json)?;
                        }
                    }
                },
                Column::Text => sink.text(&postback.text)?,
                // Built only when there is something to put there.
                Column::Extra if any_extra => {
                    self.json.clear();
                    let extra = Object {
                        elements: fields,
                        groups: &self.groups,
                        only: Some(&self.in_extra),
                        text: if text_in_extra { &postback.text } else { "" },
                        list: None,
                        n401,
                        depth: 1,
                        trace: None,
                    };
                    to_json(&mut self.json, &extra)?;
                    sink.json(&self.json)?;
                }
                Column::Extra => sink.empty()?,
            }
        }
        Ok(())
    }
}
