//! What every feature reads of the records on the device: each record of a
//! kind with its summary (re-read only for documents that changed), records
//! with their titles, and a clock for the timers and countdowns computed on
//! the device (so they count offline too).

use std::collections::HashMap;
use std::sync::Arc;

use automerge::AutoCommit;
use leptos::prelude::*;
use model::{AccountPlan, ModelError, PlanField, RecordKind};
use protocol::DocumentId;

use crate::sync::Repo;
use crate::ui::{memo, use_repo};
use crate::util::now_ms;

/// How often the clock ticks.
const TICK_MS: u32 = 30_000;

/// Every record of a kind with its summary (shared, not copied, between
/// views), newest first.
pub type Rows<S> = Arc<Vec<(DocumentId, Arc<S>)>>;

/// The records of `kind` with their summaries, as `read` makes them.
/// Records listed in the index but not on this device yet are left out.
pub fn summaries<S: PartialEq + Send + Sync + 'static>(
    kind: RecordKind,
    read: fn(&AutoCommit) -> Result<S, ModelError>,
) -> Memo<Rows<S>> {
    let repo = use_repo();
    // Summaries by document, with the revision they were read at.
    let cache = StoredValue::new_local(HashMap::<DocumentId, (u64, Arc<S>)>::new());
    memo(move || {
        let repo = repo.get();
        let ids = records_of(&repo.records(), &kind);
        let mut fresh = HashMap::with_capacity(ids.len());
        let list: Vec<(DocumentId, Arc<S>)> = ids
            .into_iter()
            .filter_map(|id| {
                let revision = repo.revision(id).get();
                if repo.is_missing(id) {
                    return None;
                }
                let cached = cache.with_value(|c| {
                    c.get(&id)
                        .filter(|(r, _)| *r == revision)
                        .map(|(_, s)| s.clone())
                });
                let summary = match cached {
                    Some(s) => s,
                    None => Arc::new(repo.read_untracked(id, |d| read(d).ok()).flatten()?),
                };
                fresh.insert(id, (revision, summary.clone()));
                Some((id, summary))
            })
            .collect();
        cache.set_value(fresh);
        Arc::new(list)
    })
}

/// Record `id`'s summary, as `read` makes it (the default while it is not on
/// this device or cannot be read), following the record.
pub fn summary_of<S: Default + PartialEq + Send + Sync + 'static>(
    id: DocumentId,
    read: fn(&AutoCommit) -> Result<S, ModelError>,
) -> Memo<S> {
    let repo = use_repo();
    memo(move || {
        repo.get()
            .read(id, |d| read(d).ok())
            .flatten()
            .unwrap_or_default()
    })
}

/// The records of `kind` with their titles ("" when untitled), in the
/// index's order; tracks the index and each record.
pub fn titled(
    repo: &Repo,
    kind: &RecordKind,
    title: impl Fn(&AutoCommit) -> Result<String, ModelError>,
) -> Vec<(DocumentId, String)> {
    records_of(&repo.records(), kind)
        .into_iter()
        .map(|id| {
            let title = repo
                .read(id, |d| title(d).ok())
                .flatten()
                .unwrap_or_default();
            (id, title)
        })
        .collect()
}

/// Every account plan with its title, for link pickers.
pub fn plan_titles() -> Signal<Vec<(DocumentId, String)>> {
    let repo = use_repo();
    Signal::derive(move || {
        titled(&repo.get(), &RecordKind::AccountPlan, |d| {
            AccountPlan::text(d, PlanField::Title)
        })
    })
}

/// The ids of the records of `kind`, in the index's order (newest first).
fn records_of(records: &[model::RecordEntry], kind: &RecordKind) -> Vec<DocumentId> {
    records
        .iter()
        .filter(|r| &r.kind == kind)
        .filter_map(|r| DocumentId::parse(&r.id).ok())
        .collect()
}

/// The device's clock for the running app: milliseconds since the epoch,
/// ticking every half minute (call once, where the app's routes live).
pub fn clock() -> RwSignal<i64> {
    let now = RwSignal::new(now_ms());
    let tick = gloo::timers::callback::Interval::new(TICK_MS, move || now.set(now_ms()));
    // Stops with the app's owner.
    StoredValue::new_local(tick);
    now
}
