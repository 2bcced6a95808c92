//! Opening a workspace from this device (headless Chromium, real
//! IndexedDB): every stored record loads and is listed, and start-up says
//! how far it got as it goes.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test open`

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use app::store::Store;
use app::sync::Repo;
use automerge::ActorId;
use model::{Escalation, RecordKind, WorkspaceIndex};
use protocol::{DocSync, DocumentId};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_workspace_of_many_records_opens_with_its_progress() {
    const RECORDS: u8 = 200;
    let name = format!(
        "fieldbook-test-open-{}-{}",
        js_sys::Date::now(),
        js_sys::Math::random()
    );
    let store = Store::open(&name).await.expect("open store");
    let index_id = DocumentId::from_bytes([0; 16]);
    let mut index = DocSync::new(
        index_id,
        WorkspaceIndex::genesis(ActorId::from(vec![7u8; 16])),
    );
    let mut ids = Vec::new();
    for n in 1..=RECORDS {
        let id = DocumentId::from_bytes([n; 16]);
        let mut record = DocSync::new(id, automerge::AutoCommit::new());
        Escalation::create(
            record.doc_mut(),
            &format!("Escalation {n}"),
            1_700_000_000_000,
        )
        .expect("escalation");
        record.doc_mut().commit();
        store
            .apply(&record.storage_task().expect("a first write"))
            .await
            .expect("store record");
        WorkspaceIndex::add(index.doc_mut(), &id.to_string(), RecordKind::Escalation, 0)
            .expect("list it");
        ids.push(id);
    }
    index.doc_mut().commit();
    store
        .apply(&index.storage_task().expect("index write"))
        .await
        .expect("store index");

    let heard = Rc::new(RefCell::new(Vec::new()));
    let progress = {
        let heard = heard.clone();
        move |done, total| heard.borrow_mut().push((done, total))
    };
    // Signed out: everything opens from the device and nothing connects.
    let repo = Repo::open(store, index_id, Some("a test".into()), false, progress)
        .await
        .expect("open the workspace");

    let listed: Vec<String> = repo.records().iter().map(|r| r.id.clone()).collect();
    assert_eq!(listed.len(), usize::from(RECORDS), "every record is listed");
    for id in &ids {
        let title = repo.read(*id, |d| Escalation::summary(d).map(|s| s.title));
        assert!(
            matches!(title, Some(Ok(ref t)) if t.starts_with("Escalation ")),
            "{id} opened from the device: {title:?}"
        );
    }
    let heard = heard.borrow();
    let total = usize::from(RECORDS) + 1;
    assert_eq!(heard.last(), Some(&(total, total)), "{heard:?}");
    assert!(
        heard
            .windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[1].1 == total),
        "counts only go up: {heard:?}"
    );
}
