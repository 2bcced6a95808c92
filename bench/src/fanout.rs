//! The relay's sync engine for one document on its own, without sockets,
//! disks or a load generator competing for the CPU: `peers` people each
//! type one character per round at a spread of places in one text, for
//! `rounds` rounds, and every message goes through [`RelayDoc`] as the
//! relay's hub drives it. Two ways of answering are timed:
//!
//! - one at a time: each message applied and answered on its own;
//! - together: every message of a round applied, then answered once (what
//!   the hub does with the messages that queue while a document is busy).
//!
//! The relay's work (applying, answering, the storage task) and the peers'
//! (typing, merging what the relay sends, answering it) are timed apart:
//! the load generator runs the same peers, so what they cost here is what
//! the generator needs of the machine it shares with the relay. Every peer
//! must end with the relay's heads.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ObjId, ROOT, ReadDoc};
use protocol::{DocumentId, Message, PeerId, RelayDoc};

use crate::load::client::{genesis, replica};
use crate::load::options::Options;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub peers: usize,
    pub changes: usize,
    /// Relay and peers, each message answered on its own.
    pub one_at_a_time: Times,
    /// Relay and peers, a round's messages answered together.
    pub together: Times,
}

/// Where one run's time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Times {
    /// The relay's sync engine.
    pub relay: Duration,
    /// Every peer's: typing, merging what the relay sent, answering.
    pub peers: Duration,
}

impl Outcome {
    fn per_change(&self, d: Duration) -> f64 {
        d.as_secs_f64() * 1e6 / self.changes.max(1) as f64
    }
}

/// Run both ways of answering with `peers` typists for `rounds` rounds.
pub fn run(peers: usize, rounds: usize) -> Result<Outcome, String> {
    let one_at_a_time = typing(peers, rounds, false)?;
    let together = typing(peers, rounds, true)?;
    Ok(Outcome {
        peers,
        changes: peers * rounds,
        one_at_a_time,
        together,
    })
}

/// The relay's and the peers' time for one run; an error if the peers did
/// not converge.
fn typing(n: usize, rounds: usize, together: bool) -> Result<Times, String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let id = DocumentId::from_bytes([7; 16]);
    let me = PeerId::new("relay");
    // The load generator's documents: one Text, every replica its own actor.
    let saved = genesis();
    let (mut relay, errors) = RelayDoc::load(id, std::slice::from_ref(&saved));
    if let Some(e) = errors.first() {
        return Err(e.to_string());
    }
    let mut peers = Vec::with_capacity(n);
    for i in 0..n {
        let mut sync = replica(id, &saved, i as u64 + 1).map_err(|e| fail(&e))?;
        sync.add_peer(&me);
        peers.push((PeerId::new(format!("peer-{i}")), sync));
    }
    let text: ObjId = match relay.doc().map(|d| d.get(ROOT, "text")) {
        Some(Ok(Some((_, text)))) => text,
        _ => return Err("the genesis has no text".into()),
    };
    let mut times = Times::default();
    for round in 0..rounds {
        let started = Instant::now();
        for (i, (_, doc)) in peers.iter_mut().enumerate() {
            let len = doc.doc().length(&text);
            let at = (round * 31 + i * 7).wrapping_mul(2_654_435_761) % (len + 1);
            let doc = doc.doc_mut();
            doc.splice_text(&text, at, 0, "x").map_err(|e| fail(&e))?;
            doc.commit();
        }
        times.peers += started.elapsed();
        // Until nobody has anything to say.
        loop {
            let started = Instant::now();
            let inbox: Vec<(PeerId, Vec<u8>)> = peers
                .iter_mut()
                .filter_map(|(peer, doc)| doc.outgoing_for(&me).map(|d| (peer.clone(), d)))
                .collect();
            times.peers += started.elapsed();
            if inbox.is_empty() {
                break;
            }
            let started = Instant::now();
            let mut sends = Vec::new();
            for (from, data) in &inbox {
                relay.apply(from, data, false).map_err(|e| fail(&e))?;
                if !together {
                    sends.extend(relay.effects(&me).send);
                }
            }
            if together {
                sends.extend(relay.effects(&me).send);
            }
            times.relay += started.elapsed();
            let started = Instant::now();
            for (to, message) in sends {
                let Message::Sync { data, .. } = message else {
                    continue;
                };
                let Some((_, doc)) = peers.iter_mut().find(|(p, _)| *p == to) else {
                    return Err(format!("the relay wrote to {to}, who is not a peer"));
                };
                doc.receive(&me, &data).map_err(|e| fail(&e))?;
            }
            times.peers += started.elapsed();
        }
    }
    let heads = relay.heads();
    for (peer, doc) in &mut peers {
        if doc.heads() != heads {
            return Err(format!("{peer} did not converge with the relay"));
        }
    }
    Ok(times)
}

/// The outcome as table rows (figure, Fieldbook, reference, ratio, target):
/// answering together against answering one at a time, for the relay, for
/// the peers, and the cores both would need at the team scenario's rate.
pub fn table(o: &Outcome) -> String {
    let scene = format!("{} typists in one text, {} changes", o.peers, o.changes);
    let row = |name: &str, both: f64, one: f64, unit: &str, digits: usize| {
        format!(
            "| {name} (reference: each message answered on its own) | {both:.digits$}{unit} | {one:.digits$}{unit} | {:.1}× |  |\n",
            one / both.max(f64::MIN_POSITIVE)
        )
    };
    let (one, both) = (&o.one_at_a_time, &o.together);
    // The team scenario's rate at `bench load`'s full size, for what the
    // measured costs would ask of a machine.
    let team = Options::default();
    let rate = team.team_clients as f64 * team.cps;
    let cores = |t: &Times| o.per_change(t.relay + t.peers) * rate / 1e6;
    [
        "| figure | Fieldbook | reference | ratio (× better) | target |\n| --- | --- | --- | --- | --- |\n".to_string(),
        row(
            &format!("sync engine alone, {scene}: relay time per change"),
            o.per_change(both.relay),
            o.per_change(one.relay),
            " µs",
            0,
        ),
        row(
            &format!(
                "sync engine alone, {scene}: the typists' time per change (typing it, {} others merging it, every answer)",
                o.peers.saturating_sub(1)
            ),
            o.per_change(both.peers),
            o.per_change(one.peers),
            " µs",
            0,
        ),
        row(
            &format!(
                "sync engine alone, {scene}: cores relay and typists would need at {rate:.0} changes/s (the team scenario)"
            ),
            cores(both),
            cores(one),
            "",
            1,
        ),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_converge_and_are_timed() {
        let o = run(3, 4).expect("runs");
        assert_eq!(o.changes, 12);
        for t in [o.together, o.one_at_a_time] {
            assert!(
                t.relay > Duration::ZERO && t.peers > Duration::ZERO,
                "{t:?}"
            );
        }
        let table = table(&o);
        assert!(
            table.contains("3 typists in one text, 12 changes: relay time per change"),
            "{table}"
        );
        assert!(table.contains("(typing it, 2 others merging it"), "{table}");
        assert!(
            table.contains("cores relay and typists would need at 6000 changes/s"),
            "{table}"
        );
    }
}
