//! `postback codes`.

use anyhow::{bail, Result};

use super::Outcome;
use crate::cli::ColorChoice;

pub fn run(_args: crate::cli::CodesArgs, _color: ColorChoice) -> Result<Outcome> {
    bail!("not written yet")
}
