//! Which code a postback is and which field set applies, from its ORIGIN,
//! CODE (or STATUSCODE) and SENTAS; the findings that leave it unclear.

use super::*;

impl<'p> Context<'p> {
    /// Works out the code and reports the findings that make it unclear.
    pub(super) fn identify(pb: &'p Postback<'_>, out: &mut Vec<Finding>) -> Self {
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
    pub(super) fn choose_sets(&mut self, pb: &Postback<'_>, sets: &'static [FieldSet]) {
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

    pub(super) fn clear(&self) -> bool {
        !self.sets.is_empty()
    }

    /// The SENTAS the code demands (MMS_MT N202: SMS; v2 SMS_MT: SMS), when it demands one.
    pub(super) fn required_sentas(&self) -> Option<&'static str> {
        if self.dialect == Dialect::V2 && self.origin == Some("SMS_MT") {
            return Some("SMS");
        }
        match self.sets {
            [only] => only.sentas,
            _ => None,
        }
    }

    /// How the record's dialect writes a canonical field name.
    pub(super) fn named<'n>(&self, canonical: &'n str) -> &'n str {
        dialects::written_name(self.dialect, canonical).unwrap_or(canonical)
    }

    /// How the sets in force want a field; `None`: not expected.
    pub(super) fn presence(&self, name: &str) -> Option<Presence> {
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
    pub(super) fn code_label(&self) -> &str {
        self.code.unwrap_or("this code")
    }

    /// " when SENTAS is MMS" when a variant was picked, so the reason is visible.
    pub(super) fn variant_note(&self) -> String {
        self.variant_sentas
            .map(|s| format!(" when {} is {s}", self.named("SENTAS")))
            .unwrap_or_default()
    }
}
