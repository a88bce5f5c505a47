//! Shared by the end-to-end tests: run the real binary on fixtures, in a
//! temporary directory of its own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `postback` binary, with colour and the environment pinned down.
pub fn postback() -> Command {
    let mut cmd = Command::cargo_bin("postback").expect("the postback binary is built for tests");
    cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    cmd
}

/// A fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
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
    let out = postback().args(args).write_stdin(stdin).output().expect("postback runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
