//! A thread: its posts oldest first with a "new since your last visit"
//! marker, the moderator's tools (pin, lock, idea status), and the reply
//! box — closed when the thread is locked.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::html::Textarea;
use leptos::prelude::*;
use model::forum_markdown::plain;
use model::forum_schema::IDEA_STATUSES;
use model::{Thread, ThreadKind, ThreadSummary, Who};
use protocol::DocumentId;

use super::composer::BodyInput;
use super::data::use_forum_data;
use super::post::{PostContext, PostView};
use crate::ui::{
    Markup, MarkupView, RecordGate, When, effect, keyed_rows, memo, new_item_id, route_id, use_repo,
};
use crate::util::now_ms;

#[component]
pub fn ThreadPage() -> impl IntoView {
    let id = route_id();
    view! {
        <section class="page thread">
            {move || match id() {
                Some(doc) => view! { <RecordGate doc noun="thread"><ThreadView doc/></RecordGate> }.into_any(),
                None => view! { <p class="banner banner-error" role="alert">"This link does not point to a thread."</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ThreadView(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let data = use_forum_data();
    let thread = memo(move || {
        repo.get()
            .read(doc, |d| Thread::summary(d).ok())
            .flatten()
            .map(Arc::new)
    });
    let posts = memo(move || {
        repo.get()
            .read(doc, |d| Thread::posts(d).ok())
            .flatten()
            .unwrap_or_default()
    });
    let error = RwSignal::new(None::<String>);
    let ctx = PostContext {
        doc,
        thread,
        posts,
        quoting: RwSignal::new(None),
        error,
    };
    // What was unread when the page opened: marked "new" while it stays
    // open. Everything shown is then marked seen (here, and as it arrives).
    let new_at_open = StoredValue::new(None::<HashSet<String>>);
    let fresh = RwSignal::new(HashSet::<String>::new());
    effect(move || {
        let Some(t) = thread.get() else { return };
        if data.seen.with(Option::is_none) {
            return;
        }
        let me = repo.get().name.get();
        if new_at_open.with_value(Option::is_none) {
            let seen = data.seen_in(doc);
            let unread: HashSet<String> =
                t.unread(seen.as_deref(), &me).map(str::to_owned).collect();
            fresh.set(unread.clone());
            new_at_open.set_value(Some(unread));
        }
        data.mark_seen(&me, doc, t.posts.iter().map(|p| p.id.as_str()));
    });

    let me = move || repo.get().name.get();
    let category = memo(move || {
        let id = thread.get().map(|t| t.category.clone()).unwrap_or_default();
        data.category(&id)
    });
    let moderator = move || category.get().is_some_and(|(_, c)| c.is_moderator(&me()));
    let moderate =
        move |f: &dyn Fn(&mut automerge::AutoCommit, Who<'_>) -> Result<(), model::ModelError>| {
            let me = me();
            let who = Who {
                name: &me,
                moderator: moderator(),
            };
            let result = repo.get().edit(doc, |d| f(d, who));
            error.set(result.err().map(|e| e.to_string()));
        };
    let kind = move || thread.get().map(|t| t.kind).unwrap_or_default();
    let pinned = move || thread.get().is_some_and(|t| t.pinned);
    let locked = move || thread.get().is_some_and(|t| t.locked);
    let post_ids = move || posts.with(|all| all.iter().map(|p| p.id.clone()).collect::<Vec<_>>());
    let first_new = move || {
        let fresh = fresh.get();
        posts.with(|all| {
            all.iter()
                .find(|p| fresh.contains(&p.id))
                .map(|p| p.id.clone())
        })
    };

    let crumbs = memo(move || {
        let (href, name) = match category.get() {
            Some((id, c)) => (format!("/forums/{id}"), format!("← {}", c.name)),
            None => ("/forums".to_owned(), "← All threads".to_owned()),
        };
        let mut m = Markup::default();
        m.open("nav", &[("class", "crumbs"), ("aria-label", "Breadcrumb")])
            .leaf("a", &[("href", &href)], &name)
            .close("nav");
        m.finish()
    });
    let head = memo(move || {
        let mut m = Markup::default();
        if let Some(t) = thread.get() {
            head_markup(&mut m, &t);
        }
        m.finish()
    });

    view! {
        <MarkupView html=crumbs class="crumbs-drawn"/>
        <article class="thread-sheet" aria-labelledby="thread-title">
            <header class="thread-head">
                <MarkupView html=head class="thread-head-drawn"/>
                <When when=moderator>
                    <div class="mod-tools" role="group" aria-label="Moderator tools">
                        <span class="hint">"Moderator"</span>
                        <When when=move || kind() == ThreadKind::Announcement>
                            <button class="button subtle" on:click=move |_| {
                                let on = !pinned();
                                moderate(&|d, who| Thread::set_pinned(d, on, who));
                            }>{move || if pinned() { "Unpin" } else { "Pin" }}</button>
                        </When>
                        <button class="button subtle" data-testid="lock" on:click=move |_| {
                            let on = !locked();
                            moderate(&|d, who| Thread::set_locked(d, on, who));
                        }>{move || if locked() { "Unlock" } else { "Lock" }}</button>
                        <When when=move || kind() == ThreadKind::Idea>
                            <label class="inline-field">"Status"
                                <select class="filter" data-testid="set-idea-status"
                                    prop:value=move || thread.get().map(|t| t.idea_status.clone()).unwrap_or_default()
                                    on:change=move |e| {
                                        let value = event_target_value(&e);
                                        moderate(&|d, who| Thread::set_idea_status(d, &value, who));
                                    }>
                                    {IDEA_STATUSES.iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                                </select>
                            </label>
                        </When>
                    </div>
                </When>
            </header>
            <When when=move || error.get().is_some()>
                <p class="banner banner-error" role="alert">{move || error.get()}</p>
            </When>
            <ol class="posts" role="list" data-testid="posts">
                {keyed_rows(post_ids, move |id| {
                    let mine = id.clone();
                    let is_new = Signal::derive(move || fresh.with(|f| f.contains(&mine)));
                    let me = id.clone();
                    let first = Signal::derive(move || first_new().as_ref() == Some(&me));
                    view! { <PostView id ctx is_new first_new=first/> }
                })}
            </ol>
            <When
                when=move || !locked()
                fallback=|| view! { <p class="locked-note" role="status">"🔒 This thread is locked: it takes no new replies. A moderator can unlock it."</p> }
            >
                <Reply ctx/>
            </When>
        </article>
    }
}

/// The thread's title and its tags: kind, pinned, locked, an idea's
/// status, the accepted answer.
fn head_markup(m: &mut Markup, t: &ThreadSummary) {
    m.leaf("h1", &[("id", "thread-title")], &t.title)
        .open("div", &[("class", "thread-flags")])
        .leaf(
            "span",
            &[("class", "tag"), ("data-kind", t.kind.value())],
            t.kind.label(),
        );
    if t.pinned {
        m.span("tag tag-pinned", "📌 Pinned");
    }
    if t.locked {
        m.leaf(
            "span",
            &[("class", "tag tag-locked"), ("data-testid", "locked")],
            "🔒 Locked",
        );
    }
    if t.kind == ThreadKind::Idea {
        m.leaf(
            "span",
            &[("class", "tag tag-idea"), ("data-testid", "idea-status")],
            t.idea_status_label(),
        );
    }
    if let Some(a) = &t.accepted {
        m.leaf(
            "a",
            &[
                ("class", "tag tag-accepted"),
                ("href", &format!("#post-{a}")),
            ],
            "✓ Answered — see the answer",
        );
    }
    m.close("div");
}

/// The reply box at the foot of a thread.
#[component]
fn Reply(ctx: PostContext) -> impl IntoView {
    let repo = use_repo();
    let draft = RwSignal::new(String::new());
    let area = NodeRef::<Textarea>::new();
    let send = move || {
        let body = draft.get_untracked();
        let repo = repo.get();
        let me = repo.name.get_untracked();
        let quote = ctx.quoting.get_untracked();
        let result = repo.edit(ctx.doc, |d| {
            Thread::add_post(d, &new_item_id(), &me, &body, quote.as_deref(), now_ms()).map(|_| ())
        });
        match result {
            Ok(()) => {
                draft.set(String::new());
                ctx.quoting.set(None);
                ctx.error.set(None);
            }
            Err(e) => ctx.error.set(Some(e.to_string())),
        }
    };
    // Quoting a post moves the reader to the reply box.
    effect(move || {
        if ctx.quoting.get().is_some()
            && let Some(el) = area.get_untracked()
        {
            let _ = el.focus();
        }
    });
    let quoted = move || {
        let q = ctx.quoting.get()?;
        ctx.posts.with(|all| {
            all.iter().find(|p| p.id == q).map(|p| {
                let text: String = plain(&p.body).chars().take(120).collect();
                format!("{}: {text}", p.author)
            })
        })
    };
    view! {
        <div class="composer reply-box">
            {move || quoted().map(|q| view! {
                <div class="quoting">
                    <span>"Quoting "{q}</span>
                    <button class="icon-button" aria-label="Stop quoting" on:click=move |_| ctx.quoting.set(None)>"✕"</button>
                </div>
            })}
            <BodyInput
                id="reply"
                label="Reply"
                placeholder="Write a reply — Markdown works, @ mentions someone"
                draft
                on_submit=Callback::new(move |()| send())
                node_ref=area
            />
            <div class="composer-bar">
                <span class="hint">"**bold**, *italic*, `code`, - lists, > quotes, [links](https://…)"</span>
                <button class="button primary" data-testid="send-reply" on:click=move |_| send()>
                    "Reply" <kbd aria-hidden="true">"Ctrl ↵"</kbd>
                </button>
            </div>
        </div>
    }
}
