//! `postback man`: roff man pages made from the command line's own help.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::{finish, Outcome};
use crate::cli::{Cli, ManArgs};
use postback::render::terminal::escape;

pub fn run(args: ManArgs) -> Result<Outcome> {
    let command = Cli::command();
    match &args.dir {
        None => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut out)?;
            finish(&mut out)?;
        }
        Some(dir) => write_pages(command, dir)?,
    }
    Ok(Outcome::Clean)
}

/// postback.1, then postback-COMMAND.1 for each command, into `dir`.
fn write_pages(command: clap::Command, dir: &Path) -> Result<()> {
    let shown = escape(&dir.display().to_string()).into_owned();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {shown}"))?;
    let page = |name: &str, command: clap::Command| -> Result<()> {
        let path = dir.join(format!("{name}.1"));
        let mut text = Vec::new();
        clap_mangen::Man::new(command).render(&mut text)?;
        fs::File::create(&path)
            .and_then(|mut f| f.write_all(&text))
            .with_context(|| format!("cannot write {shown}/{name}.1"))
    };
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("postback-{}", sub.get_name());
        let bin = format!("postback {}", sub.get_name());
        let sub = sub.clone().display_name(name.clone()).bin_name(bin);
        page(&name, sub.version(env!("CARGO_PKG_VERSION")))?;
    }
    page("postback", command)
}
