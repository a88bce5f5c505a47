//! XLSX: a workbook a spreadsheet opens with identifiers and dates intact.
//!
//! Sheet `postbacks` holds the CSV columns, every value written as text (so
//! `0001470` keeps its zeros, a 16-digit AGGREGATORID its digits, and `=1+2`
//! stays text: nothing is ever written as a formula), with a `TIMESTAMP (UTC)`
//! column of real date-times beside TIMESTAMP. The header is bold and frozen,
//! with an autofilter. Past a sheet's row limit the rows go on in
//! `postbacks (2)`, `postbacks (3)`...; a sheet `findings` lists the findings
//! of the rows written, when there are any.
//!
//! Memory stays flat: the sheets are written in rust_xlsxwriter's constant
//! memory mode (each row goes to a temporary file as soon as the next one
//! starts), and the findings wait in a temporary file until the postbacks are
//! written.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};

use super::columns::Columns;
use super::rows::{write_one, BatchWriter, Row, Rows};
use super::{RecordWriter, TRACE_COLUMNS};
use crate::postback::Postback;

/// The most rows a worksheet holds, header included.
pub const SHEET_ROWS: u32 = 1_048_576;

/// The most characters (UTF-16 units) a cell holds.
pub const CELL_CHARS: usize = 32_767;

/// The name of the column of TIMESTAMP instants, written after TIMESTAMP.
pub const UTC_COLUMN: &str = "TIMESTAMP (UTC)";

/// The columns of the `findings` sheet.
pub const FINDINGS_COLUMNS: [&str; 8] = [
    "source", "line", "column", "severity", "rule", "code", "field", "message",
];

const SHEET: &str = "postbacks";
const FINDINGS_SHEET: &str = "findings";
const DATE_TIME: &str = "yyyy-mm-dd hh:mm:ss";
/// Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never
/// was: serials are right from 1900-03-01 (day 61) on.
const FIRST_DAY: f64 = 61.0;
/// 9999-12-31, Excel's last day.
const LAST_DAY: f64 = 2_958_465.0;
/// The serial of 1970-01-01.
const UNIX_EPOCH_DAY: f64 = 25_569.0;
const MICROS_PER_DAY: f64 = 86_400_000_000.0;
/// Column widths, in characters: at least the header's, at most this.
const MAX_WIDTH: usize = 60;

/// How XLSX is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsxOptions {
    /// The columns of the `postbacks` sheets, as for CSV.
    pub columns: Vec<String>,
    /// Data rows per sheet before the next one starts (the header comes on
    /// top): all a sheet can hold, unless smaller for a test.
    pub rows_per_sheet: u32,
    /// Add `source`, `line`, `column` and `offset` columns after the others.
    pub with_source: bool,
}

impl Default for XlsxOptions {
    fn default() -> Self {
        XlsxOptions {
            columns: super::DEFAULT_COLUMNS
                .iter()
                .map(|c| c.to_string())
                .collect(),
            rows_per_sheet: SHEET_ROWS - 1,
            with_source: false,
        }
    }
}

impl XlsxOptions {
    /// Where TIMESTAMP's column is, when it is one.
    fn timestamp_column(&self) -> Option<usize> {
        self.columns.iter().position(|c| c == "TIMESTAMP")
    }

    /// The header of the `postbacks` sheets: the columns, with
    /// [`UTC_COLUMN`] after TIMESTAMP.
    pub fn header(&self) -> Vec<&str> {
        let mut header: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        if let Some(at) = self.timestamp_column() {
            header.insert(at + 1, UTC_COLUMN);
        }
        if self.with_source {
            header.extend(TRACE_COLUMNS);
        }
        header
    }
}

/// The first cell of the row too long for a spreadsheet cell, if any.
pub fn too_long_cell(row: Row<'_>, width: usize) -> Option<usize> {
    (0..width).find(|&c| {
        let cell = row.cell(c);
        // UTF-16 units are never fewer than bytes / 3: count only when it may matter.
        cell.len() > CELL_CHARS && cell.encode_utf16().count() > CELL_CHARS
    })
}

/// A workbook being written: rows go into temporary files as they come, and
/// the file is put together at [`RecordWriter::finish`].
pub struct Xlsx<W: Write + Send> {
    out: W,
    finished: bool,
    workbook: Workbook,
    options: XlsxOptions,
    header: Vec<String>,
    bold: CellFormat,
    date_time: CellFormat,
    /// The sheet being filled (index in the workbook) and its data rows so far.
    sheet: usize,
    rows_in_sheet: u32,
    /// The widest value of each column in the current sheet, in characters.
    widths: Vec<usize>,
    /// The findings of the rows written, as CSV, until the postbacks are done.
    findings: Option<csv::Writer<BufWriter<File>>>,
    /// For [`RecordWriter::write`]: one postback at a time.
    columns: Columns,
    scratch: Rows,
}

impl<W: Write + Send> Xlsx<W> {
    /// Starts the first sheet, with its header.
    pub fn new(out: W, options: XlsxOptions) -> io::Result<Self> {
        let header: Vec<String> = options.header().into_iter().map(String::from).collect();
        let mut xlsx = Xlsx {
            out,
            finished: false,
            workbook: Workbook::new(),
            columns: Columns::new(&options.columns),
            scratch: Rows::new(options.columns.len()),
            widths: Vec::new(),
            header,
            options,
            bold: CellFormat::new().set_bold(),
            date_time: CellFormat::new().set_num_format(DATE_TIME),
            sheet: 0,
            rows_in_sheet: 0,
            findings: None,
        };
        xlsx.start_sheet(SHEET.to_string())?;
        Ok(xlsx)
    }

    /// The writer written to (the whole workbook, once finished).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes a batch of rows, in order.
    pub fn push(&mut self, rows: &Rows) -> io::Result<()> {
        for row in rows.iter() {
            self.write_row(row)?;
        }
        Ok(())
    }

    fn write_row(&mut self, row: Row<'_>) -> io::Result<()> {
        if self.rows_in_sheet == self.options.rows_per_sheet {
            self.end_sheet()?;
            let name = format!("{SHEET} ({})", self.sheet + 2);
            self.start_sheet(name)?;
        }
        self.rows_in_sheet += 1;
        let at = self.rows_in_sheet;
        let utc_after = self.options.timestamp_column();
        let sheet = self
            .workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_io)?;
        let mut column = 0;
        for c in 0..self.options.columns.len() {
            let value = row.cell(c);
            if !value.is_empty() {
                sheet.write_string(at, column, value).map_err(xlsx_io)?;
                let chars = value.chars().take(MAX_WIDTH).count();
                let width = &mut self.widths[usize::from(column)];
                *width = (*width).max(chars);
            }
            column += 1;
            if Some(c) == utc_after {
                if let Some(serial) = row.utc_micros().and_then(excel_serial) {
                    sheet
                        .write_number_with_format(at, column, serial, &self.date_time)
                        .map_err(xlsx_io)?;
                    let width = &mut self.widths[usize::from(column)];
                    *width = (*width).max(DATE_TIME.len());
                }
                column += 1;
            }
        }
        if self.options.with_source {
            // A row read from no input (a postback given directly) has no place.
            if !row.source().is_empty() {
                sheet
                    .write_string(at, column, row.source())
                    .map_err(xlsx_io)?;
                let width = &mut self.widths[usize::from(column)];
                *width = (*width).max(row.source().chars().take(MAX_WIDTH).count());
                for (i, n) in [row.line(), row.column(), row.offset()]
                    .into_iter()
                    .enumerate()
                {
                    let c = column_index(usize::from(column) + 1 + i)?;
                    // Exact as a number up to 2^53 bytes into an input.
                    sheet.write_number(at, c, n as f64).map_err(xlsx_io)?;
                    let width = &mut self.widths[usize::from(c)];
                    *width = (*width).max(n.to_string().len());
                }
            }
        }
        if !row.findings().is_empty() {
            self.keep_findings(row)?;
        }
        Ok(())
    }

    /// Adds a sheet of postbacks with its header.
    fn start_sheet(&mut self, name: String) -> io::Result<()> {
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_io)?;
        sheet.set_name(name).map_err(xlsx_io)?;
        self.sheet = self.workbook.worksheets().len() - 1;
        self.rows_in_sheet = 0;
        let sheet = self
            .workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_io)?;
        write_header(sheet, &self.header, &self.bold)?;
        self.widths = self.header.iter().map(|h| h.chars().count()).collect();
        Ok(())
    }

    /// Sets the current sheet's filter range and column widths.
    fn end_sheet(&mut self) -> io::Result<()> {
        let sheet = self
            .workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_io)?;
        finish_sheet(sheet, self.rows_in_sheet, &self.widths)
    }

    fn keep_findings(&mut self, row: Row<'_>) -> io::Result<()> {
        if self.findings.is_none() {
            let file = tempfile::tempfile()?;
            self.findings = Some(csv::Writer::from_writer(BufWriter::new(file)));
        }
        let Some(findings) = &mut self.findings else {
            return Ok(());
        };
        for finding in row.findings() {
            findings
                .write_record([
                    row.source(),
                    &finding.line.to_string(),
                    &finding.column.to_string(),
                    finding.severity.as_str(),
                    finding.rule,
                    row.code().unwrap_or(""),
                    finding.field.as_deref().unwrap_or(""),
                    &finding.message,
                ])
                .map_err(io::Error::other)?;
        }
        Ok(())
    }

    /// Writes the `findings` sheets from the temporary file.
    fn write_findings(&mut self) -> io::Result<()> {
        let Some(findings) = self.findings.take() else {
            return Ok(());
        };
        let mut file = findings
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.rewind()?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(io::BufReader::new(file));
        let header: Vec<String> = FINDINGS_COLUMNS.iter().map(|c| c.to_string()).collect();
        let mut record = csv::StringRecord::new();
        let mut sheets = 0;
        let mut more = reader.read_record(&mut record).map_err(io::Error::other)?;
        while more {
            sheets += 1;
            let name = match sheets {
                1 => FINDINGS_SHEET.to_string(),
                n => format!("{FINDINGS_SHEET} ({n})"),
            };
            let sheet = self
                .workbook
                .add_worksheet_with_constant_memory()
                .map_err(xlsx_io)?;
            sheet.set_name(name).map_err(xlsx_io)?;
            write_header(sheet, &header, &self.bold)?;
            let mut widths: Vec<usize> = header.iter().map(String::len).collect();
            let mut rows = 0;
            while more && rows < self.options.rows_per_sheet {
                rows += 1;
                for (c, value) in record.iter().enumerate() {
                    let column = column_index(c)?;
                    // Line and column are numbers; everything else is text.
                    match value.parse::<f64>() {
                        Ok(n) if matches!(c, 1 | 2) => {
                            sheet.write_number(rows, column, n).map(drop)
                        }
                        _ if value.is_empty() => Ok(()),
                        _ => sheet.write_string(rows, column, value).map(drop),
                    }
                    .map_err(xlsx_io)?;
                    widths[c] = widths[c].max(value.chars().take(MAX_WIDTH).count());
                }
                more = reader.read_record(&mut record).map_err(io::Error::other)?;
            }
            finish_sheet(sheet, rows, &widths)?;
        }
        Ok(())
    }
}

impl<W: Write + Send> BatchWriter for Xlsx<W> {
    fn columns_and_scratch(&mut self) -> (&mut Columns, &mut Rows) {
        (&mut self.columns, &mut self.scratch)
    }

    fn push(&mut self, rows: &Rows) -> io::Result<()> {
        Xlsx::push(self, rows)
    }
}

impl<W: Write + Send> RecordWriter for Xlsx<W> {
    /// Writes one postback, with no place in an input.
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        write_one(self, postback)
    }

    /// Puts the workbook together and writes it out.
    fn finish(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.finished, true) {
            return Ok(());
        }
        self.end_sheet()?;
        self.write_findings()?;
        self.workbook
            .save_to_writer(&mut self.out)
            .map_err(xlsx_io)?;
        self.out.flush()
    }
}

fn write_header(sheet: &mut Worksheet, header: &[String], bold: &CellFormat) -> io::Result<()> {
    for (c, name) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, column_index(c)?, name, bold)
            .map_err(xlsx_io)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_io)?;
    Ok(())
}

/// The filter over the header and `rows` data rows, and the widths.
fn finish_sheet(sheet: &mut Worksheet, rows: u32, widths: &[usize]) -> io::Result<()> {
    if let Some(last) = widths.len().checked_sub(1) {
        sheet
            .autofilter(0, 0, rows, column_index(last)?)
            .map_err(xlsx_io)?;
    }
    for (c, width) in widths.iter().enumerate() {
        // Room for the filter button beside the header.
        let width = (*width).min(MAX_WIDTH) + 3;
        sheet
            .set_column_width(column_index(c)?, width as f64)
            .map_err(xlsx_io)?;
    }
    Ok(())
}

fn column_index(c: usize) -> io::Result<u16> {
    u16::try_from(c).map_err(|_| io::Error::other("too many columns for a spreadsheet"))
}

/// An instant as an Excel date-time serial, when Excel can show it.
fn excel_serial(micros: i64) -> Option<f64> {
    let serial = UNIX_EPOCH_DAY + micros as f64 / MICROS_PER_DAY;
    (FIRST_DAY..LAST_DAY + 1.0)
        .contains(&serial)
        .then_some(serial)
}

/// Errors of rust_xlsxwriter as I/O errors, keeping an I/O error's kind (a
/// full disk, a closed pipe).
fn xlsx_io(err: XlsxError) -> io::Error {
    match err {
        XlsxError::IoError(err) => err,
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;
    use calamine::{Data, Reader};

    /// A workbook of `n` postbacks (every third without its TIMESTAMP's
    /// date), `per_sheet` rows a sheet, read back: each sheet's name and rows.
    fn rolled(n: usize, per_sheet: u32) -> Vec<(String, Vec<Vec<Data>>)> {
        let options = XlsxOptions {
            columns: vec!["TRACKINGID".into(), "TIMESTAMP".into()],
            rows_per_sheet: per_sheet,
            with_source: false,
        };
        let mut out = Vec::new();
        let mut xlsx = Xlsx::new(&mut out, options).unwrap();
        for i in 0..n {
            let day = if i % 3 == 2 { 30 } else { 1 };
            let xml = format!(
                "<POSTBACK><TRACKINGID>{i:04}</TRACKINGID>\
                 <TIMESTAMP>2013-02-{day:02}T00:00:00Z</TIMESTAMP></POSTBACK>"
            );
            xlsx.write(&parse(&xml).unwrap()).unwrap();
        }
        xlsx.finish().unwrap();
        drop(xlsx);
        let mut book = calamine::Xlsx::new(io::Cursor::new(out)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                (name, range.rows().map(|r| r.to_vec()).collect())
            })
            .collect()
    }

    #[test]
    fn rows_go_on_in_numbered_sheets_past_the_limit() {
        let sheets = rolled(7, 3);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["postbacks", "postbacks (2)", "postbacks (3)"]);
        let mut ids = Vec::new();
        for (name, rows) in &sheets {
            assert_eq!(
                rows[0],
                [
                    Data::String("TRACKINGID".into()),
                    Data::String("TIMESTAMP".into()),
                    Data::String(UTC_COLUMN.into())
                ],
                "{name} has the header"
            );
            ids.extend(rows[1..].iter().map(|r| r[0].clone()));
        }
        let expected: Vec<Data> = (0..7).map(|i| Data::String(format!("{i:04}"))).collect();
        assert_eq!(ids, expected, "every row once, in order");
        for (name, rows) in &sheets {
            for row in &rows[1..] {
                let Data::String(id) = &row[0] else {
                    panic!("{row:?}")
                };
                let valid = id.parse::<u32>().unwrap() % 3 != 2;
                assert_eq!(
                    matches!(row[2], Data::DateTime(_)),
                    valid,
                    "{name}: {row:?}"
                );
            }
        }
        assert_eq!(
            sheets[2].1.len(),
            2,
            "the last sheet holds the one left over"
        );
    }

    #[test]
    fn a_full_last_sheet_starts_no_empty_one() {
        let sheets = rolled(6, 3);
        assert_eq!(sheets.len(), 2);
        assert!(
            rolled(0, 3).len() == 1,
            "an empty conversion still has its sheet"
        );
    }

    #[test]
    fn serials_count_days_from_excel_epoch() {
        assert_eq!(excel_serial(0), Some(25_569.0));
        // 2013-11-05T10:41:08Z
        let serial = excel_serial(1_383_648_068_000_000).unwrap();
        assert!((serial - 41_583.445_231_481).abs() < 1e-6, "{serial}");
        // Before 1900-03-01 Excel's calendar is off by a day: left empty.
        assert_eq!(excel_serial(-2_203_977_600_000_000), None);
        assert!(excel_serial(-2_203_891_200_000_000).is_some());
    }

    #[test]
    fn utc_column_follows_timestamp() {
        let options = XlsxOptions {
            columns: vec!["CODE".into(), "TIMESTAMP".into(), "TO".into()],
            ..XlsxOptions::default()
        };
        assert_eq!(options.header(), ["CODE", "TIMESTAMP", UTC_COLUMN, "TO"]);
        let options = XlsxOptions {
            columns: vec!["CODE".into()],
            ..XlsxOptions::default()
        };
        assert_eq!(options.header(), ["CODE"]);
    }
}
