use thiserror::Error;

/// Why a document could not be read or changed as the record it should be.
#[derive(Debug, Error)]
pub enum ModelError {
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("field `{field}` is missing from the document")]
    Missing { field: &'static str },
    #[error("field `{field}` should be {expected}, found {found}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("no item `{0}` in this list (someone may have removed it)")]
    NoSuchItem(String),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("unknown record kind `{0}`")]
    UnknownKind(String),
}
