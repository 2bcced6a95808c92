//! Document ids as automerge-repo forms them: 16 random bytes, written as
//! bs58check (base58 of the bytes plus a 4-byte double-SHA-256 checksum);
//! URLs are `automerge:<id>`.
//!
//! The checksum uses the SHA-256 automerge itself links (change hashes), not
//! the `check` feature of `bs58`, which would bring a second SHA-256 into
//! the browser app.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::DecodeError;

const URL_PREFIX: &str = "automerge:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

impl DocumentId {
    /// The id for 16 bytes the caller drew at random.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        DocumentId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// `automerge:<id>`, the form people share and automerge-repo's
    /// `repo.find()` accepts.
    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{self}")
    }

    /// Parse a bs58check id, or a URL with the `automerge:` prefix (any
    /// `#heads` suffix is ignored).
    pub fn parse(s: &str) -> Result<Self, DecodeError> {
        let id = s.strip_prefix(URL_PREFIX).unwrap_or(s);
        let id = id.split('#').next().unwrap_or(id);
        let invalid = || DecodeError::DocumentId(s.to_owned());
        let decoded: [u8; 20] = bs58::decode(id)
            .into_vec()
            .map_err(|_| invalid())?
            .try_into()
            .map_err(|_| invalid())?;
        let (bytes, check) = decoded.split_at(16);
        if check != checksum(bytes) {
            return Err(invalid());
        }
        let mut id = [0; 16];
        id.copy_from_slice(bytes);
        Ok(DocumentId(id))
    }
}

/// The bs58check checksum of `bytes`: the first 4 bytes of their SHA-256
/// hashed again.
fn checksum(bytes: &[u8]) -> [u8; 4] {
    let hash = Sha256::digest(Sha256::digest(bytes));
    [hash[0], hash[1], hash[2], hash[3]]
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut checked = [0; 20];
        checked[..16].copy_from_slice(&self.0);
        checked[16..].copy_from_slice(&checksum(&self.0));
        f.write_str(&bs58::encode(checked).into_string())
    }
}

impl FromStr for DocumentId {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocumentId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_known_id_from_automerge_repo_parses() {
        // An id printed by automerge-repo 2.x for a new document.
        let id = DocumentId::parse("automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu").expect("valid id");
        assert_eq!(id.url(), "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu");
    }

    #[test]
    fn a_bad_checksum_is_refused_by_name() {
        let err = DocumentId::parse("4NMNnkMhL8jXrdJ9jamS58PAVdXv").expect_err("bad checksum");
        assert_eq!(
            err.to_string(),
            "invalid document id `4NMNnkMhL8jXrdJ9jamS58PAVdXv`"
        );
    }

    #[test]
    fn the_wrong_length_is_refused() {
        let mut short = [1u8; 12];
        let check = checksum(&short[..8]);
        short[8..].copy_from_slice(&check);
        let short = bs58::encode(short).into_string();
        assert!(DocumentId::parse(&short).is_err());
    }

    proptest! {
        #[test]
        fn ids_round_trip(bytes in any::<[u8; 16]>()) {
            let id = DocumentId::from_bytes(bytes);
            prop_assert_eq!(DocumentId::parse(&id.to_string()).expect("parses"), id);
            prop_assert_eq!(DocumentId::parse(&id.url()).expect("parses"), id);
        }
    }
}
