//! The arguments of the table lookups: `codes` and `carriers`.

use clap::{Args, ValueEnum};

use super::input::DialectChoice;

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// A code such as N102 (or ORIGIN:CODE such as MMS_MT:N202) to show its field set.
    pub code: Option<String>,

    /// With a CODE: show its field sets in this dialect only (`auto`: every dialect
    /// that documents it).
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,

    /// Output: an aligned `table` (the default on a terminal), `tsv` with a header
    /// (the default when piped, for cut -f) or a `json` array. With a CODE the
    /// default is its field sets in words; tsv gives one field a line, json the sets.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct CarriersArgs {
    /// An SPID (exact; leading zeros may be left out), a country code or common name
    /// (uk, gb, usa), or the start of a word of a country or carrier name, ignoring
    /// case, spaces and punctuation (att, tmobile, new zea). Without it, the whole table.
    pub query: Option<String>,

    /// Output: an aligned `table` (the default on a terminal), `tsv` with a header
    /// (the default when piped, for cut -f) or a `json` array.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

/// How `codes` and `carriers` list their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Tsv,
    Json,
}

impl ListFormat {
    /// The format asked for, else a table for a terminal and TSV for a pipe.
    pub fn chosen(asked: Option<ListFormat>, to_terminal: bool) -> ListFormat {
        match (asked, to_terminal) {
            (Some(format), _) => format,
            (None, true) => ListFormat::Table,
            (None, false) => ListFormat::Tsv,
        }
    }
}
