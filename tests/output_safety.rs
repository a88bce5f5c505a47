//! Output files never hurt an input or the last good output: an output is
//! compared with every input by device and inode before anything is opened
//! for writing; a file is written beside its place and renamed in only when
//! the run ends well; the files being written are never read back; a closed
//! standard output and nonsense sizes are errors, not silent successes.

mod common;

use std::fs;
use std::process::Stdio;

use common::*;

const P: &str = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";

/// Runs the binary in `dir` with `args`.
fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = postback()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("postback runs");
    Run {
        command: format!("postback {}", args.join(" ")),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn rejects_written_inside_an_input_directory_are_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("loop")).unwrap();
    fs::write(dir.path().join("loop/a.xml"), P).unwrap();
    fs::write(dir.path().join("loop/bad.xml"), "<POSTBACK>\n").unwrap();
    let run = run_in(
        dir.path(),
        &[
            "convert",
            "--to",
            "csv",
            "loop/",
            "--rejects",
            "loop/z.rej",
            "-o",
            "/dev/null",
        ],
    );
    assert_eq!(run.status, 1, "{run}");
    assert!(
        run.stderr
            .ends_with("1 converted, 0 skipped, 1 rejected, from 2 inputs\n"),
        "{run}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("loop/z.rej")).unwrap(),
        "<POSTBACK>\n\n"
    );
    // Nothing else was left in the directory.
    assert_eq!(fs::read_dir(dir.path().join("loop")).unwrap().count(), 3);
}

#[test]
fn an_output_that_is_an_input_by_any_name_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("dl")).unwrap();
    fs::write(d.join("dl/a.xml"), P).unwrap();
    fs::write(d.join("dl/b.xml"), P).unwrap();
    fs::write(d.join("in.xml"), P).unwrap();
    fs::hard_link(d.join("in.xml"), d.join("link.csv")).unwrap();
    std::os::unix::fs::symlink("in.xml", d.join("sym.csv")).unwrap();
    for args in [
        &["convert", "--to", "csv", "dl", "-o", "dl/b.xml"][..],
        &[
            "convert",
            "--to",
            "csv",
            "dl",
            "--rejects",
            "dl/../dl/a.xml",
        ],
        &["convert", "in.xml", "-o", "link.csv"],
        &["convert", "in.xml", "-o", "sym.csv"],
        &["convert", "--to", "csv", "dl", "-o", "dl"],
    ] {
        let run = run_in(d, args);
        assert_eq!(run.status, 2, "{run}");
        assert!(run.stderr.contains("writing it would destroy it"), "{run}");
    }
    for file in ["dl/a.xml", "dl/b.xml", "in.xml"] {
        assert_eq!(fs::read_to_string(d.join(file)).unwrap(), P, "{file}");
    }
    // Standard input redirected from a file is an input too.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_postback"))
        .current_dir(d)
        .args(["convert", "--to", "csv", "-o", "/proc/self/fd/0"])
        .stdin(fs::File::open(d.join("in.xml")).unwrap())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(fs::read_to_string(d.join("in.xml")).unwrap(), P);
}

#[test]
fn a_failed_run_leaves_the_previous_output_as_it_was_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("out.csv"), "previous\n").unwrap();
    fs::write(d.join("in.xml"), P).unwrap();
    let run = run_in(
        d,
        &["convert", "--to", "csv", "missing.xml", "-o", "out.csv"],
    );
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("out.csv was left as it was"), "{run}");
    assert_eq!(fs::read_to_string(d.join("out.csv")).unwrap(), "previous\n");
    // A run that ends well replaces it, keeping its permissions.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(d.join("out.csv"), fs::Permissions::from_mode(0o640)).unwrap();
    let run = run_in(d, &["convert", "--to", "csv", "in.xml", "-o", "out.csv"]);
    assert_eq!(run.status, 0, "{run}");
    assert!(fs::read_to_string(d.join("out.csv"))
        .unwrap()
        .contains("MMS_MT,N003"));
    let mode = fs::metadata(d.join("out.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_full_disk_leaves_the_previous_output_and_says_so() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    // /dev/full is not a regular file, so it is written directly; the error
    // still names it.
    let run = exec_stdin(
        &["convert", "--to", "ndjson", "-o", "/dev/full"],
        P.repeat(2000),
    );
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("/dev/full"), "{run}");
}

#[test]
fn a_closed_standard_output_is_an_error_not_a_silent_success() {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_postback"));
    cmd.args(["convert", "--to", "ndjson"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: close(2) on fd 1 in the child before exec, as a shell's `>&-`.
    unsafe {
        cmd.pre_exec(|| {
            libc_close_stdout();
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(P.repeat(100).as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("standard output is closed"), "{stderr}");
    assert!(!stderr.contains("converted"), "{stderr}");
}

fn libc_close_stdout() {
    extern "C" {
        fn close(fd: i32) -> i32;
    }
    // SAFETY: closing a descriptor number has no memory effects.
    unsafe {
        close(1);
    }
}

#[test]
fn rejects_to_dash_is_refused() {
    let run = exec_stdin(&["convert", "--to", "ndjson", "--rejects", "-"], P);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("--rejects - is not accepted"), "{run}");
    assert!(!std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("-")
        .exists());
}

#[test]
fn record_size_limits_outside_64_bytes_to_1_gib_are_usage_errors() {
    for size in ["10", "63", "4BIBIB", "18446744073709551615", "2G", "1.5M"] {
        let run = exec_stdin(&["validate", "--max-record-size", size], P);
        assert_eq!(run.status, 2, "{size}{run}");
    }
    for size in ["64", "1G", "512KiB", "4mb"] {
        let run = exec_stdin(&["validate", "--max-record-size", size], P);
        assert_ne!(run.status, 2, "{size}{run}");
    }
}

#[test]
fn a_huge_record_size_limit_cannot_let_a_doctype_through() {
    let input = format!("<!DOCTYPE POSTBACK [<!ENTITY x \"y\">]>{P}");
    let run = exec_stdin(
        &["convert", "--to", "ndjson", "--max-record-size", "1G"],
        input,
    );
    assert_eq!(run.stdout, "", "{run}");
    assert!(run.stderr.contains("doctype"), "{run}");
}

#[test]
fn json_findings_escape_terminal_controls_and_keep_their_meaning() {
    let dir = temp();
    let name = "hooks\u{202e}lmx.\u{9b}.xml";
    let record = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE>\
                  <A\u{202e}B>1</A\u{202e}B><MMSID>1\u{9b}31m</MMSID></POSTBACK>\n";
    fs::write(dir.path().join(name), record).unwrap();
    for color in ["always", "never"] {
        let run = run_in(
            dir.path(),
            &["--color", color, "validate", "--format", "json", name],
        );
        assert_eq!(run.status, 1, "{run}");
        for raw in ['\u{9b}', '\u{202e}'] {
            assert!(!run.stdout.contains(raw), "{raw:?} raw: {run}");
        }
        assert!(
            run.stdout.contains("\\u202e") && run.stdout.contains("\\u009b"),
            "{run}"
        );
        let findings: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert!(!findings.is_empty(), "{run}");
        assert!(findings.iter().all(|f| f["source"] == name), "{run}");
        assert!(
            findings.iter().any(|f| f["field"] == "A\u{202e}B"),
            "the element name is exact once decoded: {run}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_escaped_reversibly() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = temp();
    let name = OsStr::from_bytes(b"caf\xe9-\xff.xml");
    fs::write(
        dir.path().join(name),
        "<POSTBACK><CODE>N999</CODE></POSTBACK>\n",
    )
    .unwrap();
    let out = postback()
        .current_dir(dir.path())
        .args([
            OsStr::new("validate"),
            OsStr::new("--format"),
            OsStr::new("json"),
            name,
        ])
        .output()
        .expect("postback runs");
    let stdout = String::from_utf8(out.stdout).expect("JSON is UTF-8");
    // PEP 383: each byte that is not UTF-8 is a lone surrogate \udcHH.
    assert!(
        stdout.starts_with("{\"source\":\"caf\\udce9-\\udcff.xml\","),
        "{stdout}"
    );
    let human = postback()
        .current_dir(dir.path())
        .args([
            OsStr::new("validate"),
            OsStr::new("--color"),
            OsStr::new("never"),
            name,
        ])
        .output()
        .expect("postback runs");
    let human = String::from_utf8(human.stdout).expect("escaped text is UTF-8");
    assert!(human.starts_with("caf\\xe9-\\xff.xml:1:1: "), "{human}");
}
