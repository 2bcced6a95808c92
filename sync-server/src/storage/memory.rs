//! An in-memory engine for tests and throwaway relays.

use std::collections::HashMap;

use crate::access::{MemberRecord, TokenRecord, WorkspaceRecord};
use std::sync::Mutex;

use protocol::{DocumentId, StorageTask};

use super::{Storage, StorageError};

#[derive(Default)]
pub struct MemoryStorage {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    chunks: HashMap<DocumentId, Vec<Vec<u8>>>,
    meta: HashMap<String, String>,
    workspaces: Vec<WorkspaceRecord>,
    members: Vec<MemberRecord>,
    tokens: Vec<TokenRecord>,
    owners: HashMap<DocumentId, String>,
}

impl MemoryStorage {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave `Inner` half-written
        // (every method does one push/insert), so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Storage for MemoryStorage {
    fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError> {
        Ok(self.lock().chunks.get(doc).cloned().unwrap_or_default())
    }

    fn apply_all(&self, tasks: &[&StorageTask]) -> Result<(), StorageError> {
        let mut inner = self.lock();
        for task in tasks {
            match task {
                StorageTask::Append { doc, chunk } => {
                    inner.chunks.entry(*doc).or_default().push(chunk.clone())
                }
                StorageTask::Compact { doc, snapshot } => {
                    inner.chunks.insert(*doc, vec![snapshot.clone()]);
                }
            }
        }
        Ok(())
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.lock().meta.get(key).cloned())
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.lock().meta.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn put_workspace(&self, workspace: &WorkspaceRecord) -> Result<(), StorageError> {
        let mut inner = self.lock();
        inner.workspaces.retain(|w| w.id != workspace.id);
        inner.workspaces.push(workspace.clone());
        Ok(())
    }

    fn workspaces(&self) -> Result<Vec<WorkspaceRecord>, StorageError> {
        Ok(self.lock().workspaces.clone())
    }

    fn put_member(&self, member: &MemberRecord) -> Result<(), StorageError> {
        let mut inner = self.lock();
        inner
            .members
            .retain(|m| (&m.workspace, &m.member) != (&member.workspace, &member.member));
        inner.members.push(member.clone());
        Ok(())
    }

    fn members(&self) -> Result<Vec<MemberRecord>, StorageError> {
        Ok(self.lock().members.clone())
    }

    fn remove_member(&self, workspace: &str, member: &str) -> Result<bool, StorageError> {
        let mut inner = self.lock();
        let before = inner.members.len();
        inner
            .members
            .retain(|m| (m.workspace.as_str(), m.member.as_str()) != (workspace, member));
        for t in &mut inner.tokens {
            if t.workspace == workspace && t.member == member {
                t.revoked = true;
            }
        }
        Ok(inner.members.len() != before)
    }

    fn put_token(&self, token: &TokenRecord) -> Result<(), StorageError> {
        self.lock().tokens.push(token.clone());
        Ok(())
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError> {
        Ok(self.lock().tokens.clone())
    }

    fn revoke_token(&self, id: &str) -> Result<bool, StorageError> {
        let mut inner = self.lock();
        let mut found = false;
        for t in inner.tokens.iter_mut().filter(|t| t.id == id) {
            t.revoked = true;
            found = true;
        }
        Ok(found)
    }

    fn claim(&self, doc: &DocumentId, workspace: &str) -> Result<String, StorageError> {
        Ok(self
            .lock()
            .owners
            .entry(*doc)
            .or_insert_with(|| workspace.to_owned())
            .clone())
    }

    fn owners(&self) -> Result<Vec<(DocumentId, String)>, StorageError> {
        Ok(self
            .lock()
            .owners
            .iter()
            .map(|(d, w)| (*d, w.clone()))
            .collect())
    }

    fn claim_unowned(&self, workspace: &str) -> Result<usize, StorageError> {
        let mut inner = self.lock();
        let docs: Vec<DocumentId> = inner.chunks.keys().copied().collect();
        let mut claimed = 0;
        for doc in docs {
            if let std::collections::hash_map::Entry::Vacant(e) = inner.owners.entry(doc) {
                e.insert(workspace.to_owned());
                claimed += 1;
            }
        }
        Ok(claimed)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_storage_keeps_the_contract() {
        super::super::contract::check(&super::MemoryStorage::default());
    }
}
