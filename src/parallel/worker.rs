//! A worker's part: parses, checks and renders the records of a unit.

use std::io;

use crate::engine::{each_record, Options};
use crate::frame::{Frame, Framer};
use crate::input::Source;

use super::unit::{NoteKind, Unit};
use super::{Event, Job};

/// A worker's part: runs the job on every record of a unit.
pub(super) fn process<J: Job>(unit: Unit, options: &Options, job: &J) -> Vec<Event<J::Output>> {
    match unit {
        Unit::Note(NoteKind::Read { bytes }) => vec![Event::InputRead { bytes }],
        Unit::Note(NoteKind::Failed {
            name,
            error,
            partial,
        }) => vec![Event::InputFailed {
            name,
            error,
            partial,
        }],
        Unit::Batch(batch) => {
            let mut render = Render::new(job, options);
            for frame in batch.frames() {
                if !render.frame(&batch.source, frame) {
                    break;
                }
            }
            let mut events = render.finish(&batch.source);
            if batch.live {
                events.push(Event::Flush);
            }
            events
        }
        Unit::Files(sources, _) => {
            let mut events = Vec::with_capacity(sources.len() * 2);
            for source in sources {
                read_file(source, options, job, &mut events);
            }
            events
        }
    }
}

/// Reads one small file whole into events: its output, then its outcome.
fn read_file<J: Job>(
    source: Source,
    options: &Options,
    job: &J,
    events: &mut Vec<Event<J::Output>>,
) {
    let name = source.name();
    let (reader, size) = match source.open_sized(options.read_bytes.as_ref()) {
        Ok(opened) => opened,
        Err(error) => {
            events.push(Event::InputFailed {
                name,
                error,
                partial: false,
            });
            return;
        }
    };
    let mut framer = Framer::new(reader, options.max_record);
    if let Some(size) = size {
        framer = framer.size_hint(size);
    }
    let mut render = Render::new(job, options);
    while let Some(frame) = framer.next_frame() {
        if !render.frame(&name, frame) {
            break;
        }
    }
    events.extend(render.finish(&name));
    events.push(match framer.take_error() {
        Some(error) => Event::InputFailed {
            name,
            error,
            partial: true,
        },
        None => Event::InputRead {
            bytes: framer.bytes_read(),
        },
    });
}

/// Runs the job on the records of a unit's frames into one output,
/// counting them.
struct Render<'j, J: Job> {
    job: &'j J,
    options: &'j Options,
    out: J::Output,
    records: u64,
    failed: Option<io::Error>,
}

impl<'j, J: Job> Render<'j, J> {
    fn new(job: &'j J, options: &'j Options) -> Self {
        Render {
            job,
            options,
            out: J::Output::default(),
            records: 0,
            failed: None,
        }
    }

    /// Renders the frame's records; false when rendering failed.
    fn frame(&mut self, source: &str, frame: Frame<'_>) -> bool {
        let (job, out, records) = (self.job, &mut self.out, &mut self.records);
        let rendered = each_record(source, frame, self.options, &mut |r| {
            *records += 1;
            job.record(r, out)
        });
        match rendered {
            Ok(()) => true,
            Err(err) => {
                self.failed = Some(err);
                false
            }
        }
    }

    /// The output, then, if rendering failed (into memory it does not in
    /// practice), the input reported rather than a record silently lost.
    fn finish(self, name: &str) -> Vec<Event<J::Output>> {
        let mut events = vec![Event::Output {
            output: self.out,
            records: self.records,
        }];
        if let Some(error) = self.failed {
            events.push(Event::InputFailed {
                name: name.to_string(),
                error: io::Error::other(format!("could not render a record: {error}")),
                partial: true,
            });
        }
        events
    }
}
