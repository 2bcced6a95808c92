//! How an agreement shows in lists: its stage, the countdown to fiscal
//! close, blocked and stuck flags; and the agreements an account plan's
//! page lists.

use std::sync::Arc;

use leptos::prelude::*;
use model::spec::days_to_date;
use model::{AgreementSummary, CLOSE_SOON_DAYS, Money, Stage};
use protocol::DocumentId;

use super::data::use_agreement_data;
use crate::ui::{Markup, MarkupView, memo};

/// An agreement as lists show it now: its summary, the countdown to fiscal
/// close and, if it is stuck, for how many days. Lists are drawn from it,
/// and drawn again only when what they show changes.
#[derive(Clone, PartialEq)]
pub struct Shown {
    pub id: DocumentId,
    pub summary: Arc<AgreementSummary>,
    /// ("overdue" | "soon" | "due", words), see [`close_words`].
    pub close: Option<(&'static str, String)>,
    pub stuck: Option<i64>,
}

impl Shown {
    /// `summary` on day `today` (in the person's time zone) at `now_ms`,
    /// stuck after `stuck_days`.
    pub fn new(
        id: DocumentId,
        summary: Arc<AgreementSummary>,
        today: i64,
        now_ms: i64,
        stuck_days: i64,
    ) -> Shown {
        let close = summary
            .days_to_close(today)
            .filter(|_| summary.stage != Stage::Processed)
            .map(close_words);
        let stuck = summary
            .is_stuck(now_ms, stuck_days)
            .then(|| summary.days_in_stage(now_ms));
        Shown {
            id,
            summary,
            close,
            stuck,
        }
    }

    /// The countdown's state, for styling ("" without one).
    pub fn close_state(&self) -> &'static str {
        self.close.as_ref().map_or("", |(state, _)| state)
    }

    /// Who has the agreement now: its stage's owner, else its owner.
    pub fn holder(&self) -> &str {
        let s = &self.summary;
        if s.stage_owner.is_empty() {
            &s.owner
        } else {
            &s.stage_owner
        }
    }

    /// The value, or nothing.
    pub fn value(&self) -> String {
        self.summary
            .value
            .as_ref()
            .map(Money::to_string)
            .unwrap_or_default()
    }

    /// The title, or a word for an agreement that has none yet.
    pub fn title(&self) -> &str {
        let title = &self.summary.title;
        if title.trim().is_empty() {
            "Untitled agreement"
        } else {
            title
        }
    }

    pub fn href(&self) -> String {
        format!("/agreements/{}", self.id)
    }

    /// A link to the agreement's page, by its title.
    pub fn link(&self, m: &mut Markup) {
        m.leaf("a", &[("href", &self.href())], self.title());
    }

    /// The countdown to fiscal close, and whether it is blocked or stuck.
    pub fn flags(&self, m: &mut Markup) {
        m.open("span", &[("class", "agr-flags")]);
        if let Some((state, text)) = &self.close {
            m.leaf(
                "span",
                &[("class", "timer countdown"), ("data-close", state)],
                text,
            );
        }
        let blocked = self.summary.blocked_by;
        if blocked > 0 {
            m.span("flag blocked-flag", &format!("Blocked · {blocked}"));
        }
        if let Some(days) = self.stuck {
            m.span("flag stuck-flag", &format!("Stuck · {days} d"));
        }
        m.close("span");
    }
}

/// The countdown to a fiscal close `days` away, as a state for styling and
/// words: ("overdue" | "soon" | "due", "Closes in 12 days").
fn close_words(days: i64) -> (&'static str, String) {
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match days {
        ..0 => (
            "overdue",
            format!("{} day{} past close", -days, plural(-days)),
        ),
        0 => ("soon", "Closes today".to_owned()),
        1..=CLOSE_SOON_DAYS => ("soon", format!("Closes in {days} day{}", plural(days))),
        _ => ("due", format!("Closes in {days} days")),
    }
}

/// A calendar date (days since 1970-01-01) as stored, `YYYY-MM-DD`.
pub fn date_label(days: i64) -> String {
    let (y, m, d) = days_to_date(days);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn stage_pill(m: &mut Markup, stage: Stage) {
    m.leaf(
        "span",
        &[
            ("class", "status-pill stage-pill"),
            ("data-stage", stage.value()),
        ],
        stage.label(),
    );
}

/// The agreements linked to account plan `plan`, soonest fiscal close
/// first, for the plan's installed-base section.
#[component]
pub fn PlanAgreements(plan: DocumentId) -> impl IntoView {
    let data = use_agreement_data();
    let me = plan.to_string();
    let rows = data.shown(Box::new(move |a| a.summary.plan == me));
    let html = memo(move || {
        let mut m = Markup::default();
        m.open(
            "ul",
            &[
                ("class", "linked-list"),
                (
                    "data-empty",
                    "No agreement links to this plan. Link one from the agreement's page.",
                ),
            ],
        );
        for a in rows.read().iter() {
            m.open("li", &[("class", "linked-row")]);
            stage_pill(&mut m, a.summary.stage);
            a.link(&mut m);
            m.span("esc-cell-sub", &a.value());
            a.flags(&mut m);
            m.close("li");
        }
        m.close("ul").finish()
    });
    view! { <MarkupView html class="plan-agreements" testid="plan-agreements"/> }
}
