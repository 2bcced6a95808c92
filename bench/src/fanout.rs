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
//! Only the relay's work is timed (applying, answering, the storage task);
//! the peers' is not. Every peer must end with the relay's heads.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ObjId, ROOT, ReadDoc};
use protocol::{DocumentId, Message, PeerId, RelayDoc};

use crate::load::client::{genesis, replica};

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub peers: usize,
    pub changes: usize,
    pub one_at_a_time: Duration,
    pub together: Duration,
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

/// The relay's time for one run; an error if the peers did not converge.
fn typing(n: usize, rounds: usize, together: bool) -> Result<Duration, String> {
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
    let mut relay_time = Duration::ZERO;
    for round in 0..rounds {
        for (i, (_, doc)) in peers.iter_mut().enumerate() {
            let len = doc.doc().length(&text);
            let at = (round * 31 + i * 7).wrapping_mul(2_654_435_761) % (len + 1);
            let doc = doc.doc_mut();
            doc.splice_text(&text, at, 0, "x").map_err(|e| fail(&e))?;
            doc.commit();
        }
        // Until nobody has anything to say.
        loop {
            let inbox: Vec<(PeerId, Vec<u8>)> = peers
                .iter_mut()
                .filter_map(|(peer, doc)| doc.outgoing_for(&me).map(|d| (peer.clone(), d)))
                .collect();
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
            relay_time += started.elapsed();
            for (to, message) in sends {
                let Message::Sync { data, .. } = message else {
                    continue;
                };
                let Some((_, doc)) = peers.iter_mut().find(|(p, _)| *p == to) else {
                    return Err(format!("the relay wrote to {to}, who is not a peer"));
                };
                doc.receive(&me, &data).map_err(|e| fail(&e))?;
            }
        }
    }
    let heads = relay.heads();
    for (peer, doc) in &mut peers {
        if doc.heads() != heads {
            return Err(format!("{peer} did not converge with the relay"));
        }
    }
    Ok(relay_time)
}

/// The outcome as table rows (figure, Fieldbook, reference, ratio, target):
/// answering together against answering one at a time.
pub fn table(o: &Outcome) -> String {
    let (one, both) = (o.per_change(o.one_at_a_time), o.per_change(o.together));
    let name = format!(
        "relay engine alone, {} typists in one text, {} changes: relay time per change",
        o.peers, o.changes
    );
    format!(
        "| figure | Fieldbook | reference | ratio (× better) | target |\n\
         | --- | --- | --- | --- | --- |\n\
         | {name} (reference: each message answered on its own) | {both:.0} µs | {one:.0} µs | {:.1}× |  |\n",
        one / both.max(f64::MIN_POSITIVE)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_converge_and_are_timed() {
        let o = run(3, 4).expect("runs");
        assert_eq!(o.changes, 12);
        assert!(o.together > Duration::ZERO && o.one_at_a_time > Duration::ZERO);
        let table = table(&o);
        assert!(
            table.contains("3 typists in one text, 12 changes"),
            "{table}"
        );
    }
}
