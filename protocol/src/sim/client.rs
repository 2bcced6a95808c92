//! A simulated client: what the app's `Repo` does with its relay connection
//! (offer every document once connected, answer each sync message, offer
//! each local edit at once, forget the relay's sync state when the socket
//! closes), without the browser.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit, ChangeHash};

use crate::{ClientEvent, ClientSession, DocSync, DocumentId, PeerId, PeerMetadata};

pub struct SimClient {
    pub session: ClientSession,
    pub docs: BTreeMap<DocumentId, DocSync>,
}

impl SimClient {
    /// A client named `name` that edits as `actor`, holding `docs` (empty
    /// documents are asked for with `request`).
    pub fn new(name: &str, actor: &ActorId, docs: Vec<(DocumentId, AutoCommit)>) -> Self {
        let docs = docs
            .into_iter()
            .map(|(id, mut doc)| {
                doc.set_actor(actor.clone());
                (id, DocSync::new(id, doc))
            })
            .collect();
        SimClient {
            session: ClientSession::new(PeerId::new(name)),
            docs,
        }
    }

    pub fn me(&self) -> &PeerId {
        self.session.me()
    }

    /// The socket opened: the `join` frame.
    pub fn open(&mut self) -> Vec<u8> {
        self.session.on_open(PeerMetadata::default()).encode()
    }

    /// The socket closed: the relay's sync states go (the next connection
    /// syncs from scratch).
    pub fn close(&mut self) {
        self.session.on_close();
        for sync in self.docs.values_mut() {
            let peers: Vec<PeerId> = sync.peers().cloned().collect();
            for p in &peers {
                sync.remove_peer(p);
            }
        }
    }

    /// A frame from the relay; returns the frames to send back.
    pub fn on_frame(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let event = self
            .session
            .on_frame(bytes)
            .expect("the relay sends valid frames");
        match event {
            ClientEvent::Connected(_) => {
                let ids: Vec<DocumentId> = self.docs.keys().copied().collect();
                ids.into_iter().filter_map(|id| self.offer(id)).collect()
            }
            ClientEvent::Sync { doc, data } => {
                let relay = self.session.relay().cloned().expect("connected");
                let Some(sync) = self.docs.get_mut(&doc) else {
                    return Vec::new();
                };
                sync.receive(&relay, &data).expect("valid sync data");
                self.offer(doc).into_iter().collect()
            }
            ClientEvent::RelayError(e) => panic!("{} was refused by the relay: {e}", self.me()),
            ClientEvent::Unavailable(_) | ClientEvent::Ephemeral(_) | ClientEvent::Ignored => {
                Vec::new()
            }
        }
    }

    /// Apply a local edit to `doc` and commit it at `now_s`; returns the
    /// change it made (if any) and the frame offering it to the relay.
    pub fn edit<E>(
        &mut self,
        doc: DocumentId,
        now_s: i64,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), E>,
    ) -> (Option<ChangeHash>, Option<Vec<u8>>) {
        let Some(sync) = self.docs.get_mut(&doc) else {
            return (None, None);
        };
        // An edit the model refuses (a status move that is not allowed)
        // still commits whatever it did before refusing, as the app does.
        let _ = edit(sync.doc_mut());
        let options = automerge::transaction::CommitOptions::default().with_time(now_s);
        let change = sync.doc_mut().commit_with(options);
        (change, self.offer(doc))
    }

    /// The next message for `doc` to the relay, if connected and one is due.
    fn offer(&mut self, doc: DocumentId) -> Option<Vec<u8>> {
        let sync = self.docs.get_mut(&doc)?;
        self.session.next_message(sync).map(|m| m.encode())
    }
}
