//! What every escalation view reads: one summary per escalation on the
//! device, re-read only for documents that changed, and a clock for the
//! next-update timers (so they count down offline too).

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use model::{Escalation, RecordKind, Summary, SystemicIssue};
use protocol::DocumentId;

use crate::sync::Repo;
use crate::ui::use_repo;
use crate::util::now_ms;

/// How often the timers are recomputed.
const TICK_MS: u32 = 30_000;

/// One escalation and its summary (shared, not copied, between views).
pub type Row = (DocumentId, Arc<Summary>);
/// Every escalation on the device with its summary, newest first.
pub type Escalations = Arc<Vec<Row>>;

/// The shared escalation data of the running app.
#[derive(Clone, Copy)]
pub struct EscalationData {
    pub escalations: Memo<Escalations>,
    /// Every systemic issue: (id, title), newest first.
    pub issues: Memo<Arc<Vec<(DocumentId, String)>>>,
    /// Milliseconds since the epoch, ticking every half minute.
    pub now: RwSignal<i64>,
}

/// Set up the escalation data once, where the app's routes live.
pub fn provide_escalation_data() {
    let repo = use_repo();
    // Summaries by document, with the revision they were read at.
    let cache = StoredValue::new_local(HashMap::<DocumentId, (u64, Arc<Summary>)>::new());
    let escalations = Memo::new(move |_| {
        let repo = repo.get();
        let ids = records_of(&repo.records(), &RecordKind::Escalation);
        let mut fresh = HashMap::with_capacity(ids.len());
        let list: Vec<Row> = ids
            .into_iter()
            .filter_map(|id| {
                let revision = repo.revision(id).get();
                // Listed, but not received on this device yet.
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
                    None => Arc::new(
                        repo.read_untracked(id, |d| Escalation::summary(d).ok())
                            .flatten()?,
                    ),
                };
                fresh.insert(id, (revision, summary.clone()));
                Some((id, summary))
            })
            .collect();
        cache.set_value(fresh);
        Arc::new(list)
    });
    let issues = Memo::new(move |_| {
        Arc::new(titled(
            &repo.get(),
            &RecordKind::SystemicIssue,
            SystemicIssue::title,
        ))
    });
    let now = RwSignal::new(now_ms());
    let tick = gloo::timers::callback::Interval::new(TICK_MS, move || now.set(now_ms()));
    // Stops with the app's owner.
    StoredValue::new_local(tick);
    provide_context(EscalationData {
        escalations,
        issues,
        now,
    });
}

/// The escalation data of the running app.
pub fn use_escalation_data() -> EscalationData {
    expect_context::<EscalationData>()
}

/// The records of `kind` with their titles ("" when untitled), in the
/// index's order; tracks the index and each record.
pub fn titled(
    repo: &Repo,
    kind: &RecordKind,
    title: impl Fn(&automerge::AutoCommit) -> Result<String, model::ModelError>,
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

/// The ids of the records of `kind`, in the index's order (newest first).
fn records_of(records: &[model::RecordEntry], kind: &RecordKind) -> Vec<DocumentId> {
    records
        .iter()
        .filter(|r| &r.kind == kind)
        .filter_map(|r| DocumentId::parse(&r.id).ok())
        .collect()
}
