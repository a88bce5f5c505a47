//! `postback listen`: receive postbacks on loopback, archive, show and
//! forward them; a summary on stderr after Ctrl-C or SIGTERM.

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use postback::render::inspect::Cards;
use postback::render::terminal::Paint;
use postback::serve::archive::Durability;
use postback::serve::receive::Show;
use postback::serve::{serve, Config, Summary};

use super::validate::plural;
use super::Outcome;
use crate::cli::{ColorChoice, FindingFormat, ListenArgs};

pub fn run(args: ListenArgs, color: ColorChoice) -> Result<Outcome> {
    let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
    let show = match args.format {
        FindingFormat::Human => Show::Cards(
            Cards::new(Paint::new(color.enabled(io::stdout().is_terminal())))
                .with_width(super::output::terminal_width(1)),
        ),
        FindingFormat::Json => Show::Json,
    };
    let forward_to = match &args.forward_to {
        Some(url) => Some(super::replay::http_uri(url).context("--forward-to")?),
        None => None,
    };
    let path = if args.path.starts_with('/') {
        args.path.clone()
    } else {
        format!("/{}", args.path)
    };
    let config = Config {
        bind: args.bind,
        path,
        archive: args.archive.clone(),
        durability: if args.fsync {
            Durability::Sync
        } else {
            Durability::Flush
        },
        forward_to,
        show,
        quiet: args.quiet,
        max_body: args.max_record_size,
        paint,
    };
    let summary = serve(config, Box::new(io::stdout()), Box::new(io::stderr()))?;
    let _ = writeln!(io::stderr(), "{}", describe(&summary, paint));
    Ok(Outcome::Clean)
}

fn describe(s: &Summary, paint: Paint) -> String {
    let mut text = format!(
        "{} received ({} answered 200, {} refused): {}, {} valid, {} with errors",
        plural(s.requests, "request"),
        s.accepted,
        s.refused,
        plural(s.counts.postbacks, "postback"),
        s.counts.valid,
        s.counts.with_errors,
    );
    if s.empty > 0 {
        text.push_str(&format!("; {} held no postback", plural(s.empty, "body")));
    }
    if s.forwarded_ok + s.forwarded_failed > 0 {
        text.push_str(&format!(
            "; forwarded {} ok, {} failed",
            s.forwarded_ok, s.forwarded_failed
        ));
    }
    if let Some((path, lines)) = &s.archived {
        text.push_str(&format!(
            "; {} appended to {}",
            plural(*lines, "line"),
            path.display()
        ));
    }
    if s.abandoned > 0 {
        text.push_str("; some connections were still open after 10 s and were closed");
    }
    if s.counts.with_errors > 0 {
        paint.warning(&text)
    } else {
        paint.good(&text)
    }
}
