//! The inspect card: one record shown for a person, with the code in words,
//! the fields aligned, what their values mean, and validate's findings placed
//! under the field they concern. Everything from the payload is escaped.
//!
//! One module a job: the card's layout (`card`), its rows and where each
//! finding goes (`fields`), what values mean (`meaning`), decoded values
//! (`values`) and the summary after the cards (`summary`).

mod card;
mod fields;
mod meaning;
mod partial;
mod summary;
#[cfg(test)]
mod tests;
mod values;

pub use self::card::Cards;
pub use self::summary::Tally;
pub use self::values::{decode_base64_text, to_utc, Utc};
