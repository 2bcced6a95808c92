//! What the sync badge says: the connection and how many local changes the
//! relay has not confirmed yet.

use leptos::prelude::*;

/// The state of the link to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Trying to reach the relay.
    Connecting,
    /// Handshake done; syncing.
    Online,
    /// No connection; retrying in the background.
    Offline,
}

/// Reactive sync state, shared by every view.
#[derive(Clone, Copy)]
pub struct SyncStatus {
    pub connection: RwSignal<Connection>,
    /// Local changes the relay has not confirmed, over all documents.
    pub unconfirmed: RwSignal<usize>,
    /// Writes to this device's storage still in progress.
    pub unsaved: RwSignal<usize>,
    /// Documents edited here whose change waits for the frame that shows
    /// it to be painted before it is saved, counted and offered to the
    /// relay (see `Repo::commit`): unsaved and unconfirmed until then.
    pub held: RwSignal<usize>,
    /// A problem a person should know about (relay refused us, storage
    /// failing); cleared when it goes away.
    pub problem: RwSignal<Option<String>>,
}

impl SyncStatus {
    pub fn new() -> Self {
        SyncStatus {
            connection: RwSignal::new(Connection::Connecting),
            unconfirmed: RwSignal::new(0),
            unsaved: RwSignal::new(0),
            held: RwSignal::new(0),
            problem: RwSignal::new(None),
        }
    }

    /// The badge: a machine-readable state and the words a person reads.
    /// Each held document has at least one change not counted yet.
    pub fn badge(&self) -> (&'static str, String) {
        self.words(self.unconfirmed.get() + self.held.get())
    }

    /// Changes not yet written to this device.
    pub fn unsaved_now(&self) -> usize {
        self.unsaved.get() + self.held.get()
    }

    /// The state and words for `n` unconfirmed changes (of everything, or
    /// of one record).
    pub fn words(&self, n: usize) -> (&'static str, String) {
        let changes = |n: usize| {
            if n == 1 {
                "1 change".to_owned()
            } else {
                format!("{n} changes")
            }
        };
        if let Some(problem) = self.problem.get() {
            return ("error", format!("Sync error: {problem}"));
        }
        match self.connection.get() {
            Connection::Online if n == 0 => ("synced", "Synced".into()),
            Connection::Online => ("syncing", format!("Syncing {}", changes(n))),
            Connection::Connecting => ("syncing", "Connecting…".into()),
            Connection::Offline if n == 0 => ("offline", "Offline".into()),
            Connection::Offline => ("offline", format!("Offline · {} to sync", changes(n))),
        }
    }
}

impl Default for SyncStatus {
    fn default() -> Self {
        Self::new()
    }
}
