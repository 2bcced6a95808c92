//! The stakeholder map: people grouped by role, coloured by how much they
//! support us, sized by influence.

use automerge::ROOT;
use leptos::prelude::*;
use model::fields::read_string;
use model::plan_schema::{LEVELS, ROLES, STAKEHOLDERS, SUPPORT};
use protocol::DocumentId;

use crate::ui::{Markup, MarkupView, doc_markup, list_items};

fn label(choices: &[model::spec::Choice], value: &str) -> String {
    choices
        .iter()
        .find(|c| c.value == value)
        .map(|c| c.label.to_owned())
        .unwrap_or_default()
}

#[component]
pub fn StakeholderMap(doc: DocumentId) -> impl IntoView {
    let html = doc_markup(doc, |d, m| {
        // (id, [name, title, role, influence, support]) per person.
        let people: Vec<(String, [String; 5])> = list_items(d, &ROOT, STAKEHOLDERS.key)
            .into_iter()
            .map(|(id, obj)| {
                let get = |k| read_string(d, &obj, k).unwrap_or_default();
                (
                    id,
                    ["name", "title", "role", "influence", "support"].map(get),
                )
            })
            .collect();
        map_markup(m, &people);
    });
    view! { <MarkupView html class="stakeholders-drawn"/> }
}

/// A group per role that has anyone in it, a card per person (nothing
/// without people).
fn map_markup(m: &mut Markup, people: &[(String, [String; 5])]) {
    if people.is_empty() {
        return;
    }
    m.open(
        "div",
        &[
            ("class", "stakeholder-map"),
            ("aria-label", "Stakeholders by role"),
        ],
    );
    for role in ROLES {
        let mut members = people
            .iter()
            .filter(|(_, [.., r, _, _])| r == role.value || (role.value == "other" && r.is_empty()))
            .peekable();
        if members.peek().is_none() {
            continue;
        }
        m.open("div", &[("class", "stakeholder-group")])
            .leaf("h3", &[("class", "stakeholder-role")], role.label)
            .open("ul", &[("role", "list")]);
        for (id, [name, title, _, influence, support]) in members {
            let colour = if support.is_empty() {
                "unknown"
            } else {
                support
            };
            let name = if name.is_empty() { "Unnamed" } else { name };
            m.open(
                "li",
                &[
                    ("class", "stakeholder-card"),
                    ("data-support", colour),
                    ("data-influence", influence),
                    ("data-item", id),
                ],
            )
            .span("stakeholder-name", name)
            .span("stakeholder-title", title)
            .open("span", &[("class", "stakeholder-tags")])
            .span("tag support-tag", &label(SUPPORT, support));
            let influence = label(LEVELS, influence);
            if !influence.is_empty() {
                m.span("tag", &format!("{influence} influence"));
            }
            m.close("span").close("li");
        }
        m.close("ul").close("div");
    }
    m.close("div");
}
