//! The client's repository: every document of the workspace, in memory as a
//! [`DocSync`], saved to IndexedDB on every change and synced with the relay
//! whenever a connection is up.
//!
//! Views read documents through [`Repo::read`] and change them through
//! [`Repo::edit`]; each document has a revision signal that ticks on every
//! change, local or remote, so exactly the views showing it re-render.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;

use automerge::transaction::CommitOptions;
use automerge::{AutoCommit, ChangeHash};
use leptos::prelude::*;
use model::{ModelError, RecordEntry, RecordKind, WorkspaceIndex};
use protocol::{
    ClientEvent, ClientSession, DocSync, DocumentId, Message, PeerId, PeerMetadata, SyncError,
    decode_sync,
};
use thiserror::Error;

use super::away::{self, Away, AwayRecord, AwaySignal};
use super::log::{Event, SyncLog};
use super::transport::{Transport, TransportEvent};
use super::writes::WriteQueue;
use super::{Connection, SyncStatus};
use crate::store::{Store, StoreError};
use crate::util::{now_ms, random_actor, random_bytes, relay_url};

#[derive(Debug, Error)]
pub enum RepoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("no document {0} on this device")]
    NoSuchDocument(DocumentId),
    #[error("you are a viewer in this workspace: you can read every record but not change it")]
    ReadOnly,
    #[error("document {doc}: {source}")]
    Sync { doc: DocumentId, source: SyncError },
}

const PEER_KEY: &str = "device.peer-id";
const NAME_KEY: &str = "device.name";
const COLOR_KEY: &str = "device.color";
const CONFIRMED_PREFIX: &str = "confirmed/";
/// How long after the last arriving change the "while you were away"
/// summary is made.
const SETTLE_MS: u32 = 1_500;
/// How long start-up loads documents between chances for the page to paint
/// (and say how far it got): a workspace of thousands of records takes
/// seconds to open, and the page should not freeze meanwhile.
const OPEN_SLICE_MS: i64 = 40;
/// Someone who edited within this long (ms) is still typing.
const TYPING_MS: i64 = 1000;
/// While someone types, others' changes are applied in slices this short
/// (ms; a slice applies at least one document's): a key pressed meanwhile
/// waits for the slice to end.
const TYPING_SLICE_MS: i64 = 4;
/// The longest a local edit waits to be offered to the relay when no frame
/// is painted (a hidden page).
const FLUSH_LATEST_MS: u32 = 100;
const SETTING_PREFIX: &str = "setting/";
/// What a signed-out device still does, and how it gets back.
pub const SIGNED_OUT_HINT: &str =
    "Your records stay on this device and sync again once you open a new sign-in link.";

/// Whoever hears ephemeral messages (presence).
type EphemeralHandler = Box<dyn Fn(Message)>;

/// The workspace index's records, and the index heads they were read at.
type RecordsAt = (Vec<ChangeHash>, Rc<[RecordEntry]>);

pub struct Repo {
    index: DocumentId,
    /// This device signed in as a viewer: edits are refused here, as the
    /// relay would refuse them.
    pub read_only: bool,
    /// Why the relay no longer takes this device's token: nothing syncs
    /// until a new sign-in link is opened.
    pub signed_out: RwSignal<Option<String>>,
    docs: RefCell<HashMap<DocumentId, DocSync>>,
    revisions: RefCell<HashMap<DocumentId, ArcRwSignal<u64>>>,
    /// Revisions to bump at the next frame: documents the relay changed.
    /// A first sync brings thousands; views re-render once a frame, not once
    /// a message.
    due_bumps: Rc<RefCell<Vec<ArcRwSignal<u64>>>>,
    /// The index's records at a version (heads) of the index.
    records_cache: RefCell<Option<RecordsAt>>,
    /// Docs the relay said it does not have (yet).
    unavailable: RefCell<HashSet<DocumentId>>,
    /// Heads the relay last confirmed having, per document (survives reloads).
    confirmed: RefCell<HashMap<DocumentId, Vec<ChangeHash>>>,
    /// Unconfirmed change count per document.
    pending: RefCell<HashMap<DocumentId, usize>>,
    session: RefCell<ClientSession>,
    transport: RefCell<Option<Transport>>,
    store: Store,
    writes: WriteQueue,
    pub status: SyncStatus,
    /// Connects, disconnects, errors and merges, kept on this device.
    pub log: Rc<SyncLog>,
    /// What others changed while the person was away, until they close it.
    pub away: AwaySignal,
    /// The heads of every document when the person stopped seeing others'
    /// changes (at start-up, or when the connection dropped); summed up
    /// once the relay's changes have settled after reconnecting.
    away_seen: RefCell<Option<away::Seen>>,
    /// Fires when no change has arrived for a moment after reconnecting.
    settle: RefCell<Option<gloo::timers::callback::Timeout>>,
    /// The page is going away: its connection closing is not news.
    leaving: std::cell::Cell<bool>,
    /// Documents edited here whose offer to the relay and re-render wait
    /// until the frame that shows the edit has been painted.
    unflushed: RefCell<Vec<DocumentId>>,
    /// Sync messages from the relay not applied yet, in arrival order (see
    /// [`Repo::drain_incoming`]).
    incoming: RefCell<Vec<(DocumentId, Vec<u8>)>>,
    /// When the person last edited something here, and how long the last
    /// drain of `incoming` took (ms): while they type, others' changes wait
    /// (see [`Repo::drain_soon`]).
    last_edit_ms: std::cell::Cell<i64>,
    drain_cost_ms: std::cell::Cell<i64>,
    /// This repository, for timers that call back into it.
    myself: RefCell<std::rc::Weak<Repo>>,
    /// Ticks when any document's count of unconfirmed changes changes.
    pending_tick: RwSignal<u64>,
    /// The person's display name on this device ("" until they set it);
    /// every document they change records it for its actor.
    pub name: RwSignal<String>,
    /// The person's colour on this device, `#rrggbb` ("" until they pick one).
    pub color: RwSignal<String>,
    /// Who hears the ephemeral messages (presence) the relay passes on.
    ephemeral: RefCell<Option<EphemeralHandler>>,
}

impl Repo {
    /// Load every document of the workspace whose index is `index` from this
    /// device, then start syncing with the relay — unless the relay refused
    /// this device's token (`signed_in` false): then the records open and
    /// changes wait on the device, and the badge says why nothing syncs.
    /// `progress` hears how many of the stored documents are loaded, every
    /// [`OPEN_SLICE_MS`] or so and once all are.
    pub async fn open(
        store: Store,
        index: DocumentId,
        signed_out: Option<String>,
        read_only: bool,
        progress: impl Fn(usize, usize),
    ) -> Result<Rc<Repo>, RepoError> {
        let status = SyncStatus::new();
        let me = match store.get_meta(PEER_KEY).await? {
            Some(id) => PeerId::new(id),
            None => {
                let id = PeerId::from_random("fieldbook", random_bytes());
                store.set_meta(PEER_KEY, id.as_str()).await?;
                id
            }
        };
        let name = store.get_meta(NAME_KEY).await?.unwrap_or_default();
        let log = Rc::new(SyncLog::open(store.clone()).await);
        let color = store.get_meta(COLOR_KEY).await?.unwrap_or_default();
        let repo = Rc::new(Repo {
            log,
            away: RwSignal::new(None),
            away_seen: RefCell::new(None),
            settle: RefCell::new(None),
            myself: RefCell::default(),
            incoming: RefCell::default(),
            last_edit_ms: std::cell::Cell::new(0),
            drain_cost_ms: std::cell::Cell::new(0),
            leaving: std::cell::Cell::new(false),
            unflushed: RefCell::default(),
            pending_tick: RwSignal::new(0),
            name: RwSignal::new(name),
            color: RwSignal::new(color),
            ephemeral: RefCell::new(None),
            index,
            read_only,
            signed_out: RwSignal::new(None),
            docs: RefCell::default(),
            revisions: RefCell::default(),
            records_cache: RefCell::default(),
            due_bumps: Rc::default(),
            unavailable: RefCell::default(),
            confirmed: RefCell::default(),
            pending: RefCell::default(),
            session: RefCell::new(ClientSession::new(me)),
            transport: RefCell::new(None),
            writes: WriteQueue::new(store.clone(), status.unsaved, status.problem),
            store,
            status,
        });

        *repo.myself.borrow_mut() = Rc::downgrade(&repo);
        let mut stored = repo.store.load_all().await?;
        if !stored.iter().any(|(id, _)| *id == index) {
            stored.push((index, Vec::new()));
        }
        for (key, heads) in repo.store.meta_with_prefix(CONFIRMED_PREFIX).await? {
            let Some(id) = key
                .strip_prefix(CONFIRMED_PREFIX)
                .and_then(|id| DocumentId::parse(id).ok())
            else {
                continue;
            };
            let heads: Vec<ChangeHash> = heads
                .split(',')
                .filter_map(|h| ChangeHash::from_str(h).ok())
                .collect();
            repo.confirmed.borrow_mut().insert(id, heads);
        }
        let total = stored.len();
        let mut slice = now_ms();
        for (done, (id, chunks)) in stored.into_iter().enumerate() {
            repo.install(id, &chunks);
            if now_ms() - slice >= OPEN_SLICE_MS {
                progress(done + 1, total);
                gloo::timers::future::TimeoutFuture::new(0).await;
                slice = now_ms();
            }
        }
        progress(total, total);
        // Records listed in the index but never received on this device.
        repo.ensure_listed_docs();
        repo.recount_all();
        // What the person saw when they last had the app open.
        repo.remember_seen();

        if let Some(why) = signed_out {
            repo.signed_out.set(Some(why));
            repo.status.connection.set(Connection::Offline);
            repo.status.problem.set(Some("signed out".into()));
            return Ok(repo);
        }
        let token = crate::sign_in::remembered(&repo.store).await;
        let weak = Rc::downgrade(&repo);
        let transport = Transport::start(relay_url(token.as_deref()), move |event| {
            if let Some(repo) = weak.upgrade() {
                repo.on_transport(event);
            }
        });
        *repo.transport.borrow_mut() = Some(transport);
        Ok(repo)
    }

    /// Take a document loaded from this device into the repository.
    fn install(&self, id: DocumentId, chunks: &[Vec<u8>]) {
        let mut sync = if chunks.is_empty() && id == self.index {
            // Never on this device: start from the shared genesis.
            DocSync::new(id, WorkspaceIndex::genesis(random_actor()))
        } else {
            let (mut sync, errors) = DocSync::loaded(id, chunks);
            for e in errors {
                gloo::console::error!(format!("document {id}: a stored chunk did not load: {e}"));
            }
            sync.doc_mut().set_actor(random_actor());
            sync
        };
        if let Some(task) = sync.storage_task() {
            self.writes.push(task);
        }
        self.docs.borrow_mut().insert(id, sync);
    }

    /// Make sure an (empty, to be requested) document exists for `id`.
    fn ensure_doc(&self, id: DocumentId) {
        let mut docs = self.docs.borrow_mut();
        if docs.contains_key(&id) {
            return;
        }
        let mut sync = DocSync::new(id, AutoCommit::new());
        sync.doc_mut().set_actor(random_actor());
        let message = self.session.borrow().next_message(&mut sync);
        docs.insert(id, sync);
        drop(docs);
        if let Some(m) = message {
            self.send(&m);
        }
    }

    /// The revision signal of a document: read it to re-render on change.
    pub fn revision(&self, id: DocumentId) -> ArcRwSignal<u64> {
        self.revisions
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| ArcRwSignal::new(0))
            .clone()
    }

    fn bump(&self, id: DocumentId) {
        let signal = self.revision(id);
        signal.update(|r| *r += 1);
    }

    /// Bump `id`'s revision at the next animation frame, with every other
    /// document changed before then.
    fn bump_soon(&self, id: DocumentId) {
        let signal = self.revision(id);
        let first = {
            let mut due = self.due_bumps.borrow_mut();
            due.push(signal);
            due.len() == 1
        };
        if first {
            let due = self.due_bumps.clone();
            request_animation_frame(move || {
                let signals = std::mem::take(&mut *due.borrow_mut());
                for signal in signals {
                    signal.update(|r| *r += 1);
                }
            });
        }
    }

    /// Every record of the workspace, newest first (tracks the index).
    pub fn records(&self) -> Rc<[RecordEntry]> {
        self.revision(self.index).track();
        self.index_records()
    }

    /// The index's records, read once per version (heads) of the index (every
    /// list view asks, and a workspace holds thousands).
    fn index_records(&self) -> Rc<[RecordEntry]> {
        let heads = self.heads(self.index);
        if let Some((seen, records)) = self.records_cache.borrow().as_ref()
            && *seen == heads
        {
            return records.clone();
        }
        let records: Rc<[RecordEntry]> = self
            .docs
            .borrow()
            .get(&self.index)
            .and_then(|s| WorkspaceIndex::records(s.doc()).ok())
            .unwrap_or_default()
            .into();
        *self.records_cache.borrow_mut() = Some((heads, records.clone()));
        records
    }

    fn ensure_listed_docs(&self) {
        for entry in self.index_records().iter() {
            if let Ok(id) = DocumentId::parse(&entry.id) {
                self.ensure_doc(id);
            }
        }
    }

    /// Read a document (`None` if it is not on this device). Tracks it.
    pub fn read<R>(&self, id: DocumentId, f: impl FnOnce(&AutoCommit) -> R) -> Option<R> {
        self.revision(id).track();
        self.read_untracked(id, f)
    }

    /// Read a document without subscribing to its changes.
    pub fn read_untracked<R>(&self, id: DocumentId, f: impl FnOnce(&AutoCommit) -> R) -> Option<R> {
        self.docs.borrow().get(&id).map(|s| f(s.doc()))
    }

    /// Work with a document mutably without changing it (automerge needs
    /// `&mut` for history queries). Does not track.
    pub fn with_doc_mut<R>(
        &self,
        id: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> R,
    ) -> Option<R> {
        self.docs.borrow_mut().get_mut(&id).map(|s| f(s.doc_mut()))
    }

    /// The document's current heads (empty if it is not on this device).
    pub fn heads(&self, id: DocumentId) -> Vec<ChangeHash> {
        self.docs
            .borrow_mut()
            .get_mut(&id)
            .map(DocSync::heads)
            .unwrap_or_default()
    }

    /// True when the document is known but has no content on this device.
    pub fn is_missing(&self, id: DocumentId) -> bool {
        self.revision(id).track();
        self.docs.borrow().get(&id).is_none_or(DocSync::is_empty)
    }

    /// True when the relay said it does not have the document.
    pub fn is_unavailable(&self, id: DocumentId) -> bool {
        self.revision(id).track();
        self.unavailable.borrow().contains(&id)
    }

    /// Change a document: `f` edits it, the change is committed, saved on
    /// this device and offered to the relay.
    pub fn edit<R>(
        &self,
        id: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> Result<R, ModelError>,
    ) -> Result<R, RepoError> {
        if self.read_only {
            return Err(RepoError::ReadOnly);
        }
        let result = {
            let mut docs = self.docs.borrow_mut();
            let sync = docs.get_mut(&id).ok_or(RepoError::NoSuchDocument(id))?;
            let name = self.name.get_untracked();
            if id != self.index {
                model::authors::sign(sync.doc_mut(), &name)?;
            }
            f(sync.doc_mut())
        };
        // Commit whatever `f` did, even on error: a half-done edit is still
        // the person's work.
        self.commit(id);
        result.map_err(RepoError::from)
    }

    /// Commit the edit just made to `id`; save it on this device, offer it
    /// to the relay and re-render its views once the frame that shows it
    /// has been painted ([`Repo::flush`]), or when the page is hidden. Not
    /// generic, unlike [`Repo::edit`], so it is compiled once, not once per
    /// kind of edit.
    ///
    /// A keystroke in a long text box costs the browser most of a frame to
    /// lay out; doing the rest before that frame made every keystroke late
    /// to the screen (the write to IndexedDB and the unsaved count's
    /// re-render were a third of the app's own script time a key), and
    /// keystrokes within one frame now cost one message and one write. The
    /// edit is held (`SyncStatus::held`) until then: the badges count it as
    /// unsaved and unsynced at once, and never say that everything is saved
    /// or synced while an edit is only in memory. A failed edit is committed
    /// and saved too: what it did before failing is still the person's work.
    fn commit(&self, id: DocumentId) {
        self.last_edit_ms.set(now_ms());
        {
            let mut docs = self.docs.borrow_mut();
            let Some(sync) = docs.get_mut(&id) else {
                return;
            };
            sync.doc_mut()
                .commit_with(CommitOptions::default().with_time(now_ms() / 1000));
        }
        let first = {
            let mut unflushed = self.unflushed.borrow_mut();
            if !unflushed.contains(&id) {
                unflushed.push(id);
                self.status.held.set(unflushed.len());
            }
            unflushed.len() == 1
        };
        if first {
            // After the next frame is painted; a page whose frames are not
            // drawn (hidden) still flushes within a tenth of a second.
            let repo = self.myself.borrow().clone();
            let flush = move || {
                if let Some(repo) = repo.upgrade() {
                    repo.flush();
                }
            };
            let after_paint = flush.clone();
            request_animation_frame(move || {
                gloo::timers::callback::Timeout::new(0, after_paint).forget();
            });
            gloo::timers::callback::Timeout::new(FLUSH_LATEST_MS, flush).forget();
        }
    }

    /// Save the changes made here since the last flush on this device,
    /// offer them to the relay and re-render their documents' views.
    fn flush(&self) {
        let ids = std::mem::take(&mut *self.unflushed.borrow_mut());
        for id in ids {
            let task = self
                .docs
                .borrow_mut()
                .get_mut(&id)
                .and_then(DocSync::storage_task);
            if let Some(task) = task {
                self.writes.push(task);
            }
            self.offer(id);
            self.recount(id);
            self.bump(id);
        }
        if self.status.held.get_untracked() != 0 {
            self.status.held.set(0);
        }
    }

    /// The page is being closed or reloaded (`true`), or shown again from
    /// the browser's back-forward cache (`false`).
    pub fn set_leaving(&self, leaving: bool) {
        self.leaving.set(leaving);
        if leaving {
            self.flush();
        }
    }

    /// Remember the person's display name on this device.
    pub async fn set_name(&self, name: &str) -> Result<(), RepoError> {
        let name = name.trim();
        self.store.set_meta(NAME_KEY, name).await?;
        self.name.set(name.to_owned());
        Ok(())
    }

    /// A choice the person made on this device (`None` until they made it).
    pub async fn setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        Ok(self
            .store
            .get_meta(&format!("{SETTING_PREFIX}{key}"))
            .await?)
    }

    /// Every choice whose key starts with `prefix`, in key order (keys as
    /// given to [`Repo::set_setting`]).
    pub async fn settings_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, RepoError> {
        let rows = self
            .store
            .meta_with_prefix(&format!("{SETTING_PREFIX}{prefix}"))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(k, v)| (k[SETTING_PREFIX.len()..].to_owned(), v))
            .collect())
    }

    /// Remember a choice the person made, on this device only.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        Ok(self
            .store
            .set_meta(&format!("{SETTING_PREFIX}{key}"), value)
            .await?)
    }

    /// Remember the person's colour on this device.
    pub async fn set_color(&self, color: &str) -> Result<(), RepoError> {
        self.store.set_meta(COLOR_KEY, color).await?;
        self.color.set(color.to_owned());
        Ok(())
    }

    /// Hand every ephemeral message from the relay to `handler`.
    pub fn on_ephemeral(&self, handler: impl Fn(Message) + 'static) {
        *self.ephemeral.borrow_mut() = Some(Box::new(handler));
    }

    /// Send the relay an ephemeral message about `doc` for the other peers
    /// on it (nothing is sent while offline).
    pub fn send_ephemeral(&self, doc: DocumentId, session_id: &str, count: u64, data: Vec<u8>) {
        let Some(relay) = self.session.borrow().relay().cloned() else {
            return;
        };
        self.send(&Message::Ephemeral {
            sender_id: self.session.borrow().me().clone(),
            target_id: relay,
            document_id: doc,
            session_id: session_id.to_owned(),
            count,
            data,
        });
    }

    /// Create a record of `kind`: `init` lays out the fresh document, which
    /// is then saved, listed in the workspace index and offered to the
    /// relay. Returns its id.
    pub fn create(
        &self,
        kind: RecordKind,
        init: impl FnOnce(&mut AutoCommit) -> Result<(), ModelError>,
    ) -> Result<DocumentId, RepoError> {
        if self.read_only {
            return Err(RepoError::ReadOnly);
        }
        let id = DocumentId::from_bytes(random_bytes());
        let mut doc = AutoCommit::new().with_actor(random_actor());
        init(&mut doc)?;
        self.docs.borrow_mut().insert(id, DocSync::new(id, doc));
        self.edit(id, |_| Ok(()))?;
        self.edit(self.index, |index| {
            WorkspaceIndex::add(index, &id.to_string(), kind, now_ms())
        })?;
        Ok(id)
    }

    fn send(&self, message: &Message) {
        if let Some(t) = self.transport.borrow().as_ref() {
            t.send(&message.encode());
        }
    }

    fn on_transport(&self, event: TransportEvent) {
        match event {
            TransportEvent::Open => {
                let join = self.session.borrow_mut().on_open(PeerMetadata {
                    storage_id: None,
                    is_ephemeral: false,
                });
                self.send(&join);
            }
            TransportEvent::Closed => {
                // What arrived before the connection closed belongs to its
                // sync states, which end here.
                self.drain_incoming(None);
                if self.status.connection.get_untracked() == Connection::Online
                    && !self.leaving.get()
                {
                    self.log
                        .record(Event::Disconnected, "Lost the connection to the relay");
                    self.remember_seen();
                }
                self.session.borrow_mut().on_close();
                let relay_peers: Vec<PeerId> = {
                    let docs = self.docs.borrow();
                    docs.values().flat_map(|d| d.peers().cloned()).collect()
                };
                for sync in self.docs.borrow_mut().values_mut() {
                    for p in &relay_peers {
                        sync.remove_peer(p);
                    }
                }
                self.status.connection.set(Connection::Offline);
            }
            TransportEvent::Frame(bytes) => {
                let event = self.session.borrow_mut().on_frame(&bytes);
                match event {
                    Ok(event) => self.on_event(event),
                    Err(e) => {
                        gloo::console::error!(e.to_string());
                        self.problem(e.to_string());
                        if let Some(t) = self.transport.borrow().as_ref() {
                            t.reset();
                        }
                    }
                }
            }
        }
    }

    fn on_event(&self, event: ClientEvent) {
        match event {
            ClientEvent::Connected(_) => {
                self.status.problem.set(None);
                self.status.connection.set(Connection::Online);
                self.log.record(Event::Connected, "Connected to the relay");
                self.settle_soon();
                let ids: Vec<DocumentId> = self.docs.borrow().keys().copied().collect();
                for id in ids {
                    self.offer(id);
                }
            }
            ClientEvent::Sync { doc, data } => self.queue_incoming(doc, data),
            ClientEvent::Unavailable(doc) => {
                // In the order the relay said them.
                self.drain_incoming(None);
                self.unavailable.borrow_mut().insert(doc);
                self.bump(doc);
            }
            // The relay's words when it stops taking this device's token.
            ClientEvent::RelayError(message) if message.starts_with("access ") => {
                self.problem("signed out".into());
                self.signed_out.set(Some(format!(
                    "Signed out: the relay says {message}. {SIGNED_OUT_HINT}"
                )));
                if let Some(t) = self.transport.borrow().as_ref() {
                    t.stop();
                }
            }
            ClientEvent::RelayError(message) => {
                gloo::console::warn!(format!("relay: {message}"));
                self.problem(format!("Relay: {message}"));
            }
            ClientEvent::Ephemeral(message) => {
                if let Some(handler) = self.ephemeral.borrow().as_ref() {
                    handler(message);
                }
            }
            ClientEvent::Ignored => {}
        }
    }

    /// Send the relay the next sync message for `id`, if one is due.
    fn offer(&self, id: DocumentId) {
        let message = {
            let mut docs = self.docs.borrow_mut();
            let Some(sync) = docs.get_mut(&id) else {
                return;
            };
            self.session.borrow().next_message(sync)
        };
        if let Some(m) = message {
            self.send(&m);
        }
    }

    /// Keep a sync message for the next drain, which comes once the page
    /// has handled what is already waiting (other messages among it).
    fn queue_incoming(&self, id: DocumentId, data: Vec<u8>) {
        let first = {
            let mut incoming = self.incoming.borrow_mut();
            incoming.push((id, data));
            incoming.len() == 1
        };
        if first {
            self.drain_soon();
        }
    }

    /// Drain `incoming` in a moment: at once, unless the person is typing.
    /// Then the next drain waits twice as long as the last one took, and
    /// stops after a short slice, so others' changes (whose merging into a
    /// long text blocks the page for as long as the text is long) take at
    /// most a third of the page's time and the person's own keys the rest.
    fn drain_soon(&self) {
        let typing = now_ms() - self.last_edit_ms.get() < TYPING_MS;
        let (delay, budget) = if typing {
            (2 * self.drain_cost_ms.get(), TYPING_SLICE_MS)
        } else {
            (0, OPEN_SLICE_MS)
        };
        let repo = self.myself.borrow().clone();
        gloo::timers::callback::Timeout::new(delay.clamp(0, TYPING_MS) as u32, move || {
            if let Some(repo) = repo.upgrade() {
                repo.drain_incoming(Some(budget));
            }
        })
        .forget();
    }

    /// Apply the sync messages that arrived, each document's together:
    /// automerge merges a batch of changes into a text in one pass over
    /// it, so in a long plan twenty people's keystrokes cost about what one
    /// does, where one at a time a page would fall ever further behind.
    /// With a `budget` (ms), documents left when it is spent wait for the
    /// next task, so a first sync of thousands does not freeze the page.
    fn drain_incoming(&self, budget: Option<i64>) {
        let started = now_ms();
        let waiting = std::mem::take(&mut *self.incoming.borrow_mut());
        let mut order: Vec<DocumentId> = Vec::new();
        let mut by_doc: HashMap<DocumentId, Vec<Vec<u8>>> = HashMap::new();
        for (id, data) in waiting {
            by_doc
                .entry(id)
                .or_insert_with(|| {
                    order.push(id);
                    Vec::new()
                })
                .push(data);
        }
        let mut order = order.into_iter();
        for id in order.by_ref() {
            if let Some(messages) = by_doc.remove(&id) {
                self.receive(id, messages);
            }
            if budget.is_some_and(|b| now_ms() - started >= b) {
                break;
            }
        }
        self.drain_cost_ms.set(now_ms() - started);
        // Out of time: the rest go first next time, in their order.
        let left: Vec<(DocumentId, Vec<u8>)> = order
            .flat_map(|id| {
                let messages = by_doc.remove(&id).unwrap_or_default();
                messages.into_iter().map(move |data| (id, data))
            })
            .collect();
        if !left.is_empty() {
            let mut incoming = self.incoming.borrow_mut();
            let later = std::mem::replace(&mut *incoming, left);
            incoming.extend(later);
            drop(incoming);
            self.drain_soon();
        }
    }

    fn receive(&self, id: DocumentId, messages: Vec<Vec<u8>>) {
        self.ensure_doc(id);
        let Some(relay) = self.session.borrow().relay().cloned() else {
            return;
        };
        let ((received, task, shared, arriving), refused) = {
            let mut docs = self.docs.borrow_mut();
            let Some(sync) = docs.get_mut(&id) else {
                return;
            };
            let arriving = sync.is_empty();
            let mut batch = Vec::with_capacity(messages.len());
            let mut refused = Vec::new();
            for data in &messages {
                match decode_sync(data) {
                    Ok(message) => batch.push((relay.clone(), message)),
                    Err(source) => refused.push(source),
                }
            }
            let (received, errors) = sync.receive_all(batch);
            refused.extend(errors.into_iter().map(|(_, e)| e));
            let shared = sync.shared_heads(&relay).map(<[ChangeHash]>::to_vec);
            ((received, sync.storage_task(), shared, arriving), refused)
        };
        for source in refused {
            let e = RepoError::Sync { doc: id, source };
            gloo::console::error!(e.to_string());
            self.problem(e.to_string());
        }
        if let Some(task) = task {
            self.writes.push(task);
        }
        if let Some(shared) = shared.filter(|s| !s.is_empty()) {
            self.remember_confirmed(id, shared);
        }
        self.offer(id);
        if received.new_changes > 0 {
            self.log.merged(id, received.new_changes);
            self.settle_soon();
            self.unavailable.borrow_mut().remove(&id);
            if arriving {
                // A first arrival (thousands come in a first sync): nobody
                // is editing it yet, so its views can wait for the frame.
                self.bump_soon(id);
            } else {
                // At once: an open text box must show a remote change before
                // the next keystroke is diffed against it.
                self.bump(id);
            }
            if id == self.index {
                self.ensure_listed_docs();
            }
        }
        self.recount(id);
    }

    fn remember_confirmed(&self, id: DocumentId, heads: Vec<ChangeHash>) {
        let changed = self.confirmed.borrow().get(&id) != Some(&heads);
        if !changed {
            return;
        }
        let value = heads
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.confirmed.borrow_mut().insert(id, heads);
        let store = self.store.clone();
        leptos::task::spawn_local(async move {
            if let Err(e) = store.set_meta(&confirmed_key(&id), &value).await {
                gloo::console::warn!(format!("could not remember sync progress: {e}"));
            }
        });
    }

    /// Recompute how many changes of `id` the relay has not confirmed.
    fn recount(&self, id: DocumentId) {
        self.count_pending(id);
        self.publish_pending();
    }

    fn recount_all(&self) {
        let ids: Vec<DocumentId> = self.docs.borrow().keys().copied().collect();
        for id in ids {
            self.count_pending(id);
        }
        self.publish_pending();
    }

    fn count_pending(&self, id: DocumentId) {
        let count = {
            let mut docs = self.docs.borrow_mut();
            let Some(sync) = docs.get_mut(&id) else {
                return;
            };
            let relay = self.session.borrow().relay().cloned();
            match relay.filter(|r| sync.has_peer(r)) {
                Some(r) if sync.shared_heads(&r).is_some_and(|h| !h.is_empty()) => {
                    sync.unconfirmed_changes(&r)
                }
                _ => {
                    let confirmed = self
                        .confirmed
                        .borrow()
                        .get(&id)
                        .cloned()
                        .unwrap_or_default();
                    sync.changes_since(&confirmed)
                }
            }
        };
        let before = {
            let mut pending = self.pending.borrow_mut();
            if count == 0 {
                pending.remove(&id)
            } else {
                pending.insert(id, count)
            }
        };
        if before.unwrap_or(0) != count {
            self.pending_tick.update(|t| *t += 1);
        }
    }

    /// Changes of `id` made here that the relay has not confirmed (tracks).
    pub fn pending_for(&self, id: DocumentId) -> usize {
        self.pending_tick.track();
        self.pending.borrow().get(&id).copied().unwrap_or(0) + self.held(id)
    }

    /// The records with unconfirmed changes and how many each (tracks).
    pub fn pending_docs(&self) -> Vec<(DocumentId, usize)> {
        self.pending_tick.track();
        self.status.held.track();
        let mut counts = self.pending.borrow().clone();
        for id in self.unflushed.borrow().iter() {
            *counts.entry(*id).or_default() += 1;
        }
        let mut all: Vec<(DocumentId, usize)> = counts.into_iter().collect();
        model::sort::sort_by_key(&mut all, |(id, _)| id.to_string());
        all
    }

    /// 1 while an edit of `id` waits for its frame (see [`Repo::commit`]):
    /// it has at least one change not counted yet (tracks).
    fn held(&self, id: DocumentId) -> usize {
        self.status.held.track();
        usize::from(self.unflushed.borrow().contains(&id))
    }

    /// Show and log a problem a person should know about.
    fn problem(&self, message: String) {
        self.log.record(Event::Error, message.clone());
        self.status.problem.set(Some(message));
    }

    /// Note the heads of every document now: what the person has seen
    /// (kept from an earlier moment if there is one not summed up yet).
    fn remember_seen(&self) {
        if self.away_seen.borrow().is_some() {
            return;
        }
        let seen: away::Seen = self
            .docs
            .borrow_mut()
            .iter_mut()
            .filter(|(id, _)| **id != self.index)
            .map(|(id, sync)| (*id, sync.heads()))
            .collect();
        *self.away_seen.borrow_mut() = Some(seen);
    }

    /// Sum up what changed while away once nothing has arrived for a
    /// moment (re-armed by every arriving change).
    fn settle_soon(&self) {
        if self.away_seen.borrow().is_none() {
            return;
        }
        let repo = self.myself.borrow().clone();
        let timer = gloo::timers::callback::Timeout::new(SETTLE_MS, move || {
            if let Some(repo) = repo.upgrade() {
                repo.sum_up_away();
            }
        });
        *self.settle.borrow_mut() = Some(timer);
    }

    fn sum_up_away(&self) {
        let Some(seen) = self.away_seen.borrow_mut().take() else {
            return;
        };
        // A device that had nothing had nothing to miss.
        let fresh_device = seen.values().all(Vec::is_empty);
        let mut records: Vec<AwayRecord> = Vec::new();
        for (id, sync) in self.docs.borrow_mut().iter_mut() {
            if *id == self.index {
                continue;
            }
            let before = seen.get(id).cloned().unwrap_or_default();
            if before.is_empty() && fresh_device {
                continue;
            }
            if sync.heads() == before {
                continue;
            }
            let doc = sync.doc_mut();
            let me = doc.get_actor().clone();
            if let Some(summary) = model::changed_since(doc, &before, &me) {
                records.push(AwayRecord {
                    id: *id,
                    new: before.is_empty(),
                    summary,
                });
            }
        }
        if records.is_empty() {
            return;
        }
        away::sort(&mut records);
        let later = Away {
            at: now_ms(),
            records,
        };
        let next = match self.away.get_untracked() {
            Some(shown) => shown.merged_with(later),
            None => later,
        };
        self.away.set(Some(Arc::new(next)));
    }

    /// Show the total of unconfirmed changes (the map holds only non-zero
    /// counts, so this is cheap however many documents there are).
    fn publish_pending(&self) {
        let total = self.pending.borrow().values().sum();
        if self.status.unconfirmed.get_untracked() != total {
            self.status.unconfirmed.set(total);
        }
    }
}

fn confirmed_key(id: &DocumentId) -> String {
    format!("{CONFIRMED_PREFIX}{id}")
}
