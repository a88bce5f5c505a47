//! What `FIELDS.md` documents, as data: codes, field sets, value formats and carriers.

use std::sync::OnceLock;

mod carriers;
pub mod countries;
pub mod dialects;

pub use carriers::{all_carriers, carriers, carriers_for_spid, operators, Carrier};

/// Kept in the crate so the binary needs no files at run time.
const CODES_TSV: &str = include_str!("../data/codes.tsv");
const CARRIERS_TSV: &str = include_str!("../data/carriers.tsv");
const OPERATORS_TSV: &str = include_str!("../data/operators.tsv");

/// Whether `FIELDS.md` documents a field set for a code, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldSetKind {
    /// Section 1: the delivery-report page itself.
    Seed,
    /// Section 4: other pages of the same provider.
    Reference,
    /// Section 6: the provider's later revisions of its page.
    Later,
    /// The code is listed, but nothing says which fields it carries.
    None,
}

impl FieldSetKind {
    /// The spelling used in `codes.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldSetKind::Seed => "seed",
            FieldSetKind::Reference => "reference",
            FieldSetKind::Later => "later",
            FieldSetKind::None => "none",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "seed" => Some(FieldSetKind::Seed),
            "reference" => Some(FieldSetKind::Reference),
            "later" => Some(FieldSetKind::Later),
            "none" => Some(FieldSetKind::None),
            _ => Option::None,
        }
    }
}

/// One row of `codes.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    /// The ORIGIN the code is documented for; `-` accepts any.
    pub origin: &'static str,
    pub meaning: &'static str,
    pub field_set: FieldSetKind,
}

/// Every documented (code, origin) pair, in file order.
pub fn codes() -> &'static [CodeInfo] {
    static CODES: OnceLock<Vec<CodeInfo>> = OnceLock::new();
    CODES.get_or_init(|| parse_codes(CODES_TSV))
}

/// Rows that do not parse are dropped rather than panicking; a unit test
/// pins the row count so a broken edit of the table cannot go unnoticed.
fn parse_codes(text: &'static str) -> Vec<CodeInfo> {
    tsv_rows(text)
        .filter_map(|cols| match cols[..] {
            [code, origin, meaning, field_set] => Some(CodeInfo {
                code,
                origin,
                meaning,
                field_set: FieldSetKind::parse(field_set)?,
            }),
            _ => Option::None,
        })
        .collect()
}

/// Data rows of a tab-separated table, header skipped, CRLF tolerated.
fn tsv_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The rows of `codes.tsv` for this code, under any origin.
pub fn code_rows(code: &str) -> impl Iterator<Item = &'static CodeInfo> + '_ {
    codes().iter().filter(move |info| same(info.code, code))
}

/// String equality for the short names and codes of the tables, without a
/// `memcmp` call per comparison (it showed in profiles: every postback is
/// looked up in these tables several times).
#[inline]
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// What `codes.tsv` says about an (ORIGIN, CODE) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeLookup {
    Documented(&'static CodeInfo),
    /// The code exists, but only under other origins.
    OriginMismatch {
        documented_for: Vec<&'static str>,
    },
    Unknown,
}

pub fn lookup_code(origin: &str, code: &str) -> CodeLookup {
    let mut exists = false;
    for info in code_rows(code) {
        if same(info.origin, origin) || info.origin == "-" {
            return CodeLookup::Documented(info);
        }
        exists = true;
    }
    if exists {
        CodeLookup::OriginMismatch {
            documented_for: code_rows(code).map(|info| info.origin).collect(),
        }
    } else {
        CodeLookup::Unknown
    }
}

/// How a field of a field set must appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Present with a non-blank value.
    Required,
    /// Present, blank allowed.
    RequiredMayBeEmpty,
    /// May be absent; may be blank.
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    pub name: &'static str,
    pub presence: Presence,
}

/// The fields one documented postback carries. A field not listed is not expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSet {
    pub origin: &'static str,
    pub code: &'static str,
    /// Which of several sets of the same code this is, e.g. `SENTAS=MMS`.
    pub variant: Option<&'static str>,
    pub fields: &'static [FieldRule],
    /// Allowed STATUS values, exact; empty when the code has no STATUS rule.
    pub statuses: &'static [&'static str],
    /// At least one of these must be present with a value (each is listed as optional).
    pub one_of: &'static [&'static str],
    /// The SENTAS value this set requires (it also selects the variant).
    pub sentas: Option<&'static str>,
}

impl FieldSet {
    /// How this set wants `name`, or `None` when it does not expect it.
    pub fn presence(&self, name: &str) -> Option<Presence> {
        self.fields
            .iter()
            .find(|rule| same(rule.name, name))
            .map(|rule| rule.presence)
    }
}

const fn r(name: &'static str) -> FieldRule {
    FieldRule {
        name,
        presence: Presence::Required,
    }
}

const fn o(name: &'static str) -> FieldRule {
    FieldRule {
        name,
        presence: Presence::Optional,
    }
}

/// N201; also E202, which is "as N202 but AGGREGATORID optional", i.e. the same fields.
const SMS_SENT: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    r("FROM"),
    o("FROM_MASK"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    o("AGGREGATORID"),
    o("STATUSDETAILS"),
];

const SMS_DELIVERED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    r("FROM"),
    o("FROM_MASK"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    r("AGGREGATORID"),
    o("STATUSDETAILS"),
];

const MMS_SENT: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    r("SENTAS"),
    r("MMSID"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    o("AGGREGATORID"),
    o("STATUSDETAILS"),
];

const MMS_DELIVERED_BINARY: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    r("SENTAS"),
    r("MMSID"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    r("AGGREGATORID"),
    r("HANDSET"),
    o("OS"),
    o("STATUSDETAILS"),
];

/// N102 SENTAS=SMS and MMS_MT N202 share one column of the table.
const MMS_DELIVERED_AS_SMS: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    r("SENTAS"),
    o("MMSID"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    r("AGGREGATORID"),
    o("STATUSDETAILS"),
];

const MMS_FAILED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    o("SENTAS"),
    r("MMSID"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    o("TIMESTAMP"),
    r("STATUSDETAILS"),
];

/// E102 (section 6, D1): every published example's fields required; the
/// TIMESTAMP and AGGREGATORID a later revision added, and SENTAS, optional.
const MMS_DELIVERY_FAILED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("STATUS"),
    o("SENTAS"),
    r("MMSID"),
    r("FROM"),
    r("TO"),
    r("TRACKINGID"),
    r("SPID"),
    o("TIMESTAMP"),
    o("AGGREGATORID"),
    r("STATUSDETAILS"),
];

const MMS_SAVED: &[FieldRule] = &[r("ORIGIN"), r("CODE"), r("MMSID")];

const MMS_SAVE_FAILED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("MMSID"),
    o("AUDIONAME"),
    o("VIDEONAME"),
];

const SMS_RECEIVED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("FROM"),
    r("TO"),
    r("TEXT"),
    r("RECEIVED"),
    r("TRANSACTIONID"),
];

const MMS_RECEIVED: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("FROM"),
    r("TO"),
    o("KEYWORD"),
    o("SUBJECT"),
    r("TRACKINGID"),
    r("SPID"),
    r("TIMESTAMP"),
    r("CONTENT"),
];

const SUBSCRIPTION: &[FieldRule] = &[
    r("ORIGIN"),
    r("CODE"),
    r("MOBILE"),
    r("CAMPAIGNID"),
    r("TIMESTAMP"),
    r("SHORTCODE"),
    r("CAMPAIGNTITLE"),
    r("BRANDNAME"),
    r("SOURCE"),
];

const EMAIL_SUBSCRIPTION: &[FieldRule] = &[r("ORIGIN"), r("CODE"), r("EMAIL"), r("CAMPAIGNID")];

/// Pass postbacks carry their code in STATUSCODE and have no CODE element.
const PASS_GENERATED: &[FieldRule] = &[
    r("ORIGIN"),
    r("STATUSCODE"),
    r("REFERENCEDBY"),
    r("REFERENCEVALUE"),
    o("CUSTOMPASSID"),
    r("PASSDATAID"),
    r("SERIALNUMBER"),
    r("TIMESTAMP"),
];

const fn set(
    origin: &'static str,
    code: &'static str,
    fields: &'static [FieldRule],
    statuses: &'static [&'static str],
) -> FieldSet {
    FieldSet {
        origin,
        code,
        variant: None,
        fields,
        statuses,
        one_of: &[],
        sentas: None,
    }
}

const N102_STATUSES: &[&str] = &[
    "Message Sent/Delivered",
    "Message Sent/Expired",
    "Message Sent/Rejected",
];

/// E102 and E502 (section 6, D2): the four values of the variable table.
const MMS_DELIVERY_FAILED_STATUSES: &[&str] = &[
    "Message Sent/Expired",
    "Message Sent/Rejected",
    "Message Sent/Failed",
    "Message Sent/NotSupported",
];

/// N102 and N502: one variant per SENTAS value, adjacent.
const fn delivered(code: &'static str, statuses: &'static [&'static str]) -> [FieldSet; 2] {
    [
        FieldSet {
            variant: Some("SENTAS=MMS"),
            sentas: Some("MMS"),
            ..set("MMS_MT", code, MMS_DELIVERED_BINARY, statuses)
        },
        FieldSet {
            variant: Some("SENTAS=SMS"),
            sentas: Some("SMS"),
            ..set("MMS_MT", code, MMS_DELIVERED_AS_SMS, statuses)
        },
    ]
}

const N102: [FieldSet; 2] = delivered("N102", N102_STATUSES);
const N502: [FieldSet; 2] = delivered("N502", &["Message Sent/Delivered"]);

/// Every documented field set. Variants of one code are adjacent: `field_sets`
/// returns them as one slice.
static FIELD_SETS: &[FieldSet] = &[
    // Section 1.
    set(
        "SMS_MT",
        "N201",
        SMS_SENT,
        &["Message Sent", "Message Failed"],
    ),
    set(
        "SMS_MT",
        "N202",
        SMS_DELIVERED,
        &["Message Sent/Delivered", "Message Sent/Failed"],
    ),
    set("MMS_MT", "N101", MMS_SENT, &["Message Sent"]),
    N102[0],
    N102[1],
    FieldSet {
        sentas: Some("SMS"),
        ..set(
            "MMS_MT",
            "N202",
            MMS_DELIVERED_AS_SMS,
            &["Message Sent/Delivered"],
        )
    },
    set("MMS_MT", "E101", MMS_FAILED, &["Message Failed"]),
    set("MMS_MT", "N003", MMS_SAVED, &[]),
    FieldSet {
        one_of: &["AUDIONAME", "VIDEONAME"],
        ..set("MMS_MT", "E002", MMS_SAVE_FAILED, &[])
    },
    // Section 4.
    set("SMS_MT", "E201", SMS_SENT, &["Message Failed"]),
    set(
        "SMS_MT",
        "E202",
        SMS_SENT,
        &[
            "Message Sent/Failed",
            "Message Sent/Expired",
            "Message Sent/NotSupported",
        ],
    ),
    set("SMS_MO", "N211", SMS_RECEIVED, &[]),
    set("MMS_MO", "N401", MMS_RECEIVED, &[]),
    set("SUB", "N301", SUBSCRIPTION, &[]),
    set("SUB", "N302", SUBSCRIPTION, &[]),
    set("EMAIL_SUB", "N303", EMAIL_SUBSCRIPTION, &[]),
    set("EMAIL_SUB", "N304", EMAIL_SUBSCRIPTION, &[]),
    set("GENERATE_PASS", "N801", PASS_GENERATED, &[]),
    // Section 6.
    set(
        "MMS_MT",
        "E102",
        MMS_DELIVERY_FAILED,
        MMS_DELIVERY_FAILED_STATUSES,
    ),
    set("MMS_MT", "N501", MMS_SENT, &["Message Sent"]),
    N502[0],
    N502[1],
];

/// STATUS lists of codes without a field set (section 6, D3): only these
/// values and the value formats are checked.
static STATUS_ONLY: &[(&str, &str, &[&str])] = &[
    ("MMS_MT", "E501", &["Message Failed"]),
    ("MMS_MT", "E502", MMS_DELIVERY_FAILED_STATUSES),
];

/// STATUS values a later revision moved to another code (section 6, D6):
/// (ORIGIN, CODE, STATUS, the code that carries it since). Still valid.
const MOVED_STATUSES: &[(&str, &str, &str, &str)] = &[
    ("MMS_MT", "N102", "Message Sent/Expired", "E102"),
    ("MMS_MT", "N102", "Message Sent/Rejected", "E102"),
    ("SMS_MT", "N202", "Message Sent/Failed", "E202"),
];

/// The code that later carried this (ORIGIN, CODE)'s STATUS, when one did.
pub fn later_code(origin: &str, code: &str, status: &str) -> Option<&'static str> {
    MOVED_STATUSES
        .iter()
        .find(|(o, c, s, _)| same(o, origin) && same(c, code) && same(s, status))
        .map(|&(_, _, _, later)| later)
}

/// The STATUS list of a code that has no field set (E501, E502); empty otherwise.
pub fn status_only(origin: &str, code: &str) -> &'static [&'static str] {
    STATUS_ONLY
        .iter()
        .find(|(o, c, _)| same(o, origin) && same(c, code))
        .map_or(&[], |&(_, _, list)| list)
}

/// Every documented field set, in the order of `FIELDS.md`.
pub fn all_field_sets() -> &'static [FieldSet] {
    FIELD_SETS
}

/// The documented variant(s) of an (ORIGIN, CODE) pair; empty when none is documented.
pub fn field_sets(origin: &str, code: &str) -> &'static [FieldSet] {
    let matches = |s: &FieldSet| same(s.code, code) && same(s.origin, origin);
    match FIELD_SETS.iter().position(matches) {
        Some(start) => {
            let len = FIELD_SETS[start..]
                .iter()
                .take_while(|s| matches(s))
                .count();
            &FIELD_SETS[start..start + len]
        }
        None => &[],
    }
}

/// The fields of the provider's delivery reports, in CLI.md's order: the
/// stable columns of `convert` and the first names suggestions try.
pub const COMMON_FIELDS: [&str; 17] = [
    "ORIGIN",
    "CODE",
    "STATUS",
    "SENTAS",
    "MMSID",
    "FROM",
    "FROM_MASK",
    "TO",
    "TRACKINGID",
    "SPID",
    "TIMESTAMP",
    "AGGREGATORID",
    "HANDSET",
    "OS",
    "STATUSDETAILS",
    "AUDIONAME",
    "VIDEONAME",
];

/// The other element names `FIELDS.md` documents (incoming messages, N401,
/// wallet passes).
const OTHER_FIELDS: [&str; 20] = [
    "TEXT",
    "RECEIVED",
    "TRANSACTIONID",
    "KEYWORD",
    "SUBJECT",
    "CONTENT",
    "FILE",
    "MOBILE",
    "CAMPAIGNID",
    "SHORTCODE",
    "CAMPAIGNTITLE",
    "BRANDNAME",
    "SOURCE",
    "EMAIL",
    "STATUSCODE",
    "REFERENCEDBY",
    "REFERENCEVALUE",
    "CUSTOMPASSID",
    "PASSDATAID",
    "SERIALNUMBER",
];

/// Every element name documented anywhere in `FIELDS.md`; anything else is
/// an `unknown-field`. Ordered so the common names win ties in suggestions.
pub const KNOWN_FIELDS: &[&str] = &known_fields();

const fn known_fields() -> [&'static str; COMMON_FIELDS.len() + OTHER_FIELDS.len()] {
    let mut all = [""; COMMON_FIELDS.len() + OTHER_FIELDS.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = if i < COMMON_FIELDS.len() {
            COMMON_FIELDS[i]
        } else {
            OTHER_FIELDS[i - COMMON_FIELDS.len()]
        };
        i += 1;
    }
    all
}

pub fn is_known_field(name: &str) -> bool {
    KNOWN_FIELDS.contains(&name)
}

/// Fields that hold elements instead of text: (code, field, the element it holds).
/// Any other element inside a field is a `nested-element`.
const CONTAINERS: &[(&str, &str, &str)] = &[("N401", "CONTENT", "FILE")];

/// The element `field` holds under `code`, when it is a container there.
pub fn container_child(code: &str, field: &str) -> Option<&'static str> {
    CONTAINERS
        .iter()
        .find(|(c, f, _)| *c == code && *f == field)
        .map(|&(_, _, child)| child)
}

/// Which way a postback's message travelled, from its ORIGIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Mobile terminated: we sent to a handset; TO is the handset.
    Mt,
    /// Mobile originated: a handset sent to us; FROM is the handset.
    Mo,
    Unknown,
}

const DIRECTIONS: &[(&str, Direction)] = &[
    ("SMS_MT", Direction::Mt),
    ("MMS_MT", Direction::Mt),
    ("SMS_MO", Direction::Mo),
    ("MMS_MO", Direction::Mo),
];

pub fn direction(origin: &str) -> Direction {
    DIRECTIONS
        .iter()
        .find(|(o, _)| *o == origin)
        .map_or(Direction::Unknown, |&(_, d)| d)
}

/// The role a number field plays, before the direction says which kind of number it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberField {
    To,
    From,
    /// Always a handset number (MOBILE).
    Handset,
    /// Always a sender/receiving code (SHORTCODE).
    Code,
}

/// The kind of number a field must hold, with its digit count range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberKind {
    Handset,
    Code,
    /// The direction is unknown: the looser of the two.
    Either,
}

impl NumberKind {
    pub fn digits(self) -> std::ops::RangeInclusive<usize> {
        match self {
            NumberKind::Handset => 7..=15,
            NumberKind::Code | NumberKind::Either => 3..=15,
        }
    }

    /// What the number is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            NumberKind::Handset => "a handset number",
            NumberKind::Code => "a sender or receiving code",
            NumberKind::Either => "a phone number or short code",
        }
    }
}

impl NumberField {
    pub fn kind(self, direction: Direction) -> NumberKind {
        match (self, direction) {
            (NumberField::Handset, _)
            | (NumberField::To, Direction::Mt)
            | (NumberField::From, Direction::Mo) => NumberKind::Handset,
            (NumberField::Code, _)
            | (NumberField::From, Direction::Mt)
            | (NumberField::To, Direction::Mo) => NumberKind::Code,
            (_, Direction::Unknown) => NumberKind::Either,
        }
    }
}

/// The value format a field must follow (section 2), wherever it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueFormat {
    Timestamp,
    Number(NumberField),
    /// Alphanumeric sender ID: up to 11 ASCII letters, digits and spaces.
    SenderId,
    Spid,
    Mmsid,
    /// CAMPAIGNID, PASSDATAID.
    PositiveInteger,
    Sentas,
    /// Checked against the code's list, when it has one.
    Status,
}

const VALUE_FORMATS: &[(&str, ValueFormat)] = &[
    ("TIMESTAMP", ValueFormat::Timestamp),
    ("RECEIVED", ValueFormat::Timestamp),
    ("TO", ValueFormat::Number(NumberField::To)),
    ("FROM", ValueFormat::Number(NumberField::From)),
    ("MOBILE", ValueFormat::Number(NumberField::Handset)),
    ("SHORTCODE", ValueFormat::Number(NumberField::Code)),
    ("FROM_MASK", ValueFormat::SenderId),
    ("SPID", ValueFormat::Spid),
    ("MMSID", ValueFormat::Mmsid),
    ("CAMPAIGNID", ValueFormat::PositiveInteger),
    ("PASSDATAID", ValueFormat::PositiveInteger),
    ("SENTAS", ValueFormat::Sentas),
    ("STATUS", ValueFormat::Status),
];

pub fn value_format(name: &str) -> Option<ValueFormat> {
    VALUE_FORMATS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, f)| f)
}

/// The SENTAS values there are.
pub const SENTAS_VALUES: &[&str] = &["MMS", "SMS"];

/// FROM_MASK length limit, in characters.
pub const SENDER_ID_MAX: usize = 11;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_code_rows_parse() {
        assert_eq!(codes().len(), 36);
        let data_rows = CODES_TSV.lines().skip(1).filter(|l| !l.is_empty()).count();
        assert_eq!(codes().len(), data_rows);
        assert!(codes()
            .iter()
            .all(|c| !c.code.is_empty() && !c.meaning.is_empty()));
    }

    #[test]
    fn lookup_by_origin_and_code() {
        match lookup_code("MMS_MT", "N202") {
            CodeLookup::Documented(info) => {
                assert_eq!(
                    info.meaning,
                    "MMS delivered to the handset as a fallback SMS"
                );
                assert_eq!(info.field_set, FieldSetKind::Seed);
            }
            other => panic!("{other:?}"),
        }
        match lookup_code("SMS_MT", "N202") {
            CodeLookup::Documented(info) => assert_eq!(info.origin, "SMS_MT"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            lookup_code("SMS_MT", "N101"),
            CodeLookup::OriginMismatch {
                documented_for: vec!["MMS_MT"]
            }
        );
        assert_eq!(lookup_code("SMS_MT", "N999"), CodeLookup::Unknown);
        assert_eq!(lookup_code("SMS_MT", "n201"), CodeLookup::Unknown);
        match lookup_code("WHATEVER", "E999") {
            CodeLookup::Documented(info) => assert_eq!(info.field_set, FieldSetKind::None),
            other => panic!("{other:?}"),
        }
        match lookup_code("SUB", "E202") {
            CodeLookup::OriginMismatch { documented_for } => {
                assert_eq!(documented_for, vec!["MMS_MT", "SMS_MT"])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn field_sets_match_codes_table() {
        for info in codes() {
            let sets = field_sets(info.origin, info.code);
            match info.field_set {
                FieldSetKind::None => assert!(sets.is_empty(), "{info:?}"),
                _ => assert!(!sets.is_empty(), "{info:?} has no field set"),
            }
        }
        for s in FIELD_SETS {
            assert!(
                matches!(lookup_code(s.origin, s.code), CodeLookup::Documented(i) if i.field_set != FieldSetKind::None),
                "{} {} is not a documented code with a field set",
                s.origin,
                s.code
            );
            for rule in s.fields {
                assert!(
                    is_known_field(rule.name),
                    "{} not in KNOWN_FIELDS",
                    rule.name
                );
            }
            for name in s.one_of {
                assert!(s.presence(name).is_some());
            }
        }
        // Variants must be adjacent for `field_sets` to return them all.
        for s in FIELD_SETS {
            let n = FIELD_SETS
                .iter()
                .filter(|t| t.origin == s.origin && t.code == s.code)
                .count();
            assert_eq!(field_sets(s.origin, s.code).len(), n);
        }
    }

    #[test]
    fn n102_has_two_variants() {
        let sets = field_sets("MMS_MT", "N102");
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].variant, Some("SENTAS=MMS"));
        assert_eq!(sets[0].presence("HANDSET"), Some(Presence::Required));
        assert_eq!(sets[1].variant, Some("SENTAS=SMS"));
        assert_eq!(sets[1].presence("HANDSET"), None);
        assert_eq!(sets[1].presence("MMSID"), Some(Presence::Optional));
        let n202 = field_sets("MMS_MT", "N202");
        assert_eq!(n202.len(), 1);
        assert_eq!(n202[0].sentas, Some("SMS"));
        assert_eq!(n202[0].statuses, &["Message Sent/Delivered"]);
        assert!(field_sets("MMS_MT", "E003").is_empty());
        assert!(field_sets("SMS_MT", "N101").is_empty());
    }

    #[test]
    fn reference_sets() {
        let e202 = &field_sets("SMS_MT", "E202")[0];
        assert_eq!(e202.presence("AGGREGATORID"), Some(Presence::Optional));
        assert_eq!(e202.statuses.len(), 3);
        let n801 = &field_sets("GENERATE_PASS", "N801")[0];
        assert_eq!(n801.presence("CODE"), None);
        assert_eq!(n801.presence("STATUSCODE"), Some(Presence::Required));
        assert_eq!(n801.presence("CUSTOMPASSID"), Some(Presence::Optional));
        let n401 = &field_sets("MMS_MO", "N401")[0];
        assert_eq!(n401.presence("CONTENT"), Some(Presence::Required));
        assert_eq!(
            field_sets("SUB", "N302")[0].presence("SOURCE"),
            Some(Presence::Required)
        );
    }

    #[test]
    fn known_fields_are_unique() {
        for (i, a) in KNOWN_FIELDS.iter().enumerate() {
            assert!(!KNOWN_FIELDS[i + 1..].contains(a), "{a} twice");
        }
        for (name, _) in VALUE_FORMATS {
            assert!(is_known_field(name));
        }
    }

    #[test]
    fn directions_and_number_kinds() {
        assert_eq!(
            NumberField::To.kind(direction("SMS_MT")),
            NumberKind::Handset
        );
        assert_eq!(
            NumberField::From.kind(direction("MMS_MT")),
            NumberKind::Code
        );
        assert_eq!(
            NumberField::From.kind(direction("SMS_MO")),
            NumberKind::Handset
        );
        assert_eq!(NumberField::To.kind(direction("MMS_MO")), NumberKind::Code);
        assert_eq!(NumberField::To.kind(direction("SUB")), NumberKind::Either);
        assert_eq!(
            NumberField::Handset.kind(Direction::Unknown),
            NumberKind::Handset
        );
        assert_eq!(NumberField::Code.kind(Direction::Mt), NumberKind::Code);
        assert_eq!(value_format("RECEIVED"), Some(ValueFormat::Timestamp));
        assert_eq!(value_format("TRACKINGID"), None);
    }

    #[test]
    fn operator_list_fills_the_carrier_table_gaps() {
        assert_eq!(operators().len(), 85);
        assert!(operators()
            .iter()
            .all(|o| o.spid.len() == 7 && o.country == "United States"));
        let added = all_carriers().len() - carriers().len();
        assert_eq!(added, 59);
    }

    #[test]
    fn carrier_table() {
        let all = carriers();
        let data_rows = CARRIERS_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(all.len(), data_rows);
        assert_eq!(
            all[0],
            Carrier {
                spid: "0001000",
                country: "United States",
                carrier: "All Carriers"
            }
        );
        let at_t = carriers_for_spid("0001470");
        assert_eq!(at_t.len(), 1);
        assert_eq!(at_t[0].carrier, "AT&T");
        let twice: Vec<_> = ["0001100", "0007000", "0262000"]
            .iter()
            .map(|s| carriers_for_spid(s).len())
            .collect();
        assert_eq!(twice, vec![2, 2, 2]);
        // Named by the operator list only.
        let alltel = carriers_for_spid("0001140");
        assert_eq!(alltel.len(), 1);
        assert_eq!(alltel[0].carrier, "Alltel-Verizon");
        assert_eq!(alltel[0].country, "United States");
        // The carrier table wins where both name an SPID.
        assert_eq!(carriers_for_spid("0001890")[0].carrier, "Verizon Wireless");
        assert!(carriers_for_spid("0009999").is_empty());
        assert!(all.iter().all(|c| c.spid.len() == 7));
        let repeated = all
            .iter()
            .enumerate()
            .filter(|(i, c)| all[..*i].iter().any(|d| d.spid == c.spid))
            .count();
        assert_eq!(repeated, 3);
    }
}
