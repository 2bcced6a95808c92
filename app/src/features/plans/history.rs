//! Version history: editing sessions with who and when, a read-only view of
//! any of them, and restore (a new change that brings the old content back;
//! nothing is lost, the restore itself is a version).

use automerge::ChangeHash;
use leptos::prelude::*;
use model::authors::{AUTHORS, author_name, restore_keeping_names};
use model::plan_schema::{LISTS, SWOT_OPPORTUNITIES, root_fields};
use model::{PlanField, Version, changed_keys, to_markdown, versions};
use protocol::DocumentId;

use crate::ui::{Markup, MarkupView, When, memo, use_repo};
use crate::util::{now_ms, random_actor, relative_time};

/// Changes this close together (seconds) by one person are one version.
const SESSION_GAP_SECS: i64 = 300;
/// How many versions the list shows.
const SHOWN: usize = 30;

#[derive(Clone, PartialEq)]
struct Row {
    heads: Vec<ChangeHash>,
    time_ms: i64,
    who: String,
    changes: usize,
    fields: String,
}

/// What a person calls a top-level key of a plan ("installedBase" →
/// "Installed base and agreements"); `None` for bookkeeping keys.
fn key_label(key: &str) -> Option<String> {
    if key == AUTHORS {
        return None;
    }
    // "Opportunities" alone would read as the pipeline's.
    if key == SWOT_OPPORTUNITIES.key {
        return Some("SWOT opportunities".to_owned());
    }
    let label = root_fields()
        .find(|f| f.key == key)
        .map(|f| f.label)
        .or_else(|| {
            PlanField::ALL
                .into_iter()
                .find(|p| p.key() == key)
                .map(PlanField::label)
        })
        .or_else(|| LISTS.iter().find(|l| l.key == key).map(|l| l.title));
    Some(label.map_or_else(|| key.to_owned(), str::to_owned))
}

#[component]
pub fn History(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let revision = repo.get().revision(doc);
    let open = RwSignal::new(false);
    let viewing = RwSignal::new(None::<(usize, String)>);
    let message = RwSignal::new(None::<String>);
    let rows = memo(move || {
        revision.track();
        if !open.get() {
            return Vec::new();
        }
        repo.get()
            .with_doc_mut(doc, |d| {
                let list: Vec<Version> = versions(d, SESSION_GAP_SECS);
                list.into_iter()
                    .take(SHOWN)
                    .map(|v| {
                        let who = v
                            .actors
                            .first()
                            .map(|a| {
                                author_name(d, a).unwrap_or_else(|| {
                                    format!("device {}", &a.to_hex_string()[..6])
                                })
                            })
                            .unwrap_or_default();
                        let mut keys: Vec<String> = changed_keys(d, &v.before, &v.heads)
                            .iter()
                            .filter_map(|k| key_label(k))
                            .collect();
                        model::sort::sort(&mut keys);
                        Row {
                            heads: v.heads,
                            time_ms: v.time * 1000,
                            who,
                            changes: v.changes,
                            fields: keys.join(", "),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let view_version = move |i: usize| {
        let Some(row) = rows.get_untracked().get(i).cloned() else {
            return;
        };
        let text = repo
            .get()
            .with_doc_mut(doc, |d| {
                d.fork_at(&row.heads)
                    .ok()
                    .and_then(|old| to_markdown(&old).ok())
            })
            .flatten()
            .unwrap_or_else(|| "This version could not be read.".to_owned());
        viewing.set(Some((i, text)));
    };
    let restore_version = move |i: usize| {
        let Some(row) = rows.get_untracked().get(i).cloned() else {
            return;
        };
        let repo = repo.get();
        // A restore is its own version, even straight after this device's
        // own edits: versions are editing sessions per actor, so without a
        // fresh actor the restore would join the session it undoes and the
        // state before it would drop out of the list.
        repo.with_doc_mut(doc, |d| {
            d.set_actor(random_actor());
        });
        let result = repo.edit(doc, |d| restore_keeping_names(d, &row.heads).map(|_| ()));
        message.set(Some(match result {
            Ok(()) => {
                "Restored. The restore is itself a new version, so nothing is lost.".to_owned()
            }
            Err(e) => format!("Could not restore: {e}"),
        }));
        viewing.set(None);
    };
    let list = memo(move || {
        let now = now_ms();
        let viewed = viewing.with(|v| v.as_ref().map(|(i, _)| *i));
        let mut m = Markup::default();
        m.open("ol", &[("class", "versions"), ("reversed", "reversed")]);
        for (i, r) in rows.get().iter().enumerate() {
            let class = if viewed == Some(i) {
                "version version-viewing"
            } else {
                "version"
            };
            let plural = if r.changes == 1 { "" } else { "s" };
            let mut what = format!("{} change{plural}", r.changes);
            if !r.fields.is_empty() {
                what = format!("{what} · {}", r.fields);
            }
            let at = i.to_string();
            m.open("li", &[("class", class)])
                .span("version-when", &relative_time(r.time_ms, now))
                .span("version-who", &r.who)
                .span("version-what", &what)
                .open("span", &[("class", "version-tools")])
                .leaf(
                    "button",
                    &[
                        ("class", "button subtle"),
                        ("data-action", "view"),
                        ("data-id", &at),
                    ],
                    "View",
                );
            // The newest version is the plan as it is: nothing to restore.
            if i > 0 {
                m.leaf(
                    "button",
                    &[
                        ("class", "button subtle"),
                        ("data-action", "restore"),
                        ("data-id", &at),
                        ("data-testid", "restore"),
                    ],
                    "Restore",
                );
            }
            m.close("span").close("li");
        }
        m.close("ol").finish()
    });
    let act = move |(action, at): (String, String)| {
        let Ok(i) = at.parse() else {
            return;
        };
        if action == "restore" {
            restore_version(i);
        } else {
            view_version(i);
        }
    };
    view! {
        <div class="history">
            <button
                class="button subtle"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
                data-testid="history-toggle"
            >
                {move || if open.get() { "Hide version history" } else { "Show version history" }}
            </button>
            <When when=move || message.get().is_some()>
                <p class="banner" role="status">{move || message.get()}</p>
            </When>
            <When when=move || open.get()>
                <MarkupView html=list class="versions-drawn" on_action=Callback::new(act)/>
                <When when=move || viewing.get().is_some()>
                    <div class="version-view" role="region" aria-label="The plan as it was">
                        <div class="version-view-head">
                            <strong>"The plan as it was (read-only)"</strong>
                            <button class="button subtle" on:click=move |_| viewing.set(None)>"Close"</button>
                        </div>
                        <pre>{move || viewing.get().map(|(_, t)| t)}</pre>
                    </div>
                </When>
            </When>
        </div>
    }
}
