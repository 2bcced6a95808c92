//! A simulated relay: the hub's bookkeeping (each peer's current connection,
//! lazy loading, eviction, crashes) around the real [`RelayDoc`], with an
//! in-memory store that applies [`StorageTask`]s as the relay's engines do.

use std::collections::BTreeMap;

use automerge::ChangeHash;

use crate::{
    DocumentId, Handshake, Message, PeerId, PeerMetadata, RelayDoc, StorageTask, load_chunks,
};

/// A frame for a peer.
pub type Addressed = (PeerId, Vec<u8>);

pub struct SimRelay {
    me: PeerId,
    restarts: u32,
    /// Documents in memory.
    docs: BTreeMap<DocumentId, RelayDoc>,
    /// What survives a crash: each document's chunks, oldest first.
    pub stored: BTreeMap<DocumentId, Vec<Vec<u8>>>,
    /// Each connected peer's current connection.
    connections: BTreeMap<PeerId, u64>,
    next_connection: u64,
}

impl SimRelay {
    /// A relay whose storage starts with `stored`.
    pub fn new(stored: BTreeMap<DocumentId, Vec<Vec<u8>>>) -> Self {
        SimRelay {
            me: PeerId::new("relay-0"),
            restarts: 0,
            docs: BTreeMap::new(),
            stored,
            connections: BTreeMap::new(),
            next_connection: 0,
        }
    }

    pub fn me(&self) -> &PeerId {
        &self.me
    }

    /// The connection the relay sends `peer`'s messages to.
    pub fn connection_of(&self, peer: &PeerId) -> Option<u64> {
        self.connections.get(peer).copied()
    }

    /// A socket opened with `join`: the peer, its connection number and the
    /// `peer` reply. A second connection of the same peer takes over and
    /// syncs afresh, as in the hub.
    pub fn accept(&mut self, join: &[u8]) -> (PeerId, u64, Vec<u8>) {
        let join = Message::decode(join).expect("a valid join");
        let (peer, reply) =
            Handshake::accept(&self.me, PeerMetadata::default(), &join).expect("handshake");
        let connection = self.next_connection;
        self.next_connection += 1;
        if self.connections.insert(peer.clone(), connection).is_some() {
            self.forget(&peer);
        }
        (peer, connection, reply.encode())
    }

    /// Connection `connection` of `peer` closed (a later one may have taken over).
    pub fn disconnect(&mut self, peer: &PeerId, connection: u64) {
        if self.connections.get(peer) == Some(&connection) {
            self.connections.remove(peer);
            self.forget(peer);
        }
    }

    fn forget(&mut self, peer: &PeerId) {
        for doc in self.docs.values_mut() {
            doc.forget(peer);
        }
    }

    /// A frame from `from` on `connection`: stores what it must, then
    /// returns the frames to send. A frame from a connection a newer one of
    /// the same peer has superseded is ignored, as in the hub.
    pub fn on_frame(&mut self, from: &PeerId, connection: u64, bytes: &[u8]) -> Vec<Addressed> {
        self.on_frames(&[(from.clone(), connection, bytes.to_vec())])
    }

    /// Frames read together, as the hub applies the messages that queued
    /// for a document while it was busy: each document applies all of
    /// its frames, then answers each peer once.
    pub fn on_frames(&mut self, frames: &[(PeerId, u64, Vec<u8>)]) -> Vec<Addressed> {
        let mut touched = Vec::new();
        for (from, connection, bytes) in frames {
            if self.connection_of(from) != Some(*connection) {
                continue;
            }
            let message = Message::decode(bytes).expect("clients send valid frames");
            let (doc, data, is_request) = match message {
                Message::Sync {
                    document_id, data, ..
                } => (document_id, data, false),
                Message::Request {
                    document_id, data, ..
                } => (document_id, data, true),
                other => panic!("unexpected `{}` from {from}", other.kind()),
            };
            self.load(doc)
                .apply(from, &data, is_request)
                .expect("valid sync data");
            if !touched.contains(&doc) {
                touched.push(doc);
            }
        }
        let me = self.me.clone();
        let mut out = Vec::new();
        for doc in touched {
            let effects = self.load(doc).effects(&me);
            assert!(effects.refused.is_empty(), "refused: {:?}", effects.refused);
            for task in effects.store {
                self.apply(task);
            }
            out.extend(effects.send.into_iter().map(|(peer, m)| (peer, m.encode())));
        }
        out
    }

    /// The document in memory, loaded from storage first if need be.
    pub fn load(&mut self, id: DocumentId) -> &mut RelayDoc {
        let stored = &self.stored;
        self.docs.entry(id).or_insert_with(|| {
            let (doc, errors) = RelayDoc::load(id, stored.get(&id).map_or(&[][..], |c| c));
            assert!(errors.is_empty(), "stored chunks load: {errors:?}");
            doc
        })
    }

    fn apply(&mut self, task: StorageTask) {
        match task {
            StorageTask::Append { doc, chunk } => self.stored.entry(doc).or_default().push(chunk),
            StorageTask::Compact { doc, snapshot } => {
                self.stored.insert(doc, vec![snapshot]);
            }
        }
    }

    /// The heads storage holds for `id`.
    pub fn stored_heads(&self, id: DocumentId) -> Vec<ChangeHash> {
        let chunks = self.stored.get(&id).map_or(&[][..], |c| c);
        let (mut doc, errors) = load_chunks(chunks);
        assert!(errors.is_empty(), "stored chunks load: {errors:?}");
        doc.get_heads()
    }

    /// Drop every idle document from memory (compacted first), as the
    /// hub's sweep does; returns how many went.
    pub fn evict_idle(&mut self) -> usize {
        let idle: Vec<DocumentId> = self
            .docs
            .iter()
            .filter(|(_, d)| d.is_idle())
            .map(|(id, _)| *id)
            .collect();
        for id in &idle {
            if let Some(mut doc) = self.docs.remove(id)
                && let Some(task) = doc.compaction()
            {
                self.apply(task);
            }
        }
        idle.len()
    }

    /// The process dies: memory and connections are gone, storage stays, and
    /// the restarted relay has a new peer id. Checks first that storage holds
    /// every change the relay had in memory, which includes every change it
    /// ever acknowledged.
    pub fn crash(&mut self) {
        let ids: Vec<DocumentId> = self.docs.keys().copied().collect();
        for id in ids {
            let in_memory = self.load(id).heads();
            assert_eq!(
                self.stored_heads(id),
                in_memory,
                "{id}: storage lags memory at the crash"
            );
        }
        self.restarts += 1;
        self.me = PeerId::new(format!("relay-{}", self.restarts));
        self.docs.clear();
        self.connections.clear();
    }
}
