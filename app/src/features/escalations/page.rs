//! One escalation: its header with the timer, the status moves, the
//! details, links to an account plan and a systemic issue, root cause and
//! resolution, and the timeline.

use leptos::prelude::*;
use model::escalation_schema::{
    DETAILS, HOLD_REASONS, IMPACT, PLAN, RESOLUTION, ROOT_CAUSE, ROOT_CAUSE_CATEGORY, STATUS,
    SYSTEMIC, TITLE,
};
use model::{Escalation, RecordKind, Status, SystemicIssue};
use protocol::DocumentId;

use super::chips::{sev_chip, status_pill, timer_chip};
use super::data::use_escalation_data;
use super::timeline::Timeline;
use crate::features::records::{plan_titles, summary_of};
use crate::ui::{
    CollabText, Conflict, ErrorLine, FieldGrid, LinkSelect, Markup, MarkupView, RecordGate,
    RecordPage, ScalarField, Section, ShareLink, When, download_markdown, memo, root_conflicts,
    use_repo,
};
use crate::util::{now_ms, relative_time};

#[component]
pub fn EscalationPage() -> impl IntoView {
    view! {
        <RecordPage
            class="page escalation"
            back=("/escalations", "← All escalations")
            noun="an escalation"
            editor=|id| view! { <EscalationEditor id/> }.into_any()
        />
    }
}

#[component]
fn EscalationEditor(id: DocumentId) -> impl IntoView {
    let data = use_escalation_data();
    let summary = summary_of(id, Escalation::summary);
    let untitled = move || summary.get_untracked().title.is_empty();
    // Severity, status, the timer and how old it is.
    let chips = memo(move || {
        let s = summary.get();
        let now = data.now.get();
        let mut m = Markup::default();
        sev_chip(&mut m, s.severity);
        status_pill(&mut m, s.status, &s.hold_reason);
        timer_chip(&mut m, s.timer(now));
        let opened = format!("Opened {}", relative_time(s.created_at, now));
        let when = match s.resolved_at.filter(|_| !s.status.is_open()) {
            Some(at) => format!("{opened} · resolved {}", relative_time(at, now)),
            None => opened,
        };
        m.span("hint", &when).finish()
    });
    view! {
        <RecordGate doc=id noun="escalation">
            <article class="esc-sheet">
                <header class="esc-head">
                    <CollabText doc=id key=TITLE.key label="Escalation title" placeholder="What is wrong, in one line" autofocus=untitled() quiet_label=true/>
                    <div class="esc-head-meta">
                        <MarkupView html=chips class="esc-head-chips"/>
                    </div>
                </header>
                <StatusControl doc=id status=memo(move || summary.get().status)/>
                <div class="esc-columns">
                    <div class="esc-main">
                        <Section anchor="impact" title="Impact">
                            <CollabText doc=id key=IMPACT.key label=IMPACT.label multiline=true quiet_label=true placeholder="Who is hurt and how: users, revenue, deadlines. Customers read this first."/>
                        </Section>
                        <Section anchor="timeline" title="Timeline">
                            <Timeline doc=id/>
                        </Section>
                    </div>
                    <aside class="esc-side" aria-label="Details">
                        <Section anchor="details" title="Details">
                            <FieldGrid doc=id fields=DETAILS/>
                        </Section>
                        <Section anchor="links" title="Links">
                            <Links doc=id/>
                        </Section>
                        <Section anchor="cause" title="Root cause and resolution">
                            <ScalarField doc=id field=ROOT_CAUSE_CATEGORY/>
                            <CollabText doc=id key=ROOT_CAUSE.key label=ROOT_CAUSE.label multiline=true placeholder="What went wrong underneath."/>
                            <CollabText doc=id key=RESOLUTION.key label=RESOLUTION.label multiline=true placeholder="What fixed it — needed before resolving."/>
                        </Section>
                        <ExportTimeline doc=id/>
                    </aside>
                </div>
                <footer class="plan-foot">
                    <span class="hint">"Saved on this device as you type."</span>
                    <ShareLink doc=id/>
                </footer>
            </article>
        </RecordGate>
    }
}

/// The current status with the moves allowed from it; putting on hold
/// asks what it waits on; a status two people set at once is shown to settle.
#[component]
fn StatusControl(
    doc: DocumentId,
    /// The escalation's status, from the summary its page already reads.
    status: Memo<Status>,
) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let holding = RwSignal::new(false);
    let hold = RwSignal::new(String::new());
    let conflicts = root_conflicts(doc, STATUS);
    let move_to = move |to: Status, reason: Option<String>| {
        let result = repo.get().edit(doc, |d| {
            Escalation::set_status(d, to, reason.as_deref(), now_ms())
        });
        match result {
            Ok(_) => {
                error.set(None);
                holding.set(false);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let settle = move |value: String| {
        let Some(to) = Status::parse(&value) else {
            return;
        };
        let result = repo
            .get()
            .edit(doc, |d| Escalation::settle_status(d, to, now_ms()));
        error.set(result.err().map(|e| e.to_string()));
    };
    view! {
        <div class="status-control" role="group" aria-label="Status">
            <ol class="status-flow" aria-label="Status flow">
                {Status::ALL
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! {
                            <li class="status-step" class:current=move || status.get() == s data-status=s.value()>
                                {s.label()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <div class="status-moves">
                {move || {
                    let from = status.get();
                    from.moves()
                        .iter()
                        .map(|to| {
                            let to = *to;
                            let click = move |_| {
                                if to == Status::Awaiting {
                                    holding.set(true);
                                } else {
                                    move_to(to, None);
                                }
                            };
                            view! {
                                <button class="button subtle" data-move=to.value() on:click=click>{to.verb(from)}</button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <When when=move || holding.get()>
                <div class="hold-form">
                    <label for="hold-reason">"Waiting on"</label>
                    <select id="hold-reason" class="field-input field-select" bind:value=hold>
                        <option value="">"Choose…"</option>
                        {HOLD_REASONS.iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                    </select>
                    <button class="button primary" on:click=move |_| move_to(Status::Awaiting, Some(hold.get_untracked()))>"Put on hold"</button>
                    <button class="button subtle" on:click=move |_| holding.set(false)>"Cancel"</button>
                </div>
            </When>
            <ErrorLine error=error testid="status-error"/>
            <Conflict label="Status" candidates=conflicts on_pick=Callback::new(settle)/>
        </div>
    }
}

/// Links to an account plan and a systemic issue, chosen from the records on
/// this device; a new systemic issue can be opened from here.
#[component]
fn Links(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let data = use_escalation_data();
    let error = RwSignal::new(None::<String>);
    let plans = plan_titles();
    let issues = Signal::derive(move || data.issues.get().to_vec());
    let new_issue = move |_| {
        let repo = repo.get();
        let title = repo
            .read_untracked(doc, |d| Escalation::summary(d).map(|s| s.title).ok())
            .flatten()
            .unwrap_or_default();
        let made = repo
            .create(RecordKind::SystemicIssue, |d| {
                SystemicIssue::create(d, &title, now_ms())
            })
            .and_then(|issue| repo.edit(doc, |d| Escalation::link_systemic(d, &issue.to_string())));
        error.set(made.err().map(|e| e.to_string()));
    };
    view! {
        <LinkSelect doc field=PLAN options=plans noun="plan" base="/plans"/>
        <LinkSelect doc field=SYSTEMIC options=issues noun="systemic issue" base="/systemic"/>
        <button class="button subtle" on:click=new_issue data-testid="new-systemic">"+ New systemic issue from this"</button>
        <ErrorLine error=error/>
    }
}

/// Download the customer-shareable timeline as Markdown.
#[component]
fn ExportTimeline(doc: DocumentId) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let export = move |_| {
        let result = download_markdown(doc, "escalation", |d| {
            let title = Escalation::summary(d).map(|s| s.title).unwrap_or_default();
            Ok((title, model::customer_timeline(d)?))
        });
        error.set(result.err());
    };
    view! {
        <div class="esc-export">
            <button class="button subtle" on:click=export data-testid="export-timeline">"Export customer timeline"</button>
            <p class="hint">"Markdown with the customer-shareable notes only."</p>
            <ErrorLine error=error/>
        </div>
    }
}
