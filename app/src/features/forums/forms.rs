//! Starting things: a new thread (title, category, first post) and a new
//! category (name, kind, what it is for).

use leptos::prelude::*;
use model::{ForumCategory, NewThread, RecordKind, Thread, ThreadKind};
use protocol::DocumentId;

use super::composer::BodyInput;
use super::data::use_forum_data;
use crate::ui::{ErrorLine, new_item_id, use_navigate, use_repo};
use crate::util::now_ms;

/// The new-thread form; `category` is chosen first when given.
#[component]
pub fn NewThreadForm(category: Option<DocumentId>, open: RwSignal<bool>) -> impl IntoView {
    let repo = use_repo();
    let data = use_forum_data();
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let chosen = RwSignal::new(category.map(|c| c.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let start = move || {
        let category = chosen.get_untracked();
        let kind = data
            .category(&category)
            .map_or(ThreadKind::Discussion, |(_, c)| c.kind);
        let repo = repo.get();
        let me = repo.name.get_untracked();
        let (title, body) = (title.get_untracked(), body.get_untracked());
        let made = repo.create(RecordKind::ForumThread, |d| {
            let new = NewThread {
                title: &title,
                category: &category,
                kind,
                author: &me,
                post_id: &new_item_id(),
                body: &body,
            };
            Thread::create(d, new, now_ms())
        });
        match made {
            Ok(id) => {
                open.set(false);
                navigate(&format!("/threads/{id}"));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="forum-form" aria-label="New thread" on:submit=move |e| { e.prevent_default(); start(); }>
            <div class="forum-form-row">
                <label class="field-label" for="thread-title-input">"Title"</label>
                <input id="thread-title-input" class="field-input" autofocus=true bind:value=title placeholder="What it is about, in one line"/>
            </div>
            <div class="forum-form-row">
                <label class="field-label" for="thread-category">"Category"</label>
                <select id="thread-category" class="field-input field-select" bind:value=chosen>
                    <option value="">"Choose a category"</option>
                    {move || data.categories.get().iter().map(|(id, c)| view! {
                        <option value=id.to_string()>{format!("{} · {}", c.name, c.kind.label())}</option>
                    }).collect_view()}
                </select>
            </div>
            <BodyInput
                id="thread-body"
                label="First post"
                placeholder="Say what you know, what you tried, what you need — Markdown works"
                draft=body
                on_submit=Callback::new(move |()| start())
            />
            <ErrorLine error=error/>
            <div class="composer-bar">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="button primary" data-testid="start-thread">"Start thread"</button>
            </div>
        </form>
    }
}

/// The new-category form; its maker moderates it.
#[component]
pub fn NewCategoryForm(open: RwSignal<bool>) -> impl IntoView {
    let repo = use_repo();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new(ThreadKind::Discussion.value().to_owned());
    let error = RwSignal::new(None::<String>);
    let create = move || {
        let repo = repo.get();
        let me = repo.name.get_untracked();
        let made = repo.create(RecordKind::ForumCategory, |d| {
            ForumCategory::create(
                d,
                &name.get_untracked(),
                &description.get_untracked(),
                ThreadKind::parse(&kind.get_untracked()),
                &me,
                now_ms(),
            )
        });
        match made {
            Ok(id) => {
                open.set(false);
                navigate(&format!("/forums/{id}"));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="forum-form" aria-label="New category" on:submit=move |e| { e.prevent_default(); create(); }>
            <div class="forum-form-row">
                <label class="field-label" for="category-name">"Name"</label>
                <input id="category-name" class="field-input" autofocus=true bind:value=name placeholder="Networking, Release notes, Product ideas…"/>
            </div>
            <div class="forum-form-row">
                <label class="field-label" for="category-kind">"Kind"</label>
                <select id="category-kind" class="field-input field-select" bind:value=kind>
                    {ThreadKind::ALL.iter().map(|k| view! { <option value=k.value()>{k.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="forum-form-row">
                <label class="field-label" for="category-description">"What it is for"</label>
                <input id="category-description" class="field-input" bind:value=description placeholder="One line that helps people post in the right place"/>
            </div>
            <p class="hint">"Questions can accept an answer; announcements can be pinned; ideas carry a status. You moderate what you create."</p>
            <ErrorLine error=error/>
            <div class="composer-bar">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="button primary" data-testid="create-category">"Create category"</button>
            </div>
        </form>
    }
}
