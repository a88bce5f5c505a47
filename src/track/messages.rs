//! The message map's entries: a message in flight keeps its postbacks and
//! their text; a finished one is compacted to 16 bytes that still tell its
//! outcome and recognise its late duplicates.

use std::sync::Arc;

use crate::track::aggregate::Outcome;
use crate::track::observe::{fingerprint, Text, Time};
use crate::track::table::{self, Phase, RowId, State};

/// No interned group value (the field was absent, or is not grouped by).
pub const NO_GROUP: u32 = u32::MAX;

/// One distinct postback of a message.
#[derive(Debug, Clone)]
pub struct Post {
    pub row: RowId,
    pub status_hash: u64,
    pub time: Time,
    pub fp: u64,
    /// The interned SPID or FROM the report groups by.
    pub group: u32,
    /// What a message row shows; `None` once the message was written.
    pub text: Option<Text>,
}

impl Post {
    fn is_final(&self) -> bool {
        matches!(table::get(self.row).phase, Phase::Final(_))
    }

    /// Orders sent postbacks: the earliest with a time wins.
    fn sent_rank(&self) -> (bool, i64, u64) {
        (
            self.time.ms().is_none(),
            self.time.ms().unwrap_or(0),
            self.fp,
        )
    }

    /// Orders finals: the latest TIMESTAMP wins.
    fn final_rank(&self) -> (bool, i64, u64) {
        (
            self.time.ms().is_some(),
            self.time.ms().unwrap_or(0),
            self.fp,
        )
    }
}

/// A message still open to change.
#[derive(Debug, Clone, Default)]
pub struct Flight {
    /// Its distinct postbacks, sent and final ones.
    pub posts: Vec<Post>,
    pub postbacks: u32,
    pub duplicates: u32,
    /// The first postback read for it: source and line.
    pub first_seen: Option<(Arc<str>, u64)>,
    /// Its row went to `--messages` already.
    pub written: bool,
}

/// A message resolved from its postbacks.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'f> {
    pub sent: Option<&'f Post>,
    pub last: Option<&'f Post>,
    pub outcome: Outcome,
}

impl<'f> Resolved<'f> {
    /// The postback that names the message's carrier, sender and time: its
    /// sent one, else its final one.
    pub fn representative(&self) -> Option<&'f Post> {
        self.sent.or(self.last)
    }
}

impl Flight {
    pub fn has(&self, fp: u64) -> bool {
        self.posts.iter().any(|p| p.fp == fp)
    }

    pub fn push(&mut self, post: Post) {
        if self.posts.capacity() == 0 {
            // A sent and a final postback: the usual message.
            self.posts.reserve_exact(2);
        }
        self.posts.push(post);
    }

    pub fn sents(&self) -> impl Iterator<Item = &Post> {
        self.posts.iter().filter(|p| !p.is_final())
    }

    pub fn finals(&self) -> impl Iterator<Item = &Post> {
        self.posts.iter().filter(|p| p.is_final())
    }

    pub fn resolve(&self) -> Resolved<'_> {
        resolve(
            self.sents().min_by_key(|p| p.sent_rank()),
            self.finals().max_by_key(|p| p.final_rank()),
            self.finals().nth(1).is_some(),
        )
    }

    /// Final, with nothing missing: a final postback and its sent one (a
    /// submit failure has none).
    pub fn is_complete(&self) -> bool {
        let r = self.resolve();
        r.last.is_some() && (r.sent.is_some() || r.outcome.state == State::SubmitFailed)
    }

    /// The compact form, when this message has exactly what one holds: one
    /// sent postback (or none, for a submit failure) and one final, both with
    /// a documented STATUS and times it can hold.
    pub fn compact(&self) -> Option<Done> {
        let mut finals = self.finals();
        let (Some(last), None) = (finals.next(), finals.next()) else {
            return None;
        };
        let mut sents = self.sents();
        let (sent, None) = (sents.next(), sents.next()) else {
            return None;
        };
        if last.status_hash != 0 || !self.is_complete() {
            return None;
        }
        let group = match sent.unwrap_or(last).group {
            NO_GROUP => NO_GROUP16,
            g => u16::try_from(g).ok().filter(|g| *g != NO_GROUP16)?,
        };
        let done = match sent {
            Some(sent) => {
                let Time::At(sent_ms) = sent.time else {
                    return None;
                };
                if sent.status_hash != 0 {
                    return None;
                }
                let delta = match last.time {
                    Time::At(ms) => i32::try_from(ms.checked_sub(sent_ms)?)
                        .ok()
                        .filter(|d| *d != NO_FINAL_TIME)?,
                    Time::Missing => NO_FINAL_TIME,
                    Time::Unreadable(_) => return None,
                };
                Done {
                    ms: sent_ms,
                    delta,
                    sent_row: sent.row,
                    final_row: last.row,
                    group,
                }
            }
            None => Done {
                ms: match last.time {
                    Time::At(ms) if ms != NO_TIME => ms,
                    Time::Missing => NO_TIME,
                    _ => return None,
                },
                delta: 0,
                sent_row: NO_ROW,
                final_row: last.row,
                group,
            },
        };
        Some(done)
    }
}

fn resolve<'f>(sent: Option<&'f Post>, last: Option<&'f Post>, conflict: bool) -> Resolved<'f> {
    let row = last.map(|p| table::get(p.row));
    let state = match row.map(|r| r.phase) {
        Some(Phase::Final(state)) => state,
        _ => State::Pending,
    };
    let gap = match (
        sent.and_then(|p| p.time.ms()),
        last.and_then(|p| p.time.ms()),
    ) {
        (Some(s), Some(f)) => Some(f.saturating_sub(s)),
        _ => None,
    };
    Resolved {
        sent,
        last,
        outcome: Outcome {
            state,
            orphan: last.is_some() && sent.is_none() && state != State::SubmitFailed,
            conflict,
            clock_skew: gap.is_some_and(|g| g < 0),
            fallback: state == State::Delivered && row.is_some_and(|r| r.fallback),
            latency_ms: gap.and_then(|g| u64::try_from(g).ok()),
        },
    }
}

const NO_ROW: RowId = RowId::MAX;
const NO_TIME: i64 = i64::MIN;
const NO_FINAL_TIME: i32 = i32::MIN;
const NO_GROUP16: u16 = u16::MAX;

/// A finished message in 16 bytes: its sent time (or final time when it had
/// no sent postback), the final's offset from it, both rows and its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    ms: i64,
    delta: i32,
    sent_row: RowId,
    final_row: RowId,
    group: u16,
}

impl Done {
    /// The two postbacks again (without text), as a [`Flight`] would hold them.
    pub fn posts(&self) -> (Option<Post>, Post) {
        let group = match self.group {
            NO_GROUP16 => NO_GROUP,
            g => u32::from(g),
        };
        let post = |row: RowId, time: Time| Post {
            row,
            status_hash: 0,
            time,
            fp: fingerprint(row, 0, time),
            group,
            text: None,
        };
        if self.sent_row == NO_ROW {
            let time = match self.ms {
                NO_TIME => Time::Missing,
                ms => Time::At(ms),
            };
            return (None, post(self.final_row, time));
        }
        let final_time = match self.delta {
            NO_FINAL_TIME => Time::Missing,
            d => Time::At(self.ms + i64::from(d)),
        };
        (
            Some(post(self.sent_row, Time::At(self.ms))),
            post(self.final_row, final_time),
        )
    }

    /// Opens the message again, for a postback that is not one of its two.
    pub fn reopen(&self) -> Flight {
        let (sent, last) = self.posts();
        let mut posts = Vec::with_capacity(3);
        posts.extend(sent);
        posts.push(last);
        Flight {
            posts,
            written: true,
            ..Flight::default()
        }
    }

    /// Resolves the message without opening it.
    pub fn with_resolved<T>(&self, f: impl FnOnce(Resolved<'_>) -> T) -> T {
        let (sent, last) = self.posts();
        f(resolve(sent.as_ref(), Some(&last), false))
    }

    /// Whether a postback with this fingerprint is one of the two it holds.
    pub fn has(&self, fp: u64) -> bool {
        let (sent, last) = self.posts();
        last.fp == fp || sent.is_some_and(|s| s.fp == fp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::table::lookup;

    fn post(code: &str, status: &str, time: Time) -> Post {
        let row = lookup(Some("SMS_MT"), code, Some(status), false)
            .unwrap()
            .id;
        Post {
            row,
            status_hash: 0,
            time,
            fp: fingerprint(row, 0, time),
            group: 7,
            text: None,
        }
    }

    #[test]
    fn a_finished_message_fits_in_sixteen_bytes_and_round_trips() {
        assert_eq!(std::mem::size_of::<Done>(), 16);
        let mut f = Flight::default();
        f.push(post("N201", "Message Sent", Time::At(1_000)));
        f.push(post("N202", "Message Sent/Delivered", Time::At(8_500)));
        let done = f.compact().expect("compactable");
        let again = done.reopen();
        let fps = |f: &Flight| f.posts.iter().map(|p| p.fp).collect::<Vec<_>>();
        assert_eq!(fps(&again), fps(&f));
        assert_eq!(again.posts[0].group, 7);
        done.with_resolved(|r| {
            assert_eq!(r.outcome.state, State::Delivered);
            assert_eq!(r.outcome.latency_ms, Some(7_500));
        });
        assert!(done.has(f.posts[1].fp));
    }

    #[test]
    fn what_sixteen_bytes_cannot_hold_stays_in_flight() {
        let mut f = Flight::default();
        f.push(post("N201", "Message Sent", Time::At(0)));
        f.push(post(
            "N202",
            "Message Sent/Delivered",
            Time::At(i64::from(i32::MAX) + 1),
        ));
        assert!(f.is_complete());
        assert_eq!(f.compact(), None);
        let mut orphan = Flight::default();
        orphan.push(post("N202", "Message Sent/Delivered", Time::At(5)));
        assert!(!orphan.is_complete());
        assert_eq!(orphan.compact(), None);
    }
}
