//! What the simulated clients record while they run: when each change left
//! its author, and, as it reaches every other client of the document, how
//! long it took. Percentiles of the latencies; counts for the no-lost-change
//! check.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use automerge::ChangeHash;

/// Shared by every client of one run.
#[derive(Default)]
pub struct Ledger {
    sent: Mutex<HashMap<ChangeHash, Instant>>,
    /// Propagation latencies, microseconds.
    latencies: Mutex<Vec<u32>>,
}

impl Ledger {
    /// A client made change `hash` and is about to send it.
    pub fn sent(&self, hash: ChangeHash, at: Instant) {
        lock(&self.sent).insert(hash, at);
    }

    /// A client received change `hash` (its own changes and ones made
    /// before the run are not in the ledger and are not counted).
    pub fn arrived(&self, hash: &ChangeHash, at: Instant) {
        let sent = lock(&self.sent).get(hash).copied();
        if let Some(sent) = sent {
            let micros = at.saturating_duration_since(sent).as_micros();
            lock(&self.latencies).push(u32::try_from(micros).unwrap_or(u32::MAX));
        }
    }

    /// How many changes were made.
    pub fn changes(&self) -> usize {
        lock(&self.sent).len()
    }

    /// Every latency recorded so far, sorted.
    pub fn latencies(&self) -> Latencies {
        let mut v = lock(&self.latencies).clone();
        v.sort_unstable();
        Latencies(v)
    }
}

/// Sorted propagation latencies, microseconds.
#[derive(Debug, Clone, Default)]
pub struct Latencies(pub Vec<u32>);

impl Latencies {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `p`th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.0.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        let i = rank.clamp(1, self.0.len()) - 1;
        Some(Duration::from_micros(u64::from(self.0[i])))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let l = Latencies((1..=100).collect());
        assert_eq!(l.percentile(50.0), Some(Duration::from_micros(50)));
        assert_eq!(l.percentile(99.0), Some(Duration::from_micros(99)));
        assert_eq!(l.percentile(100.0), Some(Duration::from_micros(100)));
        assert_eq!(Latencies::default().percentile(50.0), None);
    }

    #[test]
    fn only_changes_in_the_ledger_are_timed() {
        let ledger = Ledger::default();
        let (a, b) = (ChangeHash([1; 32]), ChangeHash([2; 32]));
        let t = Instant::now();
        ledger.sent(a, t);
        ledger.arrived(&a, t + Duration::from_millis(3));
        ledger.arrived(&b, t);
        assert_eq!(ledger.changes(), 1);
        assert_eq!(ledger.latencies().0, vec![3000]);
    }
}
