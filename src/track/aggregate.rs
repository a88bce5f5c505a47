//! What messages add up to: counts per state, latency histograms overall and
//! per group. Folding is commutative, so the totals do not depend on the order
//! the messages were folded in.

use std::collections::{BTreeMap, HashMap};

use hdrhistogram::Histogram;

use crate::track::table::State;

/// Latencies in milliseconds. Exact while they take few distinct values
/// (timestamps of whole seconds, latencies of minutes: the usual case); past
/// that an HDR histogram of three significant digits keeps every percentile
/// within 0.1 % of the exact value in bounded memory.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    exact: BTreeMap<u64, u64>,
    hist: Option<Histogram<u32>>,
    count: u64,
    max_ms: u64,
}

/// Distinct values kept exactly before switching to the histogram.
const EXACT_VALUES: usize = 4096;

impl Latency {
    pub fn record(&mut self, ms: u64) {
        self.count += 1;
        self.max_ms = self.max_ms.max(ms);
        if let Some(h) = &mut self.hist {
            record(h, ms, 1);
            return;
        }
        *self.exact.entry(ms).or_default() += 1;
        if self.exact.len() > EXACT_VALUES {
            // new(3) auto-resizes and cannot fail for 3 significant digits;
            // should it, the values stay exact (and take more memory).
            if let Ok(mut h) = Histogram::new(3) {
                for (v, n) in std::mem::take(&mut self.exact) {
                    record(&mut h, v, n);
                }
                self.hist = Some(h);
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The nearest-rank percentile (the value at rank ⌈q·n⌉), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        if let Some(h) = &self.hist {
            return Some(h.lowest_equivalent(h.value_at_quantile(q)).min(self.max_ms));
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (v, n) in &self.exact {
            seen += n;
            if seen >= rank {
                return Some(*v);
            }
        }
        Some(self.max_ms)
    }

    pub fn max_ms(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max_ms)
    }
}

fn record(h: &mut Histogram<u32>, ms: u64, n: u64) {
    // Grows to fit; only a value beyond its largest size saturates.
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    if h.record_n(ms, n).is_err() {
        h.saturating_record_n(ms, n);
    }
}

/// The terminal histogram's buckets: their labels and upper bounds (exclusive).
pub const BUCKETS: [(&str, u64); 6] = [
    ("<10s", 10_000),
    ("10-60s", 60_000),
    ("1-5m", 300_000),
    ("5-15m", 900_000),
    ("15-60m", 3_600_000),
    (">1h", u64::MAX),
];

/// Counts for a set of messages.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub messages: u64,
    pub states: [u64; 7],
    pub orphans: u64,
    pub conflicts: u64,
    pub clock_skew: u64,
    pub fallback: u64,
    pub latency: Latency,
    /// Latencies counted exactly per [`BUCKETS`] entry.
    pub buckets: [u64; 6],
}

impl Tally {
    pub fn state(&self, state: State) -> u64 {
        self.states[state.index()]
    }

    /// delivered / (messages − pending); `None` when no message is final.
    pub fn delivery_rate(&self) -> Option<f64> {
        let finished = self.messages - self.state(State::Pending);
        (finished > 0).then(|| self.state(State::Delivered) as f64 / finished as f64)
    }
}

/// One message's outcome, as folded.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub state: State,
    pub orphan: bool,
    pub conflict: bool,
    pub clock_skew: bool,
    pub fallback: bool,
    pub latency_ms: Option<u64>,
}

impl Tally {
    pub fn fold(&mut self, o: &Outcome) {
        self.messages += 1;
        self.states[o.state.index()] += 1;
        self.orphans += u64::from(o.orphan);
        self.conflicts += u64::from(o.conflict);
        self.clock_skew += u64::from(o.clock_skew);
        self.fallback += u64::from(o.fallback);
        if let Some(ms) = o.latency_ms {
            self.latency.record(ms);
            let bucket = BUCKETS.iter().position(|(_, end)| ms < *end);
            self.buckets[bucket.unwrap_or(BUCKETS.len() - 1)] += 1;
        }
    }
}

/// The tally overall and per group key.
#[derive(Debug, Default)]
pub struct Aggregates {
    pub all: Tally,
    pub groups: HashMap<String, Tally>,
}

impl Aggregates {
    pub fn fold(&mut self, group: &str, o: &Outcome) {
        self.all.fold(o);
        match self.groups.get_mut(group) {
            Some(t) => t.fold(o),
            None => {
                let mut t = Tally::default();
                t.fold(o);
                self.groups.insert(group.to_string(), t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_and_within_a_thousandth() {
        let mut l = Latency::default();
        for s in 1..=100u64 {
            l.record(s * 1000);
        }
        assert_eq!(l.count(), 100);
        assert_eq!(l.quantile_ms(0.5), Some(50_000));
        assert_eq!(l.quantile_ms(0.9), Some(90_000));
        assert_eq!(l.quantile_ms(0.99), Some(99_000));
        assert_eq!(l.max_ms(), Some(100_000));
        let mut many = Latency::default();
        for ms in 0..20_000u64 {
            many.record(ms * 997);
        }
        for q in [0.5, 0.9, 0.99] {
            let exact = ((q * 20_000.0f64).ceil() as u64 - 1) * 997;
            let p = many.quantile_ms(q).unwrap();
            assert!(
                (p as f64 - exact as f64).abs() <= exact as f64 / 1000.0,
                "{q}: {p} vs {exact}"
            );
        }
        assert_eq!(many.max_ms(), Some(19_999 * 997));
        assert_eq!(Latency::default().quantile_ms(0.5), None);
    }
}
