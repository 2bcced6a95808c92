//! Building blocks of every record page: the page around the record named
//! in the address, the gate that waits for a record not on this device yet,
//! sections, a grid of decision fields, the share link.

use leptos::prelude::*;
use protocol::DocumentId;

use model::spec::Field;

use super::{Link, ScalarField, When, memo, route_id, use_repo};
use crate::presence::PresenceBar;

/// A record's page: a link back to its list, then `editor` for the record
/// whose id is in the address (or a banner when the address names none).
#[component]
pub fn RecordPage(
    /// The page's class: "page escalation".
    class: &'static str,
    /// The list to go back to, and what the link says.
    back: (&'static str, &'static str),
    /// What the record is called, with its article: "an escalation".
    noun: &'static str,
    editor: fn(DocumentId) -> AnyView,
) -> impl IntoView {
    let id = route_id();
    view! {
        <section class=class>
            <nav class="crumbs" aria-label="Breadcrumb">
                <Link href=back.0>{back.1}</Link>
            </nav>
            {move || match id() {
                Some(id) => editor(id),
                None => {
                    let text = format!("This link does not point to {noun}.");
                    view! { <p class="banner banner-error" role="alert">{text}</p> }.into_any()
                }
            }}
        </section>
    }
}

/// Shows `children` once document `doc` has content on this device, under
/// the bar that shows who else is on it.
#[component]
pub fn RecordGate(
    doc: DocumentId,
    /// What the record is called: "plan", "escalation".
    noun: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let repo = use_repo();
    let missing = move || repo.get().is_missing(doc);
    let unavailable = move || repo.get().is_unavailable(doc);
    view! {
        <When
            when=move || !missing()
            fallback=move || {
                view! {
                    <div class="empty-state" role="status">
                        <h2>{format!("Waiting for this {noun}")}</h2>
                        <p>
                            {move || {
                                if unavailable() {
                                    format!("The relay does not have this {noun} yet. It appears here as soon as whoever created it comes online.")
                                } else {
                                    "Fetching it from the relay…".to_owned()
                                }
                            }}
                        </p>
                    </div>
                }
            }
        >
            <DocStatus doc/>
            <PresenceBar doc/>
            {children()}
        </When>
    }
}

/// This record's own sync state: synced, or how many of its changes made
/// here the relay has not confirmed.
#[component]
fn DocStatus(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let status = repo.get().status;
    let words = memo(move || status.words(repo.get().pending_for(doc)));
    view! {
        <p class="doc-sync" data-state=move || words.get().0 data-testid="doc-sync" title="This record's sync state">
            <span class="sync-dot" aria-hidden="true"></span>
            {move || words.get().1}
        </p>
    }
}

/// A page section with a heading that names it for assistive technology.
#[component]
pub fn Section(
    anchor: &'static str,
    title: &'static str,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let heading = format!("{anchor}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class=format!("plan-section {class}") id=anchor aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {children()}
        </section>
    }
}

/// Decision fields side by side.
#[component]
pub fn FieldGrid(doc: DocumentId, fields: &'static [Field]) -> impl IntoView {
    view! {
        <div class="field-grid">
            {fields.iter().map(|f| view! { <ScalarField doc field=*f/> }).collect_view()}
        </div>
    }
}

/// The record's `automerge:` URL, with a button that copies it.
#[component]
pub fn ShareLink(doc: DocumentId) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&doc.url());
            copied.set(true);
        }
    };
    view! {
        <span class="share">
            <code class="doc-url" data-testid="doc-url">{doc.url()}</code>
            <button class="button subtle" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy link" }}
            </button>
        </span>
    }
}

/// Download Markdown made from document `doc`: `render` returns the
/// record's title (for the file name; `fallback` when untitled) and the text.
pub fn download_markdown(
    doc: DocumentId,
    noun: &str,
    render: impl FnOnce(&automerge::AutoCommit) -> Result<(String, String), model::ModelError>,
) -> Result<(), String> {
    use_repo()
        .get()
        .read_untracked(doc, render)
        .ok_or_else(|| format!("this {noun} is not on this device"))?
        .map_err(|e| e.to_string())
        .and_then(|(title, md)| {
            crate::util::download(
                &crate::util::file_name(&title, &noun.replace(' ', "-")),
                &md,
            )
        })
}
