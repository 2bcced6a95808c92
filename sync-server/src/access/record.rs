//! What access is made of: roles, tokens (only their SHA-256 is stored) and
//! the rows the store keeps for them.

use std::fmt;

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a member may do in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Editor,
    Viewer,
}

/// A role name that is not one of ours.
#[derive(Debug, thiserror::Error)]
#[error("unknown role `{0}` (expected owner, editor or viewer)")]
pub struct UnknownRole(pub String);

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        match s {
            "owner" => Ok(Role::Owner),
            "editor" => Ok(Role::Editor),
            "viewer" => Ok(Role::Viewer),
            other => Err(UnknownRole(other.to_owned())),
        }
    }

    /// Owners and editors change documents (and claim new ones); viewers
    /// only read.
    pub fn writes(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One issued token as stored: never the token itself, only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    /// Public handle for listing and revoking: the hash's first 12 hex digits.
    pub id: String,
    /// SHA-256 of the token, hex.
    #[serde(skip)]
    pub hash: String,
    pub workspace: String,
    pub member: String,
    pub role: Role,
    /// Unix seconds after which the token no longer works.
    pub expires_at: u64,
    pub revoked: bool,
    /// Issued as an invitation link rather than a plain token.
    pub invitation: bool,
}

impl TokenRecord {
    /// A fresh random token and its record. Returns `(token, record)`; the
    /// token is shown once and never stored.
    pub fn issue(
        workspace: &str,
        member: &str,
        role: Role,
        expires_at: u64,
        invitation: bool,
    ) -> (String, TokenRecord) {
        let bytes: [u8; 32] = rand::rng().random();
        let token = format!("fb_{}", to_hex(&bytes));
        let hash = hash_token(&token);
        let record = TokenRecord {
            id: hash[..12].to_owned(),
            hash,
            workspace: workspace.to_owned(),
            member: member.to_owned(),
            role,
            expires_at,
            revoked: false,
            invitation,
        };
        (token, record)
    }

    /// Usable at `now` (unix seconds).
    pub fn is_live(&self, now: u64) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// SHA-256 of a presented token, hex: what the store is searched by.
pub fn hash_token(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Now, in unix seconds.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// One workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceRecord {
    pub id: String,
    pub name: String,
}

/// One person's membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    pub workspace: String,
    pub member: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_stored_only_as_its_hash() {
        let (token, record) = TokenRecord::issue("w", "ann", Role::Editor, 10, false);
        assert!(token.starts_with("fb_") && token.len() == 67, "{token}");
        assert_eq!(record.hash, hash_token(&token));
        assert!(!record.hash.contains(&token[3..]));
        assert!(record.is_live(9) && !record.is_live(10));
        assert_eq!(Role::parse("viewer").expect("role"), Role::Viewer);
        assert!(Role::parse("admin").is_err());
    }
}
