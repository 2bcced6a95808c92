//! Taking a plan out of the app: Markdown download and print (to PDF).

use leptos::prelude::*;
use model::{AccountPlan, to_markdown};
use protocol::DocumentId;

use crate::ui::use_repo;
use crate::util::{download, file_name};

#[component]
pub fn ExportButtons(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let export = move |_| {
        let result = repo
            .get()
            .read_untracked(doc, |d| {
                let title = AccountPlan::read(d).map(|p| p.title).unwrap_or_default();
                to_markdown(d).map(|md| (file_name(&title, "account-plan"), md))
            })
            .ok_or_else(|| "this plan is not on this device".to_owned())
            .and_then(|r| r.map_err(|e| e.to_string()))
            .and_then(|(name, md)| download(&name, &md));
        error.set(result.err());
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="plan-actions">
            <button class="button subtle" on:click=export data-testid="export-markdown">"Export Markdown"</button>
            <button class="button subtle" on:click=print>"Print / PDF"</button>
            <Show when=move || error.get().is_some()>
                <p class="field-error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
