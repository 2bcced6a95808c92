//! What every list page has: the keys it answers ("n" makes a new record,
//! "/" jumps to search — unless the person is typing somewhere), its head,
//! its search box, the switch between a board and a table, and what it
//! says while it has nothing to list.

use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;

use super::ErrorLine;

/// Listen for the list keys while the calling view is mounted.
pub fn list_shortcuts(create: impl Fn() + 'static, search: NodeRef<Input>) {
    let keys = window_event_listener(ev::keydown, move |e| {
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
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
                if let Some(input) = search.get() {
                    let _ = input.focus();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
}

/// A list page's head: its heading, a line under it, the "New …" button
/// (also the N key, see [`list_shortcuts`]) and any error making one.
#[component]
pub fn ListHead(
    /// The heading's element id (the page section is labelled by it).
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    /// "New plan", "New escalation"…
    new_label: &'static str,
    #[prop(into)] sub: Signal<String>,
    /// A test id for the line under the heading.
    #[prop(optional)]
    sub_testid: &'static str,
    on_new: Callback<()>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="page-head">
            <div>
                <h1 id=id>{title}</h1>
                <p class="page-sub" data-testid=(!sub_testid.is_empty()).then_some(sub_testid)>{sub}</p>
            </div>
            <button class="button primary" on:click=move |_| on_new.run(()) title=format!("{new_label} (n)")>
                {new_label}
                <kbd aria-hidden="true">"N"</kbd>
            </button>
        </div>
        <ErrorLine error=error banner=true/>
    }
}

/// A list's search box; the "/" key jumps to it (see [`list_shortcuts`]).
#[component]
pub fn SearchBox(
    query: RwSignal<String>,
    /// The same reference [`list_shortcuts`] focuses.
    search: NodeRef<Input>,
    placeholder: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <input
            type="search"
            class="search-input"
            placeholder=placeholder
            aria-label=label
            node_ref=search
            bind:value=query
        />
    }
}

/// Two ways to see a list: a board, or `other` ("Table", "List").
#[component]
pub fn BoardToggle(board: RwSignal<bool>, other: &'static str) -> impl IntoView {
    view! {
        <div class="segmented" role="group" aria-label="View">
            <button class="button subtle" aria-pressed=move || board.get().to_string() on:click=move |_| board.set(true)>"Board"</button>
            <button class="button subtle" aria-pressed=move || (!board.get()).to_string() on:click=move |_| board.set(false)>{other}</button>
        </div>
    }
}

/// What a list page says while there is nothing to list.
#[component]
pub fn EmptyState(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>{title}</h2>
            <p>{text}</p>
        </div>
    }
}
