//! Saving edits on this device (headless Chromium, real IndexedDB): an edit
//! counts as unsaved from the moment it is made — its write waits for the
//! frame that shows it — until it is in IndexedDB, and a workspace opened
//! again from the device holds it.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test save`

#![cfg(target_arch = "wasm32")]

use app::store::Store;
use app::sync::Repo;
use leptos::prelude::untrack;
use model::{Escalation, RecordKind};
use protocol::DocumentId;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Wait (up to 5 s) until nothing is waiting to be saved.
async fn saved(repo: &Repo) {
    for _ in 0..250 {
        if unsaved(repo) == 0 {
            return;
        }
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
    panic!("still {} unsaved after 5 s", unsaved(repo));
}

/// What the badge counts as not yet on this device.
fn unsaved(repo: &Repo) -> usize {
    untrack(|| repo.status.unsaved_now())
}

async fn open(name: &str) -> std::rc::Rc<Repo> {
    // The writes run as tasks, as in the app (a second call is a no-op).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let store = Store::open(name).await.expect("open store");
    // Signed out: the workspace opens from the device and nothing connects.
    Repo::open(
        store,
        DocumentId::from_bytes([0; 16]),
        Some("a test".into()),
        false,
        |_, _| {},
    )
    .await
    .expect("open the workspace")
}

#[wasm_bindgen_test]
async fn an_edit_counts_as_unsaved_until_it_is_on_the_device() {
    let name = format!(
        "fieldbook-test-save-{}-{}",
        js_sys::Date::now(),
        js_sys::Math::random()
    );
    let repo = open(&name).await;
    saved(&repo).await;

    let id = repo
        .create(RecordKind::Escalation, |d| {
            Escalation::create(d, "Checkout outage", 1_700_000_000_000)
        })
        .expect("create");
    assert!(
        unsaved(&repo) > 0,
        "a new record is unsaved the moment it is made"
    );
    saved(&repo).await;

    repo.edit(id, |d| {
        Escalation::add_note(d, "n1", "Ana", "Rolled back the release", false, 1)
    })
    .expect("add a note");
    assert_eq!(
        unsaved(&repo),
        1,
        "a note just written is unsaved, before its frame is painted"
    );
    let pending = untrack(|| repo.pending_for(id));
    assert!(pending >= 2, "and not synced: {pending} change(s) to sync");
    let listed = untrack(|| repo.pending_docs());
    assert!(
        listed.contains(&(id, pending)),
        "the sync panel lists it with that count: {listed:?}"
    );
    saved(&repo).await;
    drop(repo);

    let again = open(&name).await;
    let notes = again
        .read(id, Escalation::notes)
        .expect("the record is on the device")
        .expect("its notes read");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].text, "Rolled back the release");
}
