//! `postback` reads Skycore SMS/MMS delivery-report postbacks out of any
//! capture (single payloads, log dumps, JSON log lines, form bodies), checks
//! them against the provider's documented field sets, and renders them.
//!
//! The engine never prints: records and their findings are pushed into a
//! [`engine::Sink`]; the writers in [`render`] write to any `W: Write`.
//!
//! ```
//! use postback::engine::{read_input, Options, Record, Sink};
//!
//! struct Rules(Vec<String>);
//! impl Sink for Rules {
//!     fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
//!         for f in &record.findings {
//!             self.0.push(format!("{}:{} {}", f.location.line, f.location.column, f.finding.rule));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let capture = "INFO body=<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE></POSTBACK>";
//! let mut rules = Rules(Vec::new());
//! read_input("<stdin>", capture.as_bytes(), &Options::default(), &mut rules).unwrap();
//! assert_eq!(rules.0, ["1:11 missing-field"]);
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod dialect;
pub mod engine;
pub mod filter;
pub mod finding;
pub mod frame;
pub mod input;
pub mod json;
pub mod location;
pub mod parallel;
pub mod postback;
pub mod read_ahead;
pub mod render;
pub mod sample;
pub mod serve;
pub mod spec;
pub mod time;
pub mod track;
