//! Postbacks as JSON, NDJSON and CSV: one writer per format behind
//! [`RecordWriter`], each in its own module, each streaming to any `W: Write`
//! as records arrive.
//!
//! Values follow CLI.md ("`convert` output"): keys and headers are element
//! names as written, values the element text decoded and untrimmed, fields in
//! document order. A name that occurs more than once becomes an array of its
//! values (at the place of its first occurrence); an element holding elements
//! becomes an object by the same rules, with the text beside its children under
//! `#text`; in an N401 postback `CONTENT` is always `{"FILE": [...]}`. The shape
//! depends only on the names in the record and on its code, never on what a
//! value looks like (see `object.rs`). CSV cells holding an object or array
//! carry its JSON.
//!
//! Writing allocates nothing per field: the grouping of repeated names, the
//! CSV cells and the JSON of object-valued cells use buffers kept across records.
//!
//! For output rendered on several threads, a [`Part`] renders some records
//! apart from the rest and an [`Assembly`] puts the parts together in order,
//! with what comes before, between and after them: the bytes are the same as
//! one writer's.

use std::io::{self, Write};

use self::columns::Columns;
use crate::engine::Record;
use crate::location::Location;
use crate::postback::{Element, Postback};
use crate::spec::COMMON_FIELDS;

mod columns;
mod csv;
mod json;
mod ndjson;
mod object;
#[cfg(feature = "parquet")]
mod parquet;
mod rows;
mod xlsx;

pub use self::csv::{Csv, CsvOptions};
use self::json::Brackets;
pub use self::json::JsonArray;
pub use self::ndjson::Ndjson;
#[cfg(feature = "parquet")]
pub use self::parquet::{parquet_columns, Parquet, ParquetOptions, ROW_GROUP_ROWS};
pub use self::rows::{Row, RowFinding, Rows};
pub use self::xlsx::{too_long_cell, Xlsx, XlsxOptions, CELL_CHARS, FINDINGS_COLUMNS, UTC_COLUMN};

/// The default CSV columns, in CLI.md's order: the common fields, then
/// [`EXTRA`].
pub const DEFAULT_COLUMNS: [&str; COMMON_FIELDS.len() + 1] = default_columns();

const fn default_columns() -> [&'static str; COMMON_FIELDS.len() + 1] {
    let mut columns = [EXTRA; COMMON_FIELDS.len() + 1];
    let mut i = 0;
    while i < COMMON_FIELDS.len() {
        columns[i] = COMMON_FIELDS[i];
        i += 1;
    }
    columns
}

/// The names of the values that trace a record back to its capture
/// (`--with-source`), in order: JSON keys after the fields, columns after
/// the others.
pub const TRACE_COLUMNS: [&str; 4] = ["source", "line", "column", "offset"];

/// Where a record was read: its input, and where it starts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trace<'a> {
    pub source: &'a str,
    pub at: Location,
}

impl<'a> Trace<'a> {
    pub fn of(record: &Record<'a>) -> Self {
        Trace {
            source: record.source,
            at: record.at,
        }
    }
}

/// How JSON and NDJSON are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonOptions {
    /// Add `source`, `line`, `column` and `offset` after each record's fields.
    pub with_source: bool,
    /// Indented, one key a line, for a person (JSON only; NDJSON stays a
    /// record a line).
    pub pretty: bool,
}

/// The CSV column holding, as a JSON object, every field no other column shows.
pub const EXTRA: &str = "EXTRA";

/// The key of text written beside child elements. No element can be named
/// so (`#` cannot start an XML name), so it never collides with a field.
pub const TEXT_KEY: &str = "#text";

/// Elements nested deeper than this are not converted: each level costs the
/// serializer a stack frame, and no real postback nests more than two levels
/// (N401's `CONTENT`/`FILE`). See [`too_deep`].
pub const MAX_DEPTH: usize = 64;

/// A streaming writer of one output format. The constructor writes whatever
/// comes before the first record (`[`, a CSV header), so that even a run that
/// converts nothing leaves valid output.
pub trait RecordWriter {
    /// Writes one postback.
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()>;

    /// Writes whatever comes after the last record, then flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// The first element nested deeper than [`MAX_DEPTH`] (fields are depth 1),
/// if any: such a postback cannot be converted and the writers refuse it with
/// an `InvalidData` error, so check first.
pub fn too_deep<'p, 'a>(postback: &'p Postback<'a>) -> Option<&'p Element<'a>> {
    // Iterative, so that checking the depth cannot itself run out of stack;
    // the stack is only allocated for the rare field that holds elements.
    let mut stack: Vec<(&Element<'a>, usize)> = Vec::new();
    for field in postback.fields.iter().filter(|f| !f.children.is_empty()) {
        stack.push((field, 1));
        while let Some((element, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Some(element);
            }
            stack.extend(element.children.iter().rev().map(|c| (c, depth + 1)));
        }
    }
    None
}

/// An output format, with everything that shapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Json(JsonOptions),
    Ndjson(JsonOptions),
    Csv(CsvOptions),
    Xlsx(XlsxOptions),
    #[cfg(feature = "parquet")]
    Parquet(ParquetOptions),
}

impl Format {
    /// A writer streaming to `out`, what comes before the first record written.
    pub fn writer<'w, W: Write + Send + 'w>(
        &self,
        out: W,
    ) -> io::Result<Box<dyn RecordWriter + 'w>> {
        Ok(match self {
            Format::Json(options) => Box::new(JsonArray::with_options(out, options.clone())?),
            Format::Ndjson(options) => Box::new(Ndjson::with_options(out, options.clone())),
            Format::Csv(options) => Box::new(Csv::new(out, options.clone())?),
            Format::Xlsx(options) => Box::new(Xlsx::new(out, options.clone())?),
            #[cfg(feature = "parquet")]
            Format::Parquet(options) => Box::new(Parquet::new(out, options.clone())?),
        })
    }

    /// An empty part, to render some records apart from the others.
    pub fn part(&self) -> Part {
        let writer = match self {
            Format::Json(options) => PartWriter::Json(JsonArray::part(Vec::new(), options.clone())),
            Format::Ndjson(options) => {
                PartWriter::Ndjson(Ndjson::with_options(Vec::new(), options.clone()))
            }
            Format::Csv(options) => PartWriter::Csv(Box::new(Csv::rows(Vec::new(), options, 1024))),
            Format::Xlsx(options) => PartWriter::Rows {
                columns: Box::new(Columns::new(&options.columns)),
                rows: Rows::new(options.columns.len()),
                cell_limit: true,
            },
            #[cfg(feature = "parquet")]
            Format::Parquet(_) => PartWriter::Rows {
                columns: Box::new(parquet::row_columns()),
                rows: Rows::new(DEFAULT_COLUMNS.len()),
                cell_limit: false,
            },
        };
        Part { writer, records: 0 }
    }

    /// Whether the output is binary, never for a terminal.
    pub fn is_binary(&self) -> bool {
        match self {
            Format::Json(_) | Format::Ndjson(_) | Format::Csv(_) => false,
            Format::Xlsx(_) => true,
            #[cfg(feature = "parquet")]
            Format::Parquet(_) => true,
        }
    }

    /// Whether the output is a table (CSV, XLSX, Parquet), whose columns
    /// are v1.3 names whatever the dialect.
    pub fn is_tabular(&self) -> bool {
        !matches!(self, Format::Json(_) | Format::Ndjson(_))
    }

    /// Whether the output lists each record's findings, so that the rule
    /// checks must run.
    pub fn shows_findings(&self) -> bool {
        self.is_binary()
    }
}

/// Some records rendered apart from the rest of the output (on a worker
/// thread, say), without what comes before, between or after them: an
/// [`Assembly`] adds that.
pub struct Part {
    writer: PartWriter,
    records: u64,
}

enum PartWriter {
    Json(JsonArray<Vec<u8>>),
    Ndjson(Ndjson<Vec<u8>>),
    // Boxed: its cell buffers make it several times the size of the others.
    Csv(Box<Csv<Vec<u8>>>),
    /// Rows for a writer that builds one file (XLSX, Parquet).
    Rows {
        columns: Box<Columns>,
        rows: Rows,
        /// Whether a cell may hold no more than a spreadsheet's [`CELL_CHARS`].
        cell_limit: bool,
    },
}

impl Part {
    /// Writes a postback, read as `record`. A postback the format cannot hold
    /// (a value too long for a spreadsheet cell) is refused with an
    /// `InvalidData` error saying why, and the part is left as it was.
    pub fn write(&mut self, record: &Record<'_>, postback: &Postback<'_>) -> io::Result<()> {
        let trace = Some(Trace::of(record));
        match &mut self.writer {
            PartWriter::Json(w) => w.write_traced(postback, trace)?,
            PartWriter::Ndjson(w) => w.write_traced(postback, trace)?,
            PartWriter::Csv(w) => w.write_traced(postback, trace)?,
            PartWriter::Rows {
                columns,
                rows,
                cell_limit,
            } => {
                rows.push(columns, postback, Some(record))?;
                let width = rows.width();
                let long = rows.last().and_then(|row| too_long_cell(row, width));
                if let (Some(column), true) = (long, *cell_limit) {
                    rows.pop();
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "column {column} holds more than the {CELL_CHARS} characters a \
                             spreadsheet cell can: too long to convert to XLSX"
                        ),
                    ));
                }
            }
        }
        self.records += 1;
        Ok(())
    }

    /// The records written to the part.
    pub fn records(&self) -> u64 {
        self.records
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        match self.writer {
            PartWriter::Json(w) => Ok(w.into_inner()),
            PartWriter::Ndjson(w) => Ok(w.into_inner()),
            PartWriter::Csv(w) => w.into_inner(),
            PartWriter::Rows { .. } => Err(io::Error::other("rows are not bytes")),
        }
    }
}

/// Puts parts together into one output, in the order given.
pub struct Assembly<W: Write + Send> {
    to: Assembled<W>,
}

enum Assembled<W: Write + Send> {
    Bytes {
        out: W,
        /// The array's brackets, for JSON.
        json: Option<Brackets>,
        /// Whether a record has been written (a JSON array separates the next one).
        written: bool,
    },
    Xlsx(Box<Xlsx<W>>),
    #[cfg(feature = "parquet")]
    Parquet(Box<Parquet<W>>),
}

impl<W: Write + Send> Assembly<W> {
    /// Writes what comes before the first record.
    pub fn new(mut out: W, format: &Format) -> io::Result<Self> {
        match format {
            Format::Json(options) => out.write_all(Brackets::of(options).open)?,
            Format::Ndjson(_) => {}
            Format::Csv(options) => {
                // The header exactly as the streaming writer writes it.
                Csv::new(&mut out, options.clone())?.into_inner()?;
            }
            Format::Xlsx(options) => {
                let xlsx = Xlsx::new(out, options.clone())?;
                return Ok(Assembly {
                    to: Assembled::Xlsx(Box::new(xlsx)),
                });
            }
            #[cfg(feature = "parquet")]
            Format::Parquet(options) => {
                let parquet = Parquet::new(out, options.clone())?;
                return Ok(Assembly {
                    to: Assembled::Parquet(Box::new(parquet)),
                });
            }
        }
        Ok(Assembly {
            to: Assembled::Bytes {
                out,
                json: match format {
                    Format::Json(options) => Some(Brackets::of(options)),
                    _ => None,
                },
                written: false,
            },
        })
    }

    /// Writes the part's records after those written so far.
    pub fn push(&mut self, part: Part) -> io::Result<()> {
        if part.records == 0 {
            return Ok(());
        }
        match (&mut self.to, part.writer) {
            (Assembled::Xlsx(xlsx), PartWriter::Rows { rows, .. }) => xlsx.push(&rows),
            #[cfg(feature = "parquet")]
            (Assembled::Parquet(parquet), PartWriter::Rows { rows, .. }) => parquet.push(&rows),
            (Assembled::Xlsx(_), _) => Err(io::Error::other("an XLSX file takes rows")),
            #[cfg(feature = "parquet")]
            (Assembled::Parquet(_), _) => Err(io::Error::other("a Parquet file takes rows")),
            (Assembled::Bytes { out, json, written }, writer) => {
                if let Some(brackets) = json {
                    out.write_all(brackets.before(*written))?;
                }
                let part = Part {
                    writer,
                    records: part.records,
                };
                out.write_all(&part.into_bytes()?)?;
                *written = true;
                Ok(())
            }
        }
    }

    /// Passes on what is written so far (a live input has paused). A file
    /// put together at the end (XLSX, Parquet) has nothing to pass on yet.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.to {
            Assembled::Bytes { out, .. } => out.flush(),
            _ => Ok(()),
        }
    }

    /// Writes what comes after the last record, then flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        match &mut self.to {
            Assembled::Bytes { out, json, written } => {
                if let Some(brackets) = json {
                    out.write_all(brackets.after(*written))?;
                }
                out.flush()
            }
            Assembled::Xlsx(xlsx) => xlsx.finish(),
            #[cfg(feature = "parquet")]
            Assembled::Parquet(parquet) => parquet.finish(),
        }
    }

    /// The writer back, for the caller to close (e.g. put a file in place);
    /// `None` only when a Parquet file failed so that its writer is lost.
    pub fn into_inner(self) -> Option<W> {
        match self.to {
            Assembled::Bytes { out, .. } => Some(out),
            Assembled::Xlsx(xlsx) => Some(xlsx.into_inner()),
            #[cfg(feature = "parquet")]
            Assembled::Parquet(parquet) => parquet.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RecordKind;
    use crate::location::Location;
    use crate::postback::parse;

    /// A record read at the start of `capture.log`, its postback given apart.
    fn record() -> Record<'static> {
        Record {
            source: "capture.log",
            at: Location::START,
            embedding: None,
            decoded_at: None,
            kind: RecordKind::Postback,
            text: b"",
            postback: None,
            findings: Vec::new(),
        }
    }

    #[test]
    fn too_deep_finds_the_first_element_past_the_limit() {
        let deep = |n: usize| {
            format!(
                "<POSTBACK><A>1</A>{}{}</POSTBACK>",
                "<N>".repeat(n),
                "</N>".repeat(n)
            )
        };
        let ok = deep(MAX_DEPTH);
        assert!(too_deep(&parse(&ok).unwrap()).is_none());
        assert!(Ndjson::new(Vec::new()).write(&parse(&ok).unwrap()).is_ok());

        let bad = deep(MAX_DEPTH + 1);
        let postback = parse(&bad).unwrap();
        let found = too_deep(&postback).expect("too deep");
        assert_eq!(found.at, bad.find("<N>").unwrap() + 3 * MAX_DEPTH);
        let err = Ndjson::new(Vec::new()).write(&postback).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn parts_assemble_into_the_bytes_of_one_writer() {
        let xmls = [
            "<POSTBACK><CODE>N003</CODE><X>=1</X></POSTBACK>",
            "<POSTBACK><CODE>N401</CODE><CONTENT><FILE>f</FILE></CONTENT></POSTBACK>",
            "<POSTBACK><TO>1</TO><TO>2</TO>t</POSTBACK>",
        ];
        let postbacks: Vec<Postback<'_>> = xmls.iter().map(|x| parse(x).unwrap()).collect();
        let excel = CsvOptions {
            excel: true,
            ..CsvOptions::default()
        };
        let pretty = JsonOptions {
            pretty: true,
            ..JsonOptions::default()
        };
        for format in [
            Format::Json(JsonOptions::default()),
            Format::Json(pretty),
            Format::Ndjson(JsonOptions::default()),
            Format::Csv(CsvOptions::default()),
            Format::Csv(excel),
        ] {
            let mut streamed = Vec::new();
            let mut writer = format.writer(&mut streamed).unwrap();
            for postback in &postbacks {
                writer.write(postback).unwrap();
            }
            writer.finish().unwrap();
            drop(writer);
            // Every way of cutting the records into parts, empty parts included.
            for cut in 0..=postbacks.len() {
                let mut assembled = Vec::new();
                let mut assembly = Assembly::new(&mut assembled, &format).unwrap();
                for chunk in [&postbacks[..cut], &[], &postbacks[cut..]] {
                    let mut part = format.part();
                    for postback in chunk {
                        part.write(&record(), postback).unwrap();
                    }
                    assert_eq!(part.records(), chunk.len() as u64);
                    assembly.push(part).unwrap();
                }
                assembly.finish().unwrap();
                drop(assembly);
                assert_eq!(
                    String::from_utf8_lossy(&assembled),
                    String::from_utf8_lossy(&streamed),
                    "{format:?}, cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn a_closed_pipe_stays_a_closed_pipe() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
        }
        let postback = parse("<POSTBACK><A>1</A></POSTBACK>").unwrap();
        let err = Ndjson::new(Closed).write(&postback).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        // The csv writer buffers: the error surfaces when it flushes.
        let mut csv = Csv::new(Closed, CsvOptions::default()).unwrap();
        csv.write(&postback).unwrap();
        assert_eq!(csv.finish().unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}
