//! Output: each writer renders records or findings to any `W: Write`.

pub mod convert;
pub mod findings;
pub mod inspect;
pub mod snippet;
pub mod terminal;
pub mod track;
