//! The list of account plans: search, create, open.

use leptos::ev;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use model::{AccountPlan, RecordKind};
use protocol::DocumentId;

use crate::ui::use_repo;
use crate::util::{now_ms, relative_time};

#[component]
pub fn PlanList() -> impl IntoView {
    let repo = use_repo();
    let query = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let search_ref = NodeRef::<leptos::html::Input>::new();

    let create = move || match repo.get().create_plan() {
        Ok(id) => navigate(&format!("/plans/{id}"), Default::default()),
        Err(e) => error.set(Some(format!("Could not create a plan: {e}"))),
    };
    let create_click = create.clone();

    // "n" makes a new plan, "/" jumps to search — unless typing somewhere.
    let keys = window_event_listener(ev::keydown, move |e| {
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        match e.key().as_str() {
            "n" => {
                e.prevent_default();
                create();
            }
            "/" => {
                e.prevent_default();
                if let Some(input) = search_ref.get() {
                    let _ = input.focus();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let plans = Memo::new(move |_| {
        let repo = repo.get();
        repo.records()
            .into_iter()
            .filter(|r| r.kind == RecordKind::AccountPlan)
            .filter_map(|r| DocumentId::parse(&r.id).ok().map(|id| (id, r.created_at)))
            .collect::<Vec<_>>()
    });
    let title_of = move |id: DocumentId| {
        repo.get()
            .read(id, |d| AccountPlan::read(d).ok())
            .flatten()
            .unwrap_or_default()
    };
    let visible = move || {
        let q = query.get().to_lowercase();
        plans
            .get()
            .into_iter()
            .filter(|(id, _)| q.is_empty() || title_of(*id).title.to_lowercase().contains(&q))
            .collect::<Vec<_>>()
    };
    let count = move || plans.get().len();

    view! {
        <section class="page plans" aria-labelledby="plans-heading">
            <div class="page-head">
                <div>
                    <h1 id="plans-heading">"Account plans"</h1>
                    <p class="page-sub">
                        {move || match count() {
                            0 => "No plans yet".to_owned(),
                            1 => "1 plan in this workspace".to_owned(),
                            n => format!("{n} plans in this workspace"),
                        }}
                    </p>
                </div>
                <button class="button primary" on:click=move |_| create_click() title="New plan (n)">
                    "New plan"
                    <kbd aria-hidden="true">"N"</kbd>
                </button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="banner banner-error" role="alert">{move || error.get()}</p>
            </Show>
            <Show
                when=move || { count() > 0 }
                fallback=|| {
                    view! {
                        <div class="empty-state">
                            <h2>"Start your first account plan"</h2>
                            <p>
                                "Plans are saved on this device as you type and shared with your team through the relay — online or not."
                            </p>
                        </div>
                    }
                }
            >
                <div class="search">
                    <input
                        type="search"
                        class="search-input"
                        placeholder="Search plans  ( / )"
                        aria-label="Search plans"
                        node_ref=search_ref
                        bind:value=query
                    />
                </div>
                <ul class="plan-list" role="list">
                    <For each=visible key=|(id, _)| *id let:item>
                        <PlanRow id=item.0 created_at=item.1/>
                    </For>
                </ul>
                <Show when=move || visible().is_empty()>
                    <p class="empty">"No plan matches “" {move || query.get()} "”."</p>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn PlanRow(id: DocumentId, created_at: i64) -> impl IntoView {
    let repo = use_repo();
    let plan = move || repo.get().read(id, |d| AccountPlan::read(d).ok()).flatten();
    let missing = move || repo.get().is_missing(id);
    let title = move || match plan() {
        _ if missing() => "Waiting for this plan from the relay…".to_owned(),
        Some(p) if !p.title.trim().is_empty() => p.title,
        _ => "Untitled plan".to_owned(),
    };
    let excerpt = move || {
        plan()
            .map(|p| {
                let first = p
                    .vision
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                let mut s: String = first.chars().take(140).collect();
                if first.chars().count() > 140 {
                    s.push('…');
                }
                s
            })
            .unwrap_or_default()
    };
    view! {
        <li class="plan-row" class:plan-row-missing=missing>
            <A href=format!("/plans/{id}")>
                <span class="plan-row-title">{title}</span>
                <span class="plan-row-excerpt">{excerpt}</span>
                <span class="plan-row-meta">"Created " {relative_time(created_at, now_ms())}</span>
            </A>
        </li>
    }
}
