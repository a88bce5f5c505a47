//! `postback convert --to parquet` end to end: the real binary writes a file,
//! the parquet crate's reader reads it back.
#![cfg(feature = "parquet")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, TimeUnit};
use common::{convert_into, exec, fixture, temp, Run, PROVIDER_EXAMPLES};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use serde_json::Value;

/// The schema: name, type, nullable.
const SCHEMA: [(&str, &str, bool); 28] = [
    ("dialect", "utf8", false),
    ("origin", "utf8", true),
    ("code", "utf8", true),
    ("status", "utf8", true),
    ("sent_as", "utf8", true),
    ("mms_id", "utf8", true),
    ("sender", "utf8", true),
    ("from_mask", "utf8", true),
    ("recipient", "utf8", true),
    ("tracking_id", "utf8", true),
    ("spid", "utf8", true),
    ("carrier", "utf8", true),
    ("country", "utf8", true),
    ("timestamp", "timestamp", true),
    ("timestamp_text", "utf8", true),
    ("aggregator_id", "utf8", true),
    ("handset", "utf8", true),
    ("os", "utf8", true),
    ("status_details", "utf8", true),
    ("audio_name", "utf8", true),
    ("video_name", "utf8", true),
    ("extra", "utf8", true),
    ("valid", "bool", false),
    ("findings", "utf8", false),
    ("source", "utf8", false),
    ("line", "int64", false),
    ("column", "int64", false),
    ("offset", "int64", false),
];

/// The CSV column each string column of the schema holds.
const FROM_CSV: [(&str, &str); 18] = [
    ("origin", "ORIGIN"),
    ("code", "CODE"),
    ("status", "STATUS"),
    ("sent_as", "SENTAS"),
    ("mms_id", "MMSID"),
    ("sender", "FROM"),
    ("from_mask", "FROM_MASK"),
    ("recipient", "TO"),
    ("tracking_id", "TRACKINGID"),
    ("spid", "SPID"),
    ("timestamp_text", "TIMESTAMP"),
    ("aggregator_id", "AGGREGATORID"),
    ("handset", "HANDSET"),
    ("os", "OS"),
    ("status_details", "STATUSDETAILS"),
    ("audio_name", "AUDIONAME"),
    ("video_name", "VIDEONAME"),
    ("extra", "EXTRA"),
];

fn convert(dir: &Path, input: &Path, extra: &[&str]) -> (Run, PathBuf) {
    convert_into(dir, input, "out.parquet", extra)
}

/// Every row of a file, as one batch.
fn read(path: &Path) -> RecordBatch {
    let file = fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("a Parquet file")
        .build()
        .unwrap();
    let schema = reader.schema();
    let mut batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    // The files here are small: one row group, read as one batch.
    assert!(batches.len() <= 1, "{} batches", batches.len());
    batches
        .pop()
        .unwrap_or_else(|| RecordBatch::new_empty(schema))
}

/// A string cell, `None` when null.
fn text(batch: &RecordBatch, column: &str, row: usize) -> Option<String> {
    let array = batch
        .column_by_name(column)
        .unwrap_or_else(|| panic!("no {column}"));
    let strings = array.as_string::<i32>();
    (!strings.is_null(row)).then(|| strings.value(row).to_string())
}

fn int(batch: &RecordBatch, column: &str, row: usize) -> i64 {
    batch
        .column_by_name(column)
        .unwrap()
        .as_primitive::<Int64Type>()
        .value(row)
}

fn instant(batch: &RecordBatch, row: usize) -> Option<i64> {
    let array = batch.column_by_name("timestamp").unwrap();
    let times = array.as_primitive::<TimestampMicrosecondType>();
    (!times.is_null(row)).then(|| times.value(row))
}

fn valid(batch: &RecordBatch, row: usize) -> bool {
    batch
        .column_by_name("valid")
        .unwrap()
        .as_boolean()
        .value(row)
}

#[test]
fn schema_is_fixed_typed_and_zstd_compressed() {
    let dir = temp();
    let (run, out) = convert(dir.path(), &fixture("provider/n202.xml"), &[]);
    assert_eq!(run.status, 0, "{run}");
    let batch = read(&out);
    let schema = batch.schema();
    let found: Vec<(String, String, bool)> = schema
        .fields()
        .iter()
        .map(|f| {
            let kind = match f.data_type() {
                DataType::Utf8 => "utf8",
                DataType::Boolean => "bool",
                DataType::Int64 => "int64",
                DataType::Timestamp(TimeUnit::Microsecond, Some(tz)) if &**tz == "UTC" => {
                    "timestamp"
                }
                other => panic!("unexpected type {other:?}"),
            };
            (f.name().clone(), kind.to_string(), f.is_nullable())
        })
        .collect();
    let expected: Vec<(String, String, bool)> = SCHEMA
        .iter()
        .map(|(n, k, null)| (n.to_string(), k.to_string(), *null))
        .collect();
    assert_eq!(found, expected);

    let file = fs::File::open(&out).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let meta = builder.metadata();
    assert_eq!(meta.num_row_groups(), 1);
    for column in meta.row_group(0).columns() {
        assert!(
            matches!(column.compression(), Compression::ZSTD(_)),
            "{column:?}"
        );
    }
}

#[test]
fn every_provider_example_round_trips_every_value() {
    let dir = temp();
    for example in PROVIDER_EXAMPLES {
        let input = fixture(example);
        let (run, out) = convert(dir.path(), &input, &[]);
        let csv = exec(&["convert", "--to", "csv", input.to_str().unwrap()]);
        assert_eq!(run.status, csv.status, "{run}");
        assert_eq!(run.stderr, csv.stderr, "same findings and summary{run}");
        let batch = read(&out);
        let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(batch.num_rows(), rows.len(), "{example}");
        let source = input.to_str().unwrap();
        let xml = fs::read_to_string(&input).unwrap();
        for (i, row) in rows.iter().enumerate() {
            for (column, csv_column) in FROM_CSV {
                let at = header.iter().position(|h| h == csv_column).unwrap();
                let value = text(&batch, column, i).unwrap_or_default();
                assert_eq!(value, &row[at], "{example} {column}");
            }
            assert_eq!(text(&batch, "dialect", i).as_deref(), Some("v1"));
            assert_eq!(text(&batch, "source", i).as_deref(), Some(source));
            let offset = int(&batch, "offset", i) as usize;
            assert!(
                xml[offset..].starts_with("<POSTBACK>"),
                "{example}: offset {offset}"
            );
            let line = xml[..offset].matches('\n').count() + 1;
            assert_eq!(int(&batch, "line", i), line as i64, "{example}");
            let line_start = xml[..offset].rfind('\n').map_or(0, |n| n + 1);
            let column = xml[line_start..offset].chars().count() + 1;
            assert_eq!(int(&batch, "column", i), column as i64, "{example}");
            let findings: Value =
                serde_json::from_str(&text(&batch, "findings", i).unwrap()).unwrap();
            let errors = findings
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["severity"] == "error");
            assert_eq!(valid(&batch, i), !errors, "{example}: {findings}");
            let timestamp = text(&batch, "timestamp_text", i);
            assert_eq!(
                instant(&batch, i).is_some(),
                timestamp.is_some(),
                "{example}"
            );
        }
    }
}

#[test]
fn carrier_and_country_come_from_the_spid() {
    let dir = temp();
    let input = dir.path().join("spids.log");
    fs::write(
        &input,
        "<POSTBACK><CODE>N202</CODE><SPID>0001470</SPID></POSTBACK>\n\
         <POSTBACK><CODE>N202</CODE><SPID>0001140</SPID></POSTBACK>\n\
         <POSTBACK><CODE>N202</CODE><SPID>0007000</SPID></POSTBACK>\n\
         <POSTBACK><CODE>N202</CODE><SPID>9999999</SPID></POSTBACK>\n\
         <POSTBACK><CODE>N202</CODE></POSTBACK>\n",
    )
    .unwrap();
    let (run, out) = convert(dir.path(), &input, &["--fields", "spid,carrier,country"]);
    assert_eq!(run.status, 0, "{run}");
    let batch = read(&out);
    assert_eq!(batch.num_columns(), 3);
    let named: Vec<(Option<String>, Option<String>)> = (0..5)
        .map(|i| (text(&batch, "carrier", i), text(&batch, "country", i)))
        .collect();
    let some = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
    assert_eq!(
        named,
        [
            some("AT&T", "United States"),
            some("Alltel-Verizon", "United States"),
            some("All Carriers", "Kazakstan / Russia"),
            (None, None),
            (None, None),
        ]
    );
}

#[test]
fn names_never_come_from_the_payload_and_bad_times_are_null() {
    let dir = temp();
    let input = dir.path().join("cases.log");
    fs::write(
        &input,
        "<POSTBACK><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS>\
         <Status>x</Status><TIMESTAMP>2013-02-30T05:41:08Z</TIMESTAMP></POSTBACK>\n\
         <POSTBACK><CODE>N202</CODE><TIMESTAMP>2013-11-05T05:41:08-05:00</TIMESTAMP></POSTBACK>\n",
    )
    .unwrap();
    let (run, out) = convert(dir.path(), &input, &[]);
    assert_eq!(run.status, 0, "{run}");
    let batch = read(&out);
    assert_eq!(batch.num_columns(), SCHEMA.len());
    assert_eq!(
        text(&batch, "status", 0).as_deref(),
        Some("Message Sent/Delivered")
    );
    assert_eq!(
        text(&batch, "extra", 0).as_deref(),
        Some(r#"{"Status":"x"}"#)
    );
    assert_eq!(text(&batch, "extra", 1), None);
    assert_eq!(instant(&batch, 0), None);
    assert_eq!(
        text(&batch, "timestamp_text", 0).as_deref(),
        Some("2013-02-30T05:41:08Z")
    );
    assert!(!valid(&batch, 0));
    let findings: Value = serde_json::from_str(&text(&batch, "findings", 0).unwrap()).unwrap();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "bad-timestamp" && f["field"] == "TIMESTAMP" && f["line"] == 1),
        "{findings}"
    );
    // 2013-11-05T10:41:08Z
    assert_eq!(instant(&batch, 1), Some(1_383_648_068_000_000));
    assert_eq!(int(&batch, "line", 1), 2);
}

#[test]
fn fields_pick_schema_columns_by_column_or_field_name() {
    let dir = temp();
    let (run, out) = convert(
        dir.path(),
        &fixture("provider/n202.xml"),
        &["--fields", "code,TO,TIMESTAMP,Valid"],
    );
    assert_eq!(run.status, 0, "{run}");
    let batch = read(&out);
    let names: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        names,
        ["code", "recipient", "timestamp", "timestamp_text", "valid"]
    );

    let run = exec(&[
        "convert",
        "--to",
        "parquet",
        "--fields",
        "code,TEXT",
        fixture("provider/n202.xml").to_str().unwrap(),
        "-o",
        dir.path().join("x.parquet").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("no column TEXT"), "{run}");
    assert!(run.stderr.contains("extra"), "{run}");
}

#[test]
fn valid_only_rejects_and_summary_as_for_csv() {
    let dir = temp();
    let rejects = dir.path().join("rejects.txt");
    let mixed = fixture("convert/mixed.log");
    let (run, out) = convert(
        dir.path(),
        &mixed,
        &["--valid-only", "--rejects", rejects.to_str().unwrap()],
    );
    let csv = exec(&[
        "convert",
        "--to",
        "csv",
        mixed.to_str().unwrap(),
        "--valid-only",
    ]);
    assert_eq!(run.status, 1, "{run}");
    assert_eq!(run.stderr, csv.stderr, "{run}");
    assert!(!fs::read_to_string(&rejects).unwrap().is_empty());
    let batch = read(&out);
    assert_eq!(batch.num_rows(), csv.stdout.lines().count() - 1);
    assert!((0..batch.num_rows()).all(|i| valid(&batch, i)));
}

#[test]
fn an_empty_conversion_is_a_valid_empty_file() {
    let dir = temp();
    let input = dir.path().join("noise.log");
    fs::write(&input, "no postbacks here\n").unwrap();
    let (run, out) = convert(dir.path(), &input, &[]);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(read(&out).num_rows(), 0);
}
