//! `postback completions SHELL`: a completion script on stdout.

use std::io;

use anyhow::Result;
use clap::CommandFactory;

use super::{finish, Outcome};
use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: CompletionsArgs) -> Result<Outcome> {
    let mut command = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "postback", &mut out);
    finish(&mut out)?;
    Ok(Outcome::Clean)
}
