//! The "while you were away" card: after a time offline or with the tab
//! closed, which records others changed, by whom, how many changes and in
//! which fields, with links to them. Drawn as markup ([`Markup`]): it is
//! read, followed and dismissed, never edited.

use leptos::prelude::*;

use super::{Markup, MarkupView, memo, use_repo};
use crate::features::record_link;
use crate::util::humanize_key;

/// Rows shown before "and N more".
const SHOWN: usize = 12;

#[component]
pub fn AwayCard() -> impl IntoView {
    let repo = use_repo();
    let away = repo.get().away;
    let html = memo(move || {
        let repo = repo.get();
        let mut m = Markup::default();
        let Some(summary) = away.get() else {
            return m.finish();
        };
        let rows: Vec<_> = summary
            .records
            .iter()
            .filter_map(|r| Some((r, record_link(&repo, r.id)?)))
            .collect();
        if rows.is_empty() {
            return m.finish();
        }
        let total = rows.len();
        m.open(
            "section",
            &[
                ("class", "away-card"),
                ("aria-labelledby", "away-heading"),
                ("data-testid", "away"),
            ],
        )
        .open("header", &[("class", "away-head")])
        .leaf("h2", &[("id", "away-heading")], "While you were away")
        .span(
            "hint",
            &format!(
                "{total} record{} changed",
                if total == 1 { "" } else { "s" }
            ),
        )
        .leaf(
            "button",
            &[
                ("class", "button subtle"),
                ("data-action", "dismiss"),
                ("data-testid", "away-dismiss"),
            ],
            "Got it",
        )
        .close("header")
        .open("ul", &[("class", "away-list"), ("role", "list")]);
        for (r, (noun, title, href)) in rows.iter().take(SHOWN) {
            let s = &r.summary;
            let title = if title.is_empty() {
                format!("Untitled {}", noun.to_lowercase())
            } else {
                title.clone()
            };
            let changes = if s.changes == 1 {
                "1 change".to_owned()
            } else {
                format!("{} changes", s.changes)
            };
            let mut meta = format!("{} · {changes}", s.authors.join(", "));
            if !s.fields.is_empty() {
                let fields: Vec<String> = s.fields.iter().map(|f| humanize_key(f)).collect();
                meta.push_str(&format!(" · {}", fields.join(", ")));
            }
            m.open("li", &[("class", "away-row")])
                .span("away-kind", noun)
                .leaf("a", &[("href", href), ("class", "away-title")], &title);
            if r.new {
                m.span("tag tag-new", "New");
            }
            m.span("away-meta", &meta).close("li");
        }
        m.close("ul");
        let more = total.saturating_sub(SHOWN);
        if more > 0 {
            m.leaf("p", &[("class", "hint")], &format!("and {more} more"));
        }
        m.close("section").finish()
    });
    let act = Callback::new(move |(action, _): (String, String)| {
        if action == "dismiss" {
            away.set(None);
        }
    });
    view! { <MarkupView html class="away-drawn" on_action=act/> }
}
