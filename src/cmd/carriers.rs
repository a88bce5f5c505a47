//! `postback carriers`.

use anyhow::{bail, Result};

use super::Outcome;
use crate::cli::ColorChoice;

pub fn run(_args: crate::cli::CarriersArgs, _color: ColorChoice) -> Result<Outcome> {
    bail!("not written yet")
}
