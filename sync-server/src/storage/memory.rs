//! An in-memory engine for tests and throwaway relays.

use std::collections::HashMap;
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

    fn apply(&self, task: &StorageTask) -> Result<(), StorageError> {
        let mut inner = self.lock();
        match task {
            StorageTask::Append { doc, chunk } => {
                inner.chunks.entry(*doc).or_default().push(chunk.clone())
            }
            StorageTask::Compact { doc, snapshot } => {
                inner.chunks.insert(*doc, vec![snapshot.clone()]);
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_storage_keeps_the_contract() {
        super::super::contract::check(&super::MemoryStorage::default());
    }
}
