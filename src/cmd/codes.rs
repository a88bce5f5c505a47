//! `postback codes`: the documented (ORIGIN, CODE) pairs as a table, or one
//! code's field set(s).
//!
//! An unknown code exits with status 1, like `carriers` with no match and
//! `grep` with no line: the lookup ran and found nothing. Status 2 stays for
//! what stops a command from running at all (bad flags, unreadable inputs).

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use postback::dialect::Dialect;
use postback::render::terminal::{escape, Paint};
use postback::spec::dialects;
use postback::spec::{self, CodeInfo, FieldSet, FieldSetKind, Presence};

use super::{finish, stdout, Outcome};
use crate::cli::{CodesArgs, ColorChoice, ListFormat};

mod machine;

/// Origins in the order a reader meets them: delivery reports first.
const ORIGIN_ORDER: &[&str] = &[
    "SMS_MT",
    "MMS_MT",
    "SMS_MO",
    "MMS_MO",
    "SUB",
    "EMAIL_SUB",
    "GENERATE_PASS",
];

pub fn run(args: CodesArgs, color: ColorChoice) -> Result<Outcome> {
    let stdout_tty = io::stdout().is_terminal();
    let paint = Paint::new(color.enabled(stdout_tty));
    let mut out = stdout();
    let outcome = match args.code.as_deref() {
        None => {
            match ListFormat::chosen(args.format, stdout_tty) {
                ListFormat::Table => write_table(&mut out, paint)?,
                ListFormat::Tsv => machine::write_list_tsv(&mut out, &sorted_codes())?,
                ListFormat::Json => machine::write_list_json(&mut out, &sorted_codes())?,
            }
            Outcome::Clean
        }
        Some(query) => match find(query) {
            Ok(rows) => {
                let shown: Vec<Dialect> = match args.dialect.only() {
                    Some(one) => vec![one],
                    None => Dialect::ALL.to_vec(),
                };
                // A code's field sets are words for a person unless a
                // format is asked for: `codes N102 | less` stays readable.
                match args.format {
                    None | Some(ListFormat::Table) => {
                        write_details(&mut out, &rows, &shown, paint)?
                    }
                    Some(ListFormat::Tsv) => machine::write_fields_tsv(&mut out, &rows, &shown)?,
                    Some(ListFormat::Json) => machine::write_details_json(&mut out, &rows, &shown)?,
                }
                Outcome::Clean
            }
            Err(message) => {
                let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
                let _ = writeln!(io::stderr(), "{}: {message}", paint.error("postback"));
                Outcome::Findings
            }
        },
    };
    finish(&mut out)?;
    Ok(outcome)
}

/// Rows sorted by origin (delivery reports first, `-` last), then number, N before E.
fn sorted_codes() -> Vec<&'static CodeInfo> {
    let mut rows: Vec<&CodeInfo> = spec::codes().iter().collect();
    let origin_rank = |o: &str| match ORIGIN_ORDER.iter().position(|x| *x == o) {
        Some(i) => i,
        None if o == "-" => usize::MAX,
        None => ORIGIN_ORDER.len(),
    };
    rows.sort_by(|a, b| {
        let key = |c: &CodeInfo| {
            (
                origin_rank(c.origin),
                c.origin,
                c.code.get(1..).unwrap_or(""),
                std::cmp::Reverse(c.code.get(..1).unwrap_or("")),
            )
        };
        key(a).cmp(&key(b))
    });
    rows
}

/// Whether a field set is documented, in words.
fn field_set_words(kind: FieldSetKind) -> &'static str {
    match kind {
        FieldSetKind::Seed => "yes, delivery-report page",
        FieldSetKind::Reference => "yes, other provider page",
        FieldSetKind::Later => "yes, later page revision",
        FieldSetKind::None => "no",
    }
}

fn origin_words(origin: &str) -> &str {
    if origin == "-" {
        "any"
    } else {
        origin
    }
}

fn write_table<W: Write>(out: &mut W, paint: Paint) -> io::Result<()> {
    let rows = sorted_codes();
    let origin_w = rows
        .iter()
        .map(|c| escape(origin_words(c.origin)).chars().count())
        .max()
        .unwrap_or(0)
        .max("ORIGIN".len());
    let code_w = rows
        .iter()
        .map(|c| escape(c.code).chars().count())
        .max()
        .unwrap_or(0)
        .max("CODE".len());
    let set_w = rows
        .iter()
        .map(|c| field_set_words(c.field_set).len())
        .max()
        .unwrap_or(0)
        .max("FIELD SET".len());
    let header = format!(
        "{:origin_w$}  {:code_w$}  {:set_w$}  MEANING",
        "ORIGIN", "CODE", "FIELD SET"
    );
    writeln!(out, "{}", paint.bold(&header))?;
    for c in rows {
        let origin = escape(origin_words(c.origin));
        let code = escape(c.code);
        let set = field_set_words(c.field_set);
        let set_shown = match c.field_set {
            FieldSetKind::None => paint.dim(set),
            _ => set.to_string(),
        };
        writeln!(
            out,
            "{origin}{}  {}{}  {set_shown}{}  {}",
            pad(&origin, origin_w),
            paint.accent(&code),
            pad(&code, code_w),
            pad(set, set_w),
            escape(c.meaning)
        )?;
    }
    Ok(())
}

/// Blanks that bring `shown` (plain text, before colour) to `width` characters.
fn pad(shown: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(shown.chars().count()))
}

/// The rows `query` names: `N102`, `n102`, `MMS_MT:N202`, or a number alone
/// (`202`: N202 and E202, any origin); or why there are none.
fn find(query: &str) -> Result<Vec<&'static CodeInfo>, String> {
    let wanted = query.trim().to_uppercase();
    let (origin, code) = match wanted.rsplit_once(':') {
        Some((origin, code)) => (Some(origin.trim()), code.trim()),
        None => (None, wanted.as_str()),
    };
    if code.is_empty() {
        return Err(format!(
            "`{}` names no code\nhint: write a code such as N102, or ORIGIN:CODE such as MMS_MT:N202",
            escape(query)
        ));
    }
    // A number alone stands for every letter: N202 and E202.
    let number_only = code.bytes().all(|b| b.is_ascii_digit());
    let all: Vec<&CodeInfo> = sorted_codes()
        .into_iter()
        .filter(|c| c.code == code || (number_only && c.code.get(1..) == Some(code)))
        .collect();
    let rows: Vec<&CodeInfo> = all
        .iter()
        .copied()
        .filter(|c| origin.is_none_or(|o| c.origin == o || c.origin == "-"))
        .collect();
    if !rows.is_empty() {
        return Ok(rows);
    }
    let shown = escape(query.trim());
    if let (Some(origin), false) = (origin, all.is_empty()) {
        let under: Vec<String> = all
            .iter()
            .map(|c| format!("{}:{}", c.origin, c.code))
            .collect();
        return Err(format!(
            "{} is not documented under ORIGIN {}\nhint: it is documented as {}",
            escape(code),
            escape(origin),
            under.join(" and ")
        ));
    }
    let near = near_codes(code);
    let hint = if near.is_empty() {
        "hint: `postback codes` lists every documented code".to_string()
    } else {
        format!(
            "hint: did you mean {}? `postback codes` lists them all",
            near.join(", ")
        )
    };
    Err(format!("{shown} is not a documented code\n{hint}"))
}

/// Documented codes near `code`, closest first: of its letter and family
/// (`N209` suggests N201 and N202, never E209); when it has none, the same
/// number under another letter (`N999`: E999).
fn near_codes(code: &str) -> Vec<&'static str> {
    let mut chars = code.chars();
    let (Some(letter), Some(family)) = (chars.next(), chars.next()) else {
        return Vec::new();
    };
    let Some(number) = code.get(1..).and_then(|n| n.parse::<u32>().ok()) else {
        return Vec::new();
    };
    let codes = sorted_codes();
    let pick = |fits: &dyn Fn(&str) -> bool| -> Vec<&'static str> {
        let mut near: Vec<&'static str> = Vec::new();
        for c in &codes {
            if c.code.len() == code.len() && fits(c.code) && !near.contains(&c.code) {
                near.push(c.code);
            }
        }
        near
    };
    let number_of = |c: &str| c.get(1..).and_then(|n| n.parse::<u32>().ok());
    let mut near =
        pick(&|c| c.starts_with(letter) && c.get(1..).is_some_and(|n| n.starts_with(family)));
    if near.is_empty() {
        near = pick(&|c| number_of(c) == Some(number));
    }
    near.sort_by_key(|c| (number_of(c).map(|n| n.abs_diff(number)), *c));
    near.truncate(6);
    near
}

fn write_details<W: Write>(
    out: &mut W,
    rows: &[&CodeInfo],
    shown: &[Dialect],
    paint: Paint,
) -> io::Result<()> {
    for (i, info) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} {} {} {}",
            paint.paint(&escape(info.code), owo_colors::Style::new().cyan().bold()),
            escape(origin_words(info.origin)),
            paint.dim("·"),
            paint.bold(&escape(info.meaning))
        )?;
        let source = match info.field_set {
            FieldSetKind::Seed => "field set from the provider's delivery-report page",
            FieldSetKind::Reference => "field set from the provider's other pages (same account, same URL)",
            FieldSetKind::Later => "field set from the provider's later revisions of its delivery-report page",
            FieldSetKind::None => {
                "no field set is documented: validate checks only the formats of the values it carries"
            }
        };
        writeln!(out, "{}", paint.dim(source))?;
        for &dialect in shown {
            let sets = dialects::field_sets(dialect, info.origin, info.code);
            let only = match dialect {
                Dialect::V2 => &[][..],
                _ => spec::status_only(info.origin, info.code),
            };
            if sets.is_empty() && only.is_empty() {
                continue;
            }
            if dialect != Dialect::V1 {
                writeln!(out)?;
                writeln!(
                    out,
                    "{}",
                    paint.bold(&format!("in the {} dialect:", dialect_words(dialect)))
                )?;
            }
            let extra = dialects::extra_statuses(dialect, info.origin, info.code);
            if !only.is_empty() {
                let list: Vec<&str> = only.iter().chain(extra).copied().collect();
                writeln!(out)?;
                writeln!(
                    out,
                    "  {}{} {}",
                    paint.accent("STATUS"),
                    pad("STATUS", LABEL),
                    list.join(" | ")
                )?;
            }
            for set in sets {
                writeln!(out)?;
                write_set(out, set, sets.len() > 1, dialect, extra, paint)?;
            }
        }
    }
    Ok(())
}

fn dialect_words(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::V1 => "v1.3 XML",
        Dialect::Lower => "lower-case XML",
        Dialect::V2 => "v2 JSON",
    }
}

/// The width of the label column of a field set.
const LABEL: usize = 10;

fn write_set<W: Write>(
    out: &mut W,
    set: &FieldSet,
    several: bool,
    dialect: Dialect,
    extra_statuses: &[&str],
    paint: Paint,
) -> io::Result<()> {
    let named = |name: &'static str| dialects::written_name(dialect, name).unwrap_or(name);
    let mut indent = "  ";
    if let (true, Some(sentas)) = (several, set.sentas) {
        writeln!(
            out,
            "  {} {}:",
            paint.bold(&format!("when {} is {sentas}", named("SENTAS"))),
            paint.dim(&format!("({})", sentas_words(sentas)))
        )?;
        indent = "    ";
    }
    let line = |out: &mut W, label: &str, text: &str| {
        writeln!(
            out,
            "{indent}{}{} {text}",
            paint.accent(label),
            pad(label, LABEL)
        )
    };
    let names = |want: &dyn Fn(Presence) -> bool| -> Vec<&str> {
        set.fields
            .iter()
            .filter(|r| want(r.presence) && !set.one_of.contains(&r.name))
            .filter(|r| dialects::has_field(dialect, r.name))
            .map(|r| named(r.name))
            .collect()
    };
    let required = names(&|p| p == Presence::Required);
    let may_be_empty = names(&|p| p == Presence::RequiredMayBeEmpty);
    let optional = names(&|p| p == Presence::Optional);
    line(out, "required", &required.join(", "))?;
    if !may_be_empty.is_empty() {
        line(
            out,
            "",
            &format!("{} (may be empty)", may_be_empty.join(", ")),
        )?;
    }
    if !set.one_of.is_empty() {
        line(
            out,
            "one of",
            &format!(
                "{} (at least one, with a value)",
                set.one_of
                    .iter()
                    .map(|n| named(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )?;
    }
    if !optional.is_empty() {
        line(out, "optional", &optional.join(", "))?;
    }
    if !set.statuses.is_empty() {
        let list: Vec<&str> = set.statuses.iter().chain(extra_statuses).copied().collect();
        line(out, named("STATUS"), &list.join(" | "))?;
    }
    if let (false, Some(sentas)) = (several, set.sentas) {
        line(
            out,
            named("SENTAS"),
            &format!("{sentas} ({})", sentas_words(sentas)),
        )?;
    }
    if set.presence("CODE").is_none() && set.presence("STATUSCODE").is_some() {
        line(
            out,
            "note",
            "the code travels in STATUSCODE; there is no CODE element",
        )?;
    }
    line(
        out,
        "other",
        "any other field is reported as unexpected or unknown",
    )
}

fn sentas_words(sentas: &str) -> &'static str {
    match sentas {
        "MMS" => "binary MMS",
        "SMS" => "fallback SMS with a link to the content",
        _ => "",
    }
}
