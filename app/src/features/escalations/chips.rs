//! Small labels every escalation view shares — severity, status, the
//! next-update timer — drawn as markup (see [`crate::ui::Markup`]); and the
//! escalations linked to an account plan or a systemic issue.

use leptos::prelude::*;
use model::{Status, Timer, severity_label};
use protocol::DocumentId;

use super::data::{Row, use_escalation_data};
use crate::ui::{Markup, MarkupView, memo};
use crate::util::duration_words;

/// "Sev 2", with the severity's full label as its title.
pub fn sev_chip(m: &mut Markup, severity: Option<u8>) {
    let text = severity.map_or_else(|| "Sev –".to_owned(), |s| format!("Sev {s}"));
    let sev = severity.map(|s| s.to_string()).unwrap_or_default();
    m.leaf(
        "span",
        &[
            ("class", "sev"),
            ("data-sev", &sev),
            ("title", &severity_label(severity)),
        ],
        &text,
    );
}

/// The status ("Awaiting customer" while on hold for the customer).
pub fn status_pill(m: &mut Markup, status: Status, hold: &str) {
    let text = if status == Status::Awaiting && !hold.is_empty() {
        format!(
            "Awaiting {}",
            model::spec::choice_label(model::escalation_schema::HOLD_REASONS, hold).to_lowercase()
        )
    } else {
        status.label().to_owned()
    };
    m.leaf(
        "span",
        &[("class", "status-pill"), ("data-status", status.value())],
        &text,
    );
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

/// The timer's state, for styling a card or row ("" without a timer).
pub fn timer_state(timer: Option<Timer>) -> &'static str {
    timer.map_or("", |t| timer_words(t).0)
}

/// The next-update timer (nothing without one).
pub fn timer_chip(m: &mut Markup, timer: Option<Timer>) {
    if let Some(t) = timer {
        let (state, text) = timer_words(t);
        m.leaf(
            "span",
            &[("class", "timer"), ("data-timer", state), ("role", "timer")],
            &text,
        );
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
pub fn LinkedEscalations(
    rows: Signal<Vec<Row>>,
    testid: &'static str,
    /// What to say when there are none.
    empty: &'static str,
) -> impl IntoView {
    let data = use_escalation_data();
    let html = memo(move || {
        let now = data.now.get();
        let mut m = Markup::default();
        m.open(
            "ul",
            &[
                ("class", "linked-list"),
                ("role", "list"),
                ("data-empty", empty),
            ],
        );
        for (id, s) in rows.get() {
            m.open("li", &[("class", "linked-row")]);
            sev_chip(&mut m, s.severity);
            m.leaf(
                "a",
                &[("href", &format!("/escalations/{id}"))],
                &title_or_untitled(&s.title),
            )
            .span("esc-cell-sub", &s.customer);
            status_pill(&mut m, s.status, &s.hold_reason);
            timer_chip(&mut m, s.timer(now));
            m.close("li");
        }
        m.close("ul").finish()
    });
    view! { <MarkupView html class="linked" testid/> }
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
        <LinkedEscalations
            rows
            testid="plan-escalations"
            empty="No escalation links to this plan. Link one from the escalation's page."
        />
    }
}
