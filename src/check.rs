//! Sections 1-4 of `FIELDS.md`: the findings about one parsed postback.

mod values;

pub use values::parse_timestamp;

use std::collections::HashMap;

use crate::dialect::Dialect;
use crate::finding::{Finding, Rule};
use crate::postback::{Element, JsonValue, Postback};
use crate::spec::dialects::{self, NameClass};
use crate::spec::{self, CodeLookup, Direction, FieldSet, NumberField, Presence, ValueFormat};

use values::shown;
pub use values::utc_micros;

/// Checks one postback against `FIELDS.md` sections 1-4, appends the findings
/// to `out`, then sorts `out` stably by offset.
pub fn check(pb: &Postback<'_>, out: &mut Vec<Finding>) {
    let ctx = Context::identify(pb, out);
    if pb.has_attributes {
        out.push(
            Finding::new(Rule::Attribute, 0, "POSTBACK carries attributes")
                .help("attributes are not part of the documented format; they are not checked"),
        );
    }
    ctx.missing_fields(pb, out);
    let seen = Seen::new(&pb.fields);
    for (i, field) in pb.fields.iter().enumerate() {
        ctx.check_field(field, seen.is_repeat(&pb.fields, i), out);
    }
    out.sort_by_key(|f| f.at);
}

/// What the postback is, as far as its ORIGIN and CODE tell.
struct Context<'p> {
    dialect: Dialect,
    origin: Option<&'p str>,
    code: Option<&'p str>,
    /// The element holding the code (CODE, or STATUSCODE for pass postbacks).
    code_name: Option<&'p str>,
    direction: Direction,
    /// The field set(s) in force: one, or both N102 variants merged when
    /// SENTAS does not pick one. Empty when the code is unclear, which turns
    /// off the field-set findings.
    sets: &'static [FieldSet],
    /// Set when SENTAS picked one of several variants, for messages.
    variant_sentas: Option<&'static str>,
    /// The STATUS list of a code without a field set (E501, E502).
    status_only: &'static [&'static str],
    /// STATUS values the dialect allows beyond the lists.
    extra_statuses: &'static [&'static str],
}

impl<'p> Context<'p> {
    /// Works out the code and reports the findings that make it unclear.
    fn identify(pb: &'p Postback<'_>, out: &mut Vec<Finding>) -> Self {
        let origin_el = pb.field("ORIGIN");
        let origin = origin_el.map(Element::trimmed).filter(|o| !o.is_empty());
        // CODE wins over STATUSCODE, as in `Postback::code`, so every command names the same code.
        let code_el = pb.field("CODE").or_else(|| pb.field("STATUSCODE"));
        let code = code_el.map(Element::trimmed).filter(|c| !c.is_empty());
        let dialect = pb.dialect;
        let mut ctx = Context {
            dialect,
            origin,
            code,
            code_name: code_el.map(|e| e.name),
            direction: origin.map_or(Direction::Unknown, spec::direction),
            sets: &[],
            variant_sentas: None,
            status_only: &[],
            extra_statuses: &[],
        };
        let named = |canonical: &'static str| {
            dialects::written_name(dialect, canonical).unwrap_or(canonical)
        };

        // Empty ORIGIN/CODE values are reported by the field loop, which sees every occurrence.
        if origin_el.is_none() {
            let name = named("ORIGIN");
            out.push(
                Finding::new(Rule::MissingField, 0, format!("postback has no {name}"))
                    .field(name)
                    .help(format!(
                        "{name} and {} together say which notification this is",
                        named("CODE")
                    )),
            );
        }
        let (Some(code), Some(code_el)) = (code, code_el) else {
            if code_el.is_none() {
                let name = if origin == Some("GENERATE_PASS") && dialect == Dialect::V1 {
                    "STATUSCODE"
                } else {
                    named("CODE")
                };
                out.push(
                    Finding::new(Rule::MissingField, 0, format!("postback has no {name}"))
                        .field(name),
                );
            }
            return ctx;
        };
        let at = code_el.at;
        let field = code_el.name;
        let Some(origin) = origin else {
            if spec::code_rows(code).next().is_none() {
                out.push(unknown_code(at, field, code, None));
            }
            return ctx;
        };
        match spec::lookup_code(origin, code) {
            CodeLookup::Documented(info) => {
                let sets = dialects::field_sets(dialect, origin, code);
                ctx.extra_statuses = dialects::extra_statuses(dialect, origin, code);
                if sets.is_empty() {
                    if dialect != Dialect::V2 {
                        ctx.status_only = spec::status_only(origin, code);
                    }
                    let documented_elsewhere =
                        dialect != Dialect::V1 && !spec::field_sets(origin, code).is_empty();
                    let checked = if ctx.status_only.is_empty() {
                        "only value formats were checked"
                    } else {
                        "only STATUS and value formats were checked"
                    };
                    let scope = if documented_elsewhere {
                        format!(" in the {} dialect", dialect_words(dialect))
                    } else {
                        String::new()
                    };
                    out.push(
                        Finding::new(
                            Rule::UndocumentedCode,
                            at,
                            format!(
                                "{origin} {code} has no documented field set{scope}; {checked}"
                            ),
                        )
                        .field(field)
                        .help(format!("{code}: {}", info.meaning)),
                    );
                }
                ctx.choose_sets(pb, sets);
            }
            CodeLookup::OriginMismatch { documented_for } => {
                let documented = documented_for.join(" and ");
                out.push(
                    Finding::new(
                        Rule::OriginMismatch,
                        at,
                        format!("{code} is documented for {documented}, not {origin}"),
                    )
                    .field(field)
                    .help(format!(
                        "ORIGIN {origin} has no {code}: check ORIGIN and {field}"
                    )),
                );
            }
            CodeLookup::Unknown => out.push(unknown_code(at, field, code, Some(origin))),
        }
        ctx
    }

    /// Picks the variant SENTAS names; without a valid SENTAS all variants
    /// count together: required by all, allowed by any.
    fn choose_sets(&mut self, pb: &Postback<'_>, sets: &'static [FieldSet]) {
        self.sets = sets;
        if sets.len() > 1 {
            let sentas = pb.value("SENTAS");
            if let Some(i) = sets
                .iter()
                .position(|s| s.sentas.is_some() && s.sentas == sentas)
            {
                self.sets = &sets[i..=i];
                self.variant_sentas = sets[i].sentas;
            }
        }
    }

    fn clear(&self) -> bool {
        !self.sets.is_empty()
    }

    /// The SENTAS the code demands (MMS_MT N202: SMS; v2 SMS_MT: SMS), when it demands one.
    fn required_sentas(&self) -> Option<&'static str> {
        if self.dialect == Dialect::V2 && self.origin == Some("SMS_MT") {
            return Some("SMS");
        }
        match self.sets {
            [only] => only.sentas,
            _ => None,
        }
    }

    /// How the record's dialect writes a canonical field name.
    fn named<'n>(&self, canonical: &'n str) -> &'n str {
        dialects::written_name(self.dialect, canonical).unwrap_or(canonical)
    }

    /// How the sets in force want a field; `None`: not expected.
    fn presence(&self, name: &str) -> Option<Presence> {
        let rank = |p: Presence| match p {
            Presence::Optional => 0,
            Presence::RequiredMayBeEmpty => 1,
            Presence::Required => 2,
        };
        if !dialects::has_field(self.dialect, name) {
            return None;
        }
        let mut found = false;
        let mut weakest = Presence::Required;
        for set in self.sets {
            // A field one variant lacks is at most optional in the merge.
            let p = match set.presence(name) {
                Some(p) => {
                    found = true;
                    p
                }
                None => Presence::Optional,
            };
            if rank(p) < rank(weakest) {
                weakest = p;
            }
        }
        found.then_some(weakest)
    }

    /// The code as messages name it.
    fn code_label(&self) -> &str {
        self.code.unwrap_or("this code")
    }

    /// " when SENTAS is MMS" when a variant was picked, so the reason is visible.
    fn variant_note(&self) -> String {
        self.variant_sentas
            .map(|s| format!(" when {} is {s}", self.named("SENTAS")))
            .unwrap_or_default()
    }

    fn missing_fields(&self, pb: &Postback<'_>, out: &mut Vec<Finding>) {
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

    fn check_field(&self, f: &Element<'_>, repeat: bool, out: &mut Vec<Finding>) {
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
    fn mixed(&self, f: &Element<'_>, canonical: &str) -> Finding {
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
    fn not_expected(&self, f: &Element<'_>, documented: bool) -> Finding {
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
    fn check_container(
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

    /// Section 2 (and DIALECTS.md 5), for a trimmed, non-blank value of the
    /// canonical field `rule`, written `name`.
    fn check_value(&self, rule: &str, name: &str, at: usize, value: &str) -> Option<Finding> {
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
    fn alphanumeric_sender(&self, value: &str) -> bool {
        self.dialect == Dialect::V2
            && self.origin == Some("SMS_MT")
            && value.bytes().any(|b| b.is_ascii_alphabetic())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b' ')
    }

    fn sentas(&self, name: &str, at: usize, value: &str) -> Option<Finding> {
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
    fn status(&self, name: &str, at: usize, value: &str) -> Option<Finding> {
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

fn dialect_words(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::V1 => "v1.3 XML",
        Dialect::Lower => "lower-case XML",
        Dialect::V2 => "v2 JSON",
    }
}

/// "object" or "array", from a nested v2 value's JSON.
fn json_kind(raw: &str) -> &'static str {
    if raw.starts_with('[') {
        "array"
    } else {
        "object"
    }
}

fn unknown_code(at: usize, field: &str, code: &str, origin: Option<&str>) -> Finding {
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

fn nested(f: &Element<'_>, inner: &str) -> Finding {
    Finding::new(
        Rule::NestedElement,
        f.at,
        format!("{} holds an element <{inner}>", f.name),
    )
    .field(f.name)
    .help("a field holds text only; escape markup in text as &lt;")
}

fn padded(f: &Element<'_>) -> Option<Finding> {
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
fn attributes(f: &Element<'_>, out: &mut Vec<Finding>) {
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
enum Seen<'p> {
    Few,
    Many(HashMap<&'p str, usize>),
}

impl<'p> Seen<'p> {
    const FEW: usize = 32;

    fn new(fields: &'p [Element<'_>]) -> Self {
        if fields.len() <= Self::FEW {
            return Seen::Few;
        }
        let mut first = HashMap::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            first.entry(f.canonical).or_insert(i);
        }
        Seen::Many(first)
    }

    fn is_repeat(&self, fields: &[Element<'_>], i: usize) -> bool {
        let name = fields[i].canonical;
        match self {
            Seen::Few => fields[..i].iter().any(|f| f.canonical == name),
            Seen::Many(first) => first.get(name).is_some_and(|&j| j < i),
        }
    }
}

/// The candidate closest to `word`: equal ignoring case first, then the
/// smallest edit distance, if small for the word's length.
pub fn nearest<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str> + Clone,
) -> Option<&'c str> {
    if let Some(same) = candidates.clone().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    let len = word.chars().count();
    let limit = match len {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    // Names and codes are short; a long word is nobody's typo of them.
    if len > 64 {
        return None;
    }
    let word: Vec<char> = word.chars().flat_map(char::to_uppercase).collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let cand: Vec<char> = c.chars().flat_map(char::to_uppercase).collect();
        let d = edit_distance(&word, &cand);
        let better = match best {
            Some((b, _)) => d < b,
            None => true,
        };
        if d <= limit && better {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance: a swap of neighbours counts as one edit.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests;
