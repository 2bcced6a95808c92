//! Where the relay keeps documents: a small trait so the embedded engine
//! (SQLite) can be joined by a database-server engine without touching the
//! sync code. Engines store opaque chunks per document, in order, and apply
//! each [`StorageTask`] atomically.

#[cfg(test)]
mod hooked;
mod memory;
mod sqlite;

#[cfg(test)]
pub use hooked::HookedStorage;
pub use memory::MemoryStorage;
pub use sqlite::SqliteStorage;

use protocol::{DocumentId, StorageTask};
use thiserror::Error;

use crate::access::{MemberRecord, TokenRecord, WorkspaceRecord};

#[derive(Debug, Clone, Error)]
pub enum StorageError {
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("reading document {doc}: {reason}")]
    Read { doc: DocumentId, reason: String },
    #[error("writing document {doc}: {reason}")]
    Write { doc: DocumentId, reason: String },
    #[error("setting `{key}`: {reason}")]
    Meta { key: String, reason: String },
    #[error("access table `{table}`: {reason}")]
    Access { table: &'static str, reason: String },
}

/// A document store. Methods block (engines are synchronous); the relay calls
/// them off the async runtime.
pub trait Storage: Send + Sync + 'static {
    /// Every stored chunk of `doc`, oldest first; empty if it was never stored.
    fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError>;
    /// Perform writes, in order, all or none. When this returns `Ok`, every
    /// one of them survives a crash.
    fn apply_all(&self, tasks: &[&StorageTask]) -> Result<(), StorageError>;
    /// Perform one write. When this returns `Ok`, the write survives a crash.
    fn apply(&self, task: &StorageTask) -> Result<(), StorageError> {
        self.apply_all(&[task])
    }
    /// A small setting (workspace ids and the like).
    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError>;

    // Access: workspaces, members, tokens (hashed) and who owns each document.
    fn put_workspace(&self, workspace: &WorkspaceRecord) -> Result<(), StorageError>;
    fn workspaces(&self) -> Result<Vec<WorkspaceRecord>, StorageError>;
    fn put_member(&self, member: &MemberRecord) -> Result<(), StorageError>;
    fn members(&self) -> Result<Vec<MemberRecord>, StorageError>;
    /// Remove a membership and revoke its tokens; `false` if there was none.
    fn remove_member(&self, workspace: &str, member: &str) -> Result<bool, StorageError>;
    fn put_token(&self, token: &TokenRecord) -> Result<(), StorageError>;
    fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError>;
    /// Revoke the token with public id `id`; `false` if there is none.
    fn revoke_token(&self, id: &str) -> Result<bool, StorageError>;
    /// Give `doc` to `workspace` unless another already owns it; returns
    /// the owner either way. An owner never changes.
    fn claim(&self, doc: &DocumentId, workspace: &str) -> Result<String, StorageError>;
    fn owners(&self) -> Result<Vec<(DocumentId, String)>, StorageError>;
    /// Give every stored document that has no owner to `workspace` (data
    /// from before access control); returns how many.
    fn claim_unowned(&self, workspace: &str) -> Result<usize, StorageError>;
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
        check_access(store);
    }

    fn check_access(store: &dyn Storage) {
        use crate::access::Role;
        let ws = WorkspaceRecord {
            id: "w1".into(),
            name: "One".into(),
        };
        store.put_workspace(&ws).expect("workspace");
        assert_eq!(store.workspaces().expect("list"), vec![ws]);
        // id(1) and id(2) were stored before anyone owned them.
        assert_eq!(store.claim_unowned("w1").expect("migrate"), 2);
        assert_eq!(store.claim(&id(1), "w2").expect("claim"), "w1");
        assert_eq!(store.claim(&id(9), "w2").expect("claim"), "w2");
        assert_eq!(store.claim(&id(9), "w1").expect("claim"), "w2");
        assert_eq!(store.owners().expect("owners").len(), 3);
        let ann = MemberRecord {
            workspace: "w1".into(),
            member: "ann".into(),
            role: Role::Editor,
        };
        store.put_member(&ann).expect("member");
        assert_eq!(store.members().expect("members"), vec![ann]);
        let (_, t1) = TokenRecord::issue("w1", "ann", Role::Editor, 99, false);
        let (_, t2) = TokenRecord::issue("w1", "bob", Role::Viewer, 99, true);
        store.put_token(&t1).expect("token");
        store.put_token(&t2).expect("token");
        assert!(store.revoke_token(&t2.id).expect("revoke"));
        assert!(!store.revoke_token("nope").expect("revoke"));
        assert!(store.remove_member("w1", "ann").expect("remove"));
        assert!(store.members().expect("members").is_empty());
        let tokens = store.tokens().expect("tokens");
        assert_eq!(tokens.len(), 2);
        assert!(tokens.iter().all(|t| t.revoked), "{tokens:?}");
    }
}
