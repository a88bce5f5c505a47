//! The `postback` binary: parses arguments, runs one command, maps the
//! outcome to an exit status (0 clean, 1 findings, 2 trouble).

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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
