//! `postback convert`.

use anyhow::{bail, Result};

use super::Outcome;
use crate::cli::ColorChoice;

pub fn run(_args: crate::cli::ConvertArgs, _color: ColorChoice) -> Result<Outcome> {
    bail!("not written yet")
}
