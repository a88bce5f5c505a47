//! The manners of a well-kept command-line tool: completions, man pages,
//! `--version` on every command.

mod common;

use common::exec;

/// Every command a user can type.
const COMMANDS: [&str; 12] = [
    "inspect",
    "validate",
    "convert",
    "codes",
    "carriers",
    "track",
    "sample",
    "listen",
    "replay",
    "completions",
    "man",
    "help",
];

#[test]
fn completions_name_every_command_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = exec(&["completions", shell]);
        assert_eq!(run.status, 0, "{run}");
        for command in COMMANDS.iter().filter(|c| **c != "help") {
            assert!(run.stdout.contains(command), "{shell}: no {command}{run}");
        }
        assert!(run.stdout.contains("tracking-id"), "{shell}: options too");
    }
    let run = exec(&["completions", "tcsh"]);
    assert_eq!(run.status, 2, "{run}");
}

#[test]
fn man_writes_a_page_naming_every_command() {
    let run = exec(&["man"]);
    assert_eq!(run.status, 0, "{run}");
    assert!(run.stdout.contains(".TH postback 1"), "{run}");
    for command in COMMANDS.iter().filter(|c| **c != "help") {
        assert!(
            run.stdout.contains(&format!("postback\\-{command}(1)"))
                || run.stdout.contains(command),
            "no {command}{run}"
        );
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("man1");
    let run = exec(&["man", "--dir", target.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{run}");
    for command in COMMANDS.iter().filter(|c| **c != "help") {
        let page = std::fs::read_to_string(target.join(format!("postback-{command}.1")))
            .unwrap_or_else(|e| panic!("postback-{command}.1: {e}"));
        assert!(
            page.contains(&format!(".TH postback-{command} 1")),
            "{page}"
        );
        assert!(page.contains("0.1.0"), "{page}");
    }
    let top = std::fs::read_to_string(target.join("postback.1")).expect("postback.1");
    assert!(top.contains("validate"), "{top}");
}

#[test]
fn every_command_answers_version() {
    for command in ["validate", "inspect", "convert", "codes", "carriers"] {
        let run = exec(&[command, "--version"]);
        assert_eq!(run.status, 0, "{run}");
        assert_eq!(run.stdout, "postback 0.1.0\n", "{command}{run}");
    }
}
