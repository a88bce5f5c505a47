//! `postback sample`: valid postbacks (or deliberately broken ones) on stdout,
//! ready to pipe into `replay`, `validate` or a webhook under test.

use std::time::{Duration, SystemTime};

use anyhow::{bail, Result};
use postback::sample::{self, Dialect, Request, Target};

use super::{finish, stdout, Outcome};
use crate::cli::{SampleArgs, SampleDialect};

pub fn run(args: SampleArgs) -> Result<Outcome> {
    let dialect = match args.dialect {
        SampleDialect::V1 => Dialect::V1,
        SampleDialect::Lower => Dialect::Lower,
        SampleDialect::V2 => Dialect::V2,
    };
    let now = SystemTime::now();
    // Each run starts its messages at another number, so that samples of two
    // runs fed to one receiver do not share TRACKINGIDs.
    let first = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| {
        u64::try_from(d.as_millis() % 100_000_000).unwrap_or(0)
    });
    let plan = plan(&args, dialect)?;
    let mut out = stdout();
    for i in 0..args.count {
        for (step, &(target, delay)) in plan.iter().enumerate() {
            let request = Request {
                origin: target.origin,
                code: target.code,
                dialect,
                // --all shows each code once; a lifecycle's two postbacks share one message.
                sequence: first + i + if args.all { step as u64 } else { 0 },
                now: now.checked_sub(delay).unwrap_or(now),
                set: &args.set,
                unset: &args.unset,
            };
            let made = sample::make(&request)?;
            if let Err(err) = sample::write(&mut out, &made) {
                return Err(anyhow::Error::new(err).context("cannot write output"));
            }
        }
    }
    finish(&mut out)?;
    Ok(Outcome::Clean)
}

/// The (ORIGIN, CODE) pairs one round prints, each with how long ago it was sent.
fn plan(args: &SampleArgs, dialect: Dialect) -> Result<Vec<(Target, Duration)>> {
    if args.all {
        return Ok(sample::targets(dialect)
            .into_iter()
            .map(|t| (t, Duration::ZERO))
            .collect());
    }
    let (origin, code) = match &args.code {
        Some(code) => parse_code(code, args.origin.as_deref(), dialect)?,
        None => ("SMS_MT", "N201"),
    };
    let target = |code: &str| -> Result<Target> {
        // Checked here so that an unknown code fails before anything is printed.
        let found = sample::targets(dialect)
            .into_iter()
            .find(|t| t.origin == origin && t.code == code);
        match found {
            Some(t) => Ok(t),
            None => Err(sample::SampleError::NoFieldSet {
                origin: origin.to_string(),
                code: code.to_string(),
                dialect,
            }
            .into()),
        }
    };
    if !args.lifecycle {
        return Ok(vec![(target(code)?, Duration::ZERO)]);
    }
    let Some([sent, last]) = sample::lifecycle(origin, code) else {
        bail!(
            "{origin} {code} is not part of a sent/delivered pair; --lifecycle takes N201, N202, E202 (SMS)\n\
             or N101, N102, N103, E102, N202, N501, N502 (MMS)"
        );
    };
    Ok(vec![
        (target(sent)?, Duration::from_secs(5)),
        (target(last)?, Duration::ZERO),
    ])
}

/// `N201`, `n201` or `MMS_MT:N202`, with `--origin` when the code alone is ambiguous.
fn parse_code(
    text: &str,
    origin: Option<&str>,
    dialect: Dialect,
) -> Result<(&'static str, &'static str)> {
    let upper = text.trim().to_ascii_uppercase();
    let (given_origin, code) = match upper.split_once(':') {
        Some((origin, code)) => (Some(origin.to_string()), code.to_string()),
        None => (None, upper.clone()),
    };
    let origin = origin.map(str::to_ascii_uppercase).or(given_origin);
    let known = postback::spec::code_rows(&code).next();
    let Some(info) = known else {
        bail!("{code} is not a documented code; `postback codes` lists them");
    };
    let code = info.code;
    let origin = match origin {
        Some(origin) => {
            match sample::targets(dialect)
                .into_iter()
                .find(|t| t.origin == origin && t.code == code)
            {
                Some(t) => t.origin,
                None => {
                    return Err(sample::SampleError::NoFieldSet {
                        origin,
                        code: code.to_string(),
                        dialect,
                    }
                    .into())
                }
            }
        }
        None => sample::origin_for(code, dialect)?,
    };
    Ok((origin, code))
}
