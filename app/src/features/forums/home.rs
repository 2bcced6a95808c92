//! The forums' front page: categories with unread counts down the side;
//! the threads of one category, of all, or those that mention you, pinned
//! first and then by latest activity; search across titles and posts.

use std::sync::Arc;

use leptos::prelude::*;
use model::forum_markdown::plain;
use model::{ThreadKind, ThreadSummary, unread_by_category};
use protocol::DocumentId;

use super::data::use_forum_data;
use super::forms::{NewCategoryForm, NewThreadForm};
use super::markdown::avatar;
use crate::ui::{
    ListHead, Markup, MarkupView, When, list_shortcuts, memo, route_id, use_current, use_repo,
};
use crate::util::relative_time;

/// Rows shown before "Show all".
const PAGE: usize = 100;
/// How much of a mentioning post a row shows.
const SNIPPET: usize = 160;

/// One thread as a row: its summary, unread posts, and what to quote
/// under the title (a search hit or a mention).
#[derive(Clone, PartialEq)]
struct Row {
    id: DocumentId,
    thread: Arc<ThreadSummary>,
    unread: usize,
    snippet: Option<String>,
}

#[component]
pub fn ForumHome(
    /// Show the threads that mention the person instead of a category.
    #[prop(optional)]
    mentions: bool,
) -> impl IntoView {
    let repo = use_repo();
    let data = use_forum_data();
    let category = route_id();
    let query = RwSignal::new(String::new());
    let composing = RwSignal::new(false);
    let new_category = RwSignal::new(false);
    let show_all = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let search_ref = NodeRef::<leptos::html::Input>::new();
    list_shortcuts(move || composing.set(true), search_ref);
    let me = move || repo.get().name.get();

    let unread_of = move |id: DocumentId, t: &ThreadSummary, me: &str| {
        data.seen.with(|s| match s {
            // Until the device says what was seen, nothing counts as unread.
            None => 0,
            Some(map) => t.unread(map.get(&id).map(AsRef::as_ref), me).count(),
        })
    };
    let per_category = memo(move || {
        let me = me();
        let threads = data.threads.get();
        data.seen
            .with(|s| {
                s.as_ref().map(|map| {
                    unread_by_category(
                        threads
                            .iter()
                            .map(|(id, t)| (t.as_ref(), map.get(id).map(AsRef::as_ref))),
                        &me,
                    )
                })
            })
            .unwrap_or_default()
    });
    let rows = memo(move || {
        let me = me();
        let q = query.get();
        let scope = category().map(|c| c.to_string());
        let mut rows: Vec<Row> = data
            .threads
            .get()
            .iter()
            .filter(|(_, t)| scope.as_ref().is_none_or(|c| &t.category == c))
            .filter_map(|(id, t)| {
                let mut snippet = None;
                if mentions {
                    let post = t.mentioning(&me).first().map(|p| (*p).to_owned())?;
                    let body = t
                        .posts
                        .iter()
                        .find(|p| p.id == post)
                        .map(|p| plain(&p.body))
                        .unwrap_or_default();
                    snippet = Some(body.chars().take(SNIPPET).collect());
                }
                if !q.trim().is_empty() {
                    let hit = t.search(&q)?;
                    snippet = hit.post.is_some().then_some(hit.snippet);
                }
                Some(Row {
                    id: *id,
                    unread: unread_of(*id, t, &me),
                    thread: t.clone(),
                    snippet,
                })
            })
            .collect();
        model::sort::sort_by(&mut rows, |a, b| {
            b.thread
                .pinned
                .cmp(&a.thread.pinned)
                .then_with(|| b.thread.last_activity().cmp(&a.thread.last_activity()))
        });
        rows
    });
    let current = memo(move || category().and_then(|c| data.category(&c.to_string())));
    let title = Signal::derive(move || match current.get() {
        _ if mentions => "Mentions of you".to_owned(),
        Some((_, c)) => c.name.clone(),
        None if category().is_some() => "Category".to_owned(),
        None => "Forums".to_owned(),
    });
    let sub = Signal::derive(move || {
        let rows = rows.get();
        let unread: usize = rows.iter().map(|r| r.unread).sum();
        let counts = format!(
            "{} thread{} · {unread} unread",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
        match current.get() {
            Some((_, c)) if !c.description.is_empty() => format!("{} · {counts}", c.description),
            _ => counts,
        }
    });
    let more = move || !show_all.get() && rows.with(|r| r.len() > PAGE);
    let mark_all = move |_| {
        data.mark_all_seen(
            &me(),
            &rows
                .get_untracked()
                .iter()
                .map(|r| (r.id, r.thread.clone()))
                .collect::<Vec<_>>(),
        )
    };

    let is_current = use_current();
    let nav = memo(move || {
        let per_category = per_category.get();
        let me = me();
        let all = per_category.values().map(|c| c.posts).sum();
        let mentions = data
            .threads
            .get()
            .iter()
            .filter(|(_, t)| !t.mentioning(&me).is_empty())
            .count();
        let mut m = Markup::default();
        m.open("nav", &[("class", "forum-nav")]);
        nav_link(
            &mut m,
            "/forums",
            is_current("/forums", true),
            "All threads",
            "",
            all,
            "unread-badge",
        );
        nav_link(
            &mut m,
            "/mentions",
            is_current("/mentions", false),
            "Mentions of you",
            "",
            mentions,
            "unread-badge unread-quiet",
        );
        m.leaf("h2", &[("class", "forum-nav-heading")], "Categories");
        for (id, c) in data.categories.get().iter() {
            let href = format!("/forums/{id}");
            let unread = per_category.get(&id.to_string()).map_or(0, |u| u.threads);
            nav_link(
                &mut m,
                &href,
                is_current(&href, false),
                &c.name,
                c.kind.label(),
                unread,
                "unread-badge",
            );
        }
        m.close("nav").finish()
    });
    let list = memo(move || {
        let rows = rows.get();
        let shown = if show_all.get() { rows.len() } else { PAGE };
        let now = data.now.get();
        let mut m = Markup::default();
        m.open(
            "ul",
            &[
                ("class", "thread-list"),
                ("role", "list"),
                ("data-testid", "threads"),
            ],
        );
        for row in rows.iter().take(shown) {
            let category = data
                .category(&row.thread.category)
                .map(|(_, c)| c.name.clone());
            thread_row(&mut m, row, category.as_deref(), now);
        }
        m.close("ul").finish()
    });

    view! {
        <section class="page forums" aria-labelledby="forum-heading">
            <div class="forum-layout">
                <aside class="forum-side" aria-label="Categories">
                    <MarkupView html=nav class="forum-nav-drawn"/>
                    <button class="button subtle" data-testid="new-category" on:click=move |_| new_category.set(true)>"+ New category"</button>
                </aside>
                <div class="forum-main">
                    <ListHead
                        id="forum-heading"
                        title
                        new_label="New thread"
                        sub
                        sub_testid="forum-counts"
                        on_new=Callback::new(move |()| composing.set(true))
                        error
                    />
                    <When when=move || me().is_empty()>
                        <p class="banner" role="status">"Set your name (top right) so people know who wrote what and can @mention you."</p>
                    </When>
                    <When when=move || new_category.get()>
                        <NewCategoryForm open=new_category/>
                    </When>
                    <When when=move || composing.get()>
                        {move || {
                            if data.categories.get().is_empty() {
                                view! { <p class="banner" role="status">"Make a category first: threads live in one."</p> }.into_any()
                            } else {
                                view! { <NewThreadForm category=category() open=composing/> }.into_any()
                            }
                        }}
                    </When>
                    <div class="search toolbar">
                        <input
                            type="search"
                            class="search-input"
                            placeholder="Search titles and posts  ( / )"
                            aria-label="Search the forums"
                            node_ref=search_ref
                            bind:value=query
                        />
                        <button class="button subtle" on:click=mark_all>"Mark all read"</button>
                    </div>
                    <When
                        when=move || !rows.get().is_empty()
                        fallback=move || view! { <EmptyForum mentions searching=Signal::derive(move || !query.get().trim().is_empty()) new_category/> }
                    >
                        <MarkupView html=list class="thread-list-drawn"/>
                        <When when=more>
                            <button class="button subtle" on:click=move |_| show_all.set(true)>{move || format!("Show all {}", rows.get().len())}</button>
                        </When>
                    </When>
                </div>
            </div>
        </section>
    }
}

/// A link of the side navigation with its unread count (none when 0).
fn nav_link(
    m: &mut Markup,
    href: &str,
    current: bool,
    name: &str,
    kind: &str,
    unread: usize,
    badge: &str,
) {
    m.open(
        "a",
        &[
            ("href", href),
            ("aria-current", if current { "page" } else { "" }),
        ],
    )
    .span("forum-nav-name", name);
    if !kind.is_empty() {
        m.span("forum-nav-kind", kind);
    }
    if unread != 0 {
        m.span(badge, &unread.to_string());
    }
    m.close("a");
}

/// One thread as a row of the list: who started it, its title and tags,
/// replies and last activity, the quoted snippet, the unread count.
fn thread_row(m: &mut Markup, row: &Row, category: Option<&str>, now: i64) {
    let t = &row.thread;
    let replies = match t.replies() {
        1 => "1 reply".to_owned(),
        n => format!("{n} replies"),
    };
    let author = if t.author.is_empty() {
        "Someone"
    } else {
        &t.author
    };
    let class = if row.unread == 0 {
        "thread-row"
    } else {
        "thread-row thread-unread"
    };
    m.open(
        "li",
        &[("class", class), ("data-thread", &row.id.to_string())],
    );
    avatar(m, author);
    m.open("div", &[("class", "thread-row-main")])
        .open("div", &[("class", "thread-row-top")])
        .leaf(
            "a",
            &[
                ("href", &format!("/threads/{}", row.id)),
                ("class", "thread-row-title"),
            ],
            &t.title,
        );
    if t.pinned {
        m.span("tag tag-pinned", "📌 Pinned");
    }
    if t.locked {
        m.span("tag tag-locked", "🔒 Locked");
    }
    match (t.kind, &t.accepted) {
        (ThreadKind::Question, Some(_)) => {
            m.span("tag tag-accepted", "✓ Answered");
        }
        (ThreadKind::Question, None) => {
            m.leaf(
                "span",
                &[("class", "tag"), ("data-kind", "question")],
                "Question",
            );
        }
        (ThreadKind::Idea, _) => {
            m.span("tag tag-idea", t.idea_status_label());
        }
        _ => {}
    }
    let category = category.map(|c| format!("{c} · ")).unwrap_or_default();
    let meta = format!(
        "{category}{author} · {replies} · {}",
        relative_time(t.last_activity(), now)
    );
    m.close("div")
        .leaf("p", &[("class", "thread-row-meta")], &meta);
    if let Some(snippet) = &row.snippet {
        m.leaf("p", &[("class", "thread-row-snippet")], snippet);
    }
    m.close("div");
    if row.unread != 0 {
        m.leaf(
            "span",
            &[("class", "unread-badge"), ("title", "Unread posts")],
            &format!("{} new", row.unread),
        );
    }
    m.close("li");
}

#[component]
fn EmptyForum(
    mentions: bool,
    searching: Signal<bool>,
    new_category: RwSignal<bool>,
) -> impl IntoView {
    let data = use_forum_data();
    move || {
        if searching.get() {
            view! { <p class="empty-list">"No thread has all of those words."</p> }.into_any()
        } else if mentions {
            view! { <p class="empty-list">"Nobody has @mentioned you yet."</p> }.into_any()
        } else if data.categories.get().is_empty() {
            view! {
                <div class="empty-state">
                    <h2>"Start your community"</h2>
                    <p>"Make a first category — Questions, Announcements, Ideas — then open threads in it. Everything works offline and syncs when you are back."</p>
                    <button class="button primary" on:click=move |_| new_category.set(true)>"New category"</button>
                </div>
            }
            .into_any()
        } else {
            view! { <p class="empty-list">"No threads here yet. Start one with New thread (or press N)."</p> }.into_any()
        }
    }
}
