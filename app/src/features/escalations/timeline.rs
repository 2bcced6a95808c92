//! The escalation's timeline: notes oldest first, internal ones visibly
//! apart from customer-shareable ones, and a composer that adds a note
//! with Ctrl+Enter from anywhere on the page.

use leptos::ev;
use leptos::prelude::*;
use model::{Escalation, Note};
use protocol::DocumentId;

use crate::ui::{CollabText, ErrorLine, new_item_id, use_repo};
use crate::util::{confirm, local_time_label, now_ms, relative_time};

#[component]
pub fn Timeline(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let notes = Memo::new(move |_| {
        repo.get()
            .read(doc, |d| Escalation::notes(d).unwrap_or_default())
            .unwrap_or_default()
    });
    view! {
        <ol class="timeline" role="list" data-testid="timeline">
            <For each=move || notes.get() key=|n| n.id.clone() let:note>
                <NoteView doc note/>
            </For>
        </ol>
        <Show when=move || notes.get().is_empty()>
            <p class="empty-list">"No notes yet. The first one usually says what the customer reported and who is on it."</p>
        </Show>
        <Composer doc/>
    }
}

#[component]
fn NoteView(doc: DocumentId, note: Note) -> impl IntoView {
    let repo = use_repo();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(note.id.clone());
    let obj = StoredValue::new(note.obj.clone());
    // The note as it is now (its text and visibility change in place).
    let current = Memo::new(move |_| {
        let me = id.get_value();
        repo.get()
            .read(doc, |d| Escalation::notes(d).ok())
            .flatten()
            .and_then(|all| all.into_iter().find(|n| n.id == me))
    });
    let shareable = move || current.get().is_some_and(|n| n.shareable);
    let text = move || current.get().map(|n| n.text).unwrap_or_default();
    let toggle = move |_| {
        let to = !shareable();
        let result = repo
            .get()
            .edit(doc, |d| Escalation::set_shareable(d, &obj.get_value(), to));
        error.set(result.err().map(|e| e.to_string()));
    };
    let remove = move |_| {
        if confirm("Delete this note for everyone?") {
            let result = repo
                .get()
                .edit(doc, |d| Escalation::remove_note(d, &id.get_value()));
            error.set(result.err().map(|e| e.to_string()));
        }
    };
    let author = if note.author.is_empty() {
        "Someone".to_owned()
    } else {
        note.author.clone()
    };
    view! {
        <li class="note" data-visibility=move || if shareable() { "customer" } else { "internal" } data-note=note.id.clone()>
            <header class="note-head">
                <span class="note-author">{author}</span>
                <time class="note-time" title=local_time_label(note.at)>{relative_time(note.at, now_ms())}</time>
                <button
                    class="note-visibility"
                    on:click=toggle
                    title="Switch between internal and customer-shareable"
                >
                    {move || if shareable() { "Customer-shareable" } else { "Internal" }}
                </button>
                <span class="note-tools">
                    <button class="icon-button" on:click=move |_| editing.update(|e| *e = !*e) aria-label="Edit note" title="Edit">"✎"</button>
                    <button class="icon-button danger" on:click=remove aria-label="Delete note" title="Delete">"✕"</button>
                </span>
            </header>
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="note-text">{text}</p> }
            >
                <CollabText doc key="text" label="Note" obj=obj.get_value() multiline=true quiet_label=true autofocus=true/>
                <button class="button subtle" on:click=move |_| editing.set(false)>"Done"</button>
            </Show>
            <ErrorLine error=error/>
        </li>
    }
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
