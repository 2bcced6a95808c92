//! The relay's side of one document, without IO: what a `request` or `sync`
//! message from a peer does to the relay's copy, what must be stored, and
//! what to answer. The relay (`sync-server`'s hub) drives it over real
//! sockets and storage; the convergence fuzzer drives the same code over an
//! in-memory network, so what the fuzzer proves is about the relay's logic.
//!
//! Rules:
//! - a `request` for a document the relay does not have gets
//!   `doc-unavailable`, and the asker is remembered: it is sent the document
//!   as soon as someone uploads it;
//! - [`RelayEffects::store`] must be written, in order, *before* any of
//!   [`RelayEffects::send`] goes out, so whatever a peer has been told the
//!   relay has survives a crash;
//! - a write that failed is reported with [`RelayDoc::storage_failed`]: the
//!   next write then stores the whole document again.

use std::collections::BTreeSet;

use automerge::{AutoCommit, ChangeHash};

use crate::doc_sync::decode_sync;
use crate::{DocSync, DocumentId, Message, Outgoing, PeerId, StorageTask, SyncError};

/// The relay's copy of one document and who is syncing it.
pub struct RelayDoc {
    id: DocumentId,
    /// `None` while the relay has never had the document.
    sync: Option<DocSync>,
    /// Peers that asked for the document before the relay had it.
    waiting: BTreeSet<PeerId>,
    /// Answers owed for the messages applied since the last
    /// [`RelayDoc::effects`].
    owed: Owed,
}

#[derive(Default)]
struct Owed {
    /// Peers to tell the relay does not have the document.
    unavailable: Vec<PeerId>,
    /// A message brought new changes (or a waiting peer can now be served):
    /// every peer may be owed a sync message.
    everyone: bool,
    /// Peers whose messages were applied: each may be owed an answer.
    senders: BTreeSet<PeerId>,
    /// Sync messages for a document the relay has, applied together by
    /// the next [`RelayDoc::effects`].
    messages: Vec<(PeerId, automerge::sync::Message)>,
}

/// What handling one message asks of the driver: perform every write in
/// `store`, in order, and only then send `send`.
#[derive(Debug, Default)]
pub struct RelayEffects {
    pub store: Vec<StorageTask>,
    /// Messages and the peer each goes to.
    pub send: Vec<(PeerId, Message)>,
    /// Messages that could not be applied, by sender, and why (the rest of
    /// their batch was applied).
    pub refused: Vec<(PeerId, SyncError)>,
}

impl RelayDoc {
    /// The relay's copy as storage has it: `chunks` oldest first (none: the
    /// relay has never had the document). Chunks that did not load are
    /// returned as errors; the rest is kept.
    pub fn load(id: DocumentId, chunks: &[Vec<u8>]) -> (Self, Vec<SyncError>) {
        let (sync, errors) = if chunks.is_empty() {
            (None, Vec::new())
        } else {
            let (sync, errors) = DocSync::loaded(id, chunks);
            (Some(sync), errors)
        };
        let doc = RelayDoc {
            id,
            sync,
            waiting: BTreeSet::new(),
            owed: Owed::default(),
        };
        (doc, errors)
    }

    pub fn id(&self) -> DocumentId {
        self.id
    }

    /// The relay's copy, once it has one.
    pub fn doc(&self) -> Option<&AutoCommit> {
        self.sync.as_ref().map(DocSync::doc)
    }

    /// The copy's heads (none while the relay does not have it).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.sync.as_mut().map(DocSync::heads).unwrap_or_default()
    }

    fn has_it(&self) -> bool {
        self.sync.as_ref().is_some_and(|s| !s.is_empty())
    }

    /// Apply a `request` (`is_request`) or `sync` message from `from`. What
    /// it asks of the driver waits for [`RelayDoc::effects`], so a driver
    /// with several messages for the document applies them all first and
    /// then answers each peer once, with everything at once. A message that
    /// is not a sync message is refused here; one whose changes automerge
    /// refuses is reported by [`RelayDoc::effects`].
    pub fn apply(&mut self, from: &PeerId, data: &[u8], is_request: bool) -> Result<(), SyncError> {
        if is_request && !self.has_it() {
            self.waiting.insert(from.clone());
            self.owed.unavailable.push(from.clone());
            return Ok(());
        }
        if self.has_it() {
            // Kept for one load with the rest of the batch: merging changes
            // into a text costs about the same for a batch as for one.
            let message = decode_sync(data)?;
            self.owed.messages.push((from.clone(), message));
        } else {
            let id = self.id;
            let sync = self
                .sync
                .get_or_insert_with(|| DocSync::new(id, AutoCommit::new()));
            let received = sync.receive(from, data)?;
            self.owed.everyone |= received.new_changes > 0;
        }
        self.owed.senders.insert(from.clone());
        Ok(())
    }

    /// What the messages applied since the last call ask of the driver:
    /// one write and at most one sync message per peer, however many
    /// messages there were.
    pub fn effects(&mut self, me: &PeerId) -> RelayEffects {
        let mut owed = std::mem::take(&mut self.owed);
        let id = self.id;
        let mut effects = RelayEffects::default();
        for peer in owed.unavailable {
            let message = Message::DocUnavailable {
                sender_id: me.clone(),
                target_id: peer.clone(),
                document_id: id,
            };
            effects.send.push((peer, message));
        }
        let Some(sync) = self.sync.as_mut() else {
            return effects;
        };
        if !owed.messages.is_empty() {
            let (received, refused) = sync.receive_all(std::mem::take(&mut owed.messages));
            owed.everyone |= received.new_changes > 0;
            for (peer, _) in &refused {
                owed.senders.remove(peer);
            }
            effects.refused = refused;
        }
        // Only new changes (or peers that were waiting for the document)
        // give anyone but the senders something to hear: an acknowledgement
        // changes only the sender's sync state, so only the sender may be
        // owed an answer. In a busy document most messages are such
        // acknowledgements; answering each with a sync message generated
        // for every peer made the relay's work grow with the square of the
        // people typing.
        if !sync.is_empty() && !self.waiting.is_empty() {
            for waiting in std::mem::take(&mut self.waiting) {
                sync.add_peer(&waiting);
            }
            owed.everyone = true;
        }
        effects.store.extend(sync.storage_task());
        let outgoing = if owed.everyone {
            sync.outgoing()
        } else {
            owed.senders
                .iter()
                .filter_map(|peer| {
                    sync.outgoing_for(peer).map(|data| Outgoing {
                        peer: peer.clone(),
                        data,
                    })
                })
                .collect()
        };
        // A refused sender's connection is closed: it is owed nothing.
        let refused = |peer: &PeerId| effects.refused.iter().any(|(p, _)| p == peer);
        for out in outgoing.into_iter().filter(|out| !refused(&out.peer)) {
            let message = Message::Sync {
                sender_id: me.clone(),
                target_id: out.peer.clone(),
                document_id: id,
                data: out.data,
            };
            effects.send.push((out.peer, message));
        }
        effects
    }

    /// A write of [`RelayEffects::store`] failed: the next write stores the
    /// whole document, so nothing the failed write held goes missing.
    pub fn storage_failed(&mut self) {
        if let Some(sync) = self.sync.as_mut() {
            sync.storage_failed();
        }
    }

    /// Drop what the relay knows of `peer`'s sync (it disconnected, or a new
    /// connection of the same peer starts afresh).
    pub fn forget(&mut self, peer: &PeerId) {
        self.waiting.remove(peer);
        self.owed.senders.remove(peer);
        self.owed.unavailable.retain(|p| p != peer);
        self.owed.messages.retain(|(p, _)| p != peer);
        if let Some(sync) = self.sync.as_mut() {
            sync.remove_peer(peer);
        }
    }

    /// Peers currently syncing the document (for ephemeral messages).
    pub fn peers(&self) -> impl Iterator<Item = &PeerId> {
        self.sync.iter().flat_map(DocSync::peers)
    }

    /// True when no peer is syncing or waiting for the document: dropping
    /// it from memory loses nothing a peer relies on.
    pub fn is_idle(&self) -> bool {
        self.waiting.is_empty() && self.peers().next().is_none()
    }

    /// The write to make before dropping the document from memory: its
    /// chunks compacted into one snapshot, if there is more than one.
    pub fn compaction(&mut self) -> Option<StorageTask> {
        self.sync.as_mut().and_then(DocSync::compaction)
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT, ReadDoc};

    use super::*;

    /// Deliver every message the relay sends to the peers, and their
    /// answers back, until nobody has anything to say; returns how many
    /// messages the relay sent to each peer.
    fn settle(relay: &mut RelayDoc, me: &PeerId, peers: &mut [(PeerId, DocSync)]) -> Vec<usize> {
        let mut sent = vec![0; peers.len()];
        let mut inbox: Vec<(usize, Vec<u8>)> = Vec::new();
        loop {
            for (i, (_, doc)) in peers.iter_mut().enumerate() {
                if let Some(data) = doc.outgoing_for(me) {
                    inbox.push((i, data));
                }
            }
            if inbox.is_empty() {
                return sent;
            }
            for (i, data) in std::mem::take(&mut inbox) {
                relay.apply(&peers[i].0, &data, false).expect("apply");
                let effects = relay.effects(me);
                for (to, message) in effects.send {
                    let Message::Sync { data, .. } = message else {
                        continue;
                    };
                    let j = peers.iter().position(|(p, _)| *p == to).expect("a peer");
                    sent[j] += 1;
                    peers[j].1.receive(me, &data).expect("peer receives");
                }
            }
        }
    }

    /// A relay and `n` peers of one document, which the first of them
    /// created and all of them have synced.
    fn shared_by(n: u8, me: &PeerId) -> (RelayDoc, Vec<(PeerId, DocSync)>) {
        let id = DocumentId::from_bytes([5; 16]);
        let (mut relay, _) = RelayDoc::load(id, &[]);
        let mut peers: Vec<(PeerId, DocSync)> = (0..n)
            .map(|i| {
                let doc = AutoCommit::new().with_actor(ActorId::from(vec![i + 1; 16]));
                let mut sync = DocSync::new(id, doc);
                sync.add_peer(me);
                (PeerId::new(format!("p{i}")), sync)
            })
            .collect();
        peers[0]
            .1
            .doc_mut()
            .put(ROOT, "title", "Q3 plan")
            .expect("put");
        peers[0].1.doc_mut().commit();
        settle(&mut relay, me, &mut peers);
        (relay, peers)
    }

    #[test]
    fn a_keystroke_reaches_everyone_and_a_resync_only_its_sender() {
        let me = PeerId::new("relay");
        let (mut relay, mut peers) = shared_by(4, &me);
        let heads = relay.heads();
        assert!(
            peers.iter_mut().all(|(_, d)| d.heads() == heads),
            "all converged"
        );

        // One keystroke: everyone else hears of it once; the acknowledgements
        // that follow are answered (if at all) only to their senders.
        peers[2]
            .1
            .doc_mut()
            .put(ROOT, "title", "Q4 plan")
            .expect("put");
        peers[2].1.doc_mut().commit();
        let sent = settle(&mut relay, &me, &mut peers);
        let heads = relay.heads();
        assert!(
            peers.iter_mut().all(|(_, d)| d.heads() == heads),
            "all converged"
        );
        for (i, n) in sent.iter().enumerate() {
            assert!(
                *n <= 2,
                "peer {i} was sent {n} messages for one change: {sent:?}"
            );
        }
        assert!(sent.iter().all(|n| *n >= 1), "everyone heard: {sent:?}");
        // A message that brings nothing new (a peer starting its sync over)
        // reaches nobody else.
        let (from, doc) = &mut peers[1];
        doc.remove_peer(&me);
        doc.add_peer(&me);
        let data = doc.outgoing_for(&me).expect("a fresh sync speaks first");
        relay.apply(from, &data, false).expect("apply");
        let effects = relay.effects(&me);
        assert!(effects.store.is_empty());
        assert!(
            effects.send.iter().all(|(to, _)| to == from),
            "{:?}",
            effects.send
        );
    }

    #[test]
    fn keystrokes_applied_together_are_answered_once_per_peer() {
        let me = PeerId::new("relay");
        let (mut relay, mut peers) = shared_by(5, &me);

        // Four people type at once; the relay reads all four messages
        // before it answers.
        for (i, (_, doc)) in peers.iter_mut().enumerate().take(4) {
            doc.doc_mut()
                .put(ROOT, format!("k{i}"), i as i64)
                .expect("put");
            doc.doc_mut().commit();
        }
        for (from, doc) in peers.iter_mut().take(4) {
            let data = doc.outgoing_for(&me).expect("a change to offer");
            relay.apply(from, &data, false).expect("apply");
        }
        let effects = relay.effects(&me);
        assert_eq!(effects.store.len(), 1, "one write for the four changes");
        let mut to: Vec<&PeerId> = effects.send.iter().map(|(p, _)| p).collect();
        to.sort();
        to.dedup();
        assert_eq!(to.len(), effects.send.len(), "one message per peer");
        assert_eq!(to.len(), 5, "everyone hears: {to:?}");
        assert!(relay.effects(&me).send.is_empty(), "nothing owed twice");

        // The one message each carries what the others typed.
        for (to, message) in effects.send {
            let Message::Sync { data, .. } = message else {
                panic!("a sync message");
            };
            let (_, doc) = peers.iter_mut().find(|(p, _)| *p == to).expect("a peer");
            doc.receive(&me, &data).expect("receives");
        }
        for i in 0..4 {
            assert!(
                peers[4]
                    .1
                    .doc()
                    .get(ROOT, format!("k{i}"))
                    .expect("get")
                    .is_some(),
                "p4 has p{i}'s change"
            );
        }
        settle(&mut relay, &me, &mut peers);
        let heads = relay.heads();
        assert!(peers.iter_mut().all(|(_, d)| d.heads() == heads));
    }

    #[test]
    fn a_message_automerge_refuses_is_reported_and_the_rest_answered() {
        let me = PeerId::new("relay");
        let (mut relay, mut peers) = shared_by(3, &me);
        // p1 and p2 wrongly share an actor: the same sequence number twice.
        for (i, (_, doc)) in peers.iter_mut().enumerate() {
            if i > 0 {
                doc.doc_mut().set_actor(ActorId::from(vec![42; 16]));
            }
            doc.doc_mut().put(ROOT, "title", i as i64).expect("put");
            doc.doc_mut().commit();
        }
        for (from, doc) in peers.iter_mut() {
            let data = doc.outgoing_for(&me).expect("a change to offer");
            relay.apply(from, &data, false).expect("decodes");
        }
        let effects = relay.effects(&me);
        let refused: Vec<&PeerId> = effects.refused.iter().map(|(p, _)| p).collect();
        assert_eq!(refused, [&peers[2].0]);
        assert!(
            effects.send.iter().all(|(to, _)| *to != peers[2].0),
            "the refused sender is not answered: {:?}",
            effects.send
        );
        assert_eq!(effects.store.len(), 1, "the others' changes are stored");
    }
}
