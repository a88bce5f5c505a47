//! `postback carriers`: look an SPID, a country or a carrier name up in the
//! provider's carrier table, then its operator-id list. No match exits with status 1, like `grep`.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::render::terminal::{escape, Paint};
use postback::spec::{self, Carrier};

use super::{finish, stdout, Outcome};
use crate::cli::{CarriersArgs, ColorChoice};

pub fn run(args: CarriersArgs, color: ColorChoice) -> Result<Outcome> {
    let rows: Vec<&Carrier> = match args.query.as_deref() {
        None => spec::all_carriers().to_vec(),
        Some(query) => matches(query),
    };
    if rows.is_empty() {
        let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
        let query = args.query.as_deref().unwrap_or("");
        let _ = writeln!(
            io::stderr(),
            "{}: no carrier matches \"{}\"\n\
             hint: give a 7-digit SPID, or part of a country or carrier name (postback carriers verizon);\n\
             \x20     the provider's table is old and incomplete, so a real SPID may be missing",
            paint.error("postback"),
            escape(query)
        );
        return Ok(Outcome::Findings);
    }
    let paint = Paint::new(color.enabled(io::stdout().is_terminal()));
    let mut out = stdout();
    write_table(&mut out, &rows, paint)?;
    finish(&mut out)?;
    Ok(Outcome::Clean)
}

/// An SPID, exactly (leading zeros may be left out), or part of a country
/// or carrier name in any case; in table order.
fn matches(query: &str) -> Vec<&'static Carrier> {
    let query = query.trim();
    let spid = if !query.is_empty() && query.len() < 7 && query.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{query:0>7}")
    } else {
        query.to_string()
    };
    let needle = query.to_lowercase();
    spec::all_carriers()
        .iter()
        .copied()
        .filter(|c| {
            c.spid == spid
                || c.country.to_lowercase().contains(&needle)
                || c.carrier.to_lowercase().contains(&needle)
        })
        .collect()
}

fn write_table<W: Write>(out: &mut W, rows: &[&Carrier], paint: Paint) -> io::Result<()> {
    let shown: Vec<[String; 3]> = rows
        .iter()
        .map(|c| {
            [
                escape(c.spid).into_owned(),
                escape(c.country).into_owned(),
                escape(c.carrier).into_owned(),
            ]
        })
        .collect();
    let width = |i: usize, title: &str| {
        shown
            .iter()
            .map(|row| row[i].chars().count())
            .max()
            .unwrap_or(0)
            .max(title.len())
    };
    let (spid_w, country_w) = (width(0, "SPID"), width(1, "COUNTRY"));
    let header = format!("{:spid_w$}  {:country_w$}  CARRIER", "SPID", "COUNTRY");
    writeln!(out, "{}", paint.bold(&header))?;
    for [spid, country, carrier] in &shown {
        let pad = |s: &str, w: usize| " ".repeat(w.saturating_sub(s.chars().count()));
        writeln!(
            out,
            "{}{}  {country}{}  {carrier}",
            paint.accent(spid),
            pad(spid, spid_w),
            pad(country, country_w)
        )?;
    }
    Ok(())
}
