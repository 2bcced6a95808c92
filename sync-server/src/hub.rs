//! The relay's documents and who is syncing them.
//!
//! Each document lives behind its own lock, loaded from storage on first use;
//! a message for one document never waits for another. For every document
//! the hub keeps a [`DocSync`] with one sync state per connected peer. A
//! change is stored before anyone hears about it, so a peer that has been
//! told "the relay has this" can rely on it surviving a crash.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use automerge::AutoCommit;
use protocol::{DocSync, DocumentId, Message, PeerId, StorageTask};
use tokio::sync::mpsc;

use crate::storage::{Storage, StorageError};

/// Messages queued for one connection.
pub type Outbox = mpsc::UnboundedSender<Message>;

/// Why a message from a peer was refused.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("document {doc}: {reason}")]
    Sync { doc: DocumentId, reason: String },
    #[error("storage task failed to run: {0}")]
    Join(String),
}

struct DocEntry {
    /// `None` until loaded from storage.
    loaded: Option<Loaded>,
}

struct Loaded {
    /// `None` while the relay has never had this document.
    sync: Option<DocSync>,
    /// Peers that asked for the document before the relay had it.
    waiting: BTreeSet<PeerId>,
}

pub struct Hub {
    me: PeerId,
    storage: Arc<dyn Storage>,
    docs: Mutex<HashMap<DocumentId, Arc<tokio::sync::Mutex<DocEntry>>>>,
    /// Each peer's current connection (its number) and outbox.
    peers: Mutex<HashMap<PeerId, (ConnectionId, Outbox)>>,
    next_connection: AtomicU64,
}

/// One connection's number: a peer that reconnects (a reloaded page keeps
/// its peer id) gets a new one, so the old connection closing late cannot
/// unregister the new one.
pub type ConnectionId = u64;

impl Hub {
    pub fn new(me: PeerId, storage: Arc<dyn Storage>) -> Self {
        Hub {
            me,
            storage,
            docs: Mutex::new(HashMap::new()),
            peers: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
        }
    }

    pub fn peer_id(&self) -> &PeerId {
        &self.me
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// A connection finished its handshake as `peer`. A second connection
    /// with the same peer id takes over: it gets the messages from now on,
    /// and its sync starts fresh (the old connection's sync states said what
    /// a different session had).
    pub async fn connect(&self, peer: &PeerId, outbox: Outbox) -> ConnectionId {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let replaced = lock(&self.peers)
            .insert(peer.clone(), (id, outbox))
            .is_some();
        if replaced {
            let entries: Vec<_> = lock(&self.docs).values().cloned().collect();
            for entry in entries {
                forget(&mut *entry.lock().await, peer);
            }
        }
        id
    }

    /// Connection `connection` of `peer` closed: forget its sync states, so
    /// a reconnect starts a fresh sync — unless a newer connection of the
    /// same peer has taken over, which keeps its own.
    pub async fn disconnect(
        &self,
        peer: &PeerId,
        connection: ConnectionId,
        docs: &BTreeSet<DocumentId>,
    ) {
        {
            let mut peers = lock(&self.peers);
            match peers.get(peer) {
                Some((current, _)) if *current == connection => {
                    peers.remove(peer);
                }
                _ => return,
            }
        }
        for doc in docs {
            let entry = self.entry(doc);
            forget(&mut *entry.lock().await, peer);
        }
    }

    fn entry(&self, doc: &DocumentId) -> Arc<tokio::sync::Mutex<DocEntry>> {
        lock(&self.docs)
            .entry(*doc)
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(DocEntry { loaded: None })))
            .clone()
    }

    /// Load `doc` into `entry` if this is its first use.
    async fn ensure_loaded<'a>(
        &self,
        doc: DocumentId,
        entry: &'a mut DocEntry,
    ) -> Result<&'a mut Loaded, HubError> {
        if entry.loaded.is_none() {
            let storage = self.storage.clone();
            let chunks = tokio::task::spawn_blocking(move || storage.load(&doc))
                .await
                .map_err(|e| HubError::Join(e.to_string()))??;
            let sync = if chunks.is_empty() {
                None
            } else {
                let (sync, errors) = DocSync::loaded(doc, &chunks);
                for e in errors {
                    tracing::error!(%doc, error = %e, "a stored chunk did not load; the rest did");
                }
                Some(sync)
            };
            entry.loaded = Some(Loaded {
                sync,
                waiting: BTreeSet::new(),
            });
        }
        entry
            .loaded
            .as_mut()
            .ok_or(HubError::Join("load lost".into()))
    }

    /// A `request` (`is_request`) or `sync` message from `from`.
    pub async fn sync(
        &self,
        from: &PeerId,
        doc: DocumentId,
        data: &[u8],
        is_request: bool,
    ) -> Result<(), HubError> {
        let entry = self.entry(&doc);
        let mut entry = entry.lock().await;
        let loaded = self.ensure_loaded(doc, &mut entry).await?;
        let have_it = loaded.sync.as_ref().is_some_and(|s| !s.is_empty());
        if is_request && !have_it {
            loaded.waiting.insert(from.clone());
            self.send(
                from,
                Message::DocUnavailable {
                    sender_id: self.me.clone(),
                    target_id: from.clone(),
                    document_id: doc,
                },
            );
            return Ok(());
        }
        let sync = loaded
            .sync
            .get_or_insert_with(|| DocSync::new(doc, AutoCommit::new()));
        let received = sync.receive(from, data).map_err(|e| HubError::Sync {
            doc,
            reason: e.to_string(),
        })?;
        if received.new_changes > 0 {
            tracing::debug!(%doc, peer = %from, changes = received.new_changes, "merged");
        }
        if !sync.is_empty() {
            for waiting in std::mem::take(&mut loaded.waiting) {
                sync.add_peer(&waiting);
            }
        }
        while let Some(task) = sync.storage_task() {
            self.store(task).await?;
        }
        for out in sync.outgoing() {
            self.send(
                &out.peer,
                Message::Sync {
                    sender_id: self.me.clone(),
                    target_id: out.peer.clone(),
                    document_id: doc,
                    data: out.data,
                },
            );
        }
        Ok(())
    }

    /// Pass an ephemeral message to every other peer syncing the document.
    /// Nothing is stored.
    pub async fn ephemeral(&self, message: &Message) {
        let Message::Ephemeral {
            sender_id,
            document_id,
            ..
        } = message
        else {
            return;
        };
        let entry = self.entry(document_id);
        let entry = entry.lock().await;
        let Some(sync) = entry.loaded.as_ref().and_then(|l| l.sync.as_ref()) else {
            return;
        };
        for peer in sync.peers().filter(|p| *p != sender_id) {
            let mut forwarded = message.clone();
            if let Message::Ephemeral { target_id, .. } = &mut forwarded {
                *target_id = peer.clone();
            }
            self.send(peer, forwarded);
        }
    }

    async fn store(&self, task: StorageTask) -> Result<(), HubError> {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || storage.apply(&task))
            .await
            .map_err(|e| HubError::Join(e.to_string()))??;
        Ok(())
    }

    fn send(&self, peer: &PeerId, message: Message) {
        if let Some((_, outbox)) = lock(&self.peers).get(peer) {
            // A closed outbox means the connection is going away; its
            // disconnect cleans up.
            let _ = outbox.send(message);
        }
    }
}

/// Drop what a document knows of `peer`'s sync.
fn forget(entry: &mut DocEntry, peer: &PeerId) {
    if let Some(loaded) = entry.loaded.as_mut() {
        loaded.waiting.remove(peer);
        if let Some(sync) = loaded.sync.as_mut() {
            sync.remove_peer(peer);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section is a single map operation: never half-done.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
