//! Managing access in the store: what the `sync-server` subcommands do
//! (and what the relay does on first start). Every change bumps the store's
//! access generation, so a relay running on the same store picks it up
//! within [`super::POLL_INTERVAL`].

use super::{MemberRecord, Role, TokenRecord, WorkspaceRecord, bump_generation, now_secs};
use crate::storage::{Storage, StorageError};

/// The workspace every relay starts with.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("no workspace `{0}` (create it with `sync-server workspace create`)")]
    NoWorkspace(String),
}

pub fn create_workspace(storage: &dyn Storage, id: &str, name: &str) -> Result<(), AdminError> {
    storage.put_workspace(&WorkspaceRecord {
        id: id.to_owned(),
        name: name.to_owned(),
    })?;
    crate::workspace::ensure_index(storage, id)?;
    Ok(())
}

/// Make `member` a member of `workspace` with `role`, and issue a token
/// that works for `days` days. Returns the token (shown once) and its record.
pub fn issue(
    storage: &dyn Storage,
    workspace: &str,
    member: &str,
    role: Role,
    days: u64,
    invitation: bool,
) -> Result<(String, TokenRecord), AdminError> {
    if !storage.workspaces()?.iter().any(|w| w.id == workspace) {
        return Err(AdminError::NoWorkspace(workspace.to_owned()));
    }
    storage.put_member(&MemberRecord {
        workspace: workspace.to_owned(),
        member: member.to_owned(),
        role,
    })?;
    let expires = now_secs().saturating_add(days.saturating_mul(86_400));
    let (token, record) = TokenRecord::issue(workspace, member, role, expires, invitation);
    storage.put_token(&record)?;
    bump_generation(storage)?;
    Ok((token, record))
}

pub fn revoke_token(storage: &dyn Storage, id: &str) -> Result<bool, AdminError> {
    let found = storage.revoke_token(id)?;
    bump_generation(storage)?;
    Ok(found)
}

pub fn remove_member(
    storage: &dyn Storage,
    workspace: &str,
    member: &str,
) -> Result<bool, AdminError> {
    let found = storage.remove_member(workspace, member)?;
    bump_generation(storage)?;
    Ok(found)
}
