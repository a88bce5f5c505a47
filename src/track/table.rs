//! The state a postback implies, as data: one row per (ORIGIN, CODE, STATUS).
//! Adding a code or a status is adding a row. A row whose status is `None`
//! answers for every other status of its code (a STATUS outside the documented
//! lists is an error for `validate`, but the code still says where the message is).

use crate::spec::same;

/// The message families, each its own TRACKINGID space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// SMS_MT N2xx/E2xx.
    Sms,
    /// MMS_MT N1xx/E1xx, and MMS_MT N202/E202 (the MMS went out as a fallback SMS).
    Mms,
    /// Device-discovery messages, MMS_MT N5xx/E5xx.
    Ddm,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Sms => "sms",
            Family::Mms => "mms",
            Family::Ddm => "ddm",
        }
    }
}

/// Where a message ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Delivered,
    Failed,
    Expired,
    Rejected,
    NotSupported,
    /// It never left: the provider could not send it (E201, E101, E501).
    SubmitFailed,
    /// Sent, and no final postback (yet).
    Pending,
}

impl State {
    /// Every state, in the order reports list them.
    pub const ALL: [State; 7] = [
        State::Delivered,
        State::Failed,
        State::Expired,
        State::Rejected,
        State::NotSupported,
        State::SubmitFailed,
        State::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Delivered => "delivered",
            State::Failed => "failed",
            State::Expired => "expired",
            State::Rejected => "rejected",
            State::NotSupported => "not_supported",
            State::SubmitFailed => "submit_failed",
            State::Pending => "pending",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What one postback says about its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Handed to the carrier: a final postback should follow.
    Sent,
    /// The message's outcome; nothing else should follow.
    Final(State),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub origin: &'static str,
    pub code: &'static str,
    /// The trimmed STATUS; `None` matches any status the other rows of the code lack.
    pub status: Option<&'static str>,
    pub family: Family,
    pub phase: Phase,
    /// An MMS that reached the handset as a fallback SMS.
    pub fallback: bool,
    /// The row applies only when SENTAS is `SMS` (N102 for a fallback SMS).
    pub sent_as_sms: bool,
}

const fn row(
    origin: &'static str,
    code: &'static str,
    status: Option<&'static str>,
    family: Family,
    phase: Phase,
) -> Row {
    Row {
        origin,
        code,
        status,
        family,
        phase,
        fallback: false,
        sent_as_sms: false,
    }
}

use Family::{Ddm, Mms, Sms};
use Phase::{Final, Sent};
use State::{Delivered, Expired, Failed, NotSupported, Rejected, SubmitFailed};

const SMS: &str = "SMS_MT";
const MMS: &str = "MMS_MT";
/// The origins the table's rows use.
const ORIGINS: [&str; 2] = [SMS, MMS];

/// Statuses are those of FIELDS.md 1, 4 and 6 (v1.3 and lower-case XML) and
/// of DIALECTS.md 5 (v2 JSON: `Sent`, `Delivered`, `Rejected`, ...).
pub const ROWS: &[Row] = &[
    // SMS: N201 or E201, then N202 or E202.
    row(SMS, "N201", Some("Message Sent"), Sms, Sent),
    row(SMS, "N201", Some("Sent"), Sms, Sent),
    row(
        SMS,
        "N201",
        Some("Message Failed"),
        Sms,
        Final(SubmitFailed),
    ),
    row(SMS, "N201", None, Sms, Sent),
    row(
        SMS,
        "E201",
        Some("Message Failed"),
        Sms,
        Final(SubmitFailed),
    ),
    row(SMS, "E201", Some("Failed"), Sms, Final(SubmitFailed)),
    row(SMS, "E201", None, Sms, Final(SubmitFailed)),
    row(
        SMS,
        "N202",
        Some("Message Sent/Delivered"),
        Sms,
        Final(Delivered),
    ),
    row(SMS, "N202", Some("Delivered"), Sms, Final(Delivered)),
    row(SMS, "N202", Some("Message Sent/Failed"), Sms, Final(Failed)),
    row(SMS, "N202", None, Sms, Final(Delivered)),
    row(SMS, "E202", Some("Message Sent/Failed"), Sms, Final(Failed)),
    row(
        SMS,
        "E202",
        Some("Message Sent/Expired"),
        Sms,
        Final(Expired),
    ),
    row(
        SMS,
        "E202",
        Some("Message Sent/NotSupported"),
        Sms,
        Final(NotSupported),
    ),
    row(SMS, "E202", Some("Rejected"), Sms, Final(Rejected)),
    row(SMS, "E202", None, Sms, Final(Failed)),
    // MMS: N101 or E101, then N102, E102, N103, or the fallback SMS's N202/E202.
    row(MMS, "N101", Some("Message Sent"), Mms, Sent),
    row(MMS, "N101", Some("Sent"), Mms, Sent),
    row(MMS, "N101", None, Mms, Sent),
    row(
        MMS,
        "E101",
        Some("Message Failed"),
        Mms,
        Final(SubmitFailed),
    ),
    row(MMS, "E101", Some("Failed"), Mms, Final(SubmitFailed)),
    row(MMS, "E101", None, Mms, Final(SubmitFailed)),
    Row {
        fallback: true,
        sent_as_sms: true,
        ..row(
            MMS,
            "N102",
            Some("Message Sent/Delivered"),
            Mms,
            Final(Delivered),
        )
    },
    Row {
        fallback: true,
        sent_as_sms: true,
        ..row(MMS, "N102", Some("Delivered"), Mms, Final(Delivered))
    },
    row(
        MMS,
        "N102",
        Some("Message Sent/Delivered"),
        Mms,
        Final(Delivered),
    ),
    row(MMS, "N102", Some("Delivered"), Mms, Final(Delivered)),
    row(
        MMS,
        "N102",
        Some("Message Sent/Expired"),
        Mms,
        Final(Expired),
    ),
    row(
        MMS,
        "N102",
        Some("Message Sent/Rejected"),
        Mms,
        Final(Rejected),
    ),
    row(MMS, "N102", None, Mms, Final(Failed)),
    row(MMS, "E102", Some("Message Sent/Failed"), Mms, Final(Failed)),
    row(MMS, "E102", Some("Unrecognised"), Mms, Final(Failed)),
    row(
        MMS,
        "E102",
        Some("Message Sent/Expired"),
        Mms,
        Final(Expired),
    ),
    row(
        MMS,
        "E102",
        Some("Message Sent/Rejected"),
        Mms,
        Final(Rejected),
    ),
    row(MMS, "E102", Some("Rejected"), Mms, Final(Rejected)),
    row(
        MMS,
        "E102",
        Some("Message Sent/NotSupported"),
        Mms,
        Final(NotSupported),
    ),
    row(
        MMS,
        "E102",
        Some("Message Sent/Not Supported"),
        Mms,
        Final(NotSupported),
    ),
    row(MMS, "E102", None, Mms, Final(Failed)),
    row(MMS, "N103", Some("Expired"), Mms, Final(Expired)),
    row(MMS, "N103", None, Mms, Final(Expired)),
    Row {
        fallback: true,
        ..row(
            MMS,
            "N202",
            Some("Message Sent/Delivered"),
            Mms,
            Final(Delivered),
        )
    },
    Row {
        fallback: true,
        ..row(MMS, "N202", None, Mms, Final(Delivered))
    },
    row(MMS, "E202", None, Mms, Final(Failed)),
    // Device discovery: N501 or E501, then N502 or E502 (statuses as E102's).
    row(MMS, "N501", Some("Message Sent"), Ddm, Sent),
    row(MMS, "N501", None, Ddm, Sent),
    row(
        MMS,
        "E501",
        Some("Message Failed"),
        Ddm,
        Final(SubmitFailed),
    ),
    row(MMS, "E501", None, Ddm, Final(SubmitFailed)),
    row(
        MMS,
        "N502",
        Some("Message Sent/Delivered"),
        Ddm,
        Final(Delivered),
    ),
    row(MMS, "N502", None, Ddm, Final(Failed)),
    row(MMS, "E502", Some("Message Sent/Failed"), Ddm, Final(Failed)),
    row(
        MMS,
        "E502",
        Some("Message Sent/Expired"),
        Ddm,
        Final(Expired),
    ),
    row(
        MMS,
        "E502",
        Some("Message Sent/Rejected"),
        Ddm,
        Final(Rejected),
    ),
    row(
        MMS,
        "E502",
        Some("Message Sent/NotSupported"),
        Ddm,
        Final(NotSupported),
    ),
    row(
        MMS,
        "E502",
        Some("Message Sent/Not Supported"),
        Ddm,
        Final(NotSupported),
    ),
    row(MMS, "E502", None, Ddm, Final(Failed)),
];

/// A row of [`ROWS`], by its index.
pub type RowId = u8;

/// What the table says about one postback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    pub id: RowId,
    /// Whether the STATUS itself is in the row (not only its code).
    pub exact: bool,
}

/// The row for (ORIGIN, CODE, STATUS), and SENTAS for N102. A missing or
/// unknown ORIGIN is inferred from the CODE when only one origin uses it (N202
/// and E202 exist under both, so they need it). `None`: not a step of a
/// message's life.
pub fn lookup(
    origin: Option<&str>,
    code: &str,
    status: Option<&str>,
    sent_as_sms: bool,
) -> Option<Lookup> {
    // Every row's code is four bytes (a test checks it): another code has no row.
    let word = code_word(code)?;
    // Every row's origin is one of ORIGINS (a test checks it), so two
    // comparisons stand for a pass over the whole table.
    let known_origin = origin.and_then(|o| ORIGINS.into_iter().find(|k| same(k, o)));
    let origin = match known_origin {
        Some(origin) => origin,
        None => {
            let mut origins = ROWS
                .iter()
                .filter(|r| code_word(r.code) == Some(word))
                .map(|r| r.origin);
            let first = origins.next()?;
            if origins.any(|o| o != first) {
                return None;
            }
            first
        }
    };
    let mut any = None;
    for (i, row) in ROWS.iter().enumerate() {
        // The code first, as one word: it differs on most rows.
        if code_word(row.code) != Some(word)
            || row.origin != origin
            || (row.sent_as_sms && !sent_as_sms)
        {
            continue;
        }
        match row.status {
            Some(s) if status.is_some_and(|status| same(s, status)) => {
                return Some(Lookup {
                    id: i as RowId,
                    exact: true,
                })
            }
            None => any = Some(i as RowId),
            Some(_) => {}
        }
    }
    any.map(|id| Lookup { id, exact: false })
}

/// A four-byte code as one word, so a row's code is one comparison.
fn code_word(code: &str) -> Option<u32> {
    let bytes: [u8; 4] = code.as_bytes().try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// The row with this id.
pub fn get(id: RowId) -> &'static Row {
    &ROWS[usize::from(id) % ROWS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(origin: &str, code: &str, status: &str) -> Option<(Family, Phase, bool)> {
        lookup(Some(origin), code, Some(status), false).map(|l| {
            let r = get(l.id);
            (r.family, r.phase, l.exact)
        })
    }

    #[test]
    fn every_code_has_a_row_for_any_status() {
        let mut codes: Vec<(&str, &str)> = ROWS.iter().map(|r| (r.origin, r.code)).collect();
        codes.dedup();
        for (origin, code) in codes {
            assert!(
                ROWS.iter()
                    .any(|r| r.origin == origin && r.code == code && r.status.is_none()),
                "{origin} {code}"
            );
        }
        assert!(ROWS.len() < usize::from(RowId::MAX));
    }

    #[test]
    fn states_follow_code_and_status() {
        assert_eq!(
            phase("SMS_MT", "N201", "Message Sent"),
            Some((Sms, Sent, true))
        );
        assert_eq!(
            phase("SMS_MT", "N201", "Message Failed"),
            Some((Sms, Final(SubmitFailed), true))
        );
        assert_eq!(
            phase("SMS_MT", "E202", "Message Sent/NotSupported"),
            Some((Sms, Final(NotSupported), true))
        );
        assert_eq!(
            phase("MMS_MT", "N202", "Message Sent/Delivered"),
            Some((Mms, Final(Delivered), true))
        );
        assert!(get(lookup(Some("MMS_MT"), "N202", None, false).unwrap().id).fallback);
        assert_eq!(
            phase("MMS_MT", "E102", "Message Sent/Rejected"),
            Some((Mms, Final(Rejected), true))
        );
        assert_eq!(
            phase("MMS_MT", "N502", "Message Sent/Delivered"),
            Some((Ddm, Final(Delivered), true))
        );
        assert_eq!(
            phase("MMS_MT", "E501", "Message Failed"),
            Some((Ddm, Final(SubmitFailed), true))
        );
        assert_eq!(
            phase("SMS_MT", "N202", "Delivered"),
            Some((Sms, Final(Delivered), true))
        );
        assert_eq!(phase("SMS_MO", "N211", ""), None);
        let sms = lookup(Some("MMS_MT"), "N102", Some("Message Sent/Delivered"), true).unwrap();
        let mms = lookup(
            Some("MMS_MT"),
            "N102",
            Some("Message Sent/Delivered"),
            false,
        )
        .unwrap();
        assert!(get(sms.id).fallback && !get(mms.id).fallback);
        assert_eq!(phase("MMS_MT", "N003", ""), None);
    }

    #[test]
    fn every_row_uses_one_of_the_known_origins() {
        assert!(ROWS.iter().all(|r| ORIGINS.contains(&r.origin)));
        assert!(ROWS.iter().all(|r| r.code.len() == 4));
        assert_eq!(lookup(Some("SMS_MT"), "N20", None, false), None);
        assert_eq!(lookup(Some("SMS_MT"), "N2011", None, false), None);
        assert_eq!(
            lookup(Some("SMS_MTX"), "N201", Some("Sent"), false).map(|l| get(l.id).family),
            Some(Sms)
        );
        assert_eq!(lookup(Some("sms_mt"), "N202", None, false), None);
    }

    #[test]
    fn origin_is_inferred_only_when_the_code_says_it() {
        assert_eq!(
            get(lookup(None, "N201", Some("Message Sent"), false)
                .unwrap()
                .id)
            .family,
            Sms
        );
        assert_eq!(
            get(lookup(Some("BOGUS"), "N101", None, false).unwrap().id).family,
            Mms
        );
        assert_eq!(
            lookup(None, "N202", Some("Message Sent/Delivered"), false),
            None
        );
        assert_eq!(lookup(None, "N999", None, false), None);
    }

    /// The engines' copy of the table (examples/duckdb, examples/spark) is
    /// this table, row for row.
    #[test]
    fn the_engines_table_is_this_table() {
        let tsv = include_str!("../../examples/lifecycle.tsv");
        let mut lines = tsv.lines();
        assert_eq!(
            lines.next(),
            Some("origin\tcode\tstatus\tfamily\tphase\tstate\tfallback\tsent_as_sms")
        );
        let written: Vec<String> = lines.map(str::to_owned).collect();
        let ours: Vec<String> = ROWS
            .iter()
            .map(|r| {
                let (phase, state) = match r.phase {
                    Phase::Sent => ("sent", ""),
                    Phase::Final(state) => ("final", state.as_str()),
                };
                [
                    r.origin,
                    r.code,
                    r.status.unwrap_or(""),
                    r.family.as_str(),
                    phase,
                    state,
                    if r.fallback { "true" } else { "false" },
                    if r.sent_as_sms { "true" } else { "false" },
                ]
                .join("\t")
            })
            .collect();
        assert_eq!(written, ours);
    }
}
