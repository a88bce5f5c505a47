//! Value formats: which fields hold a timestamp, a number or an integer,
//! which way a postback travelled, and the limits values keep to.

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

pub(super) const VALUE_FORMATS: &[(&str, ValueFormat)] = &[
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
