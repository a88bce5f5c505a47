//! The three dialects a postback is written in (DIALECTS.md): upper-case v1.3
//! XML, lower-case hyphenated XML and v2 JSON. Each is read into the one
//! canonical record, [`crate::postback::Postback`], which keeps the dialect.

/// Which dialect a record was written in; fixed by its container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Dialect {
    /// `<POSTBACK>` with upper-case names (`TRACKINGID`).
    #[default]
    V1,
    /// `<postback>` with lower-case hyphenated names (`tracking-id`).
    Lower,
    /// A JSON object with members `origin` and `code`.
    V2,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::V1, Dialect::Lower, Dialect::V2];

    /// The spelling of `--dialect` and of data columns: `v1`, `lower`, `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::V1 => "v1",
            Dialect::Lower => "lower",
            Dialect::V2 => "v2",
        }
    }

    /// The label `inspect` puts in a card's first line.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::V1 => "[v1.3 XML]",
            Dialect::Lower => "[lower-case XML]",
            Dialect::V2 => "[v2 JSON]",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Dialect::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub mod v2;
pub mod xml;
