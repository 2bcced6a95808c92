//! The "while you were away" card: after a time offline or with the tab
//! closed, which records others changed, by whom, how many changes and in
//! which fields, with links to them.

use leptos::prelude::*;

use super::{Link, use_repo};
use crate::features::record_link;
use crate::util::humanize_key;

/// Rows shown before "and N more".
const SHOWN: usize = 12;

#[component]
pub fn AwayCard() -> impl IntoView {
    let repo = use_repo();
    let away = repo.get().away;
    let dismiss = move || away.set(None);
    let rows = move || {
        let repo = repo.get();
        let summary = away.get()?;
        let rows: Vec<_> = summary
            .records
            .iter()
            .filter_map(|r| {
                let (noun, title, href) = record_link(&repo, r.id)?;
                Some((r.clone(), noun, title, href))
            })
            .collect();
        (!rows.is_empty()).then_some(rows)
    };
    view! {
        {move || rows().map(|rows| {
            let total = rows.len();
            let more = total.saturating_sub(SHOWN);
            view! {
                <section class="away-card" aria-labelledby="away-heading" data-testid="away">
                    <header class="away-head">
                        <h2 id="away-heading">"While you were away"</h2>
                        <span class="hint">{format!("{total} record{} changed", if total == 1 { "" } else { "s" })}</span>
                        <button class="button subtle" on:click=move |_| dismiss() data-testid="away-dismiss">"Got it"</button>
                    </header>
                    <ul class="away-list" role="list">
                        {rows.into_iter().take(SHOWN).map(|(r, noun, title, href)| {
                            let s = r.summary;
                            let fields: Vec<String> = s.fields.iter().map(|f| humanize_key(f)).collect();
                            let changes = if s.changes == 1 { "1 change".to_owned() } else { format!("{} changes", s.changes) };
                            view! {
                                <li class="away-row">
                                    <span class="away-kind">{noun}</span>
                                    <Link href=href attr:class="away-title">{if title.is_empty() { format!("Untitled {}", noun.to_lowercase()) } else { title }}</Link>
                                    {r.new.then(|| view! { <span class="tag tag-new">"New"</span> })}
                                    <span class="away-meta">
                                        {format!("{} · {changes}", s.authors.join(", "))}
                                        {(!fields.is_empty()).then(|| format!(" · {}", fields.join(", ")))}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="hint">{format!("and {more} more")}</p> })}
                </section>
            }
        })}
    }
}
