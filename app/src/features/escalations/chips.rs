//! Small labels every escalation view shares: severity, status, the
//! next-update timer.

use leptos::prelude::*;
use model::{Status, Timer, severity_label};
use protocol::DocumentId;

use super::data::{Row, use_escalation_data};

use crate::ui::Link;
use crate::util::duration_words;

#[component]
pub fn SeverityChip(severity: Option<u8>) -> impl IntoView {
    let text = severity.map_or_else(|| "Sev –".to_owned(), |s| format!("Sev {s}"));
    let title = severity_label(severity);
    view! {
        <span class="sev" data-sev=severity.map(|s| s.to_string()) title=title>{text}</span>
    }
}

#[component]
pub fn StatusPill(status: Status, #[prop(optional)] hold: String) -> impl IntoView {
    let text = if status == Status::Awaiting && !hold.is_empty() {
        format!(
            "Awaiting {}",
            model::spec::choice_label(model::escalation_schema::HOLD_REASONS, &hold).to_lowercase()
        )
    } else {
        status.label().to_owned()
    };
    view! { <span class="status-pill" data-status=status.value()>{text}</span> }
}

/// The next-update timer as words and a state for styling:
/// ("overdue" | "soon" | "due", "Update overdue by 3 h").
pub fn timer_words(timer: Timer) -> (&'static str, String) {
    match timer {
        Timer::Overdue(by) => (
            "overdue",
            format!("Update overdue by {}", duration_words(by)),
        ),
        Timer::DueSoon(left) => ("soon", format!("Update due in {}", duration_words(left))),
        Timer::Due(left) => ("due", format!("Next update in {}", duration_words(left))),
    }
}

#[component]
pub fn TimerChip(#[prop(into)] timer: Signal<Option<Timer>>) -> impl IntoView {
    move || {
        timer.get().map(|t| {
            let (state, text) = timer_words(t);
            view! { <span class="timer" data-timer=state role="timer">{text}</span> }
        })
    }
}

/// The title, or a word for an escalation that has none yet.
pub fn title_or_untitled(title: &str) -> String {
    if title.trim().is_empty() {
        "Untitled escalation".to_owned()
    } else {
        title.to_owned()
    }
}

/// Escalations as compact rows: severity, title, customer, status, timer.
#[component]
pub fn LinkedEscalations(rows: Signal<Vec<Row>>, testid: &'static str) -> impl IntoView {
    let data = use_escalation_data();
    view! {
        <ul class="linked-list" role="list" data-testid=testid>
            {move || rows.get().into_iter().map(|(id, s)| {
                let timer_of = s.clone();
                let timer = Signal::derive(move || timer_of.timer(data.now.get()));
                let title = title_or_untitled(&s.title);
                view! {
                    <li class="linked-row">
                        <SeverityChip severity=s.severity/>
                        <Link href=format!("/escalations/{id}")>{title}</Link>
                        <span class="esc-cell-sub">{s.customer.clone()}</span>
                        <StatusPill status=s.status hold=s.hold_reason.clone()/>
                        <TimerChip timer/>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The escalations linked to account plan `plan`, open ones first, for the
/// plan's service-delivery section.
#[component]
pub fn PlanEscalations(plan: DocumentId) -> impl IntoView {
    let data = use_escalation_data();
    let rows = Signal::derive(move || {
        let me = plan.to_string();
        let now = data.now.get();
        let mut rows: Vec<Row> = data
            .escalations
            .get()
            .iter()
            .filter(|(_, s)| s.plan == me)
            .cloned()
            .collect();
        model::sort::sort_by_key(&mut rows, |(_, s)| {
            (
                !s.status.is_open(),
                s.severity.unwrap_or(5),
                s.timer(now).is_none(),
            )
        });
        rows
    });
    view! {
        <LinkedEscalations rows testid="plan-escalations"/>
        <Show when=move || rows.get().is_empty()>
            <p class="empty-list">"No escalation links to this plan. Link one from the escalation's page."</p>
        </Show>
    }
}
