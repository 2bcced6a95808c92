//! The escalation's timeline: notes oldest first, internal ones visibly
//! apart from customer-shareable ones, and a composer that adds a note
//! with Ctrl+Enter from anywhere on the page.

use leptos::ev;
use leptos::prelude::*;
use model::{Escalation, Note};
use protocol::DocumentId;

use super::data::use_escalation_data;
use crate::ui::{
    CollabText, ErrorLine, Markup, MarkupView, When, keyed_rows, memo, new_item_id, use_repo,
};
use crate::util::{confirm, local_time_label, now_ms, relative_time};

#[component]
pub fn Timeline(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let notes = memo(move || {
        repo.get()
            .read(doc, |d| Escalation::notes(d).unwrap_or_default())
            .unwrap_or_default()
    });
    view! {
        <ol class="timeline" role="list" data-testid="timeline">
            {keyed_rows(
                move || notes.with(|all| all.iter().map(|n| n.id.clone()).collect()),
                move |id| view! { <NoteView doc id notes/> },
            )}
        </ol>
        <When when=move || notes.with(Vec::is_empty)>
            <p class="empty-list">"No notes yet. The first one usually says what the customer reported and who is on it."</p>
        </When>
        <Composer doc/>
    }
}

/// One note of `notes`: drawn as markup ([`Markup`]), but for its edit box.
#[component]
fn NoteView(doc: DocumentId, id: String, notes: Memo<Vec<Note>>) -> impl IntoView {
    let repo = use_repo();
    // The app's clock: "just now" becomes "2 min ago" as the page stays open.
    let now = use_escalation_data().now;
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let note_id = StoredValue::new(id.clone());
    // The note as it is now (its text and visibility change in place).
    let note =
        memo(move || notes.with(|all| all.iter().find(|n| n.id == note_id.get_value()).cloned()));
    let shareable = move || note.with(|n| n.as_ref().is_some_and(|n| n.shareable));
    let html = memo(move || {
        let mut m = Markup::default();
        note.with(|n| {
            if let Some(n) = n {
                head(&mut m, n, now.get());
                if !editing.get() {
                    m.leaf("p", &[("class", "note-text")], &n.text);
                }
            }
        });
        m.finish()
    });
    let edit = move |f: &dyn Fn(&mut automerge::AutoCommit) -> Result<(), model::ModelError>| {
        let result = repo.get().edit(doc, f);
        error.set(result.err().map(|e| e.to_string()));
    };
    let act = Callback::new(move |(action, _): (String, String)| match action.as_str() {
        "visibility" => {
            if let Some(n) = note.get_untracked() {
                edit(&|d| Escalation::set_shareable(d, &n.obj, !n.shareable).map(|_| ()));
            }
        }
        "edit" => editing.update(|e| *e = !*e),
        "delete" if confirm("Delete this note for everyone?") => {
            edit(&|d| Escalation::remove_note(d, &note_id.get_value()));
        }
        _ => {}
    });
    let obj = move || note.get_untracked().map(|n| n.obj);
    view! {
        <li class="note" data-visibility=move || if shareable() { "customer" } else { "internal" } data-note=id>
            <MarkupView html class="note-view" on_action=act/>
            <When when=move || editing.get()>
                {obj().map(|obj| view! {
                    <CollabText doc key="text" label="Note" obj multiline=true quiet_label=true autofocus=true/>
                })}
                <button class="button subtle" on:click=move |_| editing.set(false)>"Done"</button>
            </When>
            <ErrorLine error=error/>
        </li>
    }
}

/// Who wrote the note and when (as of `now`), its visibility (a switch)
/// and its tools.
fn head(m: &mut Markup, n: &Note, now: i64) {
    let author = if n.author.is_empty() {
        "Someone"
    } else {
        &n.author
    };
    m.open("header", &[("class", "note-head")])
        .span("note-author", author)
        .leaf(
            "time",
            &[("class", "note-time"), ("title", &local_time_label(n.at))],
            &relative_time(n.at, now),
        )
        .leaf(
            "button",
            &[
                ("class", "note-visibility"),
                ("data-action", "visibility"),
                ("title", "Switch between internal and customer-shareable"),
            ],
            if n.shareable {
                "Customer-shareable"
            } else {
                "Internal"
            },
        )
        .open("span", &[("class", "note-tools")]);
    for (class, action, label, title, sign) in [
        ("icon-button", "edit", "Edit note", "Edit", "✎"),
        ("icon-button danger", "delete", "Delete note", "Delete", "✕"),
    ] {
        m.leaf(
            "button",
            &[
                ("class", class),
                ("data-action", action),
                ("aria-label", label),
                ("title", title),
            ],
            sign,
        );
    }
    m.close("span").close("header");
}

#[component]
fn Composer(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let draft = RwSignal::new(String::new());
    let shareable = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let area = NodeRef::<leptos::html::Textarea>::new();

    let add = move || {
        let text = draft.get_untracked();
        let repo = repo.get();
        let author = repo.name.get_untracked();
        let result = repo.edit(doc, |d| {
            Escalation::add_note(
                d,
                &new_item_id(),
                &author,
                &text,
                shareable.get_untracked(),
                now_ms(),
            )
            .map(|_| ())
        });
        match result {
            Ok(()) => {
                draft.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    // Ctrl+Enter (⌘+Enter on a Mac): add the note when writing one,
    // otherwise jump to the composer.
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.key() != "Enter" || !(e.ctrl_key() || e.meta_key()) {
            return;
        }
        e.prevent_default();
        let Some(el) = area.get() else { return };
        let in_composer = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|a| {
                let el: &web_sys::Element = &el;
                &a == el
            });
        if in_composer {
            add();
        } else {
            let _ = el.focus();
        }
    });
    on_cleanup(move || keys.remove());

    view! {
        <div class="composer" data-visibility=move || if shareable.get() { "customer" } else { "internal" }>
            <label for="note-composer" class="visually-hidden">"New note"</label>
            <textarea
                id="note-composer"
                class="field-input composer-text"
                placeholder="Add a note — what happened, what was promised, who is on it"
                node_ref=area
                bind:value=draft
            ></textarea>
            <div class="composer-bar">
                <div class="segmented" role="radiogroup" aria-label="Who may see this note">
                    <button
                        class="button subtle"
                        role="radio"
                        aria-checked=move || (!shareable.get()).to_string()
                        on:click=move |_| shareable.set(false)
                    >"Internal"</button>
                    <button
                        class="button subtle"
                        role="radio"
                        aria-checked=move || shareable.get().to_string()
                        on:click=move |_| shareable.set(true)
                    >"Customer-shareable"</button>
                </div>
                <button class="button primary" on:click=move |_| add() data-testid="add-note">
                    "Add note" <kbd aria-hidden="true">"Ctrl ↵"</kbd>
                </button>
            </div>
            <ErrorLine error=error/>
        </div>
    }
}
