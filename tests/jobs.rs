//! `--jobs N` changes how fast, never what: every command's stdout, stderr,
//! exit status and side files are byte-identical to `--jobs 1`.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use common::{fixture_text, postback, PROVIDER_EXAMPLES};

/// A few megabytes in every framing, with findings of every kind, so that
/// large inputs are cut into many batches.
fn mixed_dump() -> String {
    let examples: Vec<String> = PROVIDER_EXAMPLES.iter().map(|f| fixture_text(f)).collect();
    let mut dump = String::new();
    for i in 0..3000 {
        let example = &examples[i % examples.len()];
        let one_line: String = example.lines().map(str::trim).collect();
        match i % 7 {
            0 => dump.push_str(example),
            1 => {
                let _ = writeln!(dump, "2024-05-01T10:00:{:02}Z INFO body={one_line}", i % 60);
            }
            2 => {
                let body = serde_json::to_string(example).expect("a string serialises");
                let _ = writeln!(dump, "{{\"ts\":{i},\"body\":{body}}}");
            }
            3 => {
                let bad = one_line.replace("<SPID>", "<SPID>x");
                let _ = writeln!(dump, "noise {i} <POSTBACKS> {bad} trailing");
            }
            4 => {
                let _ = writeln!(dump, "<BATCH>{one_line}{one_line}</BATCH>");
            }
            5 => {
                let cut = &one_line[..one_line.len() / 2];
                let _ = writeln!(dump, "truncated: {cut}");
            }
            _ => {
                let _ = writeln!(dump, "POST /hook xml={}", form_encode(&one_line));
            }
        }
    }
    dump
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A directory: the dump, its gzip, and hundreds of one-postback files.
fn corpus(dir: &Path) {
    let dump = mixed_dump();
    std::fs::write(dir.join("big.log"), &dump).expect("write dump");
    let gz = std::fs::File::create(dir.join("big.log.gz")).expect("create gz");
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
    enc.write_all(dump.as_bytes()).expect("gzip");
    enc.finish().expect("gzip");
    let small = dir.join("small");
    std::fs::create_dir(&small).expect("mkdir");
    for (i, name) in PROVIDER_EXAMPLES.iter().cycle().take(400).enumerate() {
        std::fs::write(small.join(format!("{i:04}.xml")), fixture_text(name)).expect("write");
    }
}

fn run(dir: &Path, args: &[&str], jobs: &str) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = postback()
        .current_dir(dir)
        .args(args)
        .args(["--jobs", jobs])
        .output()
        .expect("postback runs");
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn every_command_writes_the_same_bytes_whatever_the_number_of_jobs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    corpus(tmp.path());
    let commands: [&[&str]; 7] = [
        &["validate", "."],
        &["validate", "--format", "json", "--color", "always", "."],
        &["validate", "--max-record-size", "300", "big.log"],
        &["inspect", "--color", "always", "."],
        &["convert", "--to", "csv", "."],
        &["convert", "--to", "json", "big.log.gz", "small"],
        // Not `.`: the rejects file must not be one of the inputs.
        &[
            "convert",
            "--to",
            "ndjson",
            "--rejects",
            "rejects.txt",
            "big.log",
            "big.log.gz",
            "small",
        ],
    ];
    for args in commands {
        let one = run(tmp.path(), args, "1");
        let rejects_one = std::fs::read(tmp.path().join("rejects.txt")).unwrap_or_default();
        assert!(!one.1.is_empty(), "{args:?} wrote nothing");
        for jobs in ["2", "3"] {
            let many = run(tmp.path(), args, jobs);
            assert_eq!(
                one.0, many.0,
                "{args:?}: exit status differs with --jobs {jobs}"
            );
            assert!(
                one.1 == many.1,
                "{args:?}: stdout differs with --jobs {jobs}"
            );
            assert!(
                one.2 == many.2,
                "{args:?}: stderr differs with --jobs {jobs}"
            );
            let rejects = std::fs::read(tmp.path().join("rejects.txt")).unwrap_or_default();
            assert!(
                rejects_one == rejects,
                "{args:?}: rejects differ with --jobs {jobs}"
            );
        }
    }
}

#[test]
fn too_many_jobs_is_a_usage_error_not_a_crash() {
    for command in ["validate", "inspect", "convert"] {
        let out = postback()
            .args([command, "--jobs", "20000", "-"])
            .write_stdin("")
            .output()
            .expect("postback runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("--jobs"), "{command}: {stderr}");
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
    }
}

#[test]
fn jobs_beyond_four_per_core_are_capped_with_a_note() {
    let postback_text = fixture_text("provider/n003.xml");
    let out = postback()
        .args(["validate", "--jobs", "1024"])
        .write_stdin(postback_text)
        .output()
        .expect("postback runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("--jobs capped at"), "{stderr}");
    assert!(stderr.contains("1 postback checked"), "{stderr}");
}
