//! The keys every list page answers: "n" makes a new record, "/" jumps to
//! search — unless the person is typing somewhere.

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
    title: &'static str,
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
