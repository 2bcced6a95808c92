//! The IndexedDB store in a real browser (headless Chromium): chunks survive a
//! reopen in order, compaction replaces them, documents stay apart, settings
//! round-trip, damaged records are reported, and a real automerge document
//! reloads to the same heads.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test store`

#![cfg(target_arch = "wasm32")]

use app::store::{Store, StoreError};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use protocol::{DocSync, DocumentId, StorageTask};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run) uses.
fn unique_name(test: &str) -> String {
    format!(
        "fieldbook-test-{test}-{}-{}",
        js_sys::Date::now(),
        js_sys::Math::random()
    )
}

fn doc(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn append(doc: DocumentId, chunk: &[u8]) -> StorageTask {
    StorageTask::Append {
        doc,
        chunk: chunk.to_vec(),
    }
}

fn compact(doc: DocumentId, snapshot: &[u8]) -> StorageTask {
    StorageTask::Compact {
        doc,
        snapshot: snapshot.to_vec(),
    }
}

async fn open(name: &str) -> Store {
    Store::open(name).await.expect("open store")
}

async fn apply_each(store: &Store, tasks: &[StorageTask]) {
    for task in tasks {
        store.apply(task).await.expect("apply task");
    }
}

/// The ids of the stored documents.
async fn documents(store: &Store) -> Result<Vec<DocumentId>, StoreError> {
    Ok(store
        .load_all()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Twelve chunks, so a string-ordered sequence number ("10" < "2") would show.
fn twelve_chunks() -> Vec<Vec<u8>> {
    (0u8..12).map(|i| vec![i; usize::from(i) + 1]).collect()
}

#[wasm_bindgen_test]
async fn chunks_survive_reopen_in_order() {
    let name = unique_name("reopen");
    let a = doc(1);
    let chunks = twelve_chunks();
    {
        let store = open(&name).await;
        assert_eq!(
            store.load(&a).await.expect("load empty"),
            Vec::<Vec<u8>>::new()
        );
        for c in &chunks {
            store.apply(&append(a, c)).await.expect("append");
        }
    }
    let store = open(&name).await;
    assert_eq!(store.load(&a).await.expect("load"), chunks);
}

#[wasm_bindgen_test]
async fn compaction_replaces_all_chunks() {
    let name = unique_name("compact");
    let a = doc(2);
    let store = open(&name).await;
    apply_each(
        &store,
        &[append(a, b"one"), append(a, b"two"), append(a, b"three")],
    )
    .await;
    store
        .apply(&compact(a, b"snapshot"))
        .await
        .expect("compact");
    assert_eq!(
        store.load(&a).await.expect("load"),
        vec![b"snapshot".to_vec()]
    );
    let reopened = open(&name).await;
    assert_eq!(
        reopened.load(&a).await.expect("load after reopen"),
        vec![b"snapshot".to_vec()]
    );
}

#[wasm_bindgen_test]
async fn compaction_of_a_new_document_stores_the_snapshot() {
    let store = open(&unique_name("compact-new")).await;
    let a = doc(3);
    store.apply(&compact(a, b"first")).await.expect("compact");
    assert_eq!(store.load(&a).await.expect("load"), vec![b"first".to_vec()]);
}

#[wasm_bindgen_test]
async fn documents_do_not_see_each_others_chunks() {
    let store = open(&unique_name("apart")).await;
    let (a, b, c) = (doc(4), doc(5), doc(6));
    apply_each(
        &store,
        &[
            append(a, b"a0"),
            append(b, b"b0"),
            append(a, b"a1"),
            append(c, b"c0"),
            append(b, b"b1"),
            append(a, b"a2"),
        ],
    )
    .await;
    store
        .apply(&compact(b, b"b-snap"))
        .await
        .expect("compact b");
    assert_eq!(
        store.load(&a).await.expect("load a"),
        vec![b"a0".to_vec(), b"a1".to_vec(), b"a2".to_vec()]
    );
    assert_eq!(
        store.load(&b).await.expect("load b"),
        vec![b"b-snap".to_vec()]
    );
    assert_eq!(store.load(&c).await.expect("load c"), vec![b"c0".to_vec()]);
    assert_eq!(
        store.load(&doc(7)).await.expect("load unknown"),
        Vec::<Vec<u8>>::new()
    );
}

#[wasm_bindgen_test]
async fn append_after_compact_continues_after_the_snapshot() {
    let name = unique_name("append-after-compact");
    let a = doc(8);
    {
        let store = open(&name).await;
        apply_each(
            &store,
            &[
                append(a, b"x0"),
                append(a, b"x1"),
                append(a, b"x2"),
                compact(a, b"snap"),
                append(a, b"y0"),
            ],
        )
        .await;
    }
    let store = open(&name).await;
    store
        .apply(&append(a, b"y1"))
        .await
        .expect("append after reopen");
    assert_eq!(
        store.load(&a).await.expect("load"),
        vec![b"snap".to_vec(), b"y0".to_vec(), b"y1".to_vec()]
    );
    store
        .apply(&compact(a, b"snap2"))
        .await
        .expect("compact again");
    store.apply(&append(a, b"z0")).await.expect("append again");
    assert_eq!(
        store.load(&a).await.expect("load"),
        vec![b"snap2".to_vec(), b"z0".to_vec()]
    );
}

#[wasm_bindgen_test]
async fn meta_get_set_overwrite() {
    let name = unique_name("meta");
    {
        let store = open(&name).await;
        assert_eq!(store.get_meta("workspace").await.expect("get"), None);
        store.set_meta("workspace", "w-1").await.expect("set");
        store.set_meta("peer", "device-a").await.expect("set peer");
        assert_eq!(
            store.get_meta("workspace").await.expect("get"),
            Some("w-1".to_owned())
        );
        store.set_meta("workspace", "w-2").await.expect("overwrite");
        store.set_meta("empty", "").await.expect("set empty");
    }
    let store = open(&name).await;
    assert_eq!(
        store.get_meta("workspace").await.expect("get after reopen"),
        Some("w-2".to_owned())
    );
    assert_eq!(
        store.get_meta("peer").await.expect("get peer"),
        Some("device-a".to_owned())
    );
    assert_eq!(
        store.get_meta("empty").await.expect("get empty"),
        Some(String::new())
    );
    assert_eq!(store.get_meta("missing").await.expect("get missing"), None);
    assert_eq!(
        documents(&store).await.expect("documents"),
        Vec::<DocumentId>::new(),
        "settings are not documents"
    );
}

#[wasm_bindgen_test]
async fn documents_lists_exactly_the_documents_with_chunks() {
    let name = unique_name("documents");
    let store = open(&name).await;
    assert_eq!(
        documents(&store).await.expect("empty"),
        Vec::<DocumentId>::new()
    );
    let (a, b, c) = (doc(9), doc(10), doc(11));
    apply_each(
        &store,
        &[
            append(a, b"a0"),
            append(a, b"a1"),
            append(a, b"a2"),
            compact(b, b"b-snap"),
            append(c, b"c0"),
        ],
    )
    .await;
    let mut listed = documents(&open(&name).await).await.expect("documents");
    listed.sort();
    let mut expected = vec![a, b, c];
    expected.sort();
    assert_eq!(listed, expected);
}

/// Writes a record straight into the `chunks` store, bypassing [`Store`].
async fn write_raw(name: &str, key: JsValue, value: JsValue) {
    let db = Database::open(name).await.expect("open raw");
    let tx = db
        .transaction("chunks")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("transaction");
    let store = tx.object_store("chunks").expect("chunks store");
    store
        .put(value)
        .with_key(key)
        .without_key_type()
        .primitive()
        .expect("put")
        .await
        .expect("put done");
    tx.commit().await.expect("commit");
    db.close();
}

fn key(parts: &[JsValue]) -> JsValue {
    parts.iter().collect::<js_sys::Array>().into()
}

#[wasm_bindgen_test]
async fn an_undecodable_key_is_reported_not_a_panic() {
    let name = unique_name("bad-key");
    let store = open(&name).await;
    store
        .apply(&append(doc(12), b"fine"))
        .await
        .expect("append");
    write_raw(
        &name,
        key(&[
            JsValue::from_str("not-a-document-id"),
            JsValue::from_f64(0.0),
        ]),
        js_sys::Uint8Array::from(&b"x"[..]).into(),
    )
    .await;
    match documents(&store).await {
        Err(e @ StoreError::Corrupt { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains("not-a-document-id"),
                "names the bad key: {message}"
            );
        }
        other => panic!("expected a corrupt-record error, got {other:?}"),
    }

    let name = unique_name("bad-key-shape");
    let store = open(&name).await;
    write_raw(
        &name,
        JsValue::from_str("just a string"),
        JsValue::from_f64(1.0),
    )
    .await;
    assert!(
        matches!(documents(&store).await, Err(StoreError::Corrupt { .. })),
        "a non-array key is reported"
    );
}

#[wasm_bindgen_test]
async fn a_chunk_that_is_not_bytes_is_reported() {
    let name = unique_name("bad-value");
    let a = doc(13);
    let store = open(&name).await;
    store.apply(&append(a, b"fine")).await.expect("append");
    write_raw(
        &name,
        key(&[JsValue::from_str(&a.to_string()), JsValue::from_f64(1.0)]),
        JsValue::from_str("not bytes"),
    )
    .await;
    match store.load(&a).await {
        Err(e @ StoreError::Corrupt { .. }) => {
            let message = e.to_string();
            assert!(message.contains(&a.to_string()), "names the key: {message}");
            assert!(message.contains("a string"), "names the value: {message}");
        }
        other => panic!("expected a corrupt-record error, got {other:?}"),
    }
    // An append after the damaged record still goes after it, and the
    // damage stays reported rather than silently skipped.
    store.apply(&append(a, b"later")).await.expect("append");
    assert!(matches!(
        store.load(&a).await,
        Err(StoreError::Corrupt { .. })
    ));
}

#[wasm_bindgen_test]
async fn an_automerge_document_reloads_to_the_same_heads() {
    let name = unique_name("automerge");
    let id = doc(14);
    let mut sync = DocSync::new(id, AutoCommit::new());
    let text = sync
        .doc_mut()
        .put_object(ROOT, "notes", ObjType::Text)
        .expect("text object");
    let (mut appends, mut compacts) = (0, 0);
    {
        let store = open(&name).await;
        for i in 0..300usize {
            let doc = sync.doc_mut();
            doc.splice_text(&text, i, 0, "x").expect("type");
            doc.put(ROOT, "count", i as i64).expect("put count");
            doc.commit();
            if let Some(task) = sync.storage_task() {
                match task {
                    StorageTask::Append { .. } => appends += 1,
                    StorageTask::Compact { .. } => compacts += 1,
                }
                store.apply(&task).await.expect("apply");
            }
        }
    }
    assert!(
        appends > 0 && compacts > 0,
        "{appends} appends, {compacts} compactions"
    );
    assert!(sync.storage_task().is_none(), "everything is saved");

    let store = open(&name).await;
    let chunks = store.load(&id).await.expect("load");
    assert!(
        !chunks.is_empty() && chunks.len() < appends + compacts,
        "compaction kept {} chunks",
        chunks.len()
    );
    let (mut loaded, errors) = DocSync::loaded(id, &chunks);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(loaded.heads(), sync.heads());
    assert_eq!(
        loaded.doc().text(&text).expect("text").len(),
        300,
        "all the typing is back"
    );
    assert_eq!(documents(&store).await.expect("documents"), vec![id]);
}

#[wasm_bindgen_test]
async fn a_batch_of_tasks_lands_in_order_and_everything_loads_in_one_read() {
    let name = unique_name("batch");
    let (a, b, c) = (doc(1), doc(2), doc(3));
    let store = open(&name).await;
    store
        .apply(&append(b, b"b-old"))
        .await
        .expect("first write");
    store
        .apply_all(&[
            append(a, b"a0"),
            append(a, b"a1"),
            compact(b, b"b-snapshot"),
            append(b, b"b1"),
            append(c, b"c0"),
            append(a, b"a2"),
        ])
        .await
        .expect("batch");
    store
        .apply_all(&[])
        .await
        .expect("an empty batch is nothing to do");
    let all = open(&name).await.load_all().await.expect("load all");
    let mut expected = vec![
        (a, vec![b"a0".to_vec(), b"a1".to_vec(), b"a2".to_vec()]),
        (b, vec![b"b-snapshot".to_vec(), b"b1".to_vec()]),
        (c, vec![b"c0".to_vec()]),
    ];
    expected.sort_by_key(|(id, _)| id.to_string());
    assert_eq!(all, expected);
    for (id, chunks) in &all {
        assert_eq!(&store.load(id).await.expect("load one"), chunks);
    }
}

#[wasm_bindgen_test]
async fn settings_are_listed_by_prefix() {
    let store = open(&unique_name("prefix")).await;
    for (k, v) in [
        ("confirmed/x", "1"),
        ("confirmed/y", "2"),
        ("device.name", "Ana"),
        ("confirmed", "0"),
    ] {
        store.set_meta(k, v).await.expect("set");
    }
    assert_eq!(
        store.meta_with_prefix("confirmed/").await.expect("list"),
        vec![
            ("confirmed/x".to_owned(), "1".to_owned()),
            ("confirmed/y".to_owned(), "2".to_owned())
        ]
    );
    assert!(
        store
            .meta_with_prefix("none/")
            .await
            .expect("empty")
            .is_empty()
    );
}
