//! The lean parser agrees with the quick-xml reference: the same record and
//! the same findings, or no record at all (the reference then reads it), on
//! every fixture, every fuzz seed and corpus input, and generated records
//! that mix the flat case with everything it leaves to the reference.

#[path = "support/agree.rs"]
mod support;

use std::io;
use std::path::{Path, PathBuf};

use postback::engine::{read_input, Options, Record, Sink};
use proptest::prelude::*;
use support::agree;

/// Every record text the engine meets in a capture, compared.
#[derive(Default)]
struct Compare {
    records: usize,
    lean: usize,
    disagreements: Vec<String>,
}

impl Sink for Compare {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        let Ok(text) = std::str::from_utf8(record.text) else {
            return Ok(());
        };
        if !text.starts_with('<') {
            return Ok(());
        }
        self.records += 1;
        match agree(text) {
            Ok(lean) => self.lean += usize::from(lean),
            Err(why) => self.disagreements.push(why),
        }
        Ok(())
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn compare_files(dirs: &[&str]) -> Compare {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        files_under(&root.join(dir), &mut files);
    }
    compare_paths(&files)
}

/// Compares every file in `files`; one that is gone by the time it is read is
/// skipped, as the fuzzers add and remove corpus inputs while this runs.
fn compare_paths(files: &[PathBuf]) -> Compare {
    let mut compare = Compare::default();
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{}: {e}", file.display()),
        };
        // Small limits reach the oversized paths too; records are compared either way.
        for max_record in [postback::engine::DEFAULT_MAX_RECORD, 256] {
            let options = Options::with_max_record(max_record);
            let _ = read_input("input", &bytes[..], &options, &mut compare);
        }
    }
    compare
}

#[test]
fn both_parsers_agree_on_every_fixture_and_fuzz_seed() {
    let compare = compare_files(&["tests/fixtures", "fuzz/seeds"]);
    assert!(
        compare.disagreements.is_empty(),
        "{}",
        compare.disagreements.join("\n")
    );
    // The fixtures hold both kinds: most records are flat, the hostile ones are not.
    assert!(compare.records > 100, "{} records", compare.records);
    assert!(
        compare.lean > compare.records / 3,
        "{} of {}",
        compare.lean,
        compare.records
    );
    assert!(
        compare.lean < compare.records,
        "{} of {}",
        compare.lean,
        compare.records
    );
}

/// The fuzzers' corpora, when they have been run here (they are not committed).
#[test]
fn both_parsers_agree_on_every_fuzz_corpus_input() {
    let compare = compare_files(&["fuzz/corpus"]);
    assert!(
        compare.disagreements.is_empty(),
        "{}",
        compare.disagreements.join("\n")
    );
}

/// A corpus input removed between listing and reading is not a failure.
#[test]
fn a_file_that_vanishes_before_it_is_read_is_skipped() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let kept = dir.path().join("kept");
    std::fs::write(&kept, "<POSTBACK><CODE>N001</CODE></POSTBACK>").expect("write");
    let gone = dir.path().join("gone");
    let compare = compare_paths(&[gone, kept]);
    assert!(compare.disagreements.is_empty());
    // Each file is read at two record limits.
    assert_eq!(compare.records, 2);
}

/// A field name: documented ones in either case, odd but legal ones, and
/// ones the reference rejects.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "ORIGIN", "CODE", "STATUS", "MMSID", "FROM", "TO", "TRACKINGID", "SPID",
            "TIMESTAMP", "SENTAS", "origin", "code", "tracking-id", "mms-id", "status",
            "POSTBACK", "postback", "CONTENT", "FILE",
        ]).prop_map(str::to_string),
        1 => "[A-Za-z_:][A-Za-z0-9_.:-]{0,8}",
        1 => prop::sample::select(vec!["1A", "-x", "É", "a b", "", "A/"]).prop_map(str::to_string),
    ]
}

/// A piece of text: plain, references good and bad, line ends, markup the
/// flat case does not take.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[ -~]{0,12}".prop_map(|s| s.replace(['<', '&'], "")),
        1 => prop::sample::select(vec![
            "&amp;", "&lt;", "&gt;", "&apos;", "&quot;", "&#65;", "&#x41;", "&#x1F600;",
            "&#0;", "&#x0;", "&#xD800;", "&#x110000;", "&#+65;", "&#-1;", "&#;", "&#x;",
            "&#X41;", "&#00065;", "&#xFFFE;", "&#1;", "&nbsp;", "&amp", "&", "&AMP;",
            "\r", "\r\n", "\n", "\t", " ", ">", "]]>", "é", "日本", "🙂", "\u{85}",
            "<![CDATA[x]]>", "<!-- c -->", "<?pi x?>", "<", "\u{1b}",
        ]).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|p| p.concat())
}

/// A field: usually `<N>text</N>`, sometimes self-closing, with
/// attributes, nested, mis-closed or padded in its tags.
fn field() -> impl Strategy<Value = String> {
    (name(), text(), 0..12u8, name(), text()).prop_map(|(name, text, shape, other, inner)| {
        match shape {
            0 => format!("<{name}/>"),
            1 => format!("<{name} a=\"1\">{text}</{name}>"),
            2 => format!("<{name}>{text}<{other}>{inner}</{other}></{name}>"),
            3 => format!("<{name}>{text}</{other}>"),
            4 => format!("<{name} >{text}</{name} >"),
            5 => format!("<{name}>{text}"),
            6 => format!("<{name} />"),
            _ => format!("<{name}>{text}</{name}>"),
        }
    })
}

/// A whole record: either root, fields with white space, text or markup
/// between them, and sometimes a broken or missing end.
fn record() -> impl Strategy<Value = String> {
    let between = prop_oneof![
        6 => prop::sample::select(vec!["", "\n  ", "\r\n\t", " "]).prop_map(str::to_string),
        1 => text(),
    ];
    (
        prop::sample::select(vec!["POSTBACK", "postback", "POSTBACK ", "POSTBACK x='1'"]),
        prop::collection::vec((between, field()), 0..12),
        0..8u8,
    )
        .prop_map(|(root, fields, end)| {
            let name = root.split(' ').next().unwrap_or(root);
            let mut out = format!("<{root}>");
            for (between, field) in fields {
                out.push_str(&between);
                out.push_str(&field);
            }
            match end {
                0 => {}
                1 => out.push_str("</POSTBACKS>"),
                2 => out.push_str(&format!("</{name}>trailing <x>")),
                _ => out.push_str(&format!("\n</{name}>")),
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn both_parsers_agree_on_generated_records(text in record()) {
        if let Err(why) = agree(&text) {
            prop_assert!(false, "{}", why);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn both_parsers_agree_on_generated_records_in_a_capture(
        records in prop::collection::vec(record(), 1..6),
        noise in prop::sample::select(vec!["\n", "INFO body=", "\r\n", " x "]),
    ) {
        let capture = records.join(noise);
        let mut compare = Compare::default();
        let _ = read_input("input", capture.as_bytes(), &Options::default(), &mut compare);
        prop_assert!(compare.disagreements.is_empty(), "{}", compare.disagreements.join("\n"));
    }
}
