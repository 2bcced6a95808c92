//! Where the relay keeps documents: a small trait so the embedded engine
//! (SQLite) can be joined by a database-server engine without touching the
//! sync code. Engines store opaque chunks per document, in order, and apply
//! each [`StorageTask`] atomically.

mod memory;
mod sqlite;

pub use memory::MemoryStorage;
pub use sqlite::SqliteStorage;

use protocol::{DocumentId, StorageTask};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("reading document {doc}: {reason}")]
    Read { doc: DocumentId, reason: String },
    #[error("writing document {doc}: {reason}")]
    Write { doc: DocumentId, reason: String },
    #[error("setting `{key}`: {reason}")]
    Meta { key: String, reason: String },
}

/// A document store. Methods block (engines are synchronous); the relay calls
/// them off the async runtime.
pub trait Storage: Send + Sync + 'static {
    /// Every stored chunk of `doc`, oldest first; empty if it was never stored.
    fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError>;
    /// Perform one write. When this returns `Ok`, the write survives a crash.
    fn apply(&self, task: &StorageTask) -> Result<(), StorageError>;
    /// A small setting (workspace ids and the like).
    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError>;
}

#[cfg(test)]
pub(crate) mod contract {
    //! The behaviour every engine must have, run against each of them.
    use super::*;

    fn id(n: u8) -> DocumentId {
        DocumentId::from_bytes([n; 16])
    }

    fn append(doc: DocumentId, bytes: &[u8]) -> StorageTask {
        StorageTask::Append {
            doc,
            chunk: bytes.to_vec(),
        }
    }

    pub fn check(store: &dyn Storage) {
        assert!(store.load(&id(1)).expect("load").is_empty());
        store.apply(&append(id(1), b"a")).expect("append");
        store.apply(&append(id(1), b"b")).expect("append");
        store.apply(&append(id(2), b"other")).expect("append");
        assert_eq!(
            store.load(&id(1)).expect("load"),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        store
            .apply(&StorageTask::Compact {
                doc: id(1),
                snapshot: b"ab".to_vec(),
            })
            .expect("compact");
        store
            .apply(&append(id(1), b"c"))
            .expect("append after compact");
        assert_eq!(
            store.load(&id(1)).expect("load"),
            vec![b"ab".to_vec(), b"c".to_vec()]
        );
        assert_eq!(store.load(&id(2)).expect("load"), vec![b"other".to_vec()]);
        assert_eq!(store.get_meta("k").expect("meta"), None);
        store.set_meta("k", "v1").expect("set");
        store.set_meta("k", "v2").expect("overwrite");
        assert_eq!(store.get_meta("k").expect("meta").as_deref(), Some("v2"));
    }
}
