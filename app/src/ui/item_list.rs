//! An editable list of items with stable ids (stakeholders, actions, risks…):
//! every field of every item, add, remove, move up and down. Works for any
//! list described by a [`ListSpec`].

use automerge::{AutoCommit, ObjId, ROOT};
use leptos::prelude::*;
use model::ModelError;
use model::items::{self, Place};
use model::spec::{Kind, ListSpec, date_to_days};
use protocol::DocumentId;

use super::{CollabText, ErrorLine, ScalarField, When, keyed_rows, memo, use_repo};
use crate::util::{now_ms, random_bytes};

/// The items of list `key` under `parent`, in order.
pub fn list_items(doc: &AutoCommit, parent: &ObjId, key: &str) -> Vec<(String, ObjId)> {
    items::find_list(doc, parent, key)
        .ok()
        .flatten()
        .and_then(|list| items::items(doc, &list).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.id, i.obj))
        .collect()
}

/// A warning a person should see on an item, computed on the device from
/// its dates (so it is right offline): overdue actions, renewals coming up,
/// close dates passed.
fn due_flag(
    doc: &AutoCommit,
    obj: &ObjId,
    spec: &ListSpec,
    today: i64,
) -> Option<(&'static str, String)> {
    let has = |k: &str| spec.fields.iter().any(|f| f.key == k);
    let get = |k: &str| model::fields::read_string(doc, obj, k).unwrap_or_default();
    let days = |k: &str| date_to_days(&get(k)).map(|d| d - today);
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    if has("due")
        && get("status") != "done"
        && let Some(d) = days("due").filter(|d| *d < 0)
    {
        return Some(("overdue", format!("Overdue by {} day{}", -d, plural(-d))));
    }
    if has("renewal")
        && let Some(d) = days("renewal")
    {
        return match d {
            ..0 => Some(("overdue", "Renewal date has passed".to_owned())),
            0..=90 => Some(("soon", format!("Renews in {d} day{}", plural(d)))),
            _ => None,
        };
    }
    if has("close")
        && !matches!(get("stage").as_str(), "won" | "lost")
        && let Some(d) = days("close").filter(|d| *d < 0)
    {
        return Some((
            "overdue",
            format!("Close date passed {} day{} ago", -d, plural(-d)),
        ));
    }
    None
}

/// A fresh random item id.
pub fn new_item_id() -> String {
    protocol::PeerId::from_random("i", random_bytes())
        .as_str()
        .trim_start_matches("i-")
        .to_owned()
}

#[component]
pub fn ItemList(
    doc: DocumentId,
    spec: ListSpec,
    #[prop(optional)] parent: Option<ObjId>,
    /// A list inside each item (an objective's actions).
    #[prop(optional)]
    nested: Option<ListSpec>,
) -> AnyView {
    let repo = use_repo();
    let parent = StoredValue::new(parent.unwrap_or(ROOT));
    let error = RwSignal::new(None::<String>);
    let rows = memo(move || {
        repo.get()
            .read(doc, |d| list_items(d, &parent.get_value(), spec.key))
            .unwrap_or_default()
    });
    let edit = move |f: &dyn Fn(&mut AutoCommit, &ObjId) -> Result<(), ModelError>| {
        let parent = parent.get_value();
        let result = repo.get().edit(doc, |d| {
            let list = items::ensure_list(d, &parent, spec.key)?;
            f(d, &list)
        });
        error.set(result.err().map(|e| e.to_string()));
    };
    let add = move |_| {
        let id = new_item_id();
        edit(&|d, list| items::insert(d, list, &id, Place::Last).map(|_| ()));
        // Keyboard users land in the new item's first field once it renders.
        let selector = format!("[data-item=\"{id}\"] :is(input, textarea, select)");
        request_animation_frame(move || {
            let field = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
            if let Some(field) = field {
                let _ = field.focus();
            }
        });
    };
    view! {
        <div class="item-list" data-list=spec.key>
            {keyed_rows(
                move || rows.with(|r| r.iter().map(|(id, _)| id.clone()).collect()),
                move |id| {
                    let obj = rows.with_untracked(|r| {
                        r.iter().find(|(i, _)| *i == id).map(|(_, obj)| obj.clone())
                    })?;
                    // `Copy` handles, so every closure below can use them.
                    let item_id = StoredValue::new(id.clone());
                    let position = move || {
                        let me = item_id.get_value();
                        rows.get().iter().position(|(i, _)| *i == me)
                    };
                    let count = move || rows.get().len();
                    let neighbour = move |offset: isize| {
                        let at = position()? as isize + offset;
                        rows.get().get(usize::try_from(at).ok()?).map(|(i, _)| i.clone())
                    };
                    let up = move |_| {
                        if let Some(prev) = neighbour(-1) {
                            let me = item_id.get_value();
                            edit(&|d, list| items::move_item(d, list, &me, Place::Before(&prev)));
                        }
                    };
                    let down = move |_| {
                        if let Some(next) = neighbour(1) {
                            let me = item_id.get_value();
                            edit(&|d, list| items::move_item(d, list, &me, Place::After(&next)));
                        }
                    };
                    let item_obj = StoredValue::new(obj.clone());
                    let flag = memo(move || {
                        let today = now_ms().div_euclid(86_400_000);
                        repo.get()
                            .read(doc, |d| due_flag(d, &item_obj.get_value(), &spec, today))
                            .flatten()
                    });
                    let remove = move |_| {
                        let me = item_id.get_value();
                        edit(&|d, list| items::remove(d, list, &me));
                    };
                    let fields = spec
                        .fields
                        .iter()
                        .map(|f| {
                            let class = if matches!(f.kind, Kind::Text) { "item-field item-field-wide" } else { "item-field" };
                            let input = if matches!(f.kind, Kind::Text) {
                                view! {
                                    <CollabText doc key=f.key label=f.label obj=obj.clone() multiline=true />
                                }
                                    .into_any()
                            } else {
                                view! { <ScalarField doc field=*f obj=obj.clone() /> }.into_any()
                            };
                            view! { <div class=class>{input}</div> }
                        })
                        .collect_view();
                    let inner = nested
                        .map(|n| {
                            view! {
                                <div class="item-nested">
                                    <h4 class="item-nested-title">{n.title}</h4>
                                    <ItemList doc spec=n parent=obj.clone() />
                                </div>
                            }
                        });
                    Some(view! {
                        <div
                            class="item"
                            data-item=id.clone()
                            data-flag=move || flag.get().map(|(kind, _)| kind)
                        >
                            <div class="item-fields">
                                {move || flag.get().map(|(kind, text)| view! {
                                    <p class=format!("item-flag item-flag-{kind}") role="note">{text}</p>
                                })}
                                {fields}
                            </div>
                            {inner}
                            <div class="item-tools">
                                <button
                                    class="icon-button"
                                    on:click=up
                                    disabled=move || position() == Some(0)
                                    aria-label=format!("Move {} up", spec.noun)
                                    title="Move up"
                                >"↑"</button>
                                <button
                                    class="icon-button"
                                    on:click=down
                                    disabled=move || position().map(|p| p + 1) == Some(count())
                                    aria-label=format!("Move {} down", spec.noun)
                                    title="Move down"
                                >"↓"</button>
                                <button
                                    class="icon-button danger"
                                    on:click=remove
                                    aria-label=format!("Remove {}", spec.noun)
                                    title="Remove"
                                >"✕"</button>
                            </div>
                        </div>
                    })
                },
            )}
            <When when=move || rows.get().is_empty()>
                <p class="empty-list">"Nothing here yet."</p>
            </When>
            <ErrorLine error=error/>
            <button class="button add-item" on:click=add data-add=spec.key>
                "+ Add " {spec.noun}
            </button>
        </div>
    }
    .into_any()
}
