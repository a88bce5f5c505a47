//! Output: each writer renders records or findings to any `W: Write`.

pub mod findings;
pub mod snippet;
pub mod terminal;
