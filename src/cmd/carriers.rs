//! `postback carriers`: look an SPID, a country or a carrier name up in the
//! provider's carrier table, then its operator-id list. No match exits with status 1, like `grep`.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::render::terminal::{escape, Paint};
use postback::spec::countries::{self, normalise};
use postback::spec::{self, Carrier};
use serde::Serialize;

use super::{finish, stdout, Outcome};
use crate::cli::{CarriersArgs, ColorChoice, ListFormat};

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
    let stdout_tty = io::stdout().is_terminal();
    let paint = Paint::new(color.enabled(stdout_tty));
    let mut out = stdout();
    match ListFormat::chosen(args.format, stdout_tty) {
        ListFormat::Table => write_table(&mut out, &rows, paint)?,
        ListFormat::Tsv => write_tsv(&mut out, &rows)?,
        ListFormat::Json => write_json(&mut out, &rows)?,
    }
    finish(&mut out)?;
    Ok(Outcome::Clean)
}

/// An SPID, exactly (leading zeros may be left out); a country code or
/// common name (`uk`, `usa`), which picks that country's rows only; or part
/// of a country or carrier name from the start of a word on, ignoring case,
/// spaces and punctuation (`att` finds AT&T, `tmobile` T-Mobile). In table order.
fn matches(query: &str) -> Vec<&'static Carrier> {
    let query = query.trim();
    let spid = if !query.is_empty() && query.len() < 7 && query.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{query:0>7}")
    } else {
        query.to_string()
    };
    let all = spec::all_carriers().iter().copied();
    let needle = normalise(query);
    if let Some(country) = countries::country(&needle) {
        return all.filter(|c| c.country == country).collect();
    }
    let needle = match countries::carrier(&needle) {
        Some(carrier) => normalise(carrier),
        None => needle,
    };
    all.filter(|c| {
        c.spid == spid || from_a_word(c.country, &needle) || from_a_word(c.carrier, &needle)
    })
    .collect()
}

/// Whether `text`, normalised from the start of one of its words on, begins
/// with `needle`: `att` finds "Rogers AT&T (GSM)" but not "Mattel".
fn from_a_word(text: &str, needle: &str) -> bool {
    let mut previous = None;
    text.char_indices().any(|(i, c)| {
        let starts = c.is_alphanumeric() && !previous.is_some_and(char::is_alphanumeric);
        previous = Some(c);
        starts && normalise(&text[i..]).starts_with(needle)
    })
}

/// One row a line, tab-separated, with a header: for `cut -f` and `awk -F'\t'`.
fn write_tsv<W: Write>(out: &mut W, rows: &[&Carrier]) -> io::Result<()> {
    writeln!(out, "spid\tcountry\tcarrier")?;
    for c in rows {
        writeln!(
            out,
            "{}\t{}\t{}",
            escape(c.spid),
            escape(c.country),
            escape(c.carrier)
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonCarrier<'a> {
    spid: &'a str,
    country: &'a str,
    carrier: &'a str,
}

/// One JSON array, a row an object on its own line.
fn write_json<W: Write>(out: &mut W, rows: &[&Carrier]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, c) in rows.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let row = JsonCarrier {
            spid: c.spid,
            country: c.country,
            carrier: c.carrier,
        };
        serde_json::to_writer(&mut *out, &row)?;
    }
    out.write_all(b"]\n")
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
