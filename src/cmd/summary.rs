//! The verdict counts that `validate` and `inspect` share, and the summary
//! line both end with on stderr: the same words, order and counting.

use std::io::{self, IsTerminal, Write};

use postback::engine::Record;
use postback::render::terminal::Paint;

use super::validate::plural;
use super::ReadStats;
use crate::cli::ColorChoice;

/// Records by verdict. A record with warnings only is valid; with
/// `--strict` its warnings count as errors.
#[derive(Debug, Default, Clone, Copy)]
pub struct Verdicts {
    /// Every record read, shown or filtered out.
    pub checked: u64,
    pub valid: u64,
    pub with_errors: u64,
    /// Records with at least one warning (valid or not).
    pub with_warnings: u64,
    /// Records read but not shown (`--code`, `--only`, `--tracking-id`, `--rule`).
    pub filtered: u64,
}

impl Verdicts {
    /// Counts a record that is shown.
    pub fn count(&mut self, record: &Record<'_>, strict: bool) {
        // A DOCTYPE document refused whole counts each postback it holds.
        let n = record.postbacks();
        self.checked += n;
        let warnings = record.has_warnings();
        if record.has_errors() || (strict && warnings) {
            self.with_errors += n;
        } else {
            self.valid += n;
        }
        if warnings {
            self.with_warnings += n;
        }
    }

    /// Counts a record that a filter leaves out.
    pub fn filter_out(&mut self) {
        self.checked += 1;
        self.filtered += 1;
    }

    pub fn add(&mut self, other: &Verdicts) {
        self.checked += other.checked;
        self.valid += other.valid;
        self.with_errors += other.with_errors;
        self.with_warnings += other.with_warnings;
        self.filtered += other.filtered;
    }

    /// The summary line, `details` (if any) in brackets after the counts.
    pub fn line(&self, stats: &ReadStats, details: &str) -> String {
        let mut line = format!(
            "{} checked in {}: {} valid, {} with errors, {} with warnings",
            plural(self.checked, "postback"),
            stats.inputs(),
            self.valid,
            self.with_errors,
            self.with_warnings,
        );
        if self.filtered > 0 {
            line.push_str(&format!("; {} filtered out", self.filtered));
        }
        if !details.is_empty() {
            line.push_str(&format!(" ({details})"));
        }
        line.push_str(&stats.summary_tail());
        line
    }

    /// Writes the summary on stderr, coloured by how the run went, and says
    /// so when the inputs held no postback at all.
    pub fn report(&self, stats: &ReadStats, details: &str, color: ColorChoice) {
        let paint = Paint::new(color.enabled(io::stderr().is_terminal()));
        let line = self.line(stats, details);
        let line = if self.with_errors > 0 || stats.outcome() > super::Outcome::Clean {
            paint.error(&line)
        } else {
            paint.good(&line)
        };
        let mut stderr = io::stderr();
        let _ = writeln!(stderr, "{line}");
        if let Some(note) = self.nothing_found(stats) {
            let _ = writeln!(stderr, "{note}");
        }
    }

    /// "no postback found in 2 inputs", when that is so: an empty file, noise,
    /// or a payload in a form no reader knows.
    pub fn nothing_found(&self, stats: &ReadStats) -> Option<String> {
        (self.checked == 0 && stats.inputs_read > 0 && !stats.interrupted)
            .then(|| format!("postback: no postback found in {}", stats.inputs()))
    }
}
