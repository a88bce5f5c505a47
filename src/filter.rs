//! Which records a run shows (`--code`, `--only`, `--tracking-id`) and which
//! findings (`--rule`). Filters choose what is shown, never what is read:
//! every record is still counted.

use crate::engine::{Located, Record};
use crate::finding::Rule;

/// Records by verdict, as the summaries count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// No error (warnings allowed).
    Valid,
    /// At least one warning.
    Warnings,
    /// At least one error.
    Errors,
}

/// A code to keep, optionally only under one ORIGIN (`SMS_MT:N202`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFilter {
    origin: Option<String>,
    code: String,
}

impl CodeFilter {
    /// Reads `N202` or `SMS_MT:N202` (any case).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (origin, code) = match text.split_once(':') {
            Some((origin, code)) => (Some(origin.trim().to_ascii_uppercase()), code.trim()),
            None => (None, text),
        };
        if code.is_empty() || origin.as_deref() == Some("") {
            return Err(format!(
                "`{text}` is not a code; write e.g. N202 or SMS_MT:N202"
            ));
        }
        Ok(CodeFilter {
            origin,
            code: code.to_ascii_uppercase(),
        })
    }

    fn keeps(&self, record: &Record<'_>) -> bool {
        let Some(postback) = &record.postback else {
            return false;
        };
        postback
            .code()
            .is_some_and(|c| c.eq_ignore_ascii_case(&self.code))
            && self.origin.as_deref().is_none_or(|wanted| {
                postback
                    .origin()
                    .is_some_and(|o| o.eq_ignore_ascii_case(wanted))
            })
    }
}

/// Reads a rule id (`missing-field`), suggesting the nearest one otherwise.
pub fn parse_rule(text: &str) -> Result<Rule, String> {
    let text = text.trim();
    if let Some(rule) = Rule::ALL.iter().find(|r| r.id().eq_ignore_ascii_case(text)) {
        return Ok(*rule);
    }
    let hint = match crate::check::nearest(text, Rule::ALL.iter().map(|r| r.id())) {
        Some(near) => format!("did you mean {near}?"),
        None => format!("the rules are {}", Rule::ALL.map(|r| r.id()).join(", ")),
    };
    Err(format!("no rule `{text}`: {hint}"))
}

/// Everything a run is asked to show; empty shows everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub codes: Vec<CodeFilter>,
    pub only: Option<Only>,
    pub tracking_ids: Vec<String>,
    pub rules: Vec<Rule>,
}

impl Filter {
    /// Whether it picks by findings, which then must be computed.
    pub fn needs_checks(&self) -> bool {
        self.only.is_some() || !self.rules.is_empty()
    }

    /// Whether the record is shown: every kind of filter given must keep it
    /// (within one kind, any value may).
    pub fn keeps(&self, record: &Record<'_>) -> bool {
        let code = self.codes.is_empty() || self.codes.iter().any(|c| c.keeps(record));
        let only = match self.only {
            None => true,
            Some(Only::Valid) => !record.has_errors(),
            Some(Only::Warnings) => record.has_warnings(),
            Some(Only::Errors) => record.has_errors(),
        };
        let tracking = self.tracking_ids.is_empty()
            || record
                .postback
                .as_ref()
                .and_then(|p| p.value("TRACKINGID"))
                .is_some_and(|id| self.tracking_ids.iter().any(|t| t == id));
        let rule = self.rules.is_empty() || record.findings.iter().any(|f| self.shows(f));
        code && only && tracking && rule
    }

    /// Whether a finding of a kept record is shown (`--rule`).
    pub fn shows(&self, finding: &Located) -> bool {
        self.rules.is_empty() || self.rules.contains(&finding.finding.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_with_or_without_an_origin() {
        let plain = CodeFilter::parse("n202").unwrap();
        assert_eq!(plain.code, "N202");
        assert_eq!(plain.origin, None);
        let qualified = CodeFilter::parse("sms_mt:N202").unwrap();
        assert_eq!(qualified.origin.as_deref(), Some("SMS_MT"));
        assert!(CodeFilter::parse(":N202").is_err());
        assert!(CodeFilter::parse("SMS_MT:").is_err());
    }

    #[test]
    fn rules_are_read_by_id_with_a_suggestion() {
        assert_eq!(parse_rule("missing-field"), Ok(Rule::MissingField));
        let err = parse_rule("missing-feild").unwrap_err();
        assert!(err.contains("did you mean missing-field?"), "{err}");
    }
}
