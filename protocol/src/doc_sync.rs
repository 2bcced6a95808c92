//! The sans-IO sync engine for one document: the document itself and the
//! automerge sync state kept with each peer that is interested in it.
//!
//! The driver (browser client or relay) feeds it what arrived and asks what to
//! send and what to store; it never touches a socket, a clock or a disk.
//!
//! ```
//! # use protocol::{DocSync, DocumentId, PeerId};
//! # use automerge::{AutoCommit, ROOT, transaction::Transactable};
//! let (a, b) = (PeerId::new("a"), PeerId::new("b"));
//! let id = DocumentId::from_bytes([1; 16]);
//! let mut alice = DocSync::new(id, AutoCommit::new());
//! let mut bob = DocSync::new(id, AutoCommit::new());
//! alice.doc_mut().put(ROOT, "hello", "world").unwrap();
//! alice.add_peer(&b);
//! bob.add_peer(&a);
//! // Ping-pong until neither side has anything to say.
//! loop {
//!     let to_bob = alice.outgoing();
//!     let to_alice = bob.outgoing();
//!     if to_bob.is_empty() && to_alice.is_empty() { break }
//!     for m in to_bob { bob.receive(&a, &m.data).unwrap(); }
//!     for m in to_alice { alice.receive(&b, &m.data).unwrap(); }
//! }
//! assert_eq!(alice.heads(), bob.heads());
//! ```

use std::collections::BTreeMap;

use automerge::sync;
use automerge::{AutoCommit, ChangeHash};

use crate::storage_plan::load_chunks;
use crate::{DocumentId, PeerId, StoragePlan, StorageTask, SyncError};

/// A sync message to send to one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub peer: PeerId,
    pub data: Vec<u8>,
}

/// What applying a received sync message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Changes the message added to the document (0 for a pure handshake).
    pub new_changes: usize,
}

/// Decode the automerge sync message a `sync` or `request` message carries.
pub fn decode_sync(data: &[u8]) -> Result<sync::Message, SyncError> {
    sync::Message::decode(data).map_err(|e| SyncError::BadSyncMessage(e.to_string()))
}

/// One document and its sync state with every interested peer.
pub struct DocSync {
    id: DocumentId,
    doc: AutoCommit,
    peers: BTreeMap<PeerId, sync::State>,
    storage: StoragePlan,
    /// Changes received lately, to forward without encoding them again.
    recent: generate::Recent,
}

impl DocSync {
    /// A document that storage has never seen (all of it is unsaved).
    pub fn new(id: DocumentId, doc: AutoCommit) -> Self {
        DocSync {
            id,
            doc,
            peers: BTreeMap::new(),
            storage: StoragePlan::default(),
            recent: generate::Recent::default(),
        }
    }

    /// A document loaded from its stored chunks, oldest first; chunks that did
    /// not load are returned as errors and the rest is kept.
    pub fn loaded(id: DocumentId, chunks: &[Vec<u8>]) -> (Self, Vec<SyncError>) {
        let (mut doc, errors) = load_chunks(chunks);
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        let storage = StoragePlan::loaded(&mut doc, &sizes);
        (
            DocSync {
                id,
                doc,
                peers: BTreeMap::new(),
                storage,
                recent: generate::Recent::default(),
            },
            errors,
        )
    }

    pub fn id(&self) -> DocumentId {
        self.id
    }

    pub fn doc(&self) -> &AutoCommit {
        &self.doc
    }

    /// For local edits; call [`DocSync::outgoing`] and
    /// [`DocSync::storage_task`] afterwards.
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// True while the document has no changes at all (we are asking for it,
    /// not offering it).
    pub fn is_empty(&self) -> bool {
        self.doc.is_empty()
    }

    /// Start syncing with `peer` (a fresh sync state: it learns what we have
    /// from scratch). Adding a peer already known keeps its state.
    pub fn add_peer(&mut self, peer: &PeerId) {
        self.peers.entry(peer.clone()).or_default();
    }

    pub fn remove_peer(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    pub fn has_peer(&self, peer: &PeerId) -> bool {
        self.peers.contains_key(peer)
    }

    pub fn peers(&self) -> impl Iterator<Item = &PeerId> {
        self.peers.keys()
    }

    /// Apply a sync message from `from` (who becomes a peer of this document).
    pub fn receive(&mut self, from: &PeerId, data: &[u8]) -> Result<Received, SyncError> {
        let message = decode_sync(data)?;
        // A batch of one is applied exactly as automerge would.
        let (received, refused) = self.receive_all(vec![(from.clone(), message)]);
        match refused.into_iter().next() {
            Some((_, e)) => Err(e),
            None => Ok(received),
        }
    }

    /// Apply decoded sync messages from several peers (each becomes a peer
    /// of this document) with one load of all their changes, which costs
    /// about as much as applying one of them. Returns what they added and
    /// the messages refused, with why; the others are applied.
    pub fn receive_all(
        &mut self,
        batch: Vec<(PeerId, sync::Message)>,
    ) -> (Received, Vec<(PeerId, SyncError)>) {
        let before = self.doc.get_heads();
        for (from, _) in &batch {
            self.peers.entry(from.clone()).or_default();
        }
        // Only a document with others to forward them to keeps them.
        if self.peers.len() > 1 {
            for (_, message) in &batch {
                self.recent.keep(message);
            }
        }
        let refused = receive::receive_batch(&mut self.doc, &mut self.peers, batch);
        let refused = refused
            .into_iter()
            .map(|(peer, e)| (peer, SyncError::from(e)))
            .collect();
        (self.received_since(&before), refused)
    }

    fn received_since(&mut self, before: &[ChangeHash]) -> Received {
        // Counting only what is new keeps a keystroke's sync cheap in a
        // document with a long history.
        let new_changes = if self.doc.get_heads() == before {
            0
        } else {
            self.changes_since(before)
        };
        Received { new_changes }
    }

    /// The next sync message for every peer that needs one.
    pub fn outgoing(&mut self) -> Vec<Outgoing> {
        let mut out = Vec::new();
        // Edits still open are committed before any message is made.
        self.doc.get_heads();
        let mut since = generate::Since::default();
        for (peer, state) in self.peers.iter_mut() {
            if let Some(m) =
                generate::generate_sync_message(&mut self.doc, state, &self.recent, &mut since)
            {
                out.push(Outgoing {
                    peer: peer.clone(),
                    data: m.encode(),
                });
            }
        }
        out
    }

    /// The next sync message for one peer, if it needs one.
    pub fn outgoing_for(&mut self, peer: &PeerId) -> Option<Vec<u8>> {
        let state = self.peers.get_mut(peer)?;
        let mut since = generate::Since::default();
        generate::generate_sync_message(&mut self.doc, state, &self.recent, &mut since)
            .map(sync::Message::encode)
    }

    /// The heads `peer` has confirmed sharing with us in this session.
    pub fn shared_heads(&self, peer: &PeerId) -> Option<&[ChangeHash]> {
        self.peers.get(peer).map(|s| s.shared_heads.as_slice())
    }

    /// How many changes of the document are not ancestors of `heads` (all of
    /// them for empty `heads`).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> usize {
        self.doc.get_changes_meta(heads).len()
    }

    /// How many of our changes `peer` has not confirmed having.
    pub fn unconfirmed_changes(&mut self, peer: &PeerId) -> usize {
        let Some(state) = self.peers.get(peer) else {
            return self.changes_since(&[]);
        };
        if self.doc.has_our_changes(state) {
            return 0;
        }
        let shared = state.shared_heads.clone();
        self.changes_since(&shared)
    }

    /// The write that brings storage up to date, if any.
    pub fn storage_task(&mut self) -> Option<StorageTask> {
        self.storage.next_task(self.id, &mut self.doc)
    }

    /// The write that leaves the document stored as one snapshot, if it is
    /// not already (see [`StoragePlan::compaction`]).
    pub fn compaction(&mut self) -> Option<StorageTask> {
        self.storage.compaction(self.id, &mut self.doc)
    }

    /// The last storage task was not written: the next one rewrites the
    /// whole document.
    pub fn storage_failed(&mut self) {
        self.storage.write_failed();
    }
}

mod generate;
mod receive;
#[cfg(test)]
mod tests;
