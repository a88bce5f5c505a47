//! Records as owned rows, for the formats that build one file on one thread
//! (XLSX, Parquet): workers fill a [`Rows`] batch with each record's cells,
//! place, findings and instant, and the writer takes whole batches in order.
//!
//! A batch keeps all its cells in one string, so that a record costs no
//! allocation of its own.

use std::io;
use std::ops::Range;

use super::columns::{CellSink, Columns};
use crate::check::utc_micros;
use crate::engine::Record;
use crate::finding::Severity;
use crate::postback::Postback;

/// One finding about a row, as the row's findings list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFinding {
    pub line: u64,
    pub column: u64,
    pub offset: u64,
    pub severity: Severity,
    pub rule: &'static str,
    pub field: Option<String>,
    pub message: String,
}

/// Where a row came from and what its checks said.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowInfo {
    /// Index into [`Rows::sources`].
    source: usize,
    line: u64,
    column: u64,
    offset: u64,
    dialect: &'static str,
    /// Whether the record has no error finding.
    valid: bool,
    /// Its TIMESTAMP's instant, microseconds since the Unix epoch, UTC.
    utc: Option<i64>,
    /// Its CODE (or STATUSCODE), for the findings listing.
    code: Option<Range<usize>>,
    findings: Range<usize>,
}

/// A batch of rows, each with one cell per column.
#[derive(Debug)]
pub struct Rows {
    width: usize,
    /// Every cell's text (and each row's code), one after the other.
    text: String,
    /// Where each cell is in `text`, `width` per row; `None` when the
    /// record has no such value.
    cells: Vec<Option<Range<usize>>>,
    info: Vec<RowInfo>,
    /// The sources named by the rows; a batch usually holds one.
    sources: Vec<String>,
    findings: Vec<RowFinding>,
}

/// A writer that takes whole batches of rows (XLSX, Parquet), and so writes
/// a single postback as a batch of one.
pub(super) trait BatchWriter {
    /// The writer's columns and the batch it keeps for single postbacks.
    fn columns_and_scratch(&mut self) -> (&mut Columns, &mut Rows);

    /// Writes a batch of rows, in order.
    fn push(&mut self, rows: &Rows) -> io::Result<()>;
}

/// Writes one postback, with no place in an input, as a batch of one row.
pub(super) fn write_one(writer: &mut impl BatchWriter, postback: &Postback<'_>) -> io::Result<()> {
    let (columns, scratch) = writer.columns_and_scratch();
    scratch.clear();
    scratch.push(columns, postback, None)?;
    // The batch is taken out while the writer reads it, then put back so
    // its buffers serve the next postback.
    let mut batch = std::mem::replace(scratch, Rows::new(0));
    let result = writer.push(&batch);
    batch.clear();
    *writer.columns_and_scratch().1 = batch;
    result
}

/// One row of a batch.
#[derive(Debug, Clone, Copy)]
pub struct Row<'r> {
    rows: &'r Rows,
    index: usize,
}

impl Rows {
    /// An empty batch for rows of `width` cells.
    pub fn new(width: usize) -> Self {
        Rows {
            width,
            text: String::new(),
            cells: Vec::new(),
            info: Vec::new(),
            sources: Vec::new(),
            findings: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.info.len()
    }

    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.info.clear();
        self.sources.clear();
        self.findings.clear();
    }

    /// Adds a postback's row, its place and findings from `record` when it
    /// came from an input.
    pub(super) fn push(
        &mut self,
        columns: &mut Columns,
        postback: &Postback<'_>,
        record: Option<&Record<'_>>,
    ) -> io::Result<()> {
        let first_cell = self.cells.len();
        columns.fill(postback, &mut Filler(self))?;
        debug_assert_eq!(self.cells.len() - first_cell, self.width);

        let code = postback.code().map(|code| {
            let start = self.text.len();
            self.text.push_str(code);
            start..self.text.len()
        });
        let first_finding = self.findings.len();
        let (source, at, valid) = match record {
            Some(record) => {
                self.findings
                    .extend(record.findings.iter().map(|located| RowFinding {
                        line: located.location.line,
                        column: located.location.column,
                        offset: located.location.offset,
                        severity: located.finding.severity,
                        rule: located.finding.rule.id(),
                        field: located.finding.field.clone(),
                        message: located.finding.message.clone(),
                    }));
                (record.source, record.at, !record.has_errors())
            }
            None => ("", crate::location::Location::START, true),
        };
        if self.sources.last().is_none_or(|last| last != source) {
            self.sources.push(source.to_string());
        }
        self.info.push(RowInfo {
            source: self.sources.len() - 1,
            line: at.line,
            column: at.column,
            offset: at.offset,
            dialect: postback.dialect().as_str(),
            valid,
            utc: postback.value("TIMESTAMP").and_then(utc_micros),
            code,
            findings: first_finding..self.findings.len(),
        });
        Ok(())
    }

    /// The cells of each row.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn last(&self) -> Option<Row<'_>> {
        self.len()
            .checked_sub(1)
            .map(|index| Row { rows: self, index })
    }

    /// Removes the last row.
    pub fn pop(&mut self) {
        let Some(info) = self.info.pop() else {
            return;
        };
        let first_cell = self.cells.len() - self.width;
        let start = self.cells[first_cell..]
            .iter()
            .flatten()
            .next()
            .map(|c| c.start);
        let start = start.or(info.code.as_ref().map(|c| c.start));
        if let Some(start) = start {
            self.text.truncate(start);
        }
        self.cells.truncate(first_cell);
        self.findings.truncate(info.findings.start);
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).map(|index| Row { rows: self, index })
    }
}

impl<'r> Row<'r> {
    fn info(&self) -> &'r RowInfo {
        &self.rows.info[self.index]
    }

    /// The text of cell `column` (empty when the record has no such value).
    pub fn cell(&self, column: usize) -> &'r str {
        self.value(column).unwrap_or("")
    }

    /// The text of cell `column`, `None` when the record has no such value.
    pub fn value(&self, column: usize) -> Option<&'r str> {
        let rows = self.rows;
        let range = rows.cells[self.index * rows.width + column].clone()?;
        Some(&rows.text[range])
    }

    pub fn source(&self) -> &'r str {
        &self.rows.sources[self.info().source]
    }

    pub fn line(&self) -> u64 {
        self.info().line
    }

    pub fn column(&self) -> u64 {
        self.info().column
    }

    pub fn offset(&self) -> u64 {
        self.info().offset
    }

    pub fn dialect(&self) -> &'static str {
        self.info().dialect
    }

    pub fn valid(&self) -> bool {
        self.info().valid
    }

    /// The TIMESTAMP's instant in microseconds since the Unix epoch, UTC;
    /// `None` when absent or not a valid date-time.
    pub fn utc_micros(&self) -> Option<i64> {
        self.info().utc
    }

    pub fn code(&self) -> Option<&'r str> {
        self.info().code.clone().map(|range| &self.rows.text[range])
    }

    pub fn findings(&self) -> &'r [RowFinding] {
        &self.rows.findings[self.info().findings.clone()]
    }
}

/// Appends cells to a batch.
struct Filler<'r>(&'r mut Rows);

impl Filler<'_> {
    fn push(&mut self, value: &str) -> io::Result<()> {
        let start = self.0.text.len();
        self.0.text.push_str(value);
        self.0.cells.push(Some(start..self.0.text.len()));
        Ok(())
    }
}

impl CellSink for Filler<'_> {
    fn text(&mut self, value: &str) -> io::Result<()> {
        self.push(value)
    }

    fn json(&mut self, json: &[u8]) -> io::Result<()> {
        // serde_json writes UTF-8 only.
        self.push(std::str::from_utf8(json).map_err(io::Error::other)?)
    }

    fn empty(&mut self) -> io::Result<()> {
        self.0.cells.push(None);
        Ok(())
    }
}
