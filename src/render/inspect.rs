//! The inspect card: one postback shown for a person.
