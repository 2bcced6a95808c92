//! The relay's default workspace: the id of its index document, created on
//! first start and kept in storage, so every browser that opens this relay
//! lists the same records.

use automerge::ActorId;
use model::WorkspaceIndex;
use protocol::{DocumentId, StorageTask};
use rand::Rng;
use serde::Serialize;

use crate::storage::{Storage, StorageError};

const INDEX_KEY: &str = "workspace.default.index";
const STORAGE_ID_KEY: &str = "relay.storage-id";

/// What a browser needs to join the workspace.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub index_document_id: String,
    pub index_url: String,
}

/// What `/api/workspace` tells a signed-in browser: its workspace's index
/// and who the token says it is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    #[serde(flatten)]
    pub index: Workspace,
    pub workspace_id: String,
    pub workspace_name: String,
    pub member: String,
    pub role: crate::access::Role,
    /// The token came as an invitation link (the app asks before joining).
    pub invitation: bool,
    /// Unix seconds when the token stops working.
    pub expires_at: u64,
}

/// The index of `grant`'s workspace (created if missing) and its name.
pub fn signed_in(
    storage: &dyn Storage,
    grant: &crate::access::Grant,
) -> Result<SignedIn, StorageError> {
    let index = ensure_index(storage, &grant.workspace)?;
    let workspace_name = storage
        .workspaces()?
        .into_iter()
        .find(|w| w.id == grant.workspace)
        .map_or_else(|| grant.workspace.clone(), |w| w.name);
    Ok(SignedIn {
        index,
        workspace_id: grant.workspace.clone(),
        workspace_name,
        member: grant.member.clone(),
        role: grant.role,
        invitation: grant.invitation,
        expires_at: grant.expires_at,
    })
}

/// The default workspace, created (index document stored) if this is the
/// first start on this storage.
pub fn ensure_default(storage: &dyn Storage) -> Result<Workspace, StorageError> {
    ensure_index_at(storage, INDEX_KEY)
}

/// Workspace `workspace`'s index document, created (and owned by it) if it
/// has none yet.
pub fn ensure_index(storage: &dyn Storage, workspace: &str) -> Result<Workspace, StorageError> {
    if workspace == crate::access::admin::DEFAULT_WORKSPACE {
        return ensure_default(storage);
    }
    let index = ensure_index_at(storage, &format!("workspace.{workspace}.index"))?;
    if let Ok(id) = DocumentId::parse(&index.index_document_id) {
        storage.claim(&id, workspace)?;
    }
    Ok(index)
}

fn ensure_index_at(storage: &dyn Storage, key: &str) -> Result<Workspace, StorageError> {
    let id = match storage.get_meta(key)? {
        Some(existing) => match DocumentId::parse(&existing) {
            Ok(id) => id,
            Err(e) => {
                return Err(StorageError::Meta {
                    key: key.into(),
                    reason: e.to_string(),
                });
            }
        },
        None => {
            let id = DocumentId::from_bytes(rand::rng().random());
            let mut index = WorkspaceIndex::genesis(ActorId::random());
            storage.apply(&StorageTask::Compact {
                doc: id,
                snapshot: index.save(),
            })?;
            storage.set_meta(key, &id.to_string())?;
            id
        }
    };
    Ok(Workspace {
        index_document_id: id.to_string(),
        index_url: id.url(),
    })
}

/// The default workspace's record, its index document owned by it, and
/// every document stored before access control existed given to it.
pub fn ensure_default_access(
    storage: &dyn Storage,
    workspace: &Workspace,
) -> Result<(), StorageError> {
    use crate::access::{WorkspaceRecord, admin::DEFAULT_WORKSPACE};
    if !storage
        .workspaces()?
        .iter()
        .any(|w| w.id == DEFAULT_WORKSPACE)
    {
        storage.put_workspace(&WorkspaceRecord {
            id: DEFAULT_WORKSPACE.into(),
            name: "Local".into(),
        })?;
    }
    if let Ok(index) = DocumentId::parse(&workspace.index_document_id) {
        storage.claim(&index, DEFAULT_WORKSPACE)?;
    }
    let migrated = storage.claim_unowned(DEFAULT_WORKSPACE)?;
    if migrated > 0 {
        tracing::info!(
            migrated,
            "documents from before access control joined the default workspace"
        );
    }
    Ok(())
}

/// This relay's storage id, stable across restarts (automerge-repo peers use
/// it to recognise a peer that keeps documents).
pub fn storage_id(storage: &dyn Storage) -> Result<String, StorageError> {
    if let Some(id) = storage.get_meta(STORAGE_ID_KEY)? {
        return Ok(id);
    }
    let bytes: [u8; 16] = rand::rng().random();
    let id = protocol::PeerId::from_random("storage", bytes).to_string();
    storage.set_meta(STORAGE_ID_KEY, &id)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;

    #[test]
    fn a_new_workspace_gets_its_own_index_owned_by_it() {
        let storage = MemoryStorage::default();
        let default = ensure_default(&storage).expect("default");
        crate::access::admin::create_workspace(&storage, "acme", "Acme").expect("create");
        let acme = ensure_index(&storage, "acme").expect("index");
        assert_ne!(acme.index_document_id, default.index_document_id);
        let id = DocumentId::parse(&acme.index_document_id).expect("id");
        assert_eq!(storage.claim(&id, "other").expect("owner"), "acme");
        let again = ensure_index(&storage, "acme").expect("same");
        assert_eq!(again.index_document_id, acme.index_document_id);
    }

    #[test]
    fn the_default_workspace_is_created_once() {
        let storage = MemoryStorage::default();
        let first = ensure_default(&storage).expect("create");
        let again = ensure_default(&storage).expect("reuse");
        assert_eq!(first.index_document_id, again.index_document_id);
        let id = DocumentId::parse(&first.index_document_id).expect("valid id");
        assert_eq!(storage.load(&id).expect("stored").len(), 1);
        assert_eq!(
            storage_id(&storage).expect("id"),
            storage_id(&storage).expect("same id")
        );
    }
}
