//! The relay's documents and who is syncing them.
//!
//! Each document lives behind its own lock, loaded from storage on first use;
//! a message for one document never waits for another. Messages that arrive
//! while their document is busy queue in its inbox, and whoever takes the
//! lock next applies them all and answers each peer once: in a busy meeting
//! twenty keystrokes cost one sync message per person, not twenty. For every document
//! the hub keeps a [`DocSync`] with one sync state per connected peer. A
//! change is stored before anyone hears about it, so a peer that has been
//! told "the relay has this" can rely on it surviving a crash. Writes go
//! through a group commit ([`commit`]): the document's lock is let go while
//! the change is made durable, and the messages announcing it leave, in
//! order, once it is.
//!
//! A document nobody is syncing is dropped from memory once it has been idle
//! for a while ([`Hub::evict_idle`]), its chunks compacted into one snapshot
//! first; the next message for it loads it again. An entry is removed from
//! the map under its own lock and marked evicted, so a message that was
//! waiting for that lock looks the document up again instead of using the
//! dropped copy: there is never more than one live copy of a document.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::{DocumentId, Message, PeerId, RelayDoc};
use tokio::sync::{OwnedMutexGuard, mpsc, oneshot};

use crate::storage::{Storage, StorageError};

mod commit;

use commit::{Committer, Peers, WriterGone};

/// Messages queued for one connection.
pub type Outbox = mpsc::UnboundedSender<Message>;

/// Why a message from a peer was refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("document {doc}: {reason}")]
    Sync { doc: DocumentId, reason: String },
    #[error("storage task failed to run: {0}")]
    Join(String),
    #[error(transparent)]
    Writer(#[from] WriterGone),
}

struct DocEntry {
    /// `None` until loaded from storage.
    loaded: Option<RelayDoc>,
    /// Set, under the entry's lock, when the entry is dropped from the hub:
    /// whoever locks it afterwards must look the document up again (and so
    /// loads it afresh from storage, which holds all of it).
    evicted: bool,
    /// When a message last touched the document.
    last_used: Instant,
}

/// A document's place in the hub: its state behind the lock, and the
/// messages waiting for that lock.
struct Slot {
    inbox: Mutex<Vec<Pending>>,
    state: Arc<tokio::sync::Mutex<DocEntry>>,
}

type Entry = Arc<Slot>;

/// A message waiting for its document, and where its outcome goes.
struct Pending {
    from: PeerId,
    connection: ConnectionId,
    data: Vec<u8>,
    is_request: bool,
    done: oneshot::Sender<Result<(), HubError>>,
}

pub struct Hub {
    me: PeerId,
    storage: Arc<dyn Storage>,
    docs: Mutex<HashMap<DocumentId, Entry>>,
    peers: Peers,
    committer: Committer,
    next_connection: AtomicU64,
}

/// One connection's number: a peer that reconnects (a reloaded page keeps
/// its peer id) gets a new one, so the old connection closing late cannot
/// unregister the new one.
pub type ConnectionId = u64;

impl Hub {
    pub fn new(me: PeerId, storage: Arc<dyn Storage>) -> Self {
        let peers = Peers::default();
        Hub {
            me,
            committer: Committer::start(storage.clone(), peers.clone()),
            storage,
            docs: Mutex::new(HashMap::new()),
            peers,
            next_connection: AtomicU64::new(0),
        }
    }

    pub fn peer_id(&self) -> &PeerId {
        &self.me
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// How many documents the hub holds in memory.
    pub fn resident(&self) -> usize {
        lock(&self.docs).len()
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
                forget(&mut *entry.state.lock().await, peer);
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
            // An evicted document has no sync state to forget.
            let entry = lock(&self.docs).get(doc).cloned();
            if let Some(entry) = entry {
                forget(&mut *entry.state.lock().await, peer);
            }
        }
    }

    /// The document's current entry (a fresh one if it has none).
    fn slot(&self, doc: DocumentId) -> Entry {
        lock(&self.docs)
            .entry(doc)
            .or_insert_with(|| {
                Arc::new(Slot {
                    inbox: Mutex::new(Vec::new()),
                    state: Arc::new(tokio::sync::Mutex::new(DocEntry {
                        loaded: None,
                        evicted: false,
                        last_used: Instant::now(),
                    })),
                })
            })
            .clone()
    }

    /// The document's entry, locked; a fresh entry if it was evicted while
    /// this waited for the lock.
    async fn locked(&self, doc: DocumentId) -> OwnedMutexGuard<DocEntry> {
        loop {
            let guard = self.slot(doc).state.clone().lock_owned().await;
            if !guard.evicted {
                return guard;
            }
        }
    }

    /// Load `doc` into `entry` if this is its first use since it was loaded.
    async fn ensure_loaded<'a>(
        &self,
        doc: DocumentId,
        entry: &'a mut DocEntry,
    ) -> Result<&'a mut RelayDoc, HubError> {
        if entry.loaded.is_none() {
            let storage = self.storage.clone();
            let chunks = tokio::task::spawn_blocking(move || storage.load(&doc))
                .await
                .map_err(|e| HubError::Join(e.to_string()))??;
            let (loaded, errors) = RelayDoc::load(doc, &chunks);
            for e in errors {
                tracing::error!(%doc, error = %e, "a stored chunk did not load; the rest did");
            }
            entry.loaded = Some(loaded);
        }
        entry
            .loaded
            .as_mut()
            .ok_or(HubError::Join("load lost".into()))
    }

    /// A `request` (`is_request`) or `sync` message from `from` on its
    /// connection `connection`. Resolves once the changes it brought are
    /// stored and the answers it caused have been handed to their
    /// connections.
    ///
    /// The message joins the document's inbox; whoever holds the document's
    /// lock next (this call, unless another got there first) applies every
    /// message waiting there and answers each peer once.
    ///
    /// A message from a connection that a newer one of the same peer has
    /// superseded is ignored: the peer syncs afresh on the new one. Were it
    /// applied after the newer connection had also closed, it would leave a
    /// sync state for a peer with no connection, recording as sent what was
    /// never delivered, and the peer's next connection would start from that
    /// state and never be sent those changes. (Checked under the document's
    /// lock, which `connect` takes to forget the old connection's states.)
    pub async fn sync(
        &self,
        from: &PeerId,
        connection: ConnectionId,
        doc: DocumentId,
        data: &[u8],
        is_request: bool,
    ) -> Result<(), HubError> {
        let (done, mut outcome) = oneshot::channel();
        let mut carried = vec![Pending {
            from: from.clone(),
            connection,
            data: data.to_vec(),
            is_request,
            done,
        }];
        // Whoever applied it went away before the outcome was known (the
        // relay is shutting down).
        let gone = |_| Err(HubError::Writer(WriterGone));
        loop {
            let slot = self.slot(doc);
            lock(&slot.inbox).append(&mut carried);
            // Once another holder of the lock has applied this message,
            // there is nothing left to wait for the lock for.
            let entry = tokio::select! {
                biased;
                finished = &mut outcome => return finished.unwrap_or_else(gone),
                entry = slot.state.clone().lock_owned() => entry,
            };
            let waiting = std::mem::take(&mut *lock(&slot.inbox));
            if entry.evicted {
                // The document was dropped while these waited: they go to
                // its new entry.
                carried = waiting;
                continue;
            }
            if !waiting.is_empty() {
                self.apply_together(doc, entry, waiting).await;
            }
            return outcome.await.unwrap_or_else(gone);
        }
    }

    /// Apply `batch` to the document, store what it brought, and answer
    /// each peer once; each message's outcome goes to its sender.
    async fn apply_together(
        &self,
        doc: DocumentId,
        mut entry: OwnedMutexGuard<DocEntry>,
        batch: Vec<Pending>,
    ) {
        entry.last_used = Instant::now();
        let loaded = match self.ensure_loaded(doc, &mut entry).await {
            Ok(loaded) => loaded,
            Err(e) => {
                for pending in batch {
                    let _ = pending.done.send(Err(e.clone()));
                }
                return;
            }
        };
        let mut applied = Vec::with_capacity(batch.len());
        for pending in batch {
            if self.connection_of(&pending.from) != Some(pending.connection) {
                tracing::debug!(%doc, peer = %pending.from, "ignored a superseded connection's message");
                let _ = pending.done.send(Ok(()));
                continue;
            }
            match loaded.apply(&pending.from, &pending.data, pending.is_request) {
                // Its outcome is the write's.
                Ok(()) => applied.push((pending.from, pending.done)),
                Err(e) => {
                    let _ = pending.done.send(Err(HubError::Sync {
                        doc,
                        reason: e.to_string(),
                    }));
                }
            }
        }
        let mut effects = loaded.effects(&self.me);
        // A message automerge refused fails its sender's connection; the
        // rest of the batch is applied.
        let refused = std::mem::take(&mut effects.refused);
        let (failed, applied): (Vec<_>, Vec<_>) = applied
            .into_iter()
            .partition(|(from, _)| refused.iter().any(|(peer, _)| peer == from));
        for (from, done) in failed {
            let reason = refused
                .iter()
                .find(|(peer, _)| *peer == from)
                .map(|(_, e)| e.to_string())
                .unwrap_or_default();
            let _ = done.send(Err(HubError::Sync { doc, reason }));
        }
        // Stored before anyone hears of it; the document is free for the
        // next messages meanwhile.
        let send = self.addressed(effects.send);
        let written = self.committer.submit(effects.store, send);
        drop(entry);
        let outcome = match written.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                // The next write rewrites the whole document.
                let mut entry = self.locked(doc).await;
                if let Some(loaded) = entry.loaded.as_mut() {
                    loaded.storage_failed();
                }
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        };
        for (_, done) in applied {
            let _ = done.send(outcome.clone());
        }
    }

    /// Drop from memory every document that no connected peer is syncing or
    /// waiting for and that no message has touched for `idle`, after
    /// compacting its stored chunks into one snapshot. The next message for
    /// it loads it from storage again. Returns how many were dropped.
    pub async fn evict_idle(&self, idle: Duration) -> usize {
        let entries: Vec<(DocumentId, Entry)> = lock(&self.docs)
            .iter()
            .map(|(doc, entry)| (*doc, entry.clone()))
            .collect();
        let mut evicted = 0;
        for (doc, entry) in entries {
            // A document someone is using right now is not idle.
            let Ok(mut guard) = entry.state.clone().try_lock_owned() else {
                continue;
            };
            if guard.evicted || guard.last_used.elapsed() < idle || !lock(&entry.inbox).is_empty() {
                continue;
            }
            if let Some(loaded) = guard.loaded.as_mut() {
                if !loaded.is_idle() {
                    continue;
                }
                if let Some(task) = loaded.compaction() {
                    let failed = match self.committer.submit(vec![task], Vec::new()).await {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(e.to_string()),
                        Err(e) => Some(e.to_string()),
                    };
                    if let Some(e) = failed {
                        loaded.storage_failed();
                        tracing::warn!(%doc, error = %e, "kept in memory: compaction failed");
                        continue;
                    }
                }
            }
            {
                let mut docs = lock(&self.docs);
                if docs.get(&doc).is_some_and(|e| Arc::ptr_eq(e, &entry)) {
                    docs.remove(&doc);
                }
            }
            guard.loaded = None;
            guard.evicted = true;
            evicted += 1;
        }
        evicted
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
        let Some(entry) = lock(&self.docs).get(document_id).cloned() else {
            return;
        };
        let entry = entry.state.lock().await;
        let Some(loaded) = entry.loaded.as_ref() else {
            return;
        };
        let forwards = loaded
            .peers()
            .filter(|p| *p != sender_id)
            .map(|peer| {
                let mut forwarded = message.clone();
                if let Message::Ephemeral { target_id, .. } = &mut forwarded {
                    *target_id = peer.clone();
                }
                (peer.clone(), forwarded)
            })
            .collect();
        commit::deliver(&self.peers, self.addressed(forwards));
    }

    /// Each message with its peer's current connection (none: not sent).
    fn addressed(&self, messages: Vec<(PeerId, Message)>) -> Vec<commit::Delivery> {
        let peers = lock(&self.peers);
        messages
            .into_iter()
            .filter_map(|(peer, message)| {
                let (connection, _) = peers.get(&peer)?;
                Some((peer, *connection, message))
            })
            .collect()
    }

    fn connection_of(&self, peer: &PeerId) -> Option<ConnectionId> {
        lock(&self.peers)
            .get(peer)
            .map(|(connection, _)| *connection)
    }
}

/// Drop what a document knows of `peer`'s sync.
fn forget(entry: &mut DocEntry, peer: &PeerId) {
    if let Some(loaded) = entry.loaded.as_mut() {
        loaded.forget(peer);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section is a single map operation: never half-done.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests;
