//! Inputs that are not plain text or gzip are named for what they are and
//! not read (exit 2), never passed as "0 postbacks checked"; gzip with
//! trailing padding or garbage is read, with a warning; a gzip stream cut
//! short counts as one input, partly read.

mod common;

use std::fs;
use std::io::Write;

use common::*;
use flate2::write::GzEncoder;
use flate2::Compression;

const P: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn validate_file(name: &str, data: &[u8]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), data).unwrap();
    let out = postback()
        .current_dir(dir.path())
        .args(["validate", name])
        .output()
        .unwrap();
    Run {
        command: format!("postback validate {name}"),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn other_compressions_and_utf16_are_named_and_exit_2() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "a.zst",
            &[0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0],
            "zstd-compressed",
        ),
        ("a.bz2", b"BZh91AY&SY", "bzip2-compressed"),
        (
            "a.xz",
            &[0xfd, b'7', b'z', b'X', b'Z', 0, 0],
            "xz-compressed",
        ),
        ("a.xml", b"\xff\xfe<\0P\0O\0", "UTF-16LE"),
        ("b.xml", b"\xfe\xff\0<\0P\0O", "UTF-16BE"),
    ];
    for (name, data, what) in cases {
        let run = validate_file(name, data);
        assert_eq!(run.status, 2, "{run}");
        assert!(run.stderr.contains(&format!("{name}: is {what}")), "{run}");
        assert!(run.stderr.contains("was not read"), "{run}");
        assert!(run.stderr.contains("1 input could not be read"), "{run}");
    }
}

#[test]
fn gzip_with_trailing_zeros_or_garbage_is_read_with_a_warning() {
    let body = P.repeat(6);
    for (trailer, warning) in [
        (vec![0u8; 512], "trailing zero bytes"),
        (b"garbage\n".to_vec(), "trailing data that is not gzip"),
    ] {
        let mut data = gzip(body.as_bytes());
        data.extend(&trailer);
        let run = validate_file("d.log.gz", &data);
        assert_eq!(run.status, 0, "{run}");
        assert!(
            run.stderr
                .contains(&format!("d.log.gz: warning: {warning}")),
            "{run}"
        );
        assert!(
            run.stderr.ends_with(
                "6 postbacks checked in 1 input: 6 valid, 0 with errors, 0 with warnings\n"
            ),
            "{run}"
        );
    }
}

#[test]
fn a_truncated_gzip_is_one_input_partly_read() {
    let data = gzip(P.repeat(2000).as_bytes());
    let run = validate_file("cut.gz", &data[..data.len() / 2]);
    assert_eq!(run.status, 2, "{run}");
    let summary = run.stderr.lines().last().unwrap();
    assert!(
        summary.contains("checked in 1 input (1 partly read)"),
        "{run}"
    );
    assert!(!summary.contains("0 inputs"), "{run}");
}

#[test]
fn a_namespace_prefixed_postback_is_reported_not_passed_over() {
    let capture = "<sky:POSTBACK xmlns:sky=\"urn:skycore\">\n  <sky:ORIGIN>MMS_MT</sky:ORIGIN>\n\
                   </sky:POSTBACK>\n  <m:postback><m:code>N003</m:code></m:postback>\n\
                   <!-- <x:POSTBACK> in a comment is text -->\n</sky:POSTBACK>\n";
    let validate = exec_stdin(&["validate", "--color", "never"], capture);
    assert_eq!(validate.status, 1, "{validate}");
    assert_eq!(
        validate.stdout.lines().collect::<Vec<_>>(),
        [
            "<stdin>:1:1: error[prefixed-postback]: <sky:POSTBACK> is a postback element with a namespace prefix: not read as a postback",
            "<stdin>:4:3: error[prefixed-postback]: <m:postback> is a postback element with a namespace prefix: not read as a postback",
        ],
        "{validate}"
    );
    assert!(
        validate
            .stderr
            .starts_with("2 postbacks checked in 1 input: 0 valid, 2 with errors"),
        "{validate}"
    );
    let convert = exec_stdin(&["convert", "--to", "ndjson"], capture);
    assert!(
        convert
            .stderr
            .ends_with("0 converted, 0 skipped, 2 rejected, from 1 input\n"),
        "{convert}"
    );
    let json = exec_stdin(&["validate", "--format", "json", "--jobs", "2"], capture);
    let rules: Vec<_> = json_findings(&json)
        .iter()
        .map(|f| (f["rule"].clone(), f["line"].clone()))
        .collect();
    assert_eq!(
        rules,
        [
            ("prefixed-postback".into(), 1.into()),
            ("prefixed-postback".into(), 4.into())
        ],
        "{json}"
    );
}
