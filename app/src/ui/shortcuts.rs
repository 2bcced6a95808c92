//! The keys every list page answers: "n" makes a new record, "/" jumps to
//! search — unless the person is typing somewhere.

use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;

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
