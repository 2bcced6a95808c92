//! A labelled decision field (a name, a choice, a date, an amount, a
//! percentage). The value is checked when the person commits it (Enter or
//! leaving the field); a value two people set at once is shown with both
//! values and who set each, and a person picks one.

use automerge::{ObjId, ROOT};
use leptos::prelude::*;
use model::authors::author_name;
use model::fields::Candidate;
use model::spec::{Field, Kind};
use protocol::DocumentId;

use super::{ErrorLine, When, memo, use_repo};
use crate::presence::peer_marks;
use crate::util::{local_input_value, parse_local_input};

/// The currency amounts default to when none is typed.
const DEFAULT_CURRENCY: &str = "USD";

#[component]
pub fn ScalarField(
    doc: DocumentId,
    field: Field,
    #[prop(optional)] obj: Option<ObjId>,
    /// Show the label only to screen readers.
    #[prop(optional)]
    quiet_label: bool,
) -> impl IntoView {
    let repo = use_repo();
    let obj = obj.unwrap_or(ROOT);
    let id = format!("{doc}-{obj}-{}", field.key);
    // Closures below hold a `Copy` handle to the object id.
    let obj = StoredValue::new(obj);
    let error = RwSignal::new(None::<String>);

    let state = memo(move || {
        let obj = obj.get_value();
        repo.get()
            .read(doc, |d| {
                let value = field.read(d, &obj).unwrap_or_default();
                let conflicts = conflict_choices(d, field, &obj);
                (value, conflicts)
            })
            .unwrap_or_default()
    });
    let value = move || state.get().0;

    let commit = move |input: String| {
        let obj = obj.get_value();
        let result = repo
            .get()
            .edit(doc, |d| field.write(d, &obj, &input, DEFAULT_CURRENCY));
        error.set(result.err().map(|e| e.to_string()));
    };

    let control = match field.kind {
        Kind::Choice(choices) => view! {
            <select
                id=id.clone()
                class="field-input field-select"
                data-field=field.key
                prop:value=value
                on:change=move |e| commit(event_target_value(&e))
            >
                <option value="">"—"</option>
                {choices
                    .iter()
                    .map(|c| view! { <option value=c.value>{c.label}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Kind::DateTime => view! {
            <input
                id=id.clone()
                class="field-input"
                type="datetime-local"
                data-field=field.key
                prop:value=move || {
                    model::spec::parse_datetime(&value()).map(local_input_value).unwrap_or_default()
                }
                on:change=move |e| {
                    let input = event_target_value(&e);
                    match parse_local_input(&input) {
                        Some(ms) => commit(model::spec::format_datetime(ms)),
                        None if input.is_empty() => commit(input),
                        None => error.set(Some(format!("{}: not a date and time", field.label))),
                    }
                }
            />
        }
        .into_any(),
        Kind::Date => view! {
            <input
                id=id.clone()
                class="field-input"
                type="date"
                data-field=field.key
                prop:value=value
                on:change=move |e| commit(event_target_value(&e))
            />
        }
        .into_any(),
        Kind::Percent => view! {
            <input
                id=id.clone()
                class="field-input field-number"
                type="number"
                min="0"
                max="100"
                step="5"
                data-field=field.key
                prop:value=value
                on:change=move |e| commit(event_target_value(&e))
            />
        }
        .into_any(),
        Kind::Money | Kind::Line | Kind::Text => {
            let shown = move || field.display(&value());
            let placeholder = if matches!(field.kind, Kind::Money) {
                "e.g. 250,000 USD"
            } else {
                ""
            };
            view! {
                <input
                    id=id.clone()
                    class="field-input"
                    type="text"
                    autocomplete="off"
                    placeholder=placeholder
                    data-field=field.key
                    prop:value=shown
                    on:change=move |e| commit(event_target_value(&e))
                />
            }
            .into_any()
        }
    };

    let settle = move |chosen: String| {
        let obj = obj.get_value();
        let result = repo
            .get()
            .edit(doc, |d| model::fields::settle(d, &obj, field.key, &chosen));
        error.set(result.err().map(|e| e.to_string()));
    };

    view! {
        <div class="field" class:field-conflicted=move || !state.get().1.is_empty()>
            <label for=id.clone() class="field-label" class:visually-hidden=quiet_label>{field.label}</label>
            // A viewer's controls are disabled all at once.
            <fieldset class="field-box" disabled=repo.get().read_only>
                {control}
                {peer_marks(doc, id, None, false)}
            </fieldset>
            <ErrorLine error=error/>
            <Conflict
                label=field.label
                candidates=Signal::derive(move || state.get().1)
                on_pick=Callback::new(settle)
            />
        </div>
    }
}

/// The values of `field` two or more people set at once, as the
/// [`Conflict`] shows them: (stored, shown, "by …"). Empty without a conflict.
pub fn conflict_choices(
    doc: &automerge::AutoCommit,
    field: Field,
    obj: &ObjId,
) -> Vec<(String, String, String)> {
    field
        .conflicts(doc, obj)
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.value.clone(), field.display(&c.value), who(doc, &c)))
        .collect()
}

/// The [`conflict_choices`] of `field` at the root of document `doc`,
/// following the document.
pub fn root_conflicts(doc: DocumentId, field: Field) -> Signal<Vec<(String, String, String)>> {
    let repo = use_repo();
    Signal::derive(move || {
        repo.get()
            .read(doc, |d| conflict_choices(d, field, &ROOT))
            .unwrap_or_default()
    })
}

/// "by Ana", "by you", or "by another device".
fn who(doc: &automerge::AutoCommit, c: &Candidate) -> String {
    if let Some(name) = author_name(doc, &c.actor) {
        return format!("by {name}");
    }
    if doc.get_actor() == &c.actor {
        "by you".to_owned()
    } else {
        format!("by device {}", &c.actor.to_hex_string()[..6])
    }
}

/// Values two people set at once, each with who set it, as buttons: the
/// one a person clicks is kept. Shows nothing when there is no conflict.
#[component]
pub fn Conflict(
    label: &'static str,
    /// (stored value, value as shown, "by …").
    #[prop(into)]
    candidates: Signal<Vec<(String, String, String)>>,
    on_pick: Callback<String>,
) -> impl IntoView {
    view! {
        <When when=move || !candidates.read().is_empty()>
            <div class="conflict" role="group" aria-label=format!("{label}: conflicting values")>
                <p class="conflict-title">"Set differently by two people at once — keep which?"</p>
                <div class="conflict-options">
                    {move || {
                        candidates
                            .get()
                            .into_iter()
                            .map(|(value, shown, by)| {
                                let shown = if shown.is_empty() { "(empty)".to_owned() } else { shown };
                                view! {
                                    <button class="button subtle conflict-option" on:click=move |_| on_pick.run(value.clone())>
                                        <strong>{shown}</strong>
                                        <span class="conflict-by">{by}</span>
                                    </button>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </div>
        </When>
    }
}
