//! Output: each writer renders records or findings to any `W: Write`.

pub mod convert;
pub mod findings;
pub mod inspect;
pub mod json_safe;
pub mod snippet;
pub mod terminal;
pub mod track;
