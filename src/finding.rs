//! Findings: what a check says about a postback, located in the input.

use std::fmt;

/// How serious a finding is. `--strict` turns warnings into errors for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule ids of `FIELDS.md`, spelled as users grep for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    MalformedXml,
    OversizedRecord,
    MissingField,
    EmptyField,
    DuplicateField,
    UnexpectedField,
    UnknownField,
    UnknownCode,
    OriginMismatch,
    UndocumentedCode,
    NestedElement,
    Attribute,
    Doctype,
    BadTimestamp,
    BadNumber,
    PlusPrefix,
    BadSenderId,
    BadSpid,
    BadMmsid,
    BadInteger,
    BadSentas,
    BadStatus,
    PaddedValue,
    MixedDialect,
    BadJsonValue,
    MalformedJson,
    PrefixedPostback,
}

impl Rule {
    pub const ALL: [Rule; 27] = [
        Rule::MalformedXml,
        Rule::OversizedRecord,
        Rule::MissingField,
        Rule::EmptyField,
        Rule::DuplicateField,
        Rule::UnexpectedField,
        Rule::UnknownField,
        Rule::UnknownCode,
        Rule::OriginMismatch,
        Rule::UndocumentedCode,
        Rule::NestedElement,
        Rule::Attribute,
        Rule::Doctype,
        Rule::BadTimestamp,
        Rule::BadNumber,
        Rule::PlusPrefix,
        Rule::BadSenderId,
        Rule::BadSpid,
        Rule::BadMmsid,
        Rule::BadInteger,
        Rule::BadSentas,
        Rule::BadStatus,
        Rule::PaddedValue,
        Rule::MixedDialect,
        Rule::BadJsonValue,
        Rule::MalformedJson,
        Rule::PrefixedPostback,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::MalformedXml => "malformed-xml",
            Rule::OversizedRecord => "oversized-record",
            Rule::MissingField => "missing-field",
            Rule::EmptyField => "empty-field",
            Rule::DuplicateField => "duplicate-field",
            Rule::UnexpectedField => "unexpected-field",
            Rule::UnknownField => "unknown-field",
            Rule::UnknownCode => "unknown-code",
            Rule::OriginMismatch => "origin-mismatch",
            Rule::UndocumentedCode => "undocumented-code",
            Rule::NestedElement => "nested-element",
            Rule::Attribute => "attribute",
            Rule::Doctype => "doctype",
            Rule::BadTimestamp => "bad-timestamp",
            Rule::BadNumber => "bad-number",
            Rule::PlusPrefix => "plus-prefix",
            Rule::BadSenderId => "bad-sender-id",
            Rule::BadSpid => "bad-spid",
            Rule::BadMmsid => "bad-mmsid",
            Rule::BadInteger => "bad-integer",
            Rule::BadSentas => "bad-sentas",
            Rule::BadStatus => "bad-status",
            Rule::PaddedValue => "padded-value",
            Rule::MixedDialect => "mixed-dialect",
            Rule::BadJsonValue => "bad-json-value",
            Rule::MalformedJson => "malformed-json",
            Rule::PrefixedPostback => "prefixed-postback",
        }
    }

    /// The severity `FIELDS.md` gives the rule.
    pub fn severity(self) -> Severity {
        match self {
            Rule::UnexpectedField
            | Rule::UnknownField
            | Rule::UndocumentedCode
            | Rule::Attribute
            | Rule::PlusPrefix
            | Rule::BadSenderId
            | Rule::PaddedValue
            | Rule::MixedDialect => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One finding about one record. `at` is a byte offset into the record's text
/// (the decoded text for a postback carried in a JSON string or a form body);
/// the engine turns it into a line and column of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub at: usize,
    /// The field the finding is about, when there is one.
    pub field: Option<String>,
    pub message: String,
    /// A short hint on how to fix it, shown under the finding for a person.
    pub help: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, at: usize, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity(),
            at,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = Some(name.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
