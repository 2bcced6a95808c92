//! Writing a post: a text box that suggests people as you type `@`, takes
//! Tab or Enter to pick one, and sends with Ctrl+Enter.

use leptos::ev;
use leptos::html::Textarea;
use leptos::prelude::*;

use super::data::use_forum_data;
use crate::ui::{When, memo};
use crate::util::byte_offset;

/// How many people the suggestion list shows.
const SUGGESTIONS: usize = 6;

/// An `@` being typed: where it is (bytes into the text) and what follows.
#[derive(Clone, PartialEq)]
struct Typing {
    at: usize,
    caret: usize,
    partial: String,
}

/// The `@name` being typed just before `caret` (bytes), if any.
fn typing_mention(text: &str, caret: usize) -> Option<Typing> {
    let before = text.get(..caret)?;
    let at = before.rfind('@')?;
    let partial = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    (starts_word && partial.chars().count() <= 40 && !partial.contains('\n')).then(|| Typing {
        at,
        caret,
        partial: partial.to_owned(),
    })
}

/// A post's text box.
#[component]
pub fn BodyInput(
    /// The element id (its label points at it).
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    draft: RwSignal<String>,
    /// Ctrl+Enter (⌘+Enter).
    on_submit: Callback<()>,
    #[prop(optional)] node_ref: Option<NodeRef<Textarea>>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let data = use_forum_data();
    let area = node_ref.unwrap_or_default();
    let typing = RwSignal::new(None::<Typing>);
    let active = RwSignal::new(0usize);
    let suggestions = memo(move || {
        let Some(t) = typing.get() else {
            return Vec::new();
        };
        let partial = t.partial.to_lowercase();
        data.people
            .get()
            .iter()
            .filter(|p| p.to_lowercase().starts_with(&partial) && p.len() > t.partial.len())
            .take(SUGGESTIONS)
            .cloned()
            .collect::<Vec<_>>()
    });
    let look = move || {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let value = el.value();
        let caret = el
            .selection_start()
            .ok()
            .flatten()
            .map_or(value.len(), |c| byte_offset(&value, c));
        typing.set(typing_mention(&value, caret));
        active.set(0);
    };
    let pick = move |name: String| {
        let Some(t) = typing.get_untracked() else {
            return;
        };
        let text = draft.get_untracked();
        let head = format!("{}@{name} ", &text[..t.at]);
        let caret = head.encode_utf16().count() as u32;
        let value = format!("{head}{}", &text[t.caret..]);
        typing.set(None);
        // Into the box now, caret after the name, so what is typed next
        // lands there (the bound value would only arrive after this task).
        if let Some(el) = area.get_untracked() {
            el.set_value(&value);
            let _ = el.set_selection_range(caret, caret);
        }
        draft.set(value);
    };
    let keydown = move |e: ev::KeyboardEvent| {
        if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            on_submit.run(());
            return;
        }
        let list = suggestions.get_untracked();
        if list.is_empty() {
            return;
        }
        match e.key().as_str() {
            "Tab" | "Enter" => {
                e.prevent_default();
                if let Some(name) = list.get(active.get_untracked()).cloned() {
                    pick(name);
                }
            }
            "ArrowDown" => {
                e.prevent_default();
                active.update(|a| *a = (*a + 1) % list.len());
            }
            "ArrowUp" => {
                e.prevent_default();
                active.update(|a| *a = (*a + list.len() - 1) % list.len());
            }
            "Escape" => typing.set(None),
            _ => {}
        }
    };
    let list_id = format!("{id}-people");
    view! {
        <div class="body-input">
            <label for=id class="visually-hidden">{label}</label>
            <textarea
                id=id
                class="field-input post-text"
                placeholder=placeholder
                node_ref=area
                autofocus=autofocus
                bind:value=draft
                on:input=move |_| look()
                on:click=move |_| look()
                on:keydown=keydown
                on:blur=move |_| typing.set(None)
                aria-controls=list_id.clone()
                aria-autocomplete="list"
            ></textarea>
            <When when=move || !suggestions.get().is_empty()>
                <ul class="mention-list" role="listbox" id=list_id.clone() aria-label="People to mention">
                    {move || suggestions.get().into_iter().enumerate().map(|(i, name)| {
                        let chosen = name.clone();
                        view! {
                            <li
                                role="option"
                                aria-selected=move || (active.get() == i).to_string()
                                // Before the box loses focus.
                                on:mousedown=move |e| { e.prevent_default(); pick(chosen.clone()); }
                            >
                                "@"{name}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </When>
        </div>
    }
}
