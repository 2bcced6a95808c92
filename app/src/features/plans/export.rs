//! Taking a plan out of the app: Markdown download and print (to PDF).

use leptos::prelude::*;
use model::{AccountPlan, to_markdown};
use protocol::DocumentId;
use wasm_bindgen::JsCast;

use crate::ui::use_repo;

/// Save `text` as a file named `name` through the browser's download.
fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the browser refused the download".to_owned();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/markdown;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor".to_owned())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A file name from the plan's title: "Contoso FY27.md".
fn file_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim();
    format!(
        "{}.md",
        if clean.is_empty() {
            "account-plan"
        } else {
            clean
        }
    )
}

#[component]
pub fn ExportButtons(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let export = move |_| {
        let result = repo
            .get()
            .read_untracked(doc, |d| {
                let title = AccountPlan::read(d).map(|p| p.title).unwrap_or_default();
                to_markdown(d).map(|md| (file_name(&title), md))
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
