//! Realistic values for every field a sample can carry.

use std::time::{Duration, SystemTime};

use base64::Engine;

use super::{Dialect, Request, Shape, Value};
use crate::spec::{self, Direction, Presence};

/// Whether a sample carries a field: every required one, the first of a
/// one-of pair, and in v2 the operator id and name every v2 example shows.
pub(super) fn include(
    canonical: &str,
    presence: Presence,
    dialect: Dialect,
    shape: &Shape,
) -> bool {
    presence != Presence::Optional
        || shape.one_of == Some(canonical)
        || (dialect == Dialect::V2 && matches!(canonical, "SPID" | "operator-name"))
}

/// The short code postbacks are sent from (MT) or to (MO).
const SHORT_CODE: &str = "60856";

/// The values of one sample.
pub(super) struct Values<'a> {
    origin: &'a str,
    code: &'a str,
    n: u64,
    status: Option<&'static str>,
    sentas: Option<&'static str>,
    direction: Direction,
    carrier: Option<&'static spec::Carrier>,
    now: SystemTime,
}

impl<'a> Values<'a> {
    pub(super) fn new(request: &Request<'a>, shape: &Shape) -> Self {
        Values {
            origin: request.origin,
            code: request.code,
            n: request.sequence,
            status: shape.status,
            sentas: shape.sentas,
            direction: spec::direction(request.origin),
            carrier: carrier(request.sequence),
            now: request.now,
        }
    }

    /// The value of a field by its v1.3 name (a v2-only field by its own);
    /// `None` for a field no sample carries.
    pub(super) fn of(&self, canonical: &str) -> Option<Value> {
        let n = self.n;
        let text = match canonical {
            "ORIGIN" => self.origin.to_string(),
            "CODE" | "STATUSCODE" => self.code.to_string(),
            "STATUS" => self.status.unwrap_or("Message Sent").to_string(),
            "SENTAS" => self.sentas.unwrap_or("MMS").to_string(),
            "MMSID" => (39_000 + n % 1_000_000).to_string(),
            "FROM" if self.direction == Direction::Mo => self.handset(),
            "TO" if self.direction == Direction::Mo => SHORT_CODE.to_string(),
            "FROM" | "SHORTCODE" => SHORT_CODE.to_string(),
            "TO" | "MOBILE" | "REFERENCEVALUE" => self.handset(),
            "TRACKINGID" => {
                let kind = if self.origin.starts_with("SMS") {
                    "SMS"
                } else {
                    "MMS"
                };
                base64::engine::general_purpose::STANDARD.encode(format!("{kind}_{}", 597_000 + n))
            }
            "SPID" => self.carrier?.spid.to_string(),
            "operator-name" => self.carrier?.carrier.to_string(),
            "TIMESTAMP" | "RECEIVED" => timestamp(self.now),
            "AGGREGATORID" => format!("11529-64807-97508-73852-{:05}", n % 100_000),
            "HANDSET" => "iphone15".to_string(),
            "OS" => "iOS".to_string(),
            "STATUSDETAILS" if self.code.starts_with('E') => {
                "Handset not reachable before the message expired".to_string()
            }
            "STATUSDETAILS" => "Delivered to the handset".to_string(),
            "AUDIONAME" => "greeting.mp3".to_string(),
            "VIDEONAME" => "welcome.mp4".to_string(),
            "TEXT" => "JOIN offers".to_string(),
            "TRANSACTIONID" => (880_000_000 + n).to_string(),
            "KEYWORD" => "JOIN".to_string(),
            "SUBJECT" => "Photo".to_string(),
            "CONTENT" => {
                return Some(Value::Files(vec![format!(
                    "https://media.example.com/mms/{n}/photo.jpg"
                )]))
            }
            "CAMPAIGNID" => "1234".to_string(),
            "CAMPAIGNTITLE" => "Spring offers".to_string(),
            "BRANDNAME" => "Dunder Mifflin".to_string(),
            "SOURCE" => "API".to_string(),
            "EMAIL" => format!("customer{n}@example.com"),
            "REFERENCEDBY" => "MOBILE".to_string(),
            "CUSTOMPASSID" => format!("pass-{n}"),
            "PASSDATAID" => "4321".to_string(),
            "SERIALNUMBER" => format!("SN{n:08}"),
            "client-reference" => format!("order-{n}"),
            "campaign-ref" => "spring-offers".to_string(),
            _ => return None,
        };
        Some(Value::Text(text))
    }

    /// A US handset number, different for each sequence number.
    fn handset(&self) -> String {
        format!("1650{:07}", 5_550_000 + self.n % 4_450_000)
    }
}

/// An SPID of a named US carrier from the carrier table, varied by `n`.
fn carrier(n: u64) -> Option<&'static spec::Carrier> {
    let named: Vec<&'static spec::Carrier> = spec::carriers()
        .iter()
        .filter(|c| {
            c.country == "United States"
                && !c.carrier.contains("All Carriers")
                && !c.carrier.contains("unused")
        })
        .collect();
    let len = u64::try_from(named.len()).ok().filter(|&len| len > 0)?;
    // The index is below `named.len()`, which fits in usize.
    named.get(usize::try_from(n % len).ok()?).copied()
}

/// A date-time with the provider's usual offset (US Eastern, as in its examples).
pub fn timestamp(at: SystemTime) -> String {
    let eastern = at.checked_sub(Duration::from_secs(5 * 3600)).unwrap_or(at);
    let utc = humantime::format_rfc3339_seconds(eastern).to_string();
    format!("{}-05:00", utc.trim_end_matches('Z'))
}
