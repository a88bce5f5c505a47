//! The summary line after the cards: how many records of each kind.

use std::collections::HashMap;

use crate::engine::{Record, RecordKind};
use crate::render::terminal::escape;

/// Kinds of postback named in the summary line; the rest are counted together.
const SUMMARY_KINDS: usize = 12;

pub(super) fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Counts what the cards showed by kind, for the summary.
#[derive(Debug, Default)]
pub struct Tally {
    shown: u64,
    /// (ORIGIN, CODE) or a kind of unread record, with how many, in first-seen order.
    kinds: Vec<(Kind, u64)>,
    /// Where each kind sits in `kinds`.
    index: HashMap<Kind, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Code {
        origin: Option<String>,
        code: String,
    },
    NoCode,
    Malformed,
    Oversized,
    Doctype,
    Prefixed,
}

impl Tally {
    pub fn add(&mut self, record: &Record<'_>) {
        self.shown += 1;
        let kind = match (&record.postback, record.kind) {
            (Some(pb), _) => match pb.code() {
                Some(code) => Kind::Code {
                    origin: pb.origin().map(str::to_string),
                    code: code.to_string(),
                },
                None => Kind::NoCode,
            },
            (None, RecordKind::Oversized) => Kind::Oversized,
            (None, RecordKind::Doctype) => Kind::Doctype,
            (None, RecordKind::Prefixed) => Kind::Prefixed,
            (None, _) => Kind::Malformed,
        };
        // A DOCTYPE document refused whole counts each postback it holds.
        let n = record.postbacks();
        match self.index.get(&kind) {
            Some(&i) => self.kinds[i].1 += n,
            None => {
                self.index.insert(kind.clone(), self.kinds.len());
                self.kinds.push((kind, n));
            }
        }
    }

    /// Adds counts made over later records (on another thread), keeping
    /// kinds in the order they were first seen.
    pub fn merge(&mut self, later: Tally) {
        self.shown += later.shown;
        for (kind, n) in later.kinds {
            match self.index.get(&kind) {
                Some(&i) => self.kinds[i].1 += n,
                None => {
                    self.index.insert(kind.clone(), self.kinds.len());
                    self.kinds.push((kind, n));
                }
            }
        }
    }

    /// Records shown so far.
    pub fn shown(&self) -> u64 {
        self.shown
    }

    /// How many records of each kind, in the order first seen: `2 N003,
    /// 1 SMS_MT:N202, 1 not well-formed`.
    pub fn breakdown(&self) -> String {
        // A code seen under two origins (N202) is two things: name the origin.
        let mut origins: HashMap<&str, usize> = HashMap::new();
        for (kind, _) in &self.kinds {
            if let Kind::Code { code, .. } = kind {
                *origins.entry(code.as_str()).or_insert(0) += 1;
            }
        }
        let mut parts = Vec::with_capacity(self.kinds.len().min(SUMMARY_KINDS + 1));
        for (kind, n) in self.kinds.iter().take(SUMMARY_KINDS) {
            let label = match kind {
                Kind::Code { origin, code } => {
                    let shared = origins.get(code.as_str()).is_some_and(|&n| n > 1);
                    match (shared, origin) {
                        (true, Some(origin)) => format!("{}:{}", escape(origin), escape(code)),
                        (true, None) => format!("{} without ORIGIN", escape(code)),
                        (false, _) => escape(code).into_owned(),
                    }
                }
                Kind::NoCode => "without CODE".to_string(),
                Kind::Malformed => "not well-formed".to_string(),
                Kind::Oversized => "too large".to_string(),
                Kind::Doctype => "with a DOCTYPE".to_string(),
                Kind::Prefixed => "with a namespace prefix".to_string(),
            };
            parts.push(format!("{n} {label}"));
        }
        if self.kinds.len() > SUMMARY_KINDS {
            let rest = &self.kinds[SUMMARY_KINDS..];
            let n: u64 = rest.iter().map(|(_, n)| n).sum();
            parts.push(format!("{n} of {} other kinds", rest.len()));
        }
        parts.join(", ")
    }
}
