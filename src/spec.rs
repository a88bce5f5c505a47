//! What `FIELDS.md` documents, as data: codes, field sets, value formats and carriers.

use std::sync::OnceLock;

mod carriers;
pub mod countries;
pub mod dialects;
mod field_sets;
mod values;

pub use carriers::{all_carriers, carriers, carriers_for_spid, operators, Carrier};
pub use field_sets::*;
pub use values::*;

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

#[cfg(test)]
mod tests {
    use super::field_sets::FIELD_SETS;
    use super::values::VALUE_FORMATS;
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
