//! The `postback` binary: parses arguments, runs one command, maps the
//! outcome to an exit status (0 clean, 1 findings, 2 trouble).

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // `postback validate --version` names the program, not "postback-validate".
        Err(err) if err.kind() == clap::error::ErrorKind::DisplayVersion => {
            println!("postback {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(err) => err.exit(),
    };
    match cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("postback: {err:#}");
            ExitCode::from(2)
        }
    }
}
