//! `postback convert`: every postback as JSON, NDJSON or CSV on stdout (or
//! `-o FILE`); records that cannot be converted reported on stderr and, with
//! `--rejects`, kept verbatim; a summary whose counts add up on stderr.
//!
//! Workers convert runs of records into parts; the main thread writes the
//! parts, findings and rejects in input order, so the output is the same for
//! any `--jobs`.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use postback::engine::{Located, Record};
use postback::filter::Filter;
use postback::finding::{Finding, Rule};
use postback::parallel::Job;
use postback::render::convert::{
    too_deep, Assembly, CsvOptions, Format, JsonOptions, Part, XlsxOptions, DEFAULT_COLUMNS,
    MAX_DEPTH,
};
use postback::render::findings::{write_human, HumanStyle};
use postback::render::terminal::{escape, Paint};

use super::fields::Undocumented;
use super::output::{self, Destination};
use super::{check_stdin, read_jobs_live, Emit, Outcome};
use crate::cli::{ColorChoice, ConvertArgs, ConvertFormat};

/// Converts records; runs on any worker. What it makes of a run of records
/// is emitted in input order by the main thread.
struct Convert {
    format: Format,
    valid_only: bool,
    filter: Filter,
    /// JSON keys in v1.3 names (`--canonical`).
    canonical: bool,
    /// Whether rejected records' text is kept (`--rejects`).
    keep_rejects: bool,
    /// How a rejected record's finding is shown on stderr.
    style: HumanStyle,
    /// `--fields` names no dialect documents: watched for in the data.
    undocumented: Undocumented,
}

/// Some records converted, with what goes to stderr and the rejects file.
#[derive(Default)]
struct Converted {
    /// Made on the first postback: `Default` cannot know the format.
    part: Option<Part>,
    /// Rejected records' findings, for stderr.
    report: Vec<u8>,
    /// Rejected records' raw text, each followed by a newline.
    rejects: Vec<u8>,
    counts: Counts,
    /// Which of the undocumented `--fields` names a record had.
    seen: Vec<bool>,
}

#[derive(Debug, Default)]
struct Counts {
    converted: u64,
    skipped: u64,
    rejected: u64,
    filtered: u64,
}

impl Job for Convert {
    type Output = Converted;

    /// A postback with rule findings is still data: the rules only matter
    /// to `--valid-only`.
    fn checks(&self) -> bool {
        self.valid_only || self.filter.needs_checks() || self.format.shows_findings()
    }

    fn record(&self, record: &Record<'_>, out: &mut Converted) -> io::Result<()> {
        if let Some(postback) = &record.postback {
            self.undocumented.watch(postback, &mut out.seen);
        }
        if !self.filter.keeps(record) {
            out.counts.filtered += 1;
            return Ok(());
        }
        let Some(postback) = &record.postback else {
            return self.reject(record, None, out);
        };
        if self.valid_only && record.has_errors() {
            out.counts.skipped += 1;
            return Ok(());
        }
        if let Some(deep) = too_deep(postback) {
            let finding = Finding::new(
                Rule::NestedElement,
                deep.at,
                format!(
                    "<{}> is nested more than {MAX_DEPTH} levels deep: too deep to convert",
                    deep.name
                ),
            )
            .help("real postbacks nest at most two levels (N401's CONTENT and FILE)");
            return self.reject(record, Some(finding), out);
        }
        let format = &self.format;
        // Tabular columns are v1.3 names whatever the dialect; JSON keys on request.
        let postback = if self.canonical || format.is_tabular() {
            postback.canonical()
        } else {
            std::borrow::Cow::Borrowed(postback)
        };
        let part = out.part.get_or_insert_with(|| format.part());
        match part.write(record, &postback) {
            // The format cannot hold this postback (a value longer than a cell).
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                let finding = Finding::new(Rule::OversizedRecord, 0, err.to_string()).help(
                    "convert it --to csv, ndjson or parquet, which hold values of any length",
                );
                return self.reject(record, Some(finding), out);
            }
            written => written?,
        }
        out.counts.converted += 1;
        Ok(())
    }
}

impl Convert {
    /// Reports a record that cannot be converted, with its findings (or the
    /// one given), and keeps its text for the rejects file.
    fn reject(
        &self,
        record: &Record<'_>,
        why: Option<Finding>,
        out: &mut Converted,
    ) -> io::Result<()> {
        // A DOCTYPE document refused whole counts each postback it holds.
        out.counts.rejected += record.postbacks();
        match why {
            Some(mut finding) => {
                // Placed as the engine places its own: inside a JSON string or
                // form value, at the value, with the place in the decoded text.
                let location = match (record.embedding, record.decoded_at) {
                    (Some(kind), Some(decoded_at)) => {
                        let inner = decoded_at.within(record.text, finding.at);
                        finding.message.push_str(&format!(
                            " (line {}, column {} of the decoded {})",
                            inner.line,
                            inner.column,
                            kind.describe()
                        ));
                        record.at
                    }
                    _ => record.at.within(record.text, finding.at),
                };
                let located = Located {
                    location,
                    in_record: finding.at,
                    finding,
                };
                write_human(&mut out.report, record, &located, self.style)?;
            }
            None => {
                for located in &record.findings {
                    write_human(&mut out.report, record, located, self.style)?;
                }
            }
        }
        // An oversized record was never held, so there is no text to keep;
        // its finding on stderr is the trace.
        if self.keep_rejects && !record.text.is_empty() {
            out.rejects.extend_from_slice(record.text);
            out.rejects.push(b'\n');
        }
        Ok(())
    }
}

/// The format named by `--to`, else the one `-o`'s extension implies.
fn choose_format(to: Option<ConvertFormat>, output: Option<&Path>) -> Result<ConvertFormat> {
    if let Some(format) = to {
        return Ok(format);
    }
    let hint = "pass --to json, ndjson, csv, xlsx or parquet, or name the -o file \
                with a .json, .ndjson, .jsonl, .csv, .xlsx or .parquet extension";
    let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
        bail!("which format? {hint}");
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => Ok(ConvertFormat::Json),
        Some("ndjson" | "jsonl") => Ok(ConvertFormat::Ndjson),
        Some("csv") => Ok(ConvertFormat::Csv),
        Some("xlsx") => Ok(ConvertFormat::Xlsx),
        Some("parquet") => Ok(ConvertFormat::Parquet),
        _ => bail!(
            "cannot tell the format from the name {}: {hint}",
            escape(&path.display().to_string())
        ),
    }
}

/// Parquet's schema, or the columns of it that `--fields` names.
#[cfg(feature = "parquet")]
fn parquet_format(fields: Option<&[String]>) -> Result<Format> {
    use postback::render::convert::ParquetOptions;
    let options = match fields {
        Some(fields) => {
            ParquetOptions::select(&columns(Some(fields))?).map_err(anyhow::Error::msg)?
        }
        None => ParquetOptions::default(),
    };
    Ok(Format::Parquet(options))
}

#[cfg(not(feature = "parquet"))]
fn parquet_format(_: Option<&[String]>) -> Result<Format> {
    bail!("this postback was built without Parquet support (cargo feature `parquet`)")
}

/// The CSV columns: `--fields` (trimmed, each named once) or the default ones.
fn columns(fields: Option<&[String]>) -> Result<Vec<String>> {
    let Some(fields) = fields else {
        return Ok(DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect());
    };
    let mut columns: Vec<String> = Vec::with_capacity(fields.len());
    for name in fields.iter().map(|f| f.trim()) {
        if name.is_empty() {
            bail!("--fields has an empty name; write e.g. --fields CODE,STATUS,TO");
        }
        if columns.iter().any(|c| c == name) {
            bail!("--fields names {} twice", escape(name));
        }
        columns.push(name.to_string());
    }
    Ok(columns)
}

/// Refuses outputs that would destroy an input, and `--rejects -`.
fn check_outputs(args: &ConvertArgs) -> Result<()> {
    if let Some(rejects) = &args.rejects {
        output::refuse_dash(
            "--rejects",
            rejects,
            "rejected records are kept in a file (standard output carries the conversion, \
             standard error the findings); give a path",
        )?;
    }
    let outputs: Vec<(&str, &Path)> = [("-o", &args.output), ("--rejects", &args.rejects)]
        .into_iter()
        .filter_map(|(flag, path)| Some((flag, path.as_deref()?)))
        .collect();
    output::check_outputs(&outputs, &args.input.paths)
}

pub fn run(args: ConvertArgs, color: ColorChoice) -> Result<Outcome> {
    let output = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let to = choose_format(args.to, args.output.as_deref())?;
    if to != ConvertFormat::Csv && args.excel {
        let hint = match to {
            ConvertFormat::Xlsx => "; --to xlsx keeps every value exact without it",
            _ => "",
        };
        bail!(
            "--excel shapes CSV for spreadsheets; it cannot be used with --to {}{hint}",
            format!("{to:?}").to_lowercase()
        );
    }
    if matches!(to, ConvertFormat::Json | ConvertFormat::Ndjson) && args.fields.is_some() {
        bail!("--fields picks CSV, XLSX or Parquet columns; with JSON, select keys downstream (e.g. jq '{{CODE, STATUS}}')");
    }
    let columns = columns(args.fields.as_deref())?;
    // Parquet names its own columns, and refuses unknown ones itself.
    let undocumented = match (&args.fields, to) {
        (Some(_), ConvertFormat::Csv | ConvertFormat::Xlsx) => Undocumented::among(&columns),
        _ => Undocumented::default(),
    };
    check_outputs(&args)?;
    // Refuse a terminal on stdin before an -o or --rejects file is created
    // or truncated for nothing.
    check_stdin(&args.input)?;

    let binary = matches!(to, ConvertFormat::Xlsx | ConvertFormat::Parquet);
    if binary && output.is_none() && io::stdout().is_terminal() {
        bail!(
            "--to {} writes a binary file, not for a terminal: give -o FILE or redirect (> FILE)",
            format!("{to:?}").to_lowercase()
        );
    }
    let to_terminal = output.is_none() && io::stdout().is_terminal();
    let out = Destination::to(output)?;
    let json = JsonOptions {
        with_source: args.with_source,
        // For a person reading a terminal; a pipe or file gets a record a line.
        pretty: to_terminal && to == ConvertFormat::Json,
    };
    let format = match to {
        ConvertFormat::Json => Format::Json(json),
        ConvertFormat::Ndjson => Format::Ndjson(json),
        ConvertFormat::Csv => Format::Csv(CsvOptions {
            columns,
            excel: args.excel,
            with_source: args.with_source,
            // CLI.md: payload text never reaches a terminal raw. JSON escapes
            // such characters without changing the value; CSV cannot, so only
            // a terminal gets the escaped view.
            escape_controls: to_terminal,
        }),
        ConvertFormat::Xlsx => Format::Xlsx(XlsxOptions {
            columns,
            with_source: args.with_source,
            ..XlsxOptions::default()
        }),
        ConvertFormat::Parquet => parquet_format(args.fields.as_deref())?,
    };
    let mut assembly = Assembly::new(out, &format).context("cannot write output")?;
    let mut rejects = match &args.rejects {
        Some(path) => Some(Destination::file(path)?),
        None => None,
    };
    let stderr_tty = io::stderr().is_terminal();
    let job = Convert {
        format,
        valid_only: args.valid_only,
        filter: args.filter.filter(&[]),
        canonical: args.canonical,
        keep_rejects: rejects.is_some(),
        style: HumanStyle {
            paint: Paint::new(color.enabled(stderr_tty)),
            snippets: stderr_tty || color == ColorChoice::Always,
            width: output::terminal_width(2),
        },
        undocumented,
    };

    let mut counts = Counts::default();
    let mut seen: Vec<bool> = Vec::new();
    let stats = read_jobs_live(&args.input, args.quiet, &job, |emitted| {
        let converted = match emitted {
            Emit::Output(converted) => converted,
            Emit::Flush => {
                if let Some(rejects) = &mut rejects {
                    rejects.flush()?;
                }
                return assembly.flush();
            }
        };
        if let Some(part) = converted.part {
            assembly.push(part)?;
        }
        // Counted once written: records whose output met a closed pipe
        // neither count nor set the exit status.
        counts.converted += converted.counts.converted;
        counts.skipped += converted.counts.skipped;
        counts.rejected += converted.counts.rejected;
        counts.filtered += converted.counts.filtered;
        seen.resize(converted.seen.len().max(seen.len()), false);
        for (all, one) in seen.iter_mut().zip(&converted.seen) {
            *all |= one;
        }
        // Best effort: a stderr that cannot be written must not stop the
        // conversion, whose output is elsewhere.
        let _ = io::stderr().write_all(&converted.report);
        if let Some(rejects) = &mut rejects {
            rejects.write_all(&converted.rejects)?;
        }
        Ok(())
    });
    let stats = match stats {
        Ok(stats) => stats,
        Err(err) => return Err(abandoned(err, assembly.into_inner(), rejects)),
    };
    let open = !stats.output_closed
        && match assembly.finish() {
            Ok(()) => true,
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => false,
            Err(err) => {
                let err = anyhow::Error::new(err).context("cannot write output");
                return Err(abandoned(err, assembly.into_inner(), rejects));
            }
        };
    // A column no postback can fill is a mistyped name: a usage error, known
    // only now that every record has been read.
    let unknown_fields = match stats.interrupted {
        false => job.undocumented.error(&seen),
        true => None,
    };
    // A run cut short, with nothing readable, or with a mistyped column
    // leaves the previous files.
    let keep = !stats.interrupted
        && unknown_fields.is_none()
        && (stats.inputs_read > 0 || stats.inputs_failed == 0);
    let mut notes = Vec::new();
    if let Some(out) = assembly.into_inner() {
        notes.extend(out.close(keep)?);
    }
    if let Some(rejects) = rejects {
        notes.extend(rejects.close(keep)?);
    }
    for note in notes {
        let _ = writeln!(io::stderr(), "postback: {note}: the run did not complete");
    }

    if open && !args.quiet {
        let mut summary = format!(
            "{} converted, {} skipped, {} rejected, {}from {}",
            counts.converted,
            counts.skipped,
            counts.rejected,
            match counts.filtered {
                0 => String::new(),
                n => format!("{n} filtered out, "),
            },
            stats.inputs()
        );
        summary.push_str(&stats.summary_tail());
        let paint = Paint::new(color.enabled(stderr_tty));
        let summary = if counts.rejected > 0 || stats.outcome() > Outcome::Clean {
            paint.error(&summary)
        } else {
            paint.good(&summary)
        };
        let _ = writeln!(io::stderr(), "{summary}");
    }
    if let Some(error) = unknown_fields {
        let _ = writeln!(io::stderr(), "postback: {error}");
        return Ok(Outcome::Trouble.max(stats.outcome()));
    }
    let rejected = if counts.rejected > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    Ok(rejected.max(stats.outcome()))
}

/// The error of a run that failed while writing, with what became of the
/// output files (the previous ones are left as they were).
fn abandoned(
    err: anyhow::Error,
    out: Option<Destination>,
    rejects: Option<Destination>,
) -> anyhow::Error {
    let notes: Vec<String> = out
        .and_then(Destination::abandon)
        .into_iter()
        .chain(rejects.and_then(Destination::abandon))
        .collect();
    if notes.is_empty() {
        return err;
    }
    anyhow::anyhow!("{err:#}; {}", notes.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_to_or_the_extension() {
        let infer = |name: &str| choose_format(None, Some(Path::new(name))).ok();
        assert_eq!(infer("a.json"), Some(ConvertFormat::Json));
        assert_eq!(infer("a.JSONL"), Some(ConvertFormat::Ndjson));
        assert_eq!(infer("dir.d/a.ndjson"), Some(ConvertFormat::Ndjson));
        assert_eq!(infer("a.csv"), Some(ConvertFormat::Csv));
        assert_eq!(infer("a.XLSX"), Some(ConvertFormat::Xlsx));
        assert_eq!(infer("a.parquet"), Some(ConvertFormat::Parquet));
        assert_eq!(infer("a.txt"), None);
        assert_eq!(infer("-"), None);
        assert!(choose_format(None, None).is_err());
        let to = choose_format(Some(ConvertFormat::Csv), Some(Path::new("a.json")));
        assert_eq!(to.ok(), Some(ConvertFormat::Csv));
    }

    #[test]
    fn fields_are_trimmed_and_named_once() {
        let given = |list: &[&str]| {
            columns(Some(
                &list.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ))
        };
        assert_eq!(given(&["CODE", " TO"]).unwrap(), ["CODE", "TO"]);
        assert!(given(&["CODE", ""]).is_err());
        assert!(given(&["TO", "TO"]).is_err());
        assert_eq!(columns(None).unwrap().len(), DEFAULT_COLUMNS.len());
    }
}
