//! What every command that reads postbacks shares: where they come from
//! (`InputArgs`) and which of them are shown (`FilterArgs`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use postback::engine::DEFAULT_MAX_RECORD;
use postback::filter::{CodeFilter, Filter, Only};
use postback::finding::Rule;

use super::values::parse_size;

/// Where postbacks are read from, shared by every command that reads them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files or directories to read (directories recursively); none or `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Worker threads (default: the available cores; more than 4 per core are not started).
    /// Output is the same for any number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS))]
    pub jobs: Option<u16>,

    /// No progress bar (it is only ever drawn on a terminal, on stderr).
    #[arg(long = "no-progress", action = clap::ArgAction::SetFalse)]
    pub progress: bool,

    /// Records larger than this are reported as oversized and skipped (e.g. 512K, 4M).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_record_size: usize,

    /// Which dialects to read: `auto` (all three), `v1` (<POSTBACK>), `lower`
    /// (<postback>) or `v2` (JSON objects with `origin` and `code`); records of the
    /// others are then text, skipped silently.
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,
}

/// `--dialect`: all dialects, or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectChoice {
    Auto,
    V1,
    Lower,
    V2,
}

impl DialectChoice {
    /// The one dialect to read, or `None` for all.
    pub fn only(self) -> Option<postback::dialect::Dialect> {
        use postback::dialect::Dialect;
        match self {
            DialectChoice::Auto => None,
            DialectChoice::V1 => Some(Dialect::V1),
            DialectChoice::Lower => Some(Dialect::Lower),
            DialectChoice::V2 => Some(Dialect::V2),
        }
    }
}

/// The most `--jobs` accepted: far past any use, short of exhausting threads.
pub(super) const MAX_JOBS: i64 = 1024;
/// Worker threads per core at most: more only add memory and switching.
pub(super) const JOBS_PER_CORE: usize = 4;

impl InputArgs {
    /// The number of worker threads to use, and whether `--jobs` asked for
    /// more than the cores can use (then capped at 4 per core).
    pub fn jobs(&self) -> (usize, bool) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        match self.jobs {
            Some(n) => {
                let cap = cores * JOBS_PER_CORE;
                let n = usize::from(n);
                (n.min(cap), n > cap)
            }
            None => (cores, false),
        }
    }
}

impl Default for InputArgs {
    fn default() -> Self {
        InputArgs {
            paths: Vec::new(),
            jobs: None,
            progress: true,
            max_record_size: DEFAULT_MAX_RECORD,
            dialect: DialectChoice::Auto,
        }
    }
}

/// Which postbacks are shown; the rest are still read and counted.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Show only postbacks with this CODE (repeatable); ORIGIN:CODE, such as
    /// SMS_MT:N202, picks one origin of a code that has two.
    #[arg(long = "code", value_name = "CODE", value_parser = CodeFilter::parse)]
    pub codes: Vec<CodeFilter>,

    /// Show only valid postbacks (no error; warnings allowed), those with
    /// warnings, or those with errors.
    #[arg(long, value_enum, value_name = "WHICH")]
    pub only: Option<OnlyArg>,

    /// Show only postbacks with this TRACKINGID (repeatable).
    #[arg(long = "tracking-id", value_name = "ID")]
    pub tracking_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    Valid,
    Warnings,
    Errors,
}

impl FilterArgs {
    /// The filter, with `--rule`'s rules where the command has it.
    pub fn filter(&self, rules: &[Rule]) -> Filter {
        Filter {
            codes: self.codes.clone(),
            only: self.only.map(|only| match only {
                OnlyArg::Valid => Only::Valid,
                OnlyArg::Warnings => Only::Warnings,
                OnlyArg::Errors => Only::Errors,
            }),
            tracking_ids: self.tracking_ids.clone(),
            rules: rules.to_vec(),
        }
    }
}
