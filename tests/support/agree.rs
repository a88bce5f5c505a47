//! The one comparison behind the differential test and its fuzz target: the
//! lean parser and the quick-xml reference must build the same record, and
//! so the same findings, for any record text.

use postback::check::check;
use postback::dialect::xml::{parse, parse_lean, parse_reference};

/// Compares both parsers on one record text; `Ok(true)` when the lean one
/// read it, `Err` with what differs when they disagree.
pub fn agree(text: &str) -> Result<bool, String> {
    let reference = parse_reference(text);
    let chosen = parse(text);
    if chosen != reference {
        return Err(format!(
            "parse differs from the reference on {text:?}:\n  parse:     {chosen:?}\n  reference: {reference:?}"
        ));
    }
    let Some(lean) = parse_lean(text) else {
        return Ok(false);
    };
    let reference = match reference {
        Ok(pb) => pb,
        Err(finding) => {
            return Err(format!(
                "the lean parser read {text:?}, which the reference rejects: {finding:?}"
            ))
        }
    };
    if lean != reference {
        return Err(format!(
            "records differ on {text:?}:\n  lean:      {lean:?}\n  reference: {reference:?}"
        ));
    }
    let (mut lean_findings, mut reference_findings) = (Vec::new(), Vec::new());
    check(&lean, &mut lean_findings);
    check(&reference, &mut reference_findings);
    if lean_findings != reference_findings {
        return Err(format!(
            "findings differ on {text:?}:\n  lean:      {lean_findings:?}\n  reference: {reference_findings:?}"
        ));
    }
    Ok(true)
}
