//! Validating a webhook body inside your own receiver: hand the raw request
//! body to the engine and collect the findings.
//!
//! ```text
//! cargo run --example validate_body < tests/fixtures/provider/n202.xml
//! ```

use std::io::Read;

use postback::engine::{read_input, Options, Record, Sink};

/// Collects one line per finding, as a receiver might log it.
#[derive(Default)]
struct Collect {
    postbacks: usize,
    lines: Vec<String>,
}

impl Sink for Collect {
    fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
        self.postbacks += 1;
        for f in &record.findings {
            self.lines.push(format!(
                "line {}, column {}: {}[{}]: {}",
                f.location.line,
                f.location.column,
                f.finding.severity,
                f.finding.rule,
                f.finding.message
            ));
        }
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body)?;
    let mut collect = Collect::default();
    if let Err(stop) = read_input("request body", &body[..], &Options::default(), &mut collect) {
        anyhow::bail!("could not read the body: {stop:?}");
    }
    println!("{} postback(s)", collect.postbacks);
    for line in &collect.lines {
        println!("{line}");
    }
    if collect.lines.is_empty() {
        println!("valid");
    }
    Ok(())
}
