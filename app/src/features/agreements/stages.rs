//! Moving an agreement through its stages: the flow with who owns each
//! stage, the move forward, sending it back with a reason, a stage two
//! people set at once shown to settle; what blocks it; and the history of
//! its moves.

use std::cmp::Ordering;

use automerge::ROOT;
use leptos::prelude::*;
use model::agreement_schema::STAGE;
use model::{Agreement, AgreementSummary, Stage};
use protocol::DocumentId;

use crate::ui::{Conflict, ErrorLine, conflict_choices, new_item_id, use_repo};
use crate::util::{local_time_label, now_ms};

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
    let stage = move || summary.get().stage;
    let conflicts = Signal::derive(move || {
        repo.get()
            .read(doc, |d| conflict_choices(d, STAGE, &ROOT))
            .unwrap_or_default()
    });
    let move_to = move |to: Stage, why: Option<String>| {
        let repo = repo.get();
        let by = repo.name.get_untracked();
        let result = repo.edit(doc, |d| {
            Agreement::set_stage(d, to, why.as_deref(), &by, &new_item_id(), now_ms())
        });
        match result {
            Ok(_) => {
                error.set(None);
                going_back.set(false);
                reason.set(String::new());
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let send_back = move |_| {
        let to = Stage::parse(&back_to.get_untracked());
        match to {
            Some(to) => move_to(to, Some(reason.get_untracked())),
            None => error.set(Some("Stage: choose the stage it goes back to".to_owned())),
        }
    };
    let settle = move |value: String| {
        let Some(to) = Stage::parse(&value) else {
            return;
        };
        let result = repo.get().edit(doc, |d| Agreement::settle_stage(d, to));
        error.set(result.err().map(|e| e.to_string()));
    };
    // The flow with each stage's owner, and the moves from the current stage.
    let flow = move || {
        let from = stage();
        let owners = repo
            .get()
            .read(doc, |d| {
                Stage::ALL.map(|s| s.owner_field().read(d, &ROOT).unwrap_or_default())
            })
            .unwrap_or_default();
        let steps = Stage::ALL.iter().zip(owners).map(|(s, owner)| {
            let class = match s.cmp(&from) {
                Ordering::Less => "status-step done",
                Ordering::Equal => "status-step current",
                Ordering::Greater => "status-step",
            };
            view! {
                <li class=class data-stage=s.value()>
                    <span class="step-label">{s.label()}</span>
                    <span class="step-owner">{owner}</span>
                </li>
            }
        });
        let forward = from.next().map(|to| view! {
            <button class="button primary" data-move=to.value() on:click=move |_| move_to(to, None)>{to.verb()}</button>
        });
        let back = (from > Stage::Validation).then(|| {
            view! {
                <button class="button subtle" data-move="back" on:click=move |_| {
                    back_to.set(Stage::ALL[from as usize - 1].value().to_owned());
                    going_back.set(true);
                }>"Send back…"</button>
            }
        });
        view! {
            <ol class="status-flow stage-flow" aria-label="Stage flow">{steps.collect_view()}</ol>
            <div class="status-moves">{forward}{back}</div>
        }
    };
    view! {
        <div class="status-control stage-control" role="group" aria-label="Stage">
            {flow}
            <Show when=move || going_back.get()>
                <form class="hold-form back-form" on:submit=move |e| { e.prevent_default(); send_back(()); }>
                    <label for="back-to">"Back to"</label>
                    <select id="back-to" class="field-input field-select" bind:value=back_to>
                        {move || {
                            let from = stage();
                            Stage::ALL
                                .iter()
                                .filter(|s| **s < from)
                                .map(|s| view! { <option value=s.value()>{s.label()}</option> })
                                .collect_view()
                        }}
                    </select>
                    <input
                        id="back-reason"
                        class="field-input"
                        placeholder="Why? e.g. the customer asked for new terms"
                        aria-label="Why it goes back"
                        bind:value=reason
                    />
                    <button class="button primary" type="submit">"Send back"</button>
                    <button class="button subtle" type="button" on:click=move |_| going_back.set(false)>"Cancel"</button>
                </form>
            </Show>
            <ErrorLine error=error testid="stage-error"/>
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
    let edit =
        move |f: &dyn Fn(&mut automerge::AutoCommit, &str) -> Result<(), model::ModelError>| {
            let repo = repo.get();
            let by = repo.name.get_untracked();
            let result = repo.edit(doc, |d| f(d, &by));
            error.set(result.err().map(|e| e.to_string()));
        };
    let add = move || {
        let text = draft.get_untracked();
        let at = stage.get_untracked();
        edit(&|d, by| {
            Agreement::add_blocker(d, &new_item_id(), at, &text, by, now_ms()).map(|_| ())
        });
        if error.read_untracked().is_none() {
            draft.set(String::new());
        }
    };
    let blockers = move || {
        let mut all = repo
            .get()
            .read(doc, |d| Agreement::blockers(d).unwrap_or_default())
            .unwrap_or_default();
        model::sort::sort_by_key(&mut all, |b| b.resolved_at.is_some());
        all
    };
    view! {
        <ul class="blockers" role="list" data-testid="blockers" data-empty="Nothing blocks this agreement.">
            {move || blockers().into_iter().map(|b| {
                let id = b.id.clone();
                let resolved = b.resolved_at.is_some();
                let toggle = {
                    let id = id.clone();
                    move |_| edit(&|d, by| Agreement::resolve_blocker(d, &id, !resolved, by, now_ms()).map(|_| ()))
                };
                let remove = move |_| edit(&|d, _| Agreement::remove_blocker(d, &id));
                let meta = if resolved {
                    format!("Raised by {} · resolved by {}", b.by, b.resolved_by)
                } else {
                    format!("Raised by {} · {}", b.by, local_time_label(b.at))
                };
                view! {
                    <li class="blocker" data-blocker=b.id.clone() data-resolved=resolved.to_string()>
                        <span class="status-pill stage-pill" data-stage=b.stage.value()>{b.stage.label()}</span>
                        <span class="blocker-text">{b.text}</span>
                        <span class="blocker-meta">{meta}</span>
                        <span class="blocker-tools">
                            <button class="button subtle" data-action="resolve" on:click=toggle>{if resolved { "Reopen" } else { "Resolve" }}</button>
                            <button class="icon-button danger" aria-label="Remove blocker" title="Remove" on:click=remove>"✕"</button>
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
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
        <ErrorLine error=error/>
    }
}

/// Every stage move, oldest first: from, to, who, when, and why it went back.
#[component]
pub fn StageHistory(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let moves = move || {
        repo.get()
            .read(doc, |d| Agreement::history(d).unwrap_or_default())
            .unwrap_or_default()
    };
    view! {
        <ol class="stage-history" data-testid="stage-history" data-empty="No stage change yet.">
            {move || moves().into_iter().map(|m| {
                let from = m.from.map(|s| s.label()).unwrap_or("?");
                view! {
                    <li data-to=m.to.value()>
                        <span class="history-move">{format!("{from} → {}", m.to.label())}</span>
                        <span class="hint">{format!("{} · {}", m.by, local_time_label(m.at))}</span>
                        {(!m.reason.is_empty()).then(|| view! { <span class="history-reason">{m.reason}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
