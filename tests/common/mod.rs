//! Shared by the end-to-end tests: run the real binary on fixtures, in a
//! temporary directory of its own.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;

/// The `postback` binary, with colour and the environment pinned down.
pub fn postback() -> Command {
    let mut cmd = Command::cargo_bin("postback").expect("the postback binary is built for tests");
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("TERM", "xterm-256color");
    cmd
}

/// A fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The text of a fixture.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture exists")
}

/// The provider's own examples, by fixture name, as on its page.
pub const PROVIDER_EXAMPLES: [&str; 9] = [
    "provider/n201.xml",
    "provider/n202.xml",
    "provider/n101-binary.xml",
    "provider/n101-xhtml.xml",
    "provider/n102-binary.xml",
    "provider/n102-xhtml.xml",
    "provider/e101.xml",
    "provider/n003.xml",
    "provider/e002.xml",
];

/// Runs `postback ARGS` with `stdin` and returns (status, stdout, stderr).
pub fn run_with_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> (i32, String, String) {
    let out = postback()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("postback runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One finished run of the binary; shown whole (command, status, stdout,
/// stderr) when an assertion about it fails.
pub struct Run {
    pub command: String,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n$ {}\nstatus: {}\n--- stdout\n{}--- stderr\n{}---",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

/// The crate root: tests run the binary from here, so fixture paths print as
/// `tests/fixtures/...`, as a user in the repository would see them.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory, removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Runs `postback convert INPUT -o DIR/FILE_NAME EXTRA...`; gives the run and
/// the output's path.
pub fn convert_into(dir: &Path, input: &Path, file_name: &str, extra: &[&str]) -> (Run, PathBuf) {
    let out = dir.join(file_name);
    let mut args = vec!["convert", path_str(input), "-o", path_str(&out)];
    args.extend_from_slice(extra);
    (exec(&args), out)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// Runs `postback ARGS` from the crate root with empty stdin.
pub fn exec(args: &[&str]) -> Run {
    exec_stdin(args, Vec::new())
}

/// Runs `postback ARGS` from the crate root with `stdin`.
pub fn exec_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    let out = postback()
        .current_dir(root())
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("postback runs");
    Run {
        command: format!("postback {}", args.join(" ")),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `PATH:LINE:COLUMN: SEVERITY[RULE]` part of each finding line, the
/// message left out.
pub fn prefixes(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|line| match line.find("]: ") {
            Some(i) => line[..=i].to_string(),
            None => line.to_string(),
        })
        .collect()
}

/// Line and column (1-based, in characters) of a byte offset, counted
/// independently of the crate's own code.
pub fn line_col(text: &[u8], offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut tail = &before[line_start..];
    if line_start == 0 {
        tail = tail.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(tail);
    }
    let column = String::from_utf8_lossy(tail).chars().count() as u64 + 1;
    (line, column)
}

/// `--format json` output parsed, one value per line.
pub fn json_findings(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line: {line:?}: {e}{run}"))
        })
        .collect()
}

/// Runs `postback ARGS` from the crate directory, so paths in the output are
/// the relative ones given: (status, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = postback()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("postback runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary with `args`, reads one line of its stdout and closes the
/// pipe, as `| head -1` does. Returns the exit status and stderr.
pub fn head_1(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_postback"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("postback starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut first)
        .expect("stdout is readable");
    assert!(!first.is_empty(), "{args:?} wrote nothing");
    // The reader is gone now: the pipe is closed.
    let out = child.wait_with_output().expect("postback ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A reader that hands out at most `sizes[i]` bytes on its i-th read (cycling),
/// the way a slow pipe or a network stream would.
pub struct Trickle<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    reads: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], sizes: &'a [usize]) -> Self {
        Trickle {
            data,
            sizes,
            reads: 0,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = self.sizes[self.reads % self.sizes.len()];
        self.reads += 1;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}
