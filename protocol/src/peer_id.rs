//! Peer ids: opaque strings chosen by each peer (automerge-repo uses a
//! prefix and random characters, e.g. `peer-4f2a…`).

use std::fmt;

/// The id a peer announces in its `join` or `peer` message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(String);

impl PeerId {
    pub fn new(id: impl Into<String>) -> Self {
        PeerId(id.into())
    }

    /// A peer id from 16 random bytes the caller drew.
    pub fn from_random(prefix: &str, bytes: [u8; 16]) -> Self {
        PeerId(format!("{prefix}-{}", bs58::encode(bytes).into_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
