//! A progress bar on stderr for long runs, drawn only where a person is
//! watching: stderr is a terminal, the run is not quiet, and it has already
//! taken a moment (short runs never flash a bar).

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use postback::input::{PathError, Source};

/// How long a run goes before a bar appears.
const DELAY: Duration = Duration::from_millis(800);

pub struct Progress {
    state: Option<Shown>,
}

struct Shown {
    bar: ProgressBar,
    read: Arc<AtomicU64>,
    records: u64,
    started: Instant,
    visible: bool,
    /// Writes to stdout go around the bar when both are the same terminal.
    shares_terminal: bool,
}

impl Progress {
    /// A bar over `inputs` (a spinner when stdin is among them), or nothing
    /// when `wanted` is false or stderr is not a terminal.
    pub fn start(inputs: &[Result<Source, PathError>], wanted: bool) -> Self {
        if !wanted || !io::stderr().is_terminal() {
            return Progress { state: None };
        }
        let sizes: Option<u64> = inputs
            .iter()
            .flatten()
            .map(Source::disk_size)
            .sum::<Option<u64>>();
        let bar = match sizes {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
                .with_style(style(
                    "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg} · eta {eta}",
                )),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
                .with_style(style("{spinner} {bytes} {binary_bytes_per_sec} · {msg}")),
        };
        Progress {
            state: Some(Shown {
                bar,
                read: Arc::new(AtomicU64::new(0)),
                records: 0,
                started: Instant::now(),
                visible: false,
                shares_terminal: io::stdout().is_terminal(),
            }),
        }
    }

    /// The counter the readers add their bytes to, when a bar may be shown.
    pub fn counter(&self) -> Option<Arc<AtomicU64>> {
        self.state.as_ref().map(|s| Arc::clone(&s.read))
    }

    /// Notes `records` more records and redraws, once the run has taken a while.
    pub fn update(&mut self, records: u64) {
        let Some(s) = &mut self.state else { return };
        s.records += records;
        if !s.visible && s.started.elapsed() >= DELAY {
            s.visible = true;
            s.bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(8));
            s.bar.enable_steady_tick(Duration::from_millis(120));
        }
        if s.visible {
            let seconds = s.started.elapsed().as_secs_f64().max(0.001);
            s.bar.set_position(s.read.load(Ordering::Relaxed));
            s.bar.set_message(format!(
                "{} postbacks, {:.0}/s",
                s.records,
                s.records as f64 / seconds
            ));
        }
    }

    /// Runs `f` (which writes to stdout or stderr) with the bar out of the way.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.state {
            Some(s) if s.visible && s.shares_terminal => s.bar.suspend(f),
            _ => f(),
        }
    }

    /// Removes the bar before the summary is written.
    pub fn finish(&self) {
        if let Some(s) = &self.state {
            s.bar.finish_and_clear();
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    // The templates are constants of this file; a bad one falls back to the default style.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}
