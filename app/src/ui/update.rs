//! The offline app shell: registers the service worker the relay serves at
//! `/sw.js` (it keeps this build's files on the device, so the app opens
//! with no network), and says when a newer build has taken over, so the
//! person reloads into it when it suits them.

use super::When;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::ServiceWorkerContainer;

/// The browser's service worker container, where there is one (not in a
/// page served over plain HTTP from another machine).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .ok()?
        .dyn_into::<ServiceWorkerContainer>()
        .ok()
}

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let updated = RwSignal::new(false);
    if let Some(workers) = container() {
        // The first install also takes control; only a change of build counts.
        let had_worker = workers.controller().is_some();
        let on_change = Closure::<dyn Fn()>::new(move || {
            if had_worker {
                updated.set(true);
            }
        });
        workers.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        // The page lives as long as the handler is needed.
        on_change.forget();
        let registering = wasm_bindgen_futures::JsFuture::from(workers.register("/sw.js"));
        leptos::task::spawn_local(async move {
            if let Err(e) = registering.await {
                gloo::console::warn!(format!(
                    "Fieldbook cannot keep its files for offline starts: {e:?}"
                ));
            }
        });
    }
    let reload = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <When when=move || updated.get()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>"A new version of Fieldbook is ready."</span>
                <button class="button subtle" on:click=reload>"Reload"</button>
            </div>
        </When>
    }
}
