use automerge::{ObjType, ScalarValue, Value};
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
        found: &'static str,
    },
    #[error("no item `{0}` in this list (someone may have removed it)")]
    NoSuchItem(String),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("unknown record kind `{0}`")]
    UnknownKind(String),
}

/// What a value is, in the words of [`ModelError::WrongType`]'s message.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Object(ObjType::Map | ObjType::Table) => "a map",
        Value::Object(ObjType::List) => "a list",
        Value::Object(ObjType::Text) => "text",
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(_) => "a string",
            ScalarValue::Int(_) | ScalarValue::Uint(_) | ScalarValue::F64(_) => "a number",
            ScalarValue::Counter(_) => "a counter",
            ScalarValue::Timestamp(_) => "a timestamp",
            ScalarValue::Boolean(_) => "true or false",
            ScalarValue::Bytes(_) => "bytes",
            ScalarValue::Null => "null",
            ScalarValue::Unknown { .. } => "a value of an unknown type",
        },
    }
}
