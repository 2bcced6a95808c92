//! Moving an agreement through its stages: the flow with who owns each
//! stage, the move forward, sending it back with a reason, a stage two
//! people set at once shown to settle; what blocks it; and the history of
//! its moves.

use automerge::{AutoCommit, ROOT};
use leptos::prelude::*;
use model::agreement_schema::STAGE;
use model::{Agreement, AgreementSummary, ModelError, Stage};
use protocol::DocumentId;

use super::chips::stage_pill;
use crate::ui::{
    Conflict, ErrorLine, Markup, MarkupView, RepoHandle, When, doc_markup, new_item_id,
    root_conflicts, use_repo,
};
use crate::util::{local_time_label, now_ms};

/// Make an edit to agreement `doc` as the person on this device (`by` is
/// their name); what went wrong lands in `error`. Returns whether it worked.
fn edit(
    repo: RepoHandle,
    doc: DocumentId,
    error: RwSignal<Option<String>>,
    f: &dyn Fn(&mut AutoCommit, &str) -> Result<bool, ModelError>,
) -> bool {
    let repo = repo.get();
    let by = repo.name.get_untracked();
    let result = repo.edit(doc, |d| f(d, &by));
    let worked = result.is_ok();
    error.set(result.err().map(|e| e.to_string()));
    worked
}

/// The flow of stages (each with its owner) and the moves from `from`.
fn flow_markup(m: &mut Markup, from: Stage, owners: &[String]) {
    m.open(
        "ol",
        &[
            ("class", "status-flow stage-flow"),
            ("aria-label", "Stage flow"),
        ],
    );
    for (stage, owner) in Stage::ALL.into_iter().zip(owners) {
        let class = match stage.cmp(&from) {
            std::cmp::Ordering::Less => "status-step done",
            std::cmp::Ordering::Equal => "status-step current",
            std::cmp::Ordering::Greater => "status-step",
        };
        m.open("li", &[("class", class), ("data-stage", stage.value())])
            .span("step-label", stage.label())
            .span("step-owner", owner)
            .close("li");
    }
    m.close("ol").open("div", &[("class", "status-moves")]);
    if let Some(to) = from.next() {
        m.leaf(
            "button",
            &[
                ("class", "button primary"),
                ("data-action", "move"),
                ("data-id", to.value()),
            ],
            to.verb(),
        );
    }
    if from > Stage::Validation {
        m.leaf(
            "button",
            &[("class", "button subtle"), ("data-action", "back")],
            "Send back…",
        );
    }
    m.close("div");
}

#[component]
pub fn StageControl(
    doc: DocumentId,
    /// The agreement's summary, which its page already reads.
    summary: Memo<AgreementSummary>,
) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let going_back = RwSignal::new(false);
    let back_to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let conflicts = root_conflicts(doc, STAGE);
    let move_to = move |to: Option<Stage>, why: Option<String>| {
        let Some(to) = to else {
            return;
        };
        let moved = edit(repo, doc, error, &|d, by| {
            Agreement::set_stage(d, to, why.as_deref(), by, &new_item_id(), now_ms())
        });
        if moved {
            going_back.set(false);
            reason.set(String::new());
        }
    };
    let flow = doc_markup(doc, move |d, m| {
        let owners = Stage::ALL.map(|s| s.owner_field().read(d, &ROOT).unwrap_or_default());
        flow_markup(m, summary.get().stage, &owners);
    });
    let act = move |(action, id): (String, String)| match action.as_str() {
        "move" => move_to(Stage::parse(&id), None),
        _ => {
            let from = summary.get_untracked().stage;
            back_to.set(
                Stage::ALL[(from as usize).saturating_sub(1)]
                    .value()
                    .to_owned(),
            );
            going_back.set(true);
        }
    };
    let settle = move |value: String| {
        if let Some(to) = Stage::parse(&value) {
            edit(repo, doc, error, &|d, _| {
                Agreement::settle_stage(d, to).map(|()| true)
            });
        }
    };
    view! {
        <div class="status-control stage-control" role="group" aria-label="Stage">
            <MarkupView html=flow class="stage-moves" on_action=Callback::new(act)/>
            <When when=move || going_back.get()>
                <form
                    class="hold-form back-form"
                    on:submit=move |e| {
                        e.prevent_default();
                        move_to(Stage::parse(&back_to.get_untracked()), Some(reason.get_untracked()));
                    }
                >
                    <label for="back-to">"Back to"</label>
                    <select id="back-to" class="field-input field-select" bind:value=back_to>
                        {Stage::ALL
                            .iter()
                            .filter(|s| **s < summary.get_untracked().stage)
                            .map(|s| view! { <option value=s.value()>{s.label()}</option> })
                            .collect_view()}
                    </select>
                    <input
                        class="field-input"
                        placeholder="Why? e.g. the customer asked for new terms"
                        aria-label="Why it goes back"
                        bind:value=reason
                    />
                    <button class="button primary" type="submit">"Send back"</button>
                    <button class="button subtle" type="button" on:click=move |_| going_back.set(false)>"Cancel"</button>
                </form>
            </When>
            <ErrorLine error testid="stage-error"/>
            <Conflict label="Stage" candidates=conflicts on_pick=Callback::new(settle)/>
        </div>
    }
}

/// What blocks the agreement, unresolved first: each names its stage, who
/// raised it and when; resolve, reopen or remove it. A new blocker is
/// raised on the current stage and holds it until resolved.
#[component]
pub fn Blockers(doc: DocumentId, stage: Memo<Stage>) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());
    let html = doc_markup(doc, |d, m| {
        let mut all = Agreement::blockers(d).unwrap_or_default();
        model::sort::sort_by_key(&mut all, |b| b.resolved_at.is_some());
        m.open(
            "ul",
            &[
                ("class", "blockers"),
                ("data-empty", "Nothing blocks this agreement."),
            ],
        );
        for b in all {
            let (resolved, action, meta) = match b.resolved_at {
                Some(_) => (
                    "true",
                    "Reopen",
                    format!("Raised by {} · resolved by {}", b.by, b.resolved_by),
                ),
                None => (
                    "false",
                    "Resolve",
                    format!("Raised by {} · {}", b.by, local_time_label(b.at)),
                ),
            };
            m.open(
                "li",
                &[
                    ("class", "blocker"),
                    ("data-blocker", &b.id),
                    ("data-resolved", resolved),
                ],
            );
            stage_pill(m, b.stage);
            m.span("blocker-text", &b.text)
                .span("blocker-meta", &meta)
                .open("span", &[("class", "blocker-tools")])
                .leaf(
                    "button",
                    &[
                        ("class", "button subtle"),
                        ("data-action", action),
                        ("data-id", &b.id),
                    ],
                    action,
                )
                .leaf(
                    "button",
                    &[
                        ("class", "icon-button danger"),
                        ("data-action", "Remove"),
                        ("data-id", &b.id),
                        ("aria-label", "Remove blocker"),
                        ("title", "Remove"),
                    ],
                    "✕",
                )
                .close("span")
                .close("li");
        }
        m.close("ul");
    });
    let act = move |(action, id): (String, String)| {
        edit(repo, doc, error, &|d, by| match action.as_str() {
            "Remove" => Agreement::remove_blocker(d, &id).map(|()| true),
            resolve => Agreement::resolve_blocker(d, &id, resolve == "Resolve", by, now_ms()),
        });
    };
    let add = move || {
        let text = draft.get_untracked();
        let at = stage.get_untracked();
        let added = edit(repo, doc, error, &|d, by| {
            Agreement::add_blocker(d, &new_item_id(), at, &text, by, now_ms()).map(|_| true)
        });
        if added {
            draft.set(String::new());
        }
    };
    view! {
        <MarkupView html class="blocker-list" testid="blockers" on_action=Callback::new(act)/>
        <form class="blocker-form" on:submit=move |e| { e.prevent_default(); add(); }>
            <input
                class="field-input"
                data-testid="new-blocker"
                aria-label="New blocker"
                placeholder=move || format!("What blocks {}?", stage.get().label().to_lowercase())
                bind:value=draft
            />
            <button class="button" type="submit">"Add blocker"</button>
        </form>
        <ErrorLine error/>
    }
}

/// Every stage move, oldest first: from, to, who, when, and why it went back.
#[component]
pub fn StageHistory(doc: DocumentId) -> impl IntoView {
    let html = doc_markup(doc, |d, m| {
        m.open(
            "ol",
            &[
                ("class", "stage-history"),
                ("data-empty", "No stage change yet."),
            ],
        );
        for step in Agreement::history(d).unwrap_or_default() {
            let from = step.from.map_or("?", Stage::label);
            m.open("li", &[("data-to", step.to.value())])
                .span("history-move", &format!("{from} → {}", step.to.label()))
                .span(
                    "hint",
                    &format!("{} · {}", step.by, local_time_label(step.at)),
                );
            if !step.reason.is_empty() {
                m.span("history-reason", &step.reason);
            }
            m.close("li");
        }
        m.close("ol");
    });
    view! { <MarkupView html class="history" testid="stage-history"/> }
}
