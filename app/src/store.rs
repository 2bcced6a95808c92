//! Fieldbook's local storage: the browser's IndexedDB, holding every
//! automerge document this device knows as a list of stored chunks, and a few
//! small settings (the workspace id, this device's peer id).
//!
//! Schema (database version 1):
//!
//! - object store `chunks`: key `[documentId, seq]` (the bs58check id string
//!   and a whole number), value a `Uint8Array` with one automerge chunk.
//!   IndexedDB orders array keys element by element, so one document's chunks
//!   are contiguous and in `seq` order: one key range reads them oldest first.
//!   A compaction replaces them all with one snapshot at `seq` 0; appends go
//!   after the highest `seq` present, found in the same transaction.
//! - object store `meta`: string key → string value.
//!
//! Every [`Store::apply`] is a single readwrite transaction, so a write lands
//! whole or not at all. Records that do not have the shape above are reported
//! as [`StoreError::Corrupt`], never a panic.

use indexed_db_futures::KeyRange;
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::database::Database;
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::typed_array::Uint8ArraySlice;
use js_sys::{Array, Uint8Array};
use protocol::{DocumentId, StorageTask};
use wasm_bindgen::{JsCast, JsValue};

/// The schema version; bump it (and extend the upgrade) when stores change.
const VERSION: u32 = 1;
const CHUNKS: &str = "chunks";
const META: &str = "meta";
/// The largest `seq` that still has an exact successor as a JS number.
const MAX_SEQ: f64 = 9_007_199_254_740_990.0;

/// What went wrong, naming the database, document, setting or record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database `{name}`: {reason}")]
    Open { name: String, reason: String },
    #[error("cannot read document {doc}: {reason}")]
    Read { doc: DocumentId, reason: String },
    #[error("cannot write document {doc}: {reason}")]
    Write { doc: DocumentId, reason: String },
    #[error("cannot list stored documents: {reason}")]
    List { reason: String },
    #[error("cannot read setting `{key}`: {reason}")]
    ReadMeta { key: String, reason: String },
    #[error("cannot write setting `{key}`: {reason}")]
    WriteMeta { key: String, reason: String },
    /// A stored record that does not have the shape this module writes.
    #[error("corrupt record {key} in `{store}`: {reason}")]
    Corrupt {
        store: &'static str,
        key: String,
        reason: String,
    },
}

/// An open Fieldbook database. Cloning is cheap: clones share the connection.
#[derive(Debug, Clone)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens (and creates/upgrades) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let opened = Database::open(name)
            .with_version(VERSION)
            .with_on_upgrade_needed(|_event, db| {
                let existing: Vec<String> = db.object_store_names().collect();
                for store in [CHUNKS, META] {
                    if !existing.iter().any(|n| n == store) {
                        db.create_object_store(store).build()?;
                    }
                }
                Ok(())
            })
            .await;
        let db = opened.map_err(|e| StoreError::Open {
            name: name.to_owned(),
            reason: open_reason(&e),
        })?;
        Ok(Store { db })
    }

    /// All stored chunks of a document, oldest first (empty if none).
    pub async fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StoreError> {
        let doc = *doc;
        let id = doc.to_string();
        let records = self
            .records(CHUNKS, Some(doc_range(&id)))
            .await
            .map_err(|reason| StoreError::Read { doc, reason })?;
        records
            .into_iter()
            .map(|(key, value)| {
                decode_chunk_key(&key, Some(&id))?;
                chunk_bytes(&key, value)
            })
            .collect()
    }

    /// Performs one storage task atomically (one IndexedDB transaction):
    /// `Append` adds the chunk after the document's existing chunks, `Compact`
    /// replaces all of them with the snapshot.
    pub async fn apply(&self, task: &StorageTask) -> Result<(), StoreError> {
        self.apply_all(std::slice::from_ref(task)).await
    }

    /// Performs storage tasks in order, all in one transaction: every one
    /// lands or none does (a first sync brings thousands of documents, and
    /// one transaction each would cost seconds).
    pub async fn apply_all(&self, tasks: &[StorageTask]) -> Result<(), StoreError> {
        let Some(first) = tasks.first() else {
            return Ok(());
        };
        let doc = first.doc();
        let write = |e: IdbError| StoreError::Write {
            doc,
            reason: e.to_string(),
        };
        let tx = self
            .db
            .transaction(CHUNKS)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        let store = tx.object_store(CHUNKS).map_err(write)?;
        for task in tasks {
            write_task(&store, task).await?;
        }
        tx.commit().await.map_err(write)
    }

    /// Every stored document with its chunks (oldest first), in key order,
    /// read in one transaction: a device opens thousands at start, and one
    /// transaction per document would cost seconds.
    pub async fn load_all(&self) -> Result<Vec<(DocumentId, Vec<Vec<u8>>)>, StoreError> {
        let records = self
            .records(CHUNKS, None)
            .await
            .map_err(|reason| StoreError::List { reason })?;
        let mut docs: Vec<(DocumentId, Vec<Vec<u8>>)> = Vec::new();
        let mut previous: Option<String> = None;
        for (key, value) in records {
            let (id, _) = decode_chunk_key(&key, None)?;
            let bytes = chunk_bytes(&key, value)?;
            match docs.last_mut() {
                Some((_, chunks)) if previous.as_deref() == Some(id.as_str()) => chunks.push(bytes),
                _ => {
                    let doc =
                        DocumentId::parse(&id).map_err(|e| corrupt(CHUNKS, &key, e.to_string()))?;
                    docs.push((doc, vec![bytes]));
                    previous = Some(id);
                }
            }
        }
        Ok(docs)
    }

    /// Every setting whose key starts with `prefix`, in key order.
    pub async fn meta_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let range = KeyRange::Bound(
            JsValue::from_str(prefix),
            false,
            JsValue::from_str(&format!("{prefix}\u{ffff}")),
            false,
        );
        let records =
            self.records(META, Some(range))
                .await
                .map_err(|reason| StoreError::ReadMeta {
                    key: format!("{prefix}*"),
                    reason,
                })?;
        records
            .into_iter()
            .map(|(key, value)| match (key.as_string(), value.as_string()) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err(corrupt(
                    META,
                    &key,
                    format!("value is {}, not a string", describe(&value)),
                )),
            })
            .collect()
    }

    /// The (key, value) records of `store` in `range` (all without one), in
    /// key order, read in
    /// one transaction (both requests run within one snapshot).
    async fn records(
        &self,
        store: &str,
        range: Option<KeyRange<JsValue>>,
    ) -> Result<Vec<(JsValue, JsValue)>, String> {
        let fail = |e: IdbError| e.to_string();
        let tx = self.db.transaction(store).build().map_err(fail)?;
        let store = tx.object_store(store).map_err(fail)?;
        // Both requests go out now and run in key order within one snapshot.
        let (keys, values) = match range {
            Some(range) => (
                store
                    .get_all_keys::<JsValue>()
                    .with_query::<JsValue, _>(range.clone())
                    .primitive(),
                store
                    .get_all::<JsValue>()
                    .with_query::<JsValue, _>(range)
                    .primitive(),
            ),
            None => (
                store.get_all_keys::<JsValue>().primitive(),
                store.get_all::<JsValue>().primitive(),
            ),
        };
        let (keys, values) = (keys.map_err(fail)?, values.map_err(fail)?);
        let keys = keys
            .await
            .map_err(fail)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let values = values
            .await
            .map_err(fail)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        if keys.len() != values.len() {
            return Err(format!("{} keys but {} values", keys.len(), values.len()));
        }
        Ok(keys.into_iter().zip(values).collect())
    }

    /// The setting `key`, if it was ever set.
    pub async fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let read = |e: IdbError| StoreError::ReadMeta {
            key: key.to_owned(),
            reason: e.to_string(),
        };
        let tx = self.db.transaction(META).build().map_err(read)?;
        let store = tx.object_store(META).map_err(read)?;
        let value = store
            .get::<JsValue, _, _>(key)
            .primitive()
            .map_err(read)?
            .await
            .map_err(read)?;
        match value {
            None => Ok(None),
            Some(value) => match value.as_string() {
                Some(s) => Ok(Some(s)),
                None => Err(corrupt(
                    META,
                    &JsValue::from_str(key),
                    format!("value is {}, not a string", describe(&value)),
                )),
            },
        }
    }

    /// Sets (or overwrites) the setting `key`.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write_meta(&[(key, value)], &[]).await
    }

    /// Sets the settings `puts` and removes the settings `deletes`, all in
    /// one transaction.
    pub async fn write_meta(
        &self,
        puts: &[(&str, &str)],
        deletes: &[&str],
    ) -> Result<(), StoreError> {
        let key = puts
            .first()
            .map_or_else(|| deletes.join(","), |(k, _)| (*k).to_owned());
        let write = |e: IdbError| StoreError::WriteMeta {
            key: key.clone(),
            reason: e.to_string(),
        };
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        let store = tx.object_store(META).map_err(write)?;
        for (key, value) in puts {
            store
                .put(*value)
                .with_key(*key)
                .without_key_type()
                .primitive()
                .map_err(write)?
                .await
                .map_err(write)?;
        }
        for key in deletes {
            store
                .delete(*key)
                .primitive()
                .map_err(write)?
                .await
                .map_err(write)?;
        }
        tx.commit().await.map_err(write)
    }
}

/// One storage task inside an open readwrite transaction on `chunks`.
async fn write_task(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    task: &StorageTask,
) -> Result<(), StoreError> {
    let doc = task.doc();
    let write = |e: IdbError| StoreError::Write {
        doc,
        reason: e.to_string(),
    };
    let id = doc.to_string();
    match task {
        StorageTask::Append { chunk, .. } => {
            let last = store
                .open_key_cursor()
                .with_query::<JsValue, _>(doc_range(&id))
                .with_direction(CursorDirection::Prev)
                .primitive()
                .map_err(write)?
                .await
                .map_err(write)?;
            let seq = match last {
                None => 0.0,
                Some(cursor) => match cursor.primary_key::<JsValue>().map_err(write)? {
                    None => 0.0,
                    Some(key) => {
                        let last = decode_chunk_key(&key, Some(&id))?.1;
                        if last >= MAX_SEQ {
                            return Err(corrupt(CHUNKS, &key, "sequence number exhausted"));
                        }
                        last + 1.0
                    }
                },
            };
            // `add`, not `put`: never overwrite a chunk. Not awaited: a
            // failed request aborts the transaction, which the commit reports.
            drop(
                store
                    .add(Uint8ArraySlice::new(chunk))
                    .with_key(chunk_key(&id, seq))
                    .without_key_type()
                    .primitive()
                    .map_err(write)?,
            );
        }
        StorageTask::Compact { snapshot, .. } => {
            // Requests run in order within the transaction; as above, the
            // commit reports a failure.
            drop(
                store
                    .delete::<JsValue, _>(doc_range(&id))
                    .primitive()
                    .map_err(write)?,
            );
            drop(
                store
                    .add(Uint8ArraySlice::new(snapshot))
                    .with_key(chunk_key(&id, 0.0))
                    .without_key_type()
                    .primitive()
                    .map_err(write)?,
            );
        }
    }
    Ok(())
}

/// A stored chunk's bytes (a `Uint8Array`), or why the record is corrupt.
fn chunk_bytes(key: &JsValue, value: JsValue) -> Result<Vec<u8>, StoreError> {
    match value.dyn_into::<Uint8Array>() {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(other) => Err(corrupt(
            CHUNKS,
            key,
            format!("value is {}, not a Uint8Array", describe(&other)),
        )),
    }
}

/// The key of chunk `seq` of document `id`.
fn chunk_key(id: &str, seq: f64) -> JsValue {
    Array::of2(&JsValue::from_str(id), &JsValue::from_f64(seq)).into()
}

/// Every chunk key of document `id`: `[id, 0]` through `[id, +∞]`.
fn doc_range(id: &str) -> KeyRange<JsValue> {
    KeyRange::Bound(
        chunk_key(id, 0.0),
        false,
        chunk_key(id, f64::INFINITY),
        false,
    )
}

/// `[id, seq]` out of a stored chunk key, checking it belongs to `expected`.
fn decode_chunk_key(key: &JsValue, expected: Option<&str>) -> Result<(String, f64), StoreError> {
    let bad = |reason: &str| corrupt(CHUNKS, key, reason);
    let parts = key
        .dyn_ref::<Array>()
        .ok_or_else(|| bad("key is not an array"))?;
    if parts.length() != 2 {
        return Err(bad("key is not a [document id, sequence number] pair"));
    }
    let id = parts
        .get(0)
        .as_string()
        .ok_or_else(|| bad("document id is not a string"))?;
    let seq = parts
        .get(1)
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0 && s.fract() == 0.0)
        .ok_or_else(|| bad("sequence number is not a whole number"))?;
    if expected.is_some_and(|e| e != id) {
        return Err(bad("key belongs to another document"));
    }
    Ok((id, seq))
}

fn corrupt(store: &'static str, key: &JsValue, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        store,
        key: render(key),
        reason: reason.into(),
    }
}

/// A stored key as JSON (`["4NMN…",3]`), for error messages.
fn render(key: &JsValue) -> String {
    js_sys::JSON::stringify(key)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{key:?}"))
}

/// A short description of an unexpected stored value: `a string`,
/// `an ArrayBuffer`, `null`…
fn describe(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_owned();
    }
    if value.is_undefined() {
        return "undefined".to_owned();
    }
    let kind = if value.is_object() {
        js_sys::Reflect::get(value, &JsValue::from_str("constructor"))
            .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("name")))
            .ok()
            .and_then(|n| n.as_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "object".to_owned())
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    };
    let article = match kind.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    };
    format!("{article} {kind}")
}

fn open_reason(e: &OpenDbError) -> String {
    match e {
        // indexed_db_futures reports every exception thrown by
        // `indexedDB.open()` as `VersionZero`; ours is never zero.
        OpenDbError::VersionZero => {
            "the browser refused to open it (storage may be disabled)".to_owned()
        }
        other => other.to_string(),
    }
}
