//! CSV: a header row, then one row per postback, with an `EXTRA` column so
//! that no value is dropped; optionally shaped for spreadsheets.

use std::io::{self, Write};

use super::columns::{CellSink, Columns};
use super::{RecordWriter, Trace, DEFAULT_COLUMNS, TRACE_COLUMNS};
use crate::postback::Postback;
use crate::render::terminal::escape;

/// The UTF-8 byte order mark, which Excel needs to read a CSV file as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How CSV is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Column names in order. `EXTRA` is the catch-all column, `#text` the
    /// text directly inside `<POSTBACK>`; any other name is a field.
    pub columns: Vec<String>,
    /// Spreadsheet mode: BOM, CRLF, and cells that a spreadsheet would run as
    /// a formula prefixed with `'`. Alters those cells.
    pub excel: bool,
    /// Show control and bidi characters as visible escapes (`\u{9b}`, `\u{202e}`):
    /// for a terminal only, as it alters the values.
    pub escape_controls: bool,
    /// Add `source`, `line`, `column` and `offset` columns after the others.
    pub with_source: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            columns: DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect(),
            excel: false,
            escape_controls: false,
            with_source: false,
        }
    }
}

/// CSV: a header row, then one row per postback (RFC 4180 quoting, by the `csv` crate).
pub struct Csv<W: Write> {
    cells: Cells<W>,
    columns: Columns,
    with_source: bool,
}

impl<W: Write> Csv<W> {
    /// Writes the BOM (Excel mode) and the header row.
    pub fn new(mut out: W, options: CsvOptions) -> io::Result<Self> {
        if options.excel {
            // The csv writer buffers and cannot be reached around, so the BOM
            // goes out before it is built.
            out.write_all(BOM)?;
        }
        let mut writer = Csv::rows(out, &options, 64 * 1024);
        for name in &options.columns {
            writer.cells.text(name)?;
        }
        if options.with_source {
            for name in TRACE_COLUMNS {
                writer.cells.text(name)?;
            }
        }
        writer.cells.end_row()?;
        Ok(writer)
    }

    /// Rows only, for the middle of a CSV file whose header is written
    /// elsewhere. `buffer` is the csv writer's own buffer: large in front of
    /// a file, small in front of a part's `Vec` (a run over thousands of
    /// small files holds one part per file in flight).
    pub(super) fn rows(out: W, options: &CsvOptions, buffer: usize) -> Self {
        let terminator = if options.excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let csv = csv::WriterBuilder::new()
            .terminator(terminator)
            .buffer_capacity(buffer)
            .from_writer(out);
        Csv {
            cells: Cells {
                csv,
                scratch: Vec::new(),
                excel: options.excel,
                escape_controls: options.escape_controls,
            },
            columns: Columns::new(&options.columns),
            with_source: options.with_source,
        }
    }

    /// Writes one postback's row, ending with where it was read if the
    /// options ask for it (empty cells when that is not known).
    pub fn write_traced(
        &mut self,
        postback: &Postback<'_>,
        trace: Option<Trace<'_>>,
    ) -> io::Result<()> {
        self.columns.fill(postback, &mut self.cells)?;
        if self.with_source {
            match trace {
                Some(trace) => {
                    self.cells.text(trace.source)?;
                    for n in [trace.at.line, trace.at.column, trace.at.offset] {
                        self.cells.raw(n.to_string().as_bytes())?;
                    }
                }
                None => {
                    for _ in TRACE_COLUMNS {
                        self.cells.raw(b"")?;
                    }
                }
            }
        }
        self.cells.end_row()
    }

    /// The writer written to, once everything buffered has reached it.
    pub fn into_inner(self) -> io::Result<W> {
        self.cells.csv.into_inner().map_err(|err| err.into_error())
    }
}

impl<W: Write> RecordWriter for Csv<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.write_traced(postback, None)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.cells.csv.flush()
    }
}

/// Writes cells through the csv crate, applying the output's alterations.
struct Cells<W: Write> {
    csv: csv::Writer<W>,
    /// A cell being prefixed with `'` (Excel mode).
    scratch: Vec<u8>,
    excel: bool,
    escape_controls: bool,
}

impl<W: Write> Cells<W> {
    /// A cell of payload text.
    fn text(&mut self, value: &str) -> io::Result<()> {
        if self.escape_controls {
            let shown = escape(value);
            self.raw(shown.as_bytes())
        } else {
            self.raw(value.as_bytes())
        }
    }

    /// A cell as it is (JSON is already terminal-safe: see `object::TerminalSafe`).
    fn raw(&mut self, value: &[u8]) -> io::Result<()> {
        // OWASP's CSV injection advice: a spreadsheet treats a cell starting
        // with one of these as a formula (tab and CR can hide one).
        if self.excel
            && matches!(
                value.first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            )
        {
            self.scratch.clear();
            self.scratch.push(b'\'');
            self.scratch.extend_from_slice(value);
            return self.csv.write_field(&self.scratch).map_err(csv_io);
        }
        self.csv.write_field(value).map_err(csv_io)
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.csv.write_record(None::<&[u8]>).map_err(csv_io)
    }
}

impl<W: Write> CellSink for Cells<W> {
    fn text(&mut self, value: &str) -> io::Result<()> {
        Cells::text(self, value)
    }

    fn json(&mut self, json: &[u8]) -> io::Result<()> {
        self.raw(json)
    }

    fn empty(&mut self) -> io::Result<()> {
        self.raw(b"")
    }
}

/// The csv crate's own `From` turns every error into `ErrorKind::Other`;
/// keeping the I/O error as it was lets a closed pipe still be recognised.
fn csv_io(err: csv::Error) -> io::Error {
    if !err.is_io_error() {
        return io::Error::other(err);
    }
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;

    fn csv_with(options: CsvOptions, xmls: &[&str]) -> String {
        let mut out = Vec::new();
        let mut writer = Csv::new(&mut out, options).unwrap();
        for xml in xmls {
            writer.write(&parse(xml).expect("well-formed")).unwrap();
        }
        writer.finish().unwrap();
        drop(writer);
        String::from_utf8(out).unwrap()
    }

    fn csv_columns(columns: &[&str], xml: &str) -> String {
        let options = CsvOptions {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..CsvOptions::default()
        };
        csv_with(options, &[xml])
    }

    #[test]
    fn csv_default_columns_with_extra_for_unknown_and_repeated_fields() {
        let out = csv_with(
            CsvOptions::default(),
            &[
                "<POSTBACK><CODE>N003</CODE><Status>x</Status><TO>1</TO><TO>2</TO></POSTBACK>",
                "<POSTBACK><ORIGIN>MMS_MT</ORIGIN></POSTBACK>",
            ],
        );
        insta::assert_snapshot!(out, @r#"
        ORIGIN,CODE,STATUS,SENTAS,MMSID,FROM,FROM_MASK,TO,TRACKINGID,SPID,TIMESTAMP,AGGREGATORID,HANDSET,OS,STATUSDETAILS,AUDIONAME,VIDEONAME,EXTRA
        ,N003,,,,,,1,,,,,,,,,,"{""Status"":""x"",""TO"":[""1"",""2""]}"
        MMS_MT,,,,,,,,,,,,,,,,,
        "#);
    }

    #[test]
    fn csv_fields_pick_columns_and_extra_only_when_listed() {
        let xml = "<POSTBACK><CODE>N003</CODE><MMSID>7</MMSID>text</POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["MMSID", "CODE"], xml), @r"
        MMSID,CODE
        7,N003
        ");
        insta::assert_snapshot!(csv_columns(&["CODE", "EXTRA"], xml), @r###"
        CODE,EXTRA
        N003,"{""MMSID"":""7"",""#text"":""text""}"
        "###);
        insta::assert_snapshot!(csv_columns(&["#text", "EXTRA"], xml), @r#"
        #text,EXTRA
        text,"{""CODE"":""N003"",""MMSID"":""7""}"
        "#);
    }

    #[test]
    fn csv_columns_with_similar_names_are_told_apart() {
        let xml = "<POSTBACK><TRACKINGXY>2</TRACKINGXY><TRACKINGID>1</TRACKINGID></POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["TRACKINGID", "TRACKINGXY"], xml), @r"
        TRACKINGID,TRACKINGXY
        1,2
        ");
    }

    #[test]
    fn csv_object_cells_hold_json() {
        let xml = "<POSTBACK><CODE>N401</CODE><CONTENT><FILE>a,b</FILE></CONTENT></POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["CONTENT"], xml), @r#"
        CONTENT
        "{""FILE"":[""a,b""]}"
        "#);
    }

    #[test]
    fn excel_mode_neutralises_formulas_and_uses_bom_and_crlf() {
        let xml = "<POSTBACK><A>=1+2</A><B>-3</B><C>@x</C><D>\tq</D><E>a=b</E><F>+</F></POSTBACK>";
        let columns: Vec<String> = ["A", "B", "C", "D", "E", "F"].map(String::from).to_vec();
        let excel = csv_with(
            CsvOptions {
                columns: columns.clone(),
                excel: true,
                ..CsvOptions::default()
            },
            &[xml],
        );
        assert_eq!(
            excel,
            "\u{feff}A,B,C,D,E,F\r\n'=1+2,'-3,'@x,'\tq,a=b,'+\r\n"
        );
        let exact = csv_with(
            CsvOptions {
                columns,
                ..CsvOptions::default()
            },
            &[xml],
        );
        assert_eq!(exact, "A,B,C,D,E,F\n=1+2,-3,@x,\tq,a=b,+\n");
    }

    #[test]
    fn csv_for_a_terminal_shows_controls_escaped() {
        let xml = "<POSTBACK><A>x\u{9b}31my&#13;</A></POSTBACK>";
        let options = CsvOptions {
            columns: vec!["A".into()],
            escape_controls: true,
            ..CsvOptions::default()
        };
        assert_eq!(csv_with(options, &[xml]), "A\nx\\u{9b}31my\\r\n");
    }
}
