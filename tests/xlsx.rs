//! `postback convert --to xlsx` end to end: the real binary writes a workbook,
//! calamine (a spreadsheet reader) reads it back.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{convert_into, exec, fixture, temp, Run, PROVIDER_EXAMPLES};

const HEADER: [&str; 19] = [
    "ORIGIN",
    "CODE",
    "STATUS",
    "SENTAS",
    "MMSID",
    "FROM",
    "FROM_MASK",
    "TO",
    "TRACKINGID",
    "SPID",
    "TIMESTAMP",
    "TIMESTAMP (UTC)",
    "AGGREGATORID",
    "HANDSET",
    "OS",
    "STATUSDETAILS",
    "AUDIONAME",
    "VIDEONAME",
    "EXTRA",
];

/// Identifiers that a spreadsheet would turn into numbers, a formula, and a
/// TIMESTAMP with an offset.
const TRICKY: &str = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE>\
<STATUS>Message Sent/Delivered</STATUS><FROM>0001470</FROM><TO>16505551234</TO>\
<TRACKINGID>00123</TRACKINGID><SPID>0001470</SPID>\
<TIMESTAMP>2013-11-05T05:41:08-05:00</TIMESTAMP><AGGREGATORID>1152921504606846976</AGGREGATORID>\
<STATUSDETAILS>=HYPERLINK(\"http://x\")</STATUSDETAILS><X>-1</X></POSTBACK>\n";

/// An N003 without its required MMSID: a `missing-field` error.
const MISSING_MMSID: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE>\
<TIMESTAMP>2013-02-30T05:41:08Z</TIMESTAMP></POSTBACK>\n";

fn workbook(path: &Path) -> Xlsx<std::io::BufReader<fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{} does not open: {e}", path.display()))
}

/// A sheet's rows, the header first.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let range = workbook(path)
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("no sheet {name}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "the sheet starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => panic!("{other:?} is not text"),
    }
}

/// The XML of a part of the workbook, such as `xl/worksheets/sheet1.xml`.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).expect("a zip file");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("no {name}: {e}"))
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn convert(dir: &Path, input: &Path, extra: &[&str]) -> (Run, std::path::PathBuf) {
    convert_into(dir, input, "out.xlsx", extra)
}

#[test]
fn every_provider_example_reads_back_as_its_csv_row() {
    let dir = temp();
    for example in PROVIDER_EXAMPLES {
        let input = fixture(example);
        let (run, out) = convert(dir.path(), &input, &[]);
        let csv = exec(&["convert", "--to", "csv", input.to_str().unwrap()]);
        assert_eq!(run.status, csv.status, "{run}");
        assert_eq!(run.stderr, csv.stderr, "same findings and summary{run}");

        let rows = sheet(&out, "postbacks");
        let header: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(header, HEADER, "{example}");
        let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
        let expected: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() - 1, expected.len(), "{example}");
        for (row, csv_row) in rows[1..].iter().zip(&expected) {
            let mut cells: Vec<&Data> = row.iter().collect();
            let utc = cells.remove(11);
            let values: Vec<String> = cells.into_iter().map(text).collect();
            let csv_values: Vec<&str> = csv_row.iter().collect();
            assert_eq!(values, csv_values, "{example}");
            // Every TIMESTAMP the provider's examples give is valid (E101 has none).
            if values[10].is_empty() {
                assert_eq!(utc, &Data::Empty, "{example}");
            } else {
                assert!(
                    matches!(utc, Data::DateTime(dt) if dt.is_datetime()),
                    "{example}: {utc:?}"
                );
            }
        }
    }
}

#[test]
fn identifiers_stay_text_and_timestamps_become_utc_date_times() {
    let dir = temp();
    let input = dir.path().join("tricky.log");
    fs::write(&input, TRICKY).unwrap();
    let (run, out) = convert(dir.path(), &input, &[]);
    assert_eq!(run.status, 0, "{run}");
    let rows = sheet(&out, "postbacks");
    let row = &rows[1];
    let at = |name: &str| &row[HEADER.iter().position(|h| *h == name).unwrap()];
    assert_eq!(at("FROM"), &Data::String("0001470".into()));
    assert_eq!(at("SPID"), &Data::String("0001470".into()));
    assert_eq!(at("TRACKINGID"), &Data::String("00123".into()));
    assert_eq!(at("TO"), &Data::String("16505551234".into()));
    assert_eq!(
        at("AGGREGATORID"),
        &Data::String("1152921504606846976".into())
    );
    assert_eq!(
        at("TIMESTAMP"),
        &Data::String("2013-11-05T05:41:08-05:00".into())
    );
    // 2013-11-05T10:41:08Z as an Excel serial.
    match at("TIMESTAMP (UTC)") {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime());
            assert!((dt.as_f64() - 41_583.445_231_481).abs() < 1e-6, "{dt:?}");
        }
        other => panic!("{other:?}"),
    }
    // A formula-like value is text, never a formula.
    assert_eq!(
        at("STATUSDETAILS"),
        &Data::String("=HYPERLINK(\"http://x\")".into())
    );
    assert_eq!(at("EXTRA"), &Data::String(r#"{"X":"-1"}"#.into()));
    let formulas = workbook(&out).worksheet_formula("postbacks").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("<f>"));
}

#[test]
fn header_is_bold_frozen_and_filtered_with_column_widths() {
    let dir = temp();
    let input = dir.path().join("tricky.log");
    fs::write(&input, TRICKY.repeat(3)).unwrap();
    let (run, out) = convert(dir.path(), &input, &[]);
    assert_eq!(run.status, 0, "{run}");
    let xml = part(&out, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#"<autoFilter ref="A1:S4"/>"#), "{xml}");
    // A width for every column, from the first to the last.
    assert!(xml.contains(r#"<col min="1" max="1" width="#), "{xml}");
    assert!(xml.contains(r#" max="19" width="#), "{xml}");
    assert!(part(&out, "xl/styles.xml").contains("<b/>"));
    let header_cell = xml.split("<c r=\"A1\"").nth(1).unwrap();
    assert!(
        header_cell.starts_with(" s=\""),
        "the header has a style: {header_cell}"
    );
}

#[test]
fn findings_sheet_lists_each_rows_findings() {
    let dir = temp();
    let input = dir.path().join("bad.log");
    fs::write(&input, format!("{TRICKY}{MISSING_MMSID}")).unwrap();
    let (run, out) = convert(dir.path(), &input, &[]);
    assert_eq!(run.status, 0, "rule findings do not stop a conversion{run}");
    let names = workbook(&out).sheet_names();
    assert_eq!(names, ["postbacks", "findings"]);
    let rows = sheet(&out, "findings");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        ["source", "line", "column", "severity", "rule", "code", "field", "message"]
    );
    let found: Vec<(String, f64, String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            let line = match r[1] {
                Data::Float(n) => n,
                Data::Int(n) => n as f64,
                ref other => panic!("line {other:?}"),
            };
            (text(&r[0]), line, text(&r[4]), text(&r[5]), text(&r[6]))
        })
        .collect();
    let source = input.to_str().unwrap().to_string();
    assert!(
        found.contains(&(
            source.clone(),
            2.0,
            "missing-field".into(),
            "N003".into(),
            "MMSID".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            source,
            2.0,
            "bad-timestamp".into(),
            "N003".into(),
            "TIMESTAMP".into()
        )),
        "{found:?}"
    );
    // The invalid TIMESTAMP keeps its text and has no date-time.
    let postbacks = sheet(&out, "postbacks");
    assert_eq!(
        postbacks[2][10],
        Data::String("2013-02-30T05:41:08Z".into())
    );
    assert_eq!(postbacks[2][11], Data::Empty);
}

#[test]
fn no_findings_no_findings_sheet() {
    let dir = temp();
    let (_, out) = convert(dir.path(), &fixture("provider/n202.xml"), &[]);
    assert_eq!(workbook(&out).sheet_names(), ["postbacks"]);
}

#[test]
fn fields_valid_only_rejects_and_summary() {
    let dir = temp();
    let rejects = dir.path().join("rejects.txt");
    let (run, out) = convert(
        dir.path(),
        &fixture("convert/mixed.log"),
        &[
            "--fields",
            "TIMESTAMP,CODE",
            "--valid-only",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    let csv = exec(&[
        "convert",
        "--to",
        "csv",
        fixture("convert/mixed.log").to_str().unwrap(),
        "--fields",
        "TIMESTAMP,CODE",
        "--valid-only",
    ]);
    assert_eq!(run.status, 1, "records were rejected{run}");
    assert_eq!(run.stderr, csv.stderr, "same findings and summary{run}");
    assert!(!fs::read_to_string(&rejects).unwrap().is_empty());
    let rows = sheet(&out, "postbacks");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, ["TIMESTAMP", "TIMESTAMP (UTC)", "CODE"]);
    let csv_rows = csv.stdout.lines().count() - 1;
    assert_eq!(rows.len() - 1, csv_rows, "{run}");
}

#[test]
fn a_value_longer_than_a_cell_is_rejected_not_cut() {
    let dir = temp();
    let input = dir.path().join("long.log");
    let long = "x".repeat(40_000);
    fs::write(
        &input,
        format!(
            "{TRICKY}<POSTBACK><CODE>N202</CODE><STATUSDETAILS>{long}</STATUSDETAILS></POSTBACK>\n"
        ),
    )
    .unwrap();
    let rejects = dir.path().join("rejects.txt");
    let (run, out) = convert(
        dir.path(),
        &input,
        &["--rejects", rejects.to_str().unwrap()],
    );
    assert_eq!(run.status, 1, "{run}");
    assert!(
        run.stderr.contains(":2:1: error[oversized-record]:"),
        "{run}"
    );
    assert!(
        run.stderr.contains("1 converted, 0 skipped, 1 rejected"),
        "{run}"
    );
    assert!(fs::read_to_string(&rejects).unwrap().contains(&long));
    assert_eq!(sheet(&out, "postbacks").len(), 2);
}

#[test]
fn format_is_inferred_from_the_extension() {
    let dir = temp();
    let out = dir.path().join("Postbacks.XLSX");
    let run = exec(&[
        "convert",
        fixture("provider/n202.xml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(sheet(&out, "postbacks").len(), 2);
}

#[test]
fn excel_csv_flag_is_refused_with_xlsx() {
    let run = exec(&[
        "convert",
        "--to",
        "xlsx",
        "--excel",
        fixture("provider/n202.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("--excel"), "{run}");
}

#[test]
fn with_source_appends_source_line_column_offset_columns() {
    let dir = temp();
    let input = dir.path().join("two.log");
    fs::write(&input, format!("noise\n  {TRICKY}")).unwrap();
    let (run, out) = convert(dir.path(), &input, &["--with-source", "--fields", "CODE"]);
    assert_eq!(run.status, 0, "{run}");
    let rows = sheet(&out, "postbacks");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        ["CODE", "source", "line", "column", "offset"],
        "{run}"
    );
    assert_eq!(text(&rows[1][0]), "N202");
    assert_eq!(text(&rows[1][1]), input.to_str().unwrap());
    // Numbers, as in the findings sheet.
    assert_eq!(
        rows[1][2..],
        [Data::Float(2.0), Data::Float(3.0), Data::Float(8.0)]
    );
}
