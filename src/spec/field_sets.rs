//! The field sets of `FIELDS.md`: which fields each code carries, required
//! or optional, and the STATUS values each allows.

use super::*;

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

pub(super) const fn r(name: &'static str) -> FieldRule {
    FieldRule {
        name,
        presence: Presence::Required,
    }
}

pub(super) const fn o(name: &'static str) -> FieldRule {
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

pub(super) const fn set(
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
pub(super) static FIELD_SETS: &[FieldSet] = &[
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
