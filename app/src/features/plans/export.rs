//! Taking a plan out of the app: Markdown download and print (to PDF).

use leptos::prelude::*;
use model::{AccountPlan, to_markdown};
use protocol::DocumentId;

use crate::ui::{ErrorLine, download_markdown};

#[component]
pub fn ExportButtons(doc: DocumentId) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let export = move |_| {
        let result = download_markdown(doc, "account plan", |d| {
            let title = AccountPlan::read(d).map(|p| p.title).unwrap_or_default();
            Ok((title, to_markdown(d)?))
        });
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
            <ErrorLine error=error/>
        </div>
    }
}
