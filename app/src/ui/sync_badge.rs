//! The sync badge in the header — synced / syncing / offline / error, with
//! the count of changes the relay has not confirmed — and, behind it, the
//! sync panel: what is waiting to sync, record by record, and the sync log.

use leptos::ev;
use leptos::prelude::*;

use super::{Markup, MarkupView, When, memo, use_repo};
use crate::features::record_link;
use crate::sync::{LogEvent, SyncStatus};
use crate::util::{local_time_label, now_ms, relative_time};

/// Log entries the panel shows (newest first).
const SHOWN: usize = 60;

#[component]
pub fn SyncBadge(status: SyncStatus) -> impl IntoView {
    let badge = memo(move || status.badge());
    let open = RwSignal::new(false);
    let title = move || {
        let saving = status.unsaved_now();
        if saving > 0 {
            format!("Saving {saving} change(s) on this device. Click for the sync log.")
        } else {
            "Everything is saved on this device. Click for the sync log.".to_owned()
        }
    };
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <div class="sync-area">
            <button
                class="sync-badge"
                data-state=move || badge.get().0
                aria-live="polite"
                aria-expanded=move || open.get().to_string()
                aria-controls="sync-panel"
                title=title
                data-testid="sync-badge"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="sync-dot" aria-hidden="true"></span>
                <span class="sync-label">{move || badge.get().1}</span>
            </button>
            <When when=move || open.get()>
                <SyncPanel status close=Callback::new(move |()| open.set(false))/>
            </When>
        </div>
    }
}

#[component]
fn SyncPanel(status: SyncStatus, close: Callback<()>) -> impl IntoView {
    let repo = use_repo();
    let log = repo.get().log.clone();
    let entries = log.entries;
    let waiting = move || {
        let repo = repo.get();
        repo.pending_docs()
            .into_iter()
            .filter_map(|(id, n)| record_link(&repo, id).map(|link| (link, n)))
            .collect::<Vec<_>>()
    };
    let waiting_html = memo(move || {
        let waiting = waiting();
        let mut m = Markup::default();
        if waiting.is_empty() {
            m.leaf(
                "p",
                &[("class", "hint")],
                "Nothing: the relay has every change made here.",
            );
            return m.finish();
        }
        m.open(
            "ul",
            &[
                ("class", "sync-waiting"),
                ("role", "list"),
                ("data-testid", "sync-waiting"),
            ],
        );
        for ((noun, title, href), n) in waiting {
            let title = if title.is_empty() { "untitled" } else { &title };
            let plural = if n == 1 { "" } else { "s" };
            m.open("li", &[])
                .leaf("a", &[("href", &href)], &format!("{noun}: {title}"))
                .span("hint", &format!(" · {n} change{plural}"))
                .close("li");
        }
        m.close("ul").finish()
    });
    let log_html = memo(move || {
        let repo = repo.get();
        let now = now_ms();
        let mut m = Markup::default();
        m.open(
            "ol",
            &[
                ("class", "sync-log"),
                ("role", "list"),
                ("data-testid", "sync-log"),
            ],
        );
        entries.with(|all| {
            for e in all.iter().rev().take(SHOWN) {
                m.open(
                    "li",
                    &[("class", "sync-log-entry"), ("data-event", e.event.code())],
                )
                .leaf(
                    "time",
                    &[("title", &local_time_label(e.at))],
                    &relative_time(e.at, now),
                )
                .span(
                    "sync-log-text",
                    &format!("{}: {}", event_label(e.event), e.text),
                );
                let named: Vec<_> = e
                    .docs
                    .iter()
                    .filter_map(|(id, n)| record_link(&repo, *id).map(|l| (l, *n)))
                    .collect();
                if !named.is_empty() {
                    m.open("span", &[("class", "sync-log-docs")]);
                    for ((_, title, href), n) in named {
                        let title = if title.is_empty() { "untitled" } else { &title };
                        m.leaf("a", &[("href", &href)], &format!("{title} ({n})"));
                    }
                    m.close("span");
                }
                m.close("li");
            }
        });
        m.close("ol");
        if entries.with(Vec::is_empty) {
            m.leaf("p", &[("class", "hint")], "Nothing logged yet.");
        }
        m.finish()
    });
    view! {
        <section id="sync-panel" class="sync-panel" role="dialog" aria-label="Sync" data-testid="sync-panel">
            <header class="sync-panel-head">
                <h2>"Sync"</h2>
                <button class="icon-button" aria-label="Close" on:click=move |_| close.run(())>"✕"</button>
            </header>
            <p class="sync-panel-state">{move || status.badge().1}</p>
            <h3>"Waiting to sync"</h3>
            <MarkupView html=waiting_html class="sync-waiting-drawn"/>
            <div class="sync-log-head">
                <h3>"Sync log"</h3>
                <button class="button subtle" on:click=move |_| log.clear()>"Clear"</button>
            </div>
            <MarkupView html=log_html class="sync-log-drawn"/>
        </section>
    }
}

fn event_label(e: LogEvent) -> &'static str {
    match e {
        LogEvent::Connected => "Connected",
        LogEvent::Disconnected => "Disconnected",
        LogEvent::Error => "Error",
        LogEvent::Merged => "Merged",
    }
}
