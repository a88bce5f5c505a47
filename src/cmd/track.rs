//! `postback track`: joins postbacks into messages and reports what became
//! of them: a summary for a person, one JSON document for scripts, one
//! message's timeline, and a row per message in a file.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use postback::engine::Record;
use postback::parallel::Job;
use postback::render::terminal::{escape, Paint};
use postback::render::track::{
    write_human, write_json, write_timeline, write_timeline_json, MessagesCsv, MessagesNdjson,
    Timeline,
};
use postback::track::observe::{sight, Sighting};
use postback::track::{By, MessageSink, Tracker};

use super::{finish, read_jobs, stdout, Outcome};
use crate::cli::{ColorChoice, TrackArgs, TrackFormat};

/// Reads each record's sighting; runs on any worker. The tracker itself runs
/// on the main thread, in input order, so `--jobs` changes nothing.
struct Sight;

/// Sightings of some records; consecutive records share one source name.
#[derive(Default)]
struct Sightings {
    source: Option<Arc<str>>,
    list: Vec<Sighting>,
}

impl Job for Sight {
    type Output = Sightings;

    fn record(&self, record: &Record<'_>, out: &mut Sightings) -> io::Result<()> {
        let source = match &out.source {
            Some(s) if **s == *record.source => Arc::clone(s),
            _ => {
                let s: Arc<str> = Arc::from(record.source);
                out.source = Some(Arc::clone(&s));
                s
            }
        };
        out.list.push(sight(record, &source));
        Ok(())
    }
}

/// Where `--messages` rows go.
enum Rows {
    None(()),
    Csv(Box<MessagesCsv<BufWriter<File>>>),
    Ndjson(MessagesNdjson<BufWriter<File>>),
}

impl Rows {
    fn open(path: Option<&Path>) -> Result<Rows> {
        let Some(path) = path else {
            return Ok(Rows::None(()));
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let kind = match ext.as_deref() {
            Some("csv") => "csv",
            Some("ndjson" | "jsonl") => "ndjson",
            _ => bail!(
                "--messages {}: the extension picks the format; name the file .csv or .ndjson",
                escape(&path.display().to_string())
            ),
        };
        let file = File::create(path)
            .with_context(|| format!("cannot create {}", escape(&path.display().to_string())))?;
        let out = BufWriter::with_capacity(64 * 1024, file);
        Ok(match kind {
            "csv" => Rows::Csv(Box::new(MessagesCsv::new(out)?)),
            _ => Rows::Ndjson(MessagesNdjson(out)),
        })
    }

    fn sink(&mut self) -> &mut dyn MessageSink {
        match self {
            Rows::None(nothing) => nothing,
            Rows::Csv(w) => &mut **w,
            Rows::Ndjson(w) => w,
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Rows::None(()) => Ok(()),
            Rows::Csv(mut w) => w.flush(),
            Rows::Ndjson(mut w) => w.0.flush(),
        }
    }
}

pub fn run(args: TrackArgs, color: ColorChoice) -> Result<Outcome> {
    let mut rows = Rows::open(args.messages.as_deref())?;
    let mut tracker = Tracker::new(args.by);
    let mut timeline = Timeline::default();
    let id = args.id.as_deref();
    let stats = read_jobs(&args.input, false, &Sight, |seen| {
        for s in seen.list {
            let wanted = id.is_some_and(|id| {
                s.step
                    .as_ref()
                    .is_some_and(|step| step.text.tracking_id() == id)
            });
            if wanted {
                timeline.sightings.push(s.clone());
            }
            tracker.add(s, rows.sink())?;
        }
        Ok(())
    })?;
    let report = tracker.finish(args.stuck_after, rows.sink());
    let report = report.context("cannot write --messages")?;
    rows.finish().context("cannot write --messages")?;
    if stats.output_closed {
        return Ok(stats.outcome());
    }
    let paint = Paint::new(color.enabled(io::stdout().is_terminal()));
    let mut out = stdout();
    let written = match (id, args.format) {
        (Some(id), format) => {
            let mut families: Vec<_> = timeline
                .sightings
                .iter()
                .filter_map(|s| s.step.as_ref().map(|st| st.family()))
                .collect();
            families.sort();
            families.dedup();
            let mut reports = Vec::new();
            for family in families {
                let mut one = Tracker::new(By::Carrier);
                for s in &timeline.sightings {
                    if s.step.as_ref().is_some_and(|st| st.family() == family) {
                        one.add(s.clone(), &mut ())?;
                    }
                }
                reports.push((family, one.finish(args.stuck_after, &mut ())?));
            }
            match format {
                TrackFormat::Json => write_timeline_json(&mut out, id, &timeline, &reports),
                TrackFormat::Human => write_timeline(&mut out, id, &timeline, &reports, paint),
            }
        }
        (None, TrackFormat::Json) => write_json(&mut out, &report),
        (None, TrackFormat::Human) => write_human(&mut out, &report, stats.inputs_read, paint),
    };
    match written {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(stats.outcome()),
        Err(err) => return Err(anyhow::Error::new(err).context("cannot write output")),
    }
    finish(&mut out)?;
    let _ = io::stderr().flush();
    Ok(stats.outcome())
}
