//! Section 2 of `FIELDS.md`: each field's value against its format, and
//! SENTAS and STATUS against the code's lists.

use super::*;

impl<'p> Context<'p> {
    /// Section 2 (and DIALECTS.md 5), for a trimmed, non-blank value of the
    /// canonical field `rule`, written `name`.
    pub(super) fn check_value(
        &self,
        rule: &str,
        name: &str,
        at: usize,
        value: &str,
    ) -> Option<Finding> {
        match spec::value_format(rule)? {
            ValueFormat::Timestamp => values::timestamp(name, at, value),
            ValueFormat::Number(NumberField::From) if self.alphanumeric_sender(value) => None,
            ValueFormat::Number(role) => values::number(name, at, value, role.kind(self.direction)),
            ValueFormat::SenderId => values::sender_id(name, at, value),
            ValueFormat::Spid => {
                values::spid_of(name, at, value, dialects::spid_digits(self.dialect))
            }
            ValueFormat::Mmsid => values::positive_integer(Rule::BadMmsid, name, at, value),
            ValueFormat::PositiveInteger => {
                values::positive_integer(Rule::BadInteger, name, at, value)
            }
            ValueFormat::Sentas => self.sentas(name, at, value),
            ValueFormat::Status => self.status(name, at, value),
        }
    }

    /// A v2 SMS_MT FROM may be an alphanumeric sender (`Dunder Mifflin`).
    pub(super) fn alphanumeric_sender(&self, value: &str) -> bool {
        self.dialect == Dialect::V2
            && self.origin == Some("SMS_MT")
            && value.bytes().any(|b| b.is_ascii_alphabetic())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b' ')
    }

    pub(super) fn sentas(&self, name: &str, at: usize, value: &str) -> Option<Finding> {
        let required = self.required_sentas();
        if spec::SENTAS_VALUES.contains(&value) {
            let wanted = required.filter(|r| *r != value)?;
            let (origin, code) = (self.origin.unwrap_or(""), self.code_label());
            let meaning = match spec::lookup_code(origin, code) {
                CodeLookup::Documented(info) => format!("{origin} {code} means {}", info.meaning),
                _ => format!("{origin} {code}"),
            };
            return Some(
                Finding::new(
                    Rule::BadSentas,
                    at,
                    format!("{name} {} is not allowed for {origin} {code}", shown(value)),
                )
                .field(name)
                .help(format!("{meaning}: {name} must be {wanted}")),
            );
        }
        let help = match (
            required,
            nearest(value, spec::SENTAS_VALUES.iter().copied()),
        ) {
            (Some(wanted), _) => format!(
                "{} {} requires {name} {wanted}",
                self.origin.unwrap_or(""),
                self.code_label()
            ),
            (None, Some(near)) => format!("did you mean {near}?"),
            (None, None) => {
                "MMS (binary delivery) or SMS (fallback SMS linking to an xHTML page)".into()
            }
        };
        Some(
            Finding::new(
                Rule::BadSentas,
                at,
                format!("{name} {} is not MMS or SMS", shown(value)),
            )
            .field(name)
            .help(help),
        )
    }

    /// STATUS against the code's list; a code without a list has no STATUS rule.
    pub(super) fn status(&self, name: &str, at: usize, value: &str) -> Option<Finding> {
        let allowed = || {
            self.sets
                .iter()
                .flat_map(|s| s.statuses.iter().copied())
                .chain(self.status_only.iter().copied())
                .chain(self.extra_statuses.iter().copied())
        };
        if allowed().next().is_none() || allowed().any(|s| s == value) {
            return None;
        }
        let mut list: Vec<&str> = Vec::new();
        for s in allowed() {
            if !list.contains(&s) {
                list.push(s);
            }
        }
        let help = match nearest(value, list.iter().copied()) {
            Some(near) => format!("did you mean {near:?}?"),
            None => {
                let quoted: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
                format!("allowed: {}", quoted.join(", "))
            }
        };
        Some(
            Finding::new(
                Rule::BadStatus,
                at,
                format!(
                    "{name} {} is not allowed for {} {}",
                    shown(value),
                    self.origin.unwrap_or(""),
                    self.code_label()
                ),
            )
            .field(name)
            .help(help),
        )
    }
}
