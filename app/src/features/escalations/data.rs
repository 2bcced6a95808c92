//! What every escalation view reads: one summary per escalation on the
//! device, the systemic issues with their titles, and the clock for the
//! next-update timers.

use std::sync::Arc;

use leptos::prelude::*;
use model::{Escalation, RecordKind, Summary, SystemicIssue};
use protocol::DocumentId;

use crate::features::records::{Rows, summaries, titled};
use crate::ui::{memo, use_repo};

/// One escalation and its summary (shared, not copied, between views).
pub type Row = (DocumentId, Arc<Summary>);
/// Every escalation on the device with its summary, newest first.
pub type Escalations = Rows<Summary>;

/// The shared escalation data of the running app.
#[derive(Clone, Copy)]
pub struct EscalationData {
    pub escalations: Memo<Escalations>,
    /// Every systemic issue: (id, title), newest first.
    pub issues: Memo<Arc<Vec<(DocumentId, String)>>>,
    /// Milliseconds since the epoch, ticking every half minute.
    pub now: RwSignal<i64>,
}

/// Set up the escalation data once, where the app's routes live, with the
/// app's clock.
pub fn provide_escalation_data(now: RwSignal<i64>) {
    let repo = use_repo();
    let issues = memo(move || {
        Arc::new(titled(
            &repo.get(),
            &RecordKind::SystemicIssue,
            SystemicIssue::title,
        ))
    });
    provide_context(EscalationData {
        escalations: summaries(RecordKind::Escalation, Escalation::summary),
        issues,
        now,
    });
}

/// The escalation data of the running app.
pub fn use_escalation_data() -> EscalationData {
    expect_context::<EscalationData>()
}
