//! Sections 1 and 3 of `FIELDS.md`: fields missing, repeated, unexpected,
//! unknown, nested, padded or carrying attributes.

use super::*;

impl<'p> Context<'p> {
    pub(super) fn missing_fields(&self, pb: &Postback<'_>, out: &mut Vec<Finding>) {
        let Some(first) = self.sets.first() else {
            return;
        };
        let code = self.code_label();
        for rule in first.fields {
            if !dialects::has_field(self.dialect, rule.name) {
                continue;
            }
            // With one set in force the rule is its own answer; merged
            // variants need the weakest presence across them.
            let presence = match self.sets {
                [_] => Some(rule.presence),
                _ => self.presence(rule.name),
            };
            let required = matches!(
                presence,
                Some(Presence::Required | Presence::RequiredMayBeEmpty)
            );
            if required && pb.field(rule.name).is_none() {
                let name = self.named(rule.name);
                out.push(
                    Finding::new(
                        Rule::MissingField,
                        0,
                        format!("{code} requires {name}{}", self.variant_note()),
                    )
                    .field(name),
                );
            }
        }
        if first.one_of.is_empty() {
            return;
        }
        let present = || {
            pb.fields
                .iter()
                .filter(|f| first.one_of.contains(&f.canonical))
        };
        if present().any(|f| !f.trimmed().is_empty()) {
            return;
        }
        let names: Vec<&str> = first.one_of.iter().map(|n| self.named(n)).collect();
        let names = names.join(" or ");
        match present().next() {
            Some(f) => out.push(
                Finding::new(
                    Rule::EmptyField,
                    f.at,
                    format!("{} is empty; {code} requires {names}", f.name),
                )
                .field(f.name),
            ),
            // No single field is missing, so `field` stays empty (JSON null).
            None => out.push(Finding::new(
                Rule::MissingField,
                0,
                format!("{code} requires {names}"),
            )),
        }
    }

    pub(super) fn check_field(&self, f: &Element<'_>, repeat: bool, out: &mut Vec<Finding>) {
        if repeat {
            let native = self.named(f.canonical);
            let message = if native == f.name {
                format!("{} appears more than once", f.name)
            } else {
                format!("{} is a second {native}", f.name)
            };
            out.push(
                Finding::new(Rule::DuplicateField, f.at, message)
                    .field(f.name)
                    .help(format!("a postback carries one {native}")),
            );
        }
        attributes(f, out);
        // A v1.3 record's own upper-case names need no lookup here.
        let class =
            if self.dialect == Dialect::V1 && !f.name.bytes().any(|b| b.is_ascii_lowercase()) {
                None
            } else {
                Some(dialects::classify(self.dialect, f.name))
            };
        let rule_name = match class {
            Some(NameClass::OtherDialect(c)) => c,
            _ => f.canonical,
        };
        let presence = match class {
            Some(NameClass::OtherDialect(_)) => None,
            _ => self.presence(f.canonical),
        };
        match class {
            Some(NameClass::Mixed(canonical)) => out.push(self.mixed(f, canonical)),
            Some(NameClass::OtherDialect(_)) if self.clear() && !repeat => {
                out.push(self.not_expected(f, true));
            }
            _ if self.clear() && !repeat && presence.is_none() => {
                let documented = match class {
                    None => spec::is_known_field(f.name),
                    Some(c) => c != NameClass::Unknown,
                };
                out.push(self.not_expected(f, documented));
            }
            _ => {}
        }
        match f.json {
            Some(JsonValue::Literal) => {
                out.push(
                    Finding::new(
                        Rule::BadJsonValue,
                        f.at,
                        format!("{} is {}, not a string", f.name, f.text),
                    )
                    .field(f.name)
                    .help(format!(
                        "v2 fields are JSON strings: write \"{}\"",
                        f.text.trim_matches('"')
                    )),
                );
                return;
            }
            Some(JsonValue::Nested { list }) => {
                let n401 = self.code == Some("N401");
                if list && n401 && rule_name == "CONTENT" {
                    self.check_container(f, "FILE", presence, out);
                } else if !(list && n401 && rule_name == "copy-to") {
                    out.push(
                        Finding::new(
                            Rule::NestedElement,
                            f.at,
                            format!("{} holds a JSON {}", f.name, json_kind(&f.text)),
                        )
                        .field(f.name)
                        .help(match rule_name {
                            "CONTENT" => "write \"content\": [{\"file\": \"URL\"}, ...]",
                            "copy-to" => "write \"copy-to\": [{\"number\": \"...\"}, ...]",
                            _ => "a v2 field holds a JSON string",
                        }),
                    );
                }
                return;
            }
            None => {}
        }
        let container = self
            .code
            .and_then(|code| spec::container_child(code, rule_name));
        if let Some(child) = container {
            self.check_container(f, child, presence, out);
            return;
        }
        if let Some(inner) = f.children.first() {
            out.push(nested(f, inner.name));
            return;
        }
        let value = f.trimmed();
        if value.is_empty() {
            let required = if self.clear() {
                presence == Some(Presence::Required)
            } else {
                f.canonical == "ORIGIN" || Some(f.name) == self.code_name
            };
            if required {
                let message = match (self.clear(), self.code) {
                    (true, Some(code)) => format!("{} is empty; {code} requires a value", f.name),
                    _ => format!("{} is empty", f.name),
                };
                out.push(Finding::new(Rule::EmptyField, f.at, message).field(f.name));
            }
            return;
        }
        if let Some(padded) = padded(f) {
            out.push(padded);
        }
        if let Some(finding) = self.check_value(rule_name, f.name, f.at, value) {
            out.push(finding);
        }
    }

    /// `mixed-dialect`: a field named in another dialect's style.
    pub(super) fn mixed(&self, f: &Element<'_>, canonical: &str) -> Finding {
        let (style, native) = match self.dialect {
            Dialect::V1 => ("hyphenated", canonical.to_string()),
            _ => ("upper-case v1.3", self.named(canonical).to_string()),
        };
        Finding::new(
            Rule::MixedDialect,
            f.at,
            format!(
                "{} is a {style} name in a {} record; read as {native}",
                f.name,
                dialect_words(self.dialect)
            ),
        )
        .field(f.name)
        .help(format!("this dialect writes {native}"))
    }

    /// `unexpected-field` for a documented name, `unknown-field` otherwise.
    pub(super) fn not_expected(&self, f: &Element<'_>, documented: bool) -> Finding {
        let name = f.name;
        if !documented {
            let finding =
                Finding::new(Rule::UnknownField, f.at, format!("unknown field {name}")).field(name);
            let known = dialects::dialect_names(self.dialect);
            return match nearest(name, known.iter().copied()) {
                Some(known) => finding.help(format!("did you mean {known}?")),
                None => finding,
            };
        }
        if self.dialect != Dialect::V1 {
            return Finding::new(
                Rule::UnexpectedField,
                f.at,
                format!(
                    "{} does not carry {name}{} in the {} dialect",
                    self.code_label(),
                    self.variant_note(),
                    dialect_words(self.dialect)
                ),
            )
            .field(name);
        }
        let mut carriers: Vec<String> = Vec::new();
        for set in spec::all_field_sets()
            .iter()
            .filter(|s| s.presence(name).is_some())
        {
            let label = match set.variant {
                Some(v) => format!("{} ({v})", set.code),
                None => set.code.to_string(),
            };
            if !carriers.contains(&label) {
                carriers.push(label);
            }
        }
        let finding = Finding::new(
            Rule::UnexpectedField,
            f.at,
            format!(
                "{} does not carry {name}{}",
                self.code_label(),
                self.variant_note()
            ),
        )
        .field(name);
        if carriers.is_empty() {
            finding
        } else {
            finding.help(format!("{name} is documented for {}", carriers.join(", ")))
        }
    }

    /// A field that holds elements by design (N401 CONTENT holding FILEs).
    pub(super) fn check_container(
        &self,
        f: &Element<'_>,
        child: &str,
        presence: Option<Presence>,
        out: &mut Vec<Finding>,
    ) {
        let child_named = self.named(child);
        if let Some(other) = f.children.iter().find(|c| c.canonical != child) {
            out.push(
                nested(f, other.name).help(format!("{} holds {child_named} elements only", f.name)),
            );
        }
        let mut held = 0;
        for c in f.children.iter().filter(|c| c.canonical == child) {
            held += 1;
            if let Some(inner) = c.children.first() {
                out.push(nested(c, inner.name));
            } else if c.trimmed().is_empty() {
                if self.clear() {
                    out.push(
                        Finding::new(Rule::EmptyField, c.at, format!("{} is empty", c.name))
                            .field(c.name),
                    );
                }
            } else if let Some(padded) = padded(c) {
                out.push(padded);
            }
        }
        if held == 0 && self.clear() && presence == Some(Presence::Required) {
            out.push(
                Finding::new(
                    Rule::EmptyField,
                    f.at,
                    format!(
                        "{} holds no {child_named}; {} requires one",
                        f.name,
                        self.code_label()
                    ),
                )
                .field(f.name)
                .help(match self.dialect {
                    Dialect::V2 => format!("write \"{}\": [{{\"file\": \"URL\"}}]", f.name),
                    _ => format!(
                        "write <{}><{child_named}>...</{child_named}></{}>",
                        f.name, f.name
                    ),
                }),
            );
        }
    }
}

pub(super) fn dialect_words(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::V1 => "v1.3 XML",
        Dialect::Lower => "lower-case XML",
        Dialect::V2 => "v2 JSON",
    }
}

/// "object" or "array", from a nested v2 value's JSON.
pub(super) fn json_kind(raw: &str) -> &'static str {
    if raw.starts_with('[') {
        "array"
    } else {
        "object"
    }
}

pub(super) fn unknown_code(at: usize, field: &str, code: &str, origin: Option<&str>) -> Finding {
    let finding = Finding::new(Rule::UnknownCode, at, format!("unknown code {code}")).field(field);
    // Codes of the same origin first, so a typo lands on a code that fits.
    let same_origin = spec::codes()
        .iter()
        .filter(|c| Some(c.origin) == origin)
        .map(|c| c.code);
    let others = spec::codes()
        .iter()
        .filter(|c| Some(c.origin) != origin)
        .map(|c| c.code);
    match nearest(code, same_origin.chain(others)) {
        Some(near) => finding.help(format!("did you mean {near}?")),
        None => finding.help("`postback codes` lists the documented codes"),
    }
}

pub(super) fn nested(f: &Element<'_>, inner: &str) -> Finding {
    Finding::new(
        Rule::NestedElement,
        f.at,
        format!("{} holds an element <{inner}>", f.name),
    )
    .field(f.name)
    .help("a field holds text only; escape markup in text as &lt;")
}

pub(super) fn padded(f: &Element<'_>) -> Option<Finding> {
    let text: &str = &f.text;
    let value = f.trimmed();
    if value.len() == text.len() {
        return None;
    }
    let leading = !text.starts_with(value);
    let trailing = !text.ends_with(value);
    let side = match (leading, trailing) {
        (true, true) => "leading and trailing",
        (true, false) => "leading",
        _ => "trailing",
    };
    Some(
        Finding::new(
            Rule::PaddedValue,
            f.at,
            format!("{} {} has {side} white space", f.name, shown(text)),
        )
        .field(f.name)
        .help(format!("the value is checked as {}", shown(value))),
    )
}

/// Every element carrying attributes: the field and anything inside it.
pub(super) fn attributes(f: &Element<'_>, out: &mut Vec<Finding>) {
    let report = |e: &Element<'_>, out: &mut Vec<Finding>| {
        if e.has_attributes {
            out.push(
                Finding::new(
                    Rule::Attribute,
                    e.at,
                    format!("{} carries attributes", e.name),
                )
                .field(e.name)
                .help("attributes are not part of the documented format; they are not checked"),
            );
        }
    };
    report(f, out);
    for child in &f.children {
        report(child, out);
        if child.children.is_empty() {
            continue;
        }
        // Deeper nesting is already a finding; walk it without recursion so
        // a hostile depth cannot overflow the stack.
        let mut stack: Vec<&Element<'_>> = child.children.iter().rev().collect();
        while let Some(e) = stack.pop() {
            report(e, out);
            stack.extend(e.children.iter().rev());
        }
    }
}

/// Answers "did this name occur before?" without allocating for an
/// ordinary postback, and without quadratic time for a huge one.
pub(super) enum Seen<'p> {
    Few,
    Many(HashMap<&'p str, usize>),
}

impl<'p> Seen<'p> {
    const FEW: usize = 32;

    pub(super) fn new(fields: &'p [Element<'_>]) -> Self {
        if fields.len() <= Self::FEW {
            return Seen::Few;
        }
        let mut first = HashMap::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            first.entry(f.canonical).or_insert(i);
        }
        Seen::Many(first)
    }

    pub(super) fn is_repeat(&self, fields: &[Element<'_>], i: usize) -> bool {
        let name = fields[i].canonical;
        match self {
            Seen::Few => fields[..i].iter().any(|f| f.canonical == name),
            Seen::Many(first) => first.get(name).is_some_and(|&j| j < i),
        }
    }
}
