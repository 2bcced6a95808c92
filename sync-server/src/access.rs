//! Who may sync what. Tokens, memberships and document owners live in the
//! store; the relay keeps them in memory ([`Access`]) so checking a message
//! is a hash lookup, never a query. Changes made by the `sync-server`
//! subcommands in another process bump a generation counter in the store;
//! the relay polls it ([`Access::watch_store`]) and closes connections whose
//! token stopped working.

mod record;

pub use record::{
    MemberRecord, Role, TokenRecord, UnknownRole, WorkspaceRecord, hash_token, now_secs,
};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use protocol::DocumentId;
use tokio::sync::watch;

use crate::storage::{Storage, StorageError};

/// Bumped in the store whenever a token or membership changes.
const GENERATION_KEY: &str = "access.generation";
/// How often the relay looks for changes made by another process.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Why a connection was not let in.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    #[error("no access token: add `?token=…` to the WebSocket URL")]
    MissingToken,
    #[error("access token `{0}…` is unknown, revoked or expired")]
    BadToken(String),
}

/// What a connection's token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub hash: String,
    pub workspace: String,
    pub member: String,
    pub role: Role,
    /// Unix seconds when the token stops working.
    pub expires_at: u64,
    /// The token came as an invitation link.
    pub invitation: bool,
}

impl Grant {
    /// How long until the token expires (zero once it has).
    pub fn expires_in(&self) -> Duration {
        Duration::from_secs(self.expires_at.saturating_sub(now_secs()))
    }
}

/// The relay's in-memory view of access.
pub struct Access {
    storage: Arc<dyn Storage>,
    tokens: RwLock<HashMap<String, TokenRecord>>,
    owners: RwLock<HashMap<DocumentId, String>>,
    /// The store's access generation the tokens above were read at.
    loaded: Mutex<Option<String>>,
    changed: watch::Sender<u64>,
}

impl Access {
    pub fn load(storage: Arc<dyn Storage>) -> Result<Self, StorageError> {
        let access = Access {
            owners: RwLock::new(storage.owners()?.into_iter().collect()),
            tokens: RwLock::default(),
            loaded: Mutex::new(storage.get_meta(GENERATION_KEY)?),
            storage,
            changed: watch::channel(0).0,
        };
        access.reload_tokens()?;
        Ok(access)
    }

    fn reload_tokens(&self) -> Result<(), StorageError> {
        let tokens = self.storage.tokens()?;
        *write(&self.tokens) = tokens.into_iter().map(|t| (t.hash.clone(), t)).collect();
        Ok(())
    }

    /// What `token` grants now. Access changed by another process (the
    /// subcommands) is read first, so a token issued or revoked a moment
    /// ago counts at once for a new connection (one small read of the
    /// store's generation).
    pub fn authenticate(&self, token: Option<&str>) -> Result<Grant, AccessError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(AccessError::MissingToken)?;
        if let Err(e) = self.catch_up() {
            tracing::warn!(error = %e, "could not reload access");
        }
        let hash = hash_token(token);
        let shown: String = token.chars().take(6).collect();
        read(&self.tokens)
            .get(&hash)
            .filter(|t| t.is_live(now_secs()))
            .map(|t| Grant {
                hash: hash.clone(),
                workspace: t.workspace.clone(),
                member: t.member.clone(),
                role: t.role,
                expires_at: t.expires_at,
                invitation: t.invitation,
            })
            .ok_or(AccessError::BadToken(shown))
    }

    /// Whether `grant` still works (not revoked, not expired).
    pub fn still_valid(&self, grant: &Grant) -> bool {
        read(&self.tokens)
            .get(&grant.hash)
            .is_some_and(|t| t.is_live(now_secs()))
    }

    /// Whether `grant` may sync `doc`. A document nobody owns yet is
    /// claimed for the grant's workspace when the grant may write; a viewer
    /// cannot claim. Owners never change, so a `true` holds for as long as
    /// the grant does.
    pub async fn may_sync(&self, grant: &Grant, doc: DocumentId) -> Result<bool, StorageError> {
        if let Some(owner) = read(&self.owners).get(&doc) {
            return Ok(*owner == grant.workspace);
        }
        if !grant.role.writes() {
            return Ok(false);
        }
        let storage = self.storage.clone();
        let workspace = grant.workspace.clone();
        let owner = tokio::task::spawn_blocking(move || storage.claim(&doc, &workspace))
            .await
            .map_err(|e| StorageError::Access {
                table: "owners",
                reason: e.to_string(),
            })??;
        let allowed = owner == grant.workspace;
        write(&self.owners).insert(doc, owner);
        Ok(allowed)
    }

    /// Whether `doc` belongs to `grant`'s workspace (no claiming).
    pub fn may_read(&self, grant: &Grant, doc: &DocumentId) -> bool {
        read(&self.owners)
            .get(doc)
            .is_some_and(|owner| *owner == grant.workspace)
    }

    /// Ticks whenever tokens or memberships changed.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Re-read tokens from the store and tell every connection to check
    /// its grant.
    pub fn refresh(&self) -> Result<(), StorageError> {
        self.reload_tokens()?;
        self.changed.send_modify(|g| *g += 1);
        Ok(())
    }

    /// Reload access if another process changed it since it was loaded;
    /// whether it did.
    fn catch_up(&self) -> Result<bool, StorageError> {
        let now = self.storage.get_meta(GENERATION_KEY)?;
        {
            let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
            if *loaded == now {
                return Ok(false);
            }
            *loaded = now;
        }
        self.refresh()?;
        Ok(true)
    }

    /// Poll the store's generation until `stop`, refreshing when another
    /// process (the subcommands) changed access.
    pub async fn watch_store(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => return,
            }
            let access = self.clone();
            match tokio::task::spawn_blocking(move || access.catch_up()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "could not reload access"),
                Err(e) => tracing::warn!(error = %e, "could not reload access"),
            }
        }
    }
}

/// Record in the store that access changed, so running relays reload it.
pub fn bump_generation(storage: &dyn Storage) -> Result<(), StorageError> {
    let next = storage
        .get_meta(GENERATION_KEY)?
        .and_then(|g| g.parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    storage.set_meta(GENERATION_KEY, &next.to_string())
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // Every write replaces or inserts whole values: never half-done.
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

pub mod admin;
