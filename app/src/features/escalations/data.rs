//! What every escalation view reads: one summary per escalation on the
//! device, re-read only for documents that changed, and a clock for the
//! next-update timers (so they count down offline too).

use std::sync::Arc;

use leptos::prelude::*;
use model::{Escalation, RecordKind, Summary, SystemicIssue};
use protocol::DocumentId;

use crate::ui::{Rows, summaries, titled, use_repo};
use crate::util::now_ms;

/// How often the timers are recomputed.
const TICK_MS: u32 = 30_000;

/// One escalation and its summary (shared, not copied, between views).
pub type Row = (DocumentId, Arc<Summary>);

/// The shared escalation data of the running app.
#[derive(Clone, Copy)]
pub struct EscalationData {
    pub escalations: Memo<Rows<Summary>>,
    /// Every systemic issue: (id, title), newest first.
    pub issues: Memo<Arc<Vec<(DocumentId, String)>>>,
    /// Milliseconds since the epoch, ticking every half minute.
    pub now: RwSignal<i64>,
}

/// Set up the escalation data once, where the app's routes live.
pub fn provide_escalation_data() {
    let repo = use_repo();
    let escalations = summaries(RecordKind::Escalation, Escalation::summary);
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
