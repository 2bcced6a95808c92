//! A decision field that links to another record (an account plan, a
//! systemic issue), chosen by title from the records on this device; the
//! linked record opens from beside it, and two links set at once are shown
//! to settle.

use automerge::ROOT;
use leptos::prelude::*;
use model::spec::Field;
use protocol::DocumentId;

use super::{Conflict, ErrorLine, Link, memo, root_conflicts, use_repo};

#[component]
pub fn LinkSelect(
    doc: DocumentId,
    field: Field,
    options: Signal<Vec<(DocumentId, String)>>,
    noun: &'static str,
    base: &'static str,
) -> impl IntoView {
    let repo = use_repo();
    let error = RwSignal::new(None::<String>);
    let value = memo(move || {
        repo.get()
            .read(doc, |d| field.read(d, &ROOT).unwrap_or_default())
            .unwrap_or_default()
    });
    // How a linked record reads: its title, "Untitled …", or — for one not
    // on this device (yet) — saying so.
    let label = move |title: Option<String>| match title {
        Some(t) if t.is_empty() => format!("Untitled {noun}"),
        Some(t) => t,
        None => format!("A {noun} not on this device"),
    };
    let title_of = move |id: &str| {
        let id = DocumentId::parse(id).ok();
        label(
            options
                .read()
                .iter()
                .find(|(o, _)| Some(*o) == id)
                .map(|(_, t)| t.clone()),
        )
    };
    let candidates = root_conflicts(doc, field);
    let conflicts = Signal::derive(move || {
        candidates
            .get()
            .into_iter()
            .map(|(v, _, by)| {
                let shown = if v.is_empty() {
                    String::new()
                } else {
                    title_of(&v)
                };
                (v, shown, by)
            })
            .collect::<Vec<_>>()
    });
    let set = move |v: String| {
        let result = repo.get().edit(doc, |d| field.write(d, &ROOT, &v, ""));
        error.set(result.err().map(|e| e.to_string()));
    };
    let select_id = format!("link-{}", field.key);
    view! {
        <div class="field">
            <label class="field-label" for=select_id.clone()>{field.label}</label>
            <div class="link-row">
                <select
                    id=select_id
                    class="field-input field-select"
                    data-field=field.key
                    prop:value=move || value.get()
                    on:change=move |e| set(event_target_value(&e))
                >
                    <option value="">"— none —"</option>
                    {move || {
                        let current = DocumentId::parse(&value.get()).ok();
                        let mut all: Vec<(DocumentId, Option<String>)> =
                            options.get().into_iter().map(|(id, t)| (id, Some(t))).collect();
                        // A link to a record not (yet) on this device stays selectable.
                        if let Some(current) = current.filter(|c| !all.iter().any(|(id, _)| id == c)) {
                            all.push((current, None));
                        }
                        all.into_iter()
                            .map(|(id, title)| view! { <option value=id.to_string()>{label(title)}</option> })
                            .collect_view()
                    }}
                </select>
                {move || {
                    let v = value.get();
                    (!v.is_empty()).then(|| view! { <Link href=format!("{base}/{v}") attr:class="button subtle">"Open"</Link> })
                }}
            </div>
            <ErrorLine error=error/>
            <Conflict label=field.label candidates=conflicts on_pick=Callback::new(set)/>
        </div>
    }
}
