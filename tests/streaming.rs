//! Live input: output appears as each postback ends, not when the input
//! ends; Ctrl-C and SIGTERM end a run cleanly with what was read.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

/// A postback with findings, so that every command prints something for it.
const POSTBACK: &str =
    "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>SUCCESS</STATUS><MMSID>1</MMSID></POSTBACK>";

/// How long the writer pauses between its two postbacks.
const PAUSE: Duration = Duration::from_millis(1500);

/// A shell that writes a postback, waits `pause`, writes another, then
/// stays `linger` before closing its output.
fn writer(pause: Duration, linger: Duration) -> Child {
    let script = format!(
        "printf '%s\\n' \"$1\"; sleep {}; printf '%s\\n' \"$1\"; sleep {}",
        pause.as_secs_f64(),
        linger.as_secs_f64()
    );
    Command::new("sh")
        .args(["-c", &script, "sh", POSTBACK])
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh runs")
}

/// `postback ARGS` reading `writer`'s output, its stdout lines sent as they
/// come, each with the time it arrived.
fn postback_reading(
    writer: &mut Child,
    args: &[&str],
) -> (Child, mpsc::Receiver<(Instant, String)>) {
    let input = writer.stdout.take().expect("piped");
    let mut child = Command::cargo_bin("postback")
        .expect("built")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::from(input))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("postback runs");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send((Instant::now(), line)).is_err() {
                return;
            }
        }
    });
    (child, rx)
}

fn stderr_of(child: &mut Child) -> String {
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// The first output line must come while the writer is still in its pause;
/// the second postback's output must come too, after it.
fn streams(args: &[&str], first: fn(&str) -> bool, exit: i32) {
    let mut writer = writer(PAUSE, Duration::ZERO);
    let started = Instant::now();
    let (mut child, lines) = postback_reading(&mut writer, args);
    let (at, line) = lines
        .recv_timeout(PAUSE * 4)
        .unwrap_or_else(|_| panic!("postback {args:?} printed nothing"));
    assert!(
        at - started < PAUSE,
        "postback {args:?}: the first line came {:?} after the first postback, \
         not within the writer's {PAUSE:?} pause: {line}",
        at - started
    );
    assert!(
        first(&line),
        "postback {args:?}: unexpected first line {line}"
    );
    let rest: Vec<String> = lines.iter().map(|(_, l)| l).collect();
    let _ = writer.wait();
    let status = child.wait().expect("postback ends");
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(exit), "postback {args:?}: {stderr}");
    let all = std::iter::once(line).chain(rest).collect::<Vec<_>>();
    assert_eq!(
        all.iter().filter(|l| first(l)).count(),
        2,
        "postback {args:?}: both postbacks' output: {all:#?}"
    );
}

fn card_header(line: &str) -> bool {
    line.starts_with("N202 ·")
}

fn json_finding(line: &str) -> bool {
    line.contains(r#""field":"FROM""#)
}

fn human_finding(line: &str) -> bool {
    line.contains("error[missing-field]: N202 requires FROM")
}

fn ndjson_row(line: &str) -> bool {
    line.starts_with(r#"{"ORIGIN":"SMS_MT""#)
}

#[test]
fn inspect_shows_each_card_as_its_postback_ends() {
    for jobs in ["1", "2"] {
        streams(&["inspect", "--jobs", jobs], card_header, 1);
    }
}

#[test]
fn validate_reports_each_postback_as_it_ends() {
    for jobs in ["1", "2"] {
        streams(&["validate", "--jobs", jobs], human_finding, 1);
        streams(
            &["validate", "--format", "json", "--jobs", jobs],
            json_finding,
            1,
        );
    }
}

#[test]
fn convert_to_ndjson_writes_each_row_as_its_postback_ends() {
    for jobs in ["1", "2"] {
        streams(
            &["convert", "--to", "ndjson", "--jobs", jobs],
            ndjson_row,
            0,
        );
    }
}

/// Sends `signal` to postback once its first line is out, while its input is
/// still open: it ends at once with that line written, says it was
/// interrupted, exits 130.
fn ends_cleanly_on(signal: &str, args: &[&str], first: fn(&str) -> bool) {
    let mut writer = writer(Duration::from_secs(30), Duration::ZERO);
    let (mut child, lines) = postback_reading(&mut writer, args);
    let (_, line) = lines
        .recv_timeout(PAUSE * 4)
        .unwrap_or_else(|_| panic!("postback {args:?} printed nothing"));
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let signalled = Instant::now();
    let status = child.wait().expect("postback ends");
    let ended = signalled.elapsed();
    let _ = writer.kill();
    let _ = writer.wait();
    let stderr = stderr_of(&mut child);
    assert!(
        ended < Duration::from_secs(10),
        "postback {args:?} took {ended:?} to end"
    );
    assert_eq!(status.code(), Some(130), "postback {args:?}: {stderr}");
    assert!(first(&line));
    assert!(
        stderr.contains("interrupted"),
        "postback {args:?}: the summary must say so: {stderr}"
    );
}

#[test]
fn ctrl_c_ends_the_run_with_what_was_read() {
    for jobs in ["1", "2"] {
        ends_cleanly_on(
            "INT",
            &["convert", "--to", "ndjson", "--jobs", jobs],
            ndjson_row,
        );
        ends_cleanly_on("INT", &["validate", "--jobs", jobs], human_finding);
    }
}

#[test]
fn sigterm_ends_the_run_like_ctrl_c() {
    ends_cleanly_on("TERM", &["inspect", "--jobs", "2"], card_header);
}

/// Sends SIGINT to `postback convert -o FILE` (and `--rejects`) while it is
/// reading a pipe that pauses mid-run: the previous files are left exactly as
/// they were, no temporary file stays behind, and the exit status is 130.
#[test]
fn an_interrupted_convert_leaves_the_previous_output_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("hooks.ndjson");
    let rejects = dir.path().join("rejects.txt");
    std::fs::write(&out, "previous output\n").unwrap();
    std::fs::write(&rejects, "previous rejects\n").unwrap();
    let mut writer = writer(Duration::from_secs(30), Duration::ZERO);
    let (mut child, _lines) = postback_reading(
        &mut writer,
        &[
            "convert",
            "-o",
            out.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    // Mid-run: the new output is being written beside the old one.
    let start = Instant::now();
    while std::fs::read_dir(dir.path()).unwrap().count() <= 2 {
        assert!(start.elapsed() < PAUSE * 4, "no temporary output appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let the first postback be read and written into it.
    std::thread::sleep(Duration::from_millis(500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = child.wait().expect("postback ends");
    let _ = writer.kill();
    let _ = writer.wait();
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous output\n");
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "previous rejects\n"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "temporary files left behind: {left:?}");
}
