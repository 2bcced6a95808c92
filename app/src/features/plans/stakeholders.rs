//! The stakeholder map: people grouped by role, coloured by how much they
//! support us, sized by influence.

use leptos::prelude::*;
use model::fields::read_string;
use model::plan_schema::{LEVELS, ROLES, STAKEHOLDERS, SUPPORT};
use protocol::DocumentId;

use crate::ui::{list_items, use_repo};

#[derive(Clone, PartialEq)]
struct Person {
    id: String,
    name: String,
    title: String,
    role: String,
    influence: String,
    support: String,
}

fn label(choices: &[model::spec::Choice], value: &str) -> String {
    choices
        .iter()
        .find(|c| c.value == value)
        .map(|c| c.label.to_owned())
        .unwrap_or_default()
}

#[component]
pub fn StakeholderMap(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let people = Memo::new(move |_| {
        repo.get()
            .read(doc, |d| {
                list_items(d, &automerge::ROOT, STAKEHOLDERS.key)
                    .into_iter()
                    .map(|(id, obj)| {
                        let get = |k| read_string(d, &obj, k).unwrap_or_default();
                        Person {
                            id,
                            name: get("name"),
                            title: get("title"),
                            role: get("role"),
                            influence: get("influence"),
                            support: get("support"),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let groups = move || {
        let people = people.get();
        ROLES
            .iter()
            .map(|role| {
                let members: Vec<Person> = people
                    .iter()
                    .filter(|p| {
                        p.role == role.value || (role.value == "other" && p.role.is_empty())
                    })
                    .cloned()
                    .collect();
                (role.label, members)
            })
            .filter(|(_, m)| !m.is_empty())
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !people.get().is_empty()>
            <div class="stakeholder-map" aria-label="Stakeholders by role">
                {move || {
                    groups()
                        .into_iter()
                        .map(|(role, members)| {
                            view! {
                                <div class="stakeholder-group">
                                    <h3 class="stakeholder-role">{role}</h3>
                                    <ul role="list">
                                        {members
                                            .into_iter()
                                            .map(|p| {
                                                let support = if p.support.is_empty() { "unknown".to_owned() } else { p.support.clone() };
                                                let influence = label(LEVELS, &p.influence);
                                                view! {
                                                    <li
                                                        class="stakeholder-card"
                                                        data-support=support
                                                        data-influence=p.influence.clone()
                                                        data-item=p.id.clone()
                                                    >
                                                        <span class="stakeholder-name">
                                                            {if p.name.is_empty() { "Unnamed".to_owned() } else { p.name.clone() }}
                                                        </span>
                                                        <span class="stakeholder-title">{p.title.clone()}</span>
                                                        <span class="stakeholder-tags">
                                                            <span class="tag support-tag">{label(SUPPORT, &p.support)}</span>
                                                            <Show when={
                                                                let influence = influence.clone();
                                                                move || !influence.is_empty()
                                                            }>
                                                                <span class="tag">{format!("{influence} influence")}</span>
                                                            </Show>
                                                        </span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </Show>
    }
}
