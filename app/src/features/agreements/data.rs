//! What every agreement view reads: one summary per agreement on the
//! device, the clock for the fiscal-close countdowns, and how many days
//! without a stage change make an agreement stuck — the person's choice,
//! kept on this device.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{Agreement, AgreementSummary, RecordKind, STUCK_DAYS, Stage};
use protocol::DocumentId;

use super::chips::Shown;
use crate::features::records::{Rows, summaries};
use crate::ui::{RepoHandle, memo, use_repo};
use crate::util::local_day;

/// The device setting that holds the stuck threshold, in days.
const STUCK_KEY: &str = "agreements.stuck-days";

/// The shared agreement data of the running app.
#[derive(Clone, Copy)]
pub struct AgreementData {
    pub agreements: Memo<Rows<AgreementSummary>>,
    /// Milliseconds since the epoch, ticking every half minute.
    pub now: RwSignal<i64>,
    /// No stage change for this many days makes an agreement stuck.
    pub stuck_days: RwSignal<i64>,
    repo: RepoHandle,
}

impl AgreementData {
    /// How `summary` shows now. Tracks the clock and the stuck threshold.
    pub fn show(&self, id: DocumentId, summary: Arc<AgreementSummary>) -> Shown {
        let now = self.now.get();
        Shown::new(id, summary, local_day(now), now, self.stuck_days.get())
    }

    /// The agreements `keep` keeps, as they show now, soonest fiscal close
    /// (and past close) first, processed ones after every open one, undated
    /// ones last. Re-renders only what changed: a tick of the clock that
    /// changes no countdown or flag changes nothing.
    pub fn shown(&self, keep: Box<dyn Fn(&Shown) -> bool + Send + Sync>) -> Memo<Vec<Shown>> {
        let data = *self;
        memo(move || {
            let mut rows: Vec<Shown> = data
                .agreements
                .get()
                .iter()
                .map(|(id, s)| data.show(*id, s.clone()))
                .filter(|a| keep(a))
                .collect();
            model::sort::sort_by_key(&mut rows, |a| {
                (
                    a.summary.stage == Stage::Processed,
                    a.summary.fiscal_close.unwrap_or(i64::MAX),
                )
            });
            rows
        })
    }

    /// Take the stuck threshold a person typed and keep it on this device;
    /// what went wrong lands in `error`.
    pub fn choose_stuck_days(&self, input: &str, error: RwSignal<Option<String>>) {
        let Ok(days) = input.trim().parse::<i64>() else {
            error.set(Some(format!("`{}` is not a number of days", input.trim())));
            return;
        };
        let days = clamp_days(days);
        self.stuck_days.set(days);
        error.set(None);
        let repo = self.repo;
        spawn_local(async move {
            if let Err(e) = repo.get().set_setting(STUCK_KEY, &days.to_string()).await {
                error.set(Some(format!("Could not keep this on the device: {e}")));
            }
        });
    }
}

/// Set up the agreement data once, where the app's routes live, with the
/// app's clock.
pub fn provide_agreement_data(now: RwSignal<i64>) {
    let repo = use_repo();
    let stuck_days = RwSignal::new(STUCK_DAYS);
    spawn_local(async move {
        // Until it is read (or if it cannot be), the default holds.
        if let Ok(Some(days)) = repo.get().setting(STUCK_KEY).await
            && let Ok(days) = days.parse()
        {
            stuck_days.set(clamp_days(days));
        }
    });
    provide_context(AgreementData {
        agreements: summaries(RecordKind::Agreement, Agreement::summary),
        now,
        stuck_days,
        repo,
    });
}

/// The agreement data of the running app.
pub fn use_agreement_data() -> AgreementData {
    expect_context::<AgreementData>()
}

/// A stuck threshold a person may choose: one day to a year.
fn clamp_days(days: i64) -> i64 {
    days.clamp(1, 365)
}
