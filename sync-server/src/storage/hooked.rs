//! Memory storage with a hook before every write and a count of loads, for
//! tests that need a slow, gated or failing store.

use std::sync::atomic::{AtomicU64, Ordering};

use protocol::{DocumentId, StorageTask};

use super::{MemoryStorage, Storage, StorageError};
use crate::access::{MemberRecord, TokenRecord, WorkspaceRecord};

type Hook = Box<dyn Fn(&[&StorageTask]) -> Result<(), StorageError> + Send + Sync>;

pub struct HookedStorage {
    pub inner: MemoryStorage,
    /// How many times a document was loaded.
    pub loads: AtomicU64,
    /// Runs before each write; an error refuses the write.
    before_write: Hook,
}

impl HookedStorage {
    pub fn new(
        before_write: impl Fn(&[&StorageTask]) -> Result<(), StorageError> + Send + Sync + 'static,
    ) -> Self {
        HookedStorage {
            inner: MemoryStorage::default(),
            loads: AtomicU64::new(0),
            before_write: Box::new(before_write),
        }
    }
}

impl Storage for HookedStorage {
    fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.inner.load(doc)
    }
    fn apply_all(&self, tasks: &[&StorageTask]) -> Result<(), StorageError> {
        (self.before_write)(tasks)?;
        self.inner.apply_all(tasks)
    }
    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.inner.get_meta(key)
    }
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.inner.set_meta(key, value)
    }
    fn put_workspace(&self, w: &WorkspaceRecord) -> Result<(), StorageError> {
        self.inner.put_workspace(w)
    }
    fn workspaces(&self) -> Result<Vec<WorkspaceRecord>, StorageError> {
        self.inner.workspaces()
    }
    fn put_member(&self, m: &MemberRecord) -> Result<(), StorageError> {
        self.inner.put_member(m)
    }
    fn members(&self) -> Result<Vec<MemberRecord>, StorageError> {
        self.inner.members()
    }
    fn remove_member(&self, w: &str, m: &str) -> Result<bool, StorageError> {
        self.inner.remove_member(w, m)
    }
    fn put_token(&self, t: &TokenRecord) -> Result<(), StorageError> {
        self.inner.put_token(t)
    }
    fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError> {
        self.inner.tokens()
    }
    fn revoke_token(&self, id: &str) -> Result<bool, StorageError> {
        self.inner.revoke_token(id)
    }
    fn claim(&self, doc: &DocumentId, w: &str) -> Result<String, StorageError> {
        self.inner.claim(doc, w)
    }
    fn owners(&self) -> Result<Vec<(DocumentId, String)>, StorageError> {
        self.inner.owners()
    }
    fn claim_unowned(&self, w: &str) -> Result<usize, StorageError> {
        self.inner.claim_unowned(w)
    }
}
