//! Parquet: one fixed, typed schema whatever the input holds, for DuckDB,
//! Spark, Athena and the like (docs/parquet.md).
//!
//! Column names are snake_case and never taken from the payload: engines
//! match names case-insensitively, so a capture holding both `STATUS` and
//! `Status` would otherwise give two columns of one name. Every field outside
//! the fixed columns is kept in `extra`, as a JSON object. Identifiers are
//! strings; `timestamp` is the TIMESTAMP's instant in UTC (null when the text
//! is not a valid date-time, which `timestamp_text` keeps as written).
//!
//! Rows are written in row groups of [`ROW_GROUP_ROWS`], zstd-compressed, so
//! memory holds one row group whatever the size of the input.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use super::columns::Columns;
use super::rows::{write_one, BatchWriter, Row, RowFinding, Rows};
use super::{RecordWriter, DEFAULT_COLUMNS};
use crate::postback::{trim_xml, Postback};
use crate::spec;

/// Rows per row group: within the 16-64k that engines split work by, and
/// small enough that a row group in the making stays a few MB.
pub const ROW_GROUP_ROWS: usize = 32 * 1024;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// The first value of a field: the index of its CSV column.
    Field(&'static str),
    Dialect,
    Carrier,
    Country,
    /// TIMESTAMP's instant.
    Instant,
    Valid,
    Findings,
    Source,
    Line,
    Column,
    Offset,
}

/// The schema, in order: column name and what it holds.
const SCHEMA: [(&str, Value); 28] = [
    ("dialect", Value::Dialect),
    ("origin", Value::Field("ORIGIN")),
    ("code", Value::Field("CODE")),
    ("status", Value::Field("STATUS")),
    ("sent_as", Value::Field("SENTAS")),
    ("mms_id", Value::Field("MMSID")),
    ("sender", Value::Field("FROM")),
    ("from_mask", Value::Field("FROM_MASK")),
    ("recipient", Value::Field("TO")),
    ("tracking_id", Value::Field("TRACKINGID")),
    ("spid", Value::Field("SPID")),
    ("carrier", Value::Carrier),
    ("country", Value::Country),
    ("timestamp", Value::Instant),
    ("timestamp_text", Value::Field("TIMESTAMP")),
    ("aggregator_id", Value::Field("AGGREGATORID")),
    ("handset", Value::Field("HANDSET")),
    ("os", Value::Field("OS")),
    ("status_details", Value::Field("STATUSDETAILS")),
    ("audio_name", Value::Field("AUDIONAME")),
    ("video_name", Value::Field("VIDEONAME")),
    ("extra", Value::Field("EXTRA")),
    ("valid", Value::Valid),
    ("findings", Value::Findings),
    ("source", Value::Source),
    ("line", Value::Line),
    ("column", Value::Column),
    ("offset", Value::Offset),
];

impl Value {
    fn data_type(self) -> DataType {
        match self {
            Value::Instant => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Value::Valid => DataType::Boolean,
            Value::Line | Value::Column | Value::Offset => DataType::Int64,
            _ => DataType::Utf8,
        }
    }

    /// Whether the column can be null: a field the record lacks, an SPID
    /// no table names, a time that is not one.
    fn nullable(self) -> bool {
        matches!(
            self,
            Value::Field(_) | Value::Carrier | Value::Country | Value::Instant
        )
    }
}

/// The schema's column names, in order.
pub fn parquet_columns() -> impl Iterator<Item = &'static str> {
    SCHEMA.iter().map(|(name, _)| *name)
}

/// How Parquet is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetOptions {
    /// The schema's columns written, by index, in this order.
    columns: Vec<usize>,
    pub row_group_rows: usize,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        ParquetOptions {
            columns: (0..SCHEMA.len()).collect(),
            row_group_rows: ROW_GROUP_ROWS,
        }
    }
}

impl ParquetOptions {
    /// Only the columns named, in this order: by column name (`recipient`)
    /// or by the field it holds (`TO`; the field `TIMESTAMP` names both
    /// `timestamp` and `timestamp_text`), else by column name in any case.
    /// The error names what is unknown.
    pub fn select<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        let mut columns = Vec::new();
        for name in names {
            let name = name.as_ref();
            // A column's exact name, else a field's (TIMESTAMP is the field),
            // else a column's in any case.
            let column = |same: fn(&str, &str) -> bool| {
                SCHEMA.iter().position(|(column, _)| same(column, name))
            };
            let found: Vec<usize> = if let Some(i) = column(|a, b| a == b) {
                vec![i]
            } else if name == "TIMESTAMP" {
                SCHEMA
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, v))| matches!(v, Value::Instant | Value::Field("TIMESTAMP")))
                    .map(|(i, _)| i)
                    .collect()
            } else {
                SCHEMA
                    .iter()
                    .position(|(_, value)| matches!(value, Value::Field(field) if *field == name))
                    .or_else(|| column(|a, b| a.eq_ignore_ascii_case(b)))
                    .into_iter()
                    .collect()
            };
            if found.is_empty() {
                return Err(format!(
                    "Parquet has no column {name}: its columns are {} (other fields are in extra)",
                    parquet_columns().collect::<Vec<_>>().join(", ")
                ));
            }
            for i in found {
                if columns.contains(&i) {
                    return Err(format!("--fields names the column {} twice", SCHEMA[i].0));
                }
                columns.push(i);
            }
        }
        Ok(ParquetOptions {
            columns,
            ..ParquetOptions::default()
        })
    }

    /// The Arrow schema of the columns written.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|&i| {
                let (name, value) = SCHEMA[i];
                Field::new(name, value.data_type(), value.nullable())
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

/// The CSV columns a row is filled with: the fixed fields and EXTRA.
pub(super) fn row_columns() -> Columns {
    Columns::new(&DEFAULT_COLUMNS)
}

/// A column being built.
enum Builder {
    Text(StringBuilder),
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Instant(TimestampMicrosecondBuilder),
}

impl Builder {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Instant(b) => Arc::new(b.finish()),
        }
    }
}

/// A Parquet file being written, one row group at a time.
pub struct Parquet<W: Write + Send> {
    writer: Option<ArrowWriter<W>>,
    /// The writer given back once the file is finished.
    done: Option<W>,
    schema: SchemaRef,
    /// What each column written holds, and the column of a field's value in a row.
    values: Vec<(Value, Option<usize>)>,
    builders: Vec<Builder>,
    rows_in_group: usize,
    row_group_rows: usize,
    /// Carrier and country by SPID, for the SPIDs the tables name.
    carriers: HashMap<String, (String, String)>,
    /// The findings of a row, as JSON.
    json: String,
    /// For [`RecordWriter::write`]: one postback at a time.
    columns: Columns,
    scratch: Rows,
}

impl<W: Write + Send> Parquet<W> {
    pub fn new(out: W, options: ParquetOptions) -> io::Result<Self> {
        let schema = options.schema();
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(options.row_group_rows.max(1)))
            .set_created_by(format!("postback {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer =
            ArrowWriter::try_new(out, schema.clone(), Some(properties)).map_err(parquet_io)?;
        let values = options
            .columns
            .iter()
            .map(|&i| {
                let value = SCHEMA[i].1;
                let cell = match value {
                    Value::Field(name) => DEFAULT_COLUMNS.iter().position(|c| *c == name),
                    Value::Carrier | Value::Country => {
                        DEFAULT_COLUMNS.iter().position(|c| *c == "SPID")
                    }
                    _ => None,
                };
                (value, cell)
            })
            .collect();
        let mut parquet = Parquet {
            writer: Some(writer),
            done: None,
            schema,
            values,
            builders: Vec::new(),
            rows_in_group: 0,
            row_group_rows: options.row_group_rows.max(1),
            carriers: HashMap::new(),
            json: String::new(),
            columns: row_columns(),
            scratch: Rows::new(DEFAULT_COLUMNS.len()),
        };
        parquet.builders = parquet.new_builders();
        Ok(parquet)
    }

    fn new_builders(&self) -> Vec<Builder> {
        let rows = self.row_group_rows.min(ROW_GROUP_ROWS);
        self.values
            .iter()
            .map(|(value, _)| match value.data_type() {
                DataType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(rows)),
                DataType::Int64 => Builder::Int(Int64Builder::with_capacity(rows)),
                DataType::Timestamp(..) => Builder::Instant(
                    TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
                ),
                _ => Builder::Text(StringBuilder::with_capacity(rows, rows * 16)),
            })
            .collect()
    }

    /// The writer written to, once finished; before, what can be had of it
    /// (the file is then cut short, for the caller to discard).
    pub fn into_inner(self) -> Option<W> {
        self.done
            .or_else(|| self.writer.and_then(|w| w.into_inner().ok()))
    }

    /// Writes a batch of rows, in order.
    pub fn push(&mut self, rows: &Rows) -> io::Result<()> {
        for row in rows.iter() {
            self.append(row)?;
            self.rows_in_group += 1;
            if self.rows_in_group == self.row_group_rows {
                self.write_group()?;
            }
        }
        Ok(())
    }

    fn append(&mut self, row: Row<'_>) -> io::Result<()> {
        for (c, &(value, cell)) in self.values.iter().enumerate() {
            match (&mut self.builders[c], value) {
                (Builder::Text(b), Value::Field(_)) => {
                    b.append_option(cell.and_then(|cell| row.value(cell)))
                }
                (Builder::Text(b), Value::Carrier | Value::Country) => {
                    let spid = cell.and_then(|cell| row.value(cell)).map(trim_xml);
                    let named = spid.and_then(|spid| carrier(&mut self.carriers, spid));
                    b.append_option(named.map(|(carrier, country)| {
                        if value == Value::Carrier {
                            carrier.as_str()
                        } else {
                            country.as_str()
                        }
                    }))
                }
                (Builder::Text(b), Value::Dialect) => b.append_value(row.dialect()),
                (Builder::Text(b), Value::Source) => b.append_value(row.source()),
                (Builder::Text(b), Value::Findings) => {
                    findings_json(&mut self.json, row.findings())?;
                    b.append_value(&self.json)
                }
                (Builder::Bool(b), _) => b.append_value(row.valid()),
                (Builder::Int(b), Value::Line) => b.append_value(to_i64(row.line())),
                (Builder::Int(b), Value::Column) => b.append_value(to_i64(row.column())),
                (Builder::Int(b), _) => b.append_value(to_i64(row.offset())),
                (Builder::Instant(b), _) => b.append_option(row.utc_micros()),
                (Builder::Text(b), _) => b.append_null(),
            }
        }
        Ok(())
    }

    /// Writes the rows built so far as one row group.
    fn write_group(&mut self) -> io::Result<()> {
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        if self.rows_in_group == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(io::Error::other)?;
        writer.write(&batch).map_err(parquet_io)?;
        writer.flush().map_err(parquet_io)?;
        self.rows_in_group = 0;
        Ok(())
    }
}

impl<W: Write + Send> BatchWriter for Parquet<W> {
    fn columns_and_scratch(&mut self) -> (&mut Columns, &mut Rows) {
        (&mut self.columns, &mut self.scratch)
    }

    fn push(&mut self, rows: &Rows) -> io::Result<()> {
        Parquet::push(self, rows)
    }
}

impl<W: Write + Send> RecordWriter for Parquet<W> {
    /// Writes one postback, with no place in an input.
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        write_one(self, postback)
    }

    /// Writes the last row group and the footer.
    fn finish(&mut self) -> io::Result<()> {
        self.write_group()?;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        // into_inner writes the footer and gives the writer back to flush.
        let mut out = writer.into_inner().map_err(parquet_io)?;
        out.flush()?;
        self.done = Some(out);
        Ok(())
    }
}

/// Carrier and country of an SPID from the carrier and operator tables: each
/// distinct value once, joined by " / " when the table has several rows.
fn carrier<'c>(
    known: &'c mut HashMap<String, (String, String)>,
    spid: &str,
) -> Option<&'c (String, String)> {
    if !known.contains_key(spid) {
        let rows = spec::carriers_for_spid(spid);
        if rows.is_empty() {
            return None;
        }
        let join = |pick: fn(&spec::Carrier) -> &str| {
            let mut each: Vec<&str> = Vec::new();
            for row in &rows {
                if !each.contains(&pick(row)) {
                    each.push(pick(row));
                }
            }
            each.join(" / ")
        };
        let named = (join(|c| c.carrier), join(|c| c.country));
        known.insert(spid.to_string(), named);
    }
    known.get(spid)
}

/// One finding in the `findings` column.
#[derive(Serialize)]
struct FindingJson<'f> {
    line: u64,
    column: u64,
    offset: u64,
    severity: &'static str,
    rule: &'static str,
    field: Option<&'f str>,
    message: &'f str,
}

fn findings_json(out: &mut String, findings: &[RowFinding]) -> io::Result<()> {
    let each: Vec<FindingJson<'_>> = findings
        .iter()
        .map(|f| FindingJson {
            line: f.line,
            column: f.column,
            offset: f.offset,
            severity: f.severity.as_str(),
            rule: f.rule,
            field: f.field.as_deref(),
            message: &f.message,
        })
        .collect();
    out.clear();
    out.push_str(&serde_json::to_string(&each).map_err(io::Error::other)?);
    Ok(())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Errors of the parquet writer as I/O errors, keeping an I/O error's kind.
fn parquet_io(err: ParquetError) -> io::Error {
    match err {
        ParquetError::External(err) => match err.downcast::<io::Error>() {
            Ok(err) => *err,
            Err(err) => io::Error::other(err),
        },
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn rows_go_into_row_groups_of_the_size_given() {
        let options = ParquetOptions {
            row_group_rows: 3,
            ..ParquetOptions::select(&["tracking_id"]).unwrap()
        };
        let mut out = Vec::new();
        let mut parquet = Parquet::new(&mut out, options).unwrap();
        for i in 0..7 {
            let xml = format!("<POSTBACK><TRACKINGID>{i}</TRACKINGID></POSTBACK>");
            parquet.write(&parse(&xml).unwrap()).unwrap();
        }
        parquet.finish().unwrap();
        drop(parquet);
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(out)).unwrap();
        let groups: Vec<i64> = reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups, [3, 3, 1]);
    }

    #[test]
    fn fields_name_columns_or_the_fields_they_hold() {
        let names = |list: &[&str]| -> Vec<String> {
            let options = ParquetOptions::select(list).unwrap();
            options
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect()
        };
        assert_eq!(
            names(&["FROM", "recipient", "Code"]),
            ["sender", "recipient", "code"]
        );
        assert_eq!(names(&["TIMESTAMP"]), ["timestamp", "timestamp_text"]);
        assert_eq!(names(&["timestamp"]), ["timestamp"]);
        assert!(ParquetOptions::select(&["TEXT"]).is_err());
        assert!(ParquetOptions::select(&["TO", "recipient"]).is_err());
    }
}
