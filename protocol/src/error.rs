use thiserror::Error;

/// Why bytes from the network are not a protocol message.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("malformed cbor: {0}")]
    Cbor(String),
    #[error("a message must be a cbor map, found {0}")]
    NotAMap(String),
    #[error("message has no `type`")]
    MissingType,
    #[error("unknown message type `{0}`")]
    UnknownType(String),
    #[error("`{kind}` message is missing `{field}`")]
    MissingField {
        kind: &'static str,
        field: &'static str,
    },
    #[error("field `{field}` has the wrong type: {found}")]
    WrongType { field: String, found: String },
    #[error("invalid document id `{0}`")]
    DocumentId(String),
    #[error("empty peer id")]
    EmptyPeerId,
    #[error("trailing bytes after the message ({0} bytes)")]
    Trailing(usize),
}

impl From<minicbor::decode::Error> for DecodeError {
    fn from(e: minicbor::decode::Error) -> Self {
        DecodeError::Cbor(e.to_string())
    }
}

/// Why a sync message could not be applied.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error("sync data is not an automerge sync message: {0}")]
    BadSyncMessage(String),
    #[error("automerge rejected the sync message: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("unknown peer `{0}`")]
    UnknownPeer(String),
}
