//! One account plan: its title and the customer's vision, co-edited live.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use model::PlanField;
use protocol::DocumentId;

use crate::ui::{CollabText, use_repo};

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| DocumentId::parse(&s).ok())
    };
    view! {
        <section class="page plan">
            <nav class="crumbs" aria-label="Breadcrumb">
                <A href="/">"← All plans"</A>
            </nav>
            {move || match id() {
                Some(id) => view! { <PlanEditor id/> }.into_any(),
                None => {
                    view! { <p class="banner banner-error" role="alert">"This link does not point to a plan."</p> }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PlanEditor(id: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let missing = move || repo.get().is_missing(id);
    let unavailable = move || repo.get().is_unavailable(id);
    // Focus the title only for a plan that has none yet (a new one). Asked
    // when the sheet appears, not before: a plan opened by link on a new
    // device is empty until the relay sends it, and is not untitled then.
    let untitled = move || {
        repo.get()
            .read_untracked(id, |d| model::AccountPlan::text(d, PlanField::Title).ok())
            .flatten()
            .is_none_or(|t| t.is_empty())
    };
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&id.url());
            copied.set(true);
        }
    };
    view! {
        <Show
            when=move || !missing()
            fallback=move || {
                view! {
                    <div class="empty-state" role="status">
                        <h2>"Waiting for this plan"</h2>
                        <p>
                            {move || {
                                if unavailable() {
                                    "The relay does not have this plan yet. It appears here as soon as whoever created it comes online."
                                } else {
                                    "Fetching it from the relay…"
                                }
                            }}
                        </p>
                    </div>
                }
            }
        >
            <article class="plan-sheet">
                <CollabText
                    doc=id
                    field=PlanField::Title
                    label="Plan title"
                    placeholder="Customer or plan name"
                    autofocus=untitled()
                />
                <CollabText
                    doc=id
                    field=PlanField::Vision
                    label="Customer vision"
                    placeholder="Where is the customer going? Their strategy, in their words — goals, constraints, what success looks like."
                    multiline=true
                />
                <footer class="plan-foot">
                    <span class="hint">"Saved on this device as you type."</span>
                    <span class="share">
                        <code class="doc-url" data-testid="doc-url">{id.url()}</code>
                        <button class="button subtle" on:click=copy>
                            {move || if copied.get() { "Copied" } else { "Copy link" }}
                        </button>
                    </span>
                </footer>
            </article>
        </Show>
    }
}
