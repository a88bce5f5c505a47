//! `convert --fields`: names that are neither a documented v1.3 field nor met
//! in the data are a usage error, with the nearest documented names suggested.
//!
//! Whether a name is in the data is only known once the run has read it, so
//! the names no dialect documents are watched while records are converted,
//! and judged at the end.

use postback::check::nearest;
use postback::dialect::Dialect;
use postback::postback::Postback;
use postback::render::convert::{EXTRA, TEXT_KEY};
use postback::render::terminal::escape;
use postback::spec::dialects::dialect_names;

/// Every name `--fields` accepts without seeing it in the data: the v1.3
/// field names, `EXTRA` and `#text`. CSV and XLSX columns are always v1.3
/// names (CLI.md), so the other dialects' spellings (`code`, `tracking-id`)
/// never fill a column: they are watched like any other name, and the v1.3
/// name is suggested.
fn documented() -> Vec<&'static str> {
    let mut names = dialect_names(Dialect::V1);
    names.extend([EXTRA, TEXT_KEY]);
    names.sort_unstable();
    names.dedup();
    names
}

/// The `--fields` names no dialect documents, and whether a record has
/// had a field of each.
#[derive(Debug, Clone, Default)]
pub struct Undocumented {
    names: Vec<String>,
}

impl Undocumented {
    /// The names among `columns` that no dialect documents.
    pub fn among(columns: &[String]) -> Self {
        let documented = documented();
        Undocumented {
            names: columns
                .iter()
                .filter(|c| documented.binary_search(&c.as_str()).is_err())
                .cloned()
                .collect(),
        }
    }

    /// Marks in `seen` (one flag per name, grown on first use) the names
    /// that `postback` has as a field once in v1.3 names, as columns match them.
    pub fn watch(&self, postback: &Postback<'_>, seen: &mut Vec<bool>) {
        if self.names.is_empty() {
            return;
        }
        let postback = postback.canonical();
        seen.resize(self.names.len(), false);
        for (name, seen) in self.names.iter().zip(seen.iter_mut()) {
            *seen = *seen || postback.fields.iter().any(|f| f.name == name);
        }
    }

    /// The usage error for the names no record had, if any.
    pub fn error(&self, seen: &[bool]) -> Option<String> {
        let documented = documented();
        let missing: Vec<String> = self
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| !seen.get(*i).copied().unwrap_or(false))
            .map(|(_, name)| {
                let hint = nearest(name, documented.iter().copied())
                    .map(|near| format!(" (did you mean {near}?)"))
                    .unwrap_or_default();
                format!("{}{hint}", escape(name))
            })
            .collect();
        if missing.is_empty() {
            return None;
        }
        let (noun, verb) = match missing.len() {
            1 => ("a field", "is"),
            _ => ("fields", "are"),
        };
        Some(format!(
            "--fields names {noun} that {verb} neither documented nor in any postback read: {}; \
             `postback codes CODE` lists a code's fields",
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_v1_names_extra_and_text_go_unwatched() {
        let watched = Undocumented::among(&names(&[
            "TRACKINGID",
            "FROM_MASK",
            "tracking-id",
            "EXTRA",
            "#text",
            "Status",
            "TRAKINGID",
        ]));
        assert_eq!(watched.names, ["tracking-id", "Status", "TRAKINGID"]);
        let error = watched.error(&[]).expect("none seen");
        assert!(
            error.contains("tracking-id (did you mean TRACKINGID?)"),
            "{error}"
        );
    }

    #[test]
    fn names_seen_in_a_record_are_no_error_and_the_rest_get_a_suggestion() {
        let watched = Undocumented::among(&names(&["Status", "TRAKINGID"]));
        let postback = postback::postback::parse("<POSTBACK><Status>x</Status></POSTBACK>")
            .expect("well-formed");
        let mut seen = Vec::new();
        watched.watch(&postback, &mut seen);
        assert_eq!(seen, [true, false]);
        let error = watched.error(&seen).expect("TRAKINGID is unknown");
        assert!(
            error.contains("TRAKINGID (did you mean TRACKINGID?)"),
            "{error}"
        );
        assert!(!error.contains("Status"), "{error}");
        assert_eq!(watched.error(&[true, true]), None);
    }
}
