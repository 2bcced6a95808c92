//! One post of a thread: who wrote it and when, the post it quotes, its
//! text, its reactions, and what the reader may do with it. Everything but
//! the edit box is drawn as markup ([`crate::ui::Markup`]); its buttons
//! report their `data-action`.

use std::sync::Arc;

use leptos::prelude::*;
use model::forum_markdown::plain;
use model::forum_schema::REACTIONS;
use model::{Post, Reaction, Thread, ThreadKind, ThreadSummary, Who, same_person};
use protocol::DocumentId;

use super::composer::BodyInput;
use super::data::use_forum_data;
use super::markdown::{avatar, markdown};
use crate::ui::{Markup, MarkupView, When, memo, use_repo};
use crate::util::{confirm, local_time_label, now_ms, relative_time};

/// How much of a quoted post shows above a reply.
const QUOTE_CHARS: usize = 220;

/// What the thread page tells each post.
#[derive(Clone, Copy)]
pub struct PostContext {
    pub doc: DocumentId,
    pub thread: Memo<Option<Arc<ThreadSummary>>>,
    pub posts: Memo<Vec<Post>>,
    /// The post being quoted by the reply composer.
    pub quoting: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
}

/// What the reader may do with a post (nothing, by default).
#[derive(Clone, Copy, PartialEq, Default)]
struct Allowed {
    reply: bool,
    edit: bool,
    delete: bool,
    accept: bool,
}

#[component]
pub fn PostView(
    id: String,
    ctx: PostContext,
    /// Unread when the page opened.
    is_new: Signal<bool>,
    /// The first of those: a divider goes above it.
    first_new: Signal<bool>,
) -> impl IntoView {
    let repo = use_repo();
    let data = use_forum_data();
    let doc = ctx.doc;
    let post_id = StoredValue::new(id.clone());
    let post = memo(move || {
        ctx.posts
            .with(|all| all.iter().find(|p| p.id == post_id.get_value()).cloned())
    });
    let me = move || repo.get().name.get();
    let who = move || {
        let me = me();
        let category = ctx
            .thread
            .get()
            .map(|t| t.category.clone())
            .unwrap_or_default();
        (me.clone(), data.who(&me, &category).moderator)
    };
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    // `f` done to the thread as the person here; its error (or none) shown
    // on the page. Whether it was done.
    let run =
        move |f: &dyn Fn(&mut automerge::AutoCommit, Who<'_>) -> Result<(), model::ModelError>| {
            let (me, moderator) = who();
            let result = repo.get().edit(doc, |d| {
                f(
                    d,
                    Who {
                        name: &me,
                        moderator,
                    },
                )
            });
            let done = result.is_ok();
            ctx.error.set(result.err().map(|e| e.to_string()));
            done
        };
    let save = move || {
        let body = draft.get_untracked();
        let saved = run(&|d, who| {
            Thread::edit_post(d, &post_id.get_value(), &body, who, now_ms()).map(|_| ())
        });
        if saved {
            editing.set(false);
        }
    };
    let accepted = move || {
        ctx.thread
            .get()
            .and_then(|t| t.accepted.clone())
            .is_some_and(|a| a == post_id.get_value())
    };
    // Nothing may be done with a deleted post.
    let allowed = memo(move || {
        let (Some(p), Some(t)) = (post.get(), ctx.thread.get()) else {
            return Allowed::default();
        };
        if p.deleted {
            return Allowed::default();
        }
        let (me, moderator) = who();
        let mine = same_person(&p.author, &me);
        let opening = t.posts.first().is_some_and(|o| o.id == p.id);
        Allowed {
            reply: !t.locked,
            edit: mine && !t.locked,
            delete: (mine || moderator) && !opening,
            accept: t.kind == ThreadKind::Question
                && !opening
                && (moderator || same_person(&t.author, &me)),
        }
    });
    let quoted = memo(move || {
        let q = post.get()?.quote?;
        ctx.posts.with(|all| {
            all.iter().find(|p| p.id == q).map(|p| {
                let text: String = if p.deleted {
                    "(deleted)".to_owned()
                } else {
                    let flat = plain(&p.body);
                    let cut: String = flat.chars().take(QUOTE_CHARS).collect();
                    if cut.len() < flat.len() {
                        format!("{cut}…")
                    } else {
                        cut
                    }
                };
                (q.clone(), p.author.clone(), text)
            })
        })
    });
    // The text is drawn again only when it (or who can be mentioned) changes.
    let body = memo(move || {
        let mut m = Markup::default();
        post.with(|p| match p {
            Some(p) if p.deleted => {
                m.leaf("p", &[("class", "post-deleted")], "This post was deleted.");
            }
            Some(p) => {
                m.open("div", &[("class", "post-body")]);
                data.people.with(|people| markdown(&mut m, &p.body, people));
                m.close("div");
            }
            None => {}
        });
        m.finish()
    });
    let html = memo(move || {
        let Some(p) = post.get() else {
            return String::new();
        };
        let mut m = Markup::default();
        head(&mut m, &p, is_new.get(), accepted(), data.now.get());
        if let Some((q, author, text)) = quoted.get() {
            m.open(
                "a",
                &[("class", "post-quote"), ("href", &format!("#post-{q}"))],
            )
            .span("post-quote-author", &format!("{author} wrote"))
            .span("post-quote-text", &text)
            .close("a");
        }
        if !editing.get() {
            body.with(|b| m.raw(b));
        }
        m.finish()
    });
    let pills = memo(move || {
        let me = me();
        let mut m = Markup::default();
        post.with(|p| {
            for r in p.iter().flat_map(|p| &p.reactions) {
                reaction(&mut m, r, r.people.iter().any(|n| same_person(n, &me)));
            }
        });
        m.finish()
    });
    // Drawn again only when the post is deleted (no reacting then).
    let menu = memo(move || {
        let live = post.with(|p| p.as_ref().is_some_and(|p| !p.deleted));
        if live { react_menu() } else { String::new() }
    });
    let actions = memo(move || {
        let mut m = Markup::default();
        buttons(&mut m, allowed.get(), accepted(), editing.get());
        m.finish()
    });
    let act = Callback::new(
        move |(action, arg): (String, String)| match action.as_str() {
            "react" => {
                run(&|d, who| {
                    Thread::toggle_reaction(d, &post_id.get_value(), &arg, who.name).map(|_| ())
                });
            }
            "quote" => ctx.quoting.set(Some(post_id.get_value())),
            "accept" => {
                let on = !accepted();
                let id = post_id.get_value();
                run(&|d, who| Thread::accept_answer(d, on.then_some(id.as_str()), who));
            }
            "edit" => {
                draft.set(post.get_untracked().map(|p| p.body).unwrap_or_default());
                editing.set(true);
            }
            "delete" if confirm("Delete this post for everyone?") => {
                run(&|d, who| Thread::delete_post(d, &post_id.get_value(), who));
            }
            _ => {}
        },
    );
    let anchor = format!("post-{id}");

    view! {
        <When when=move || first_new.get()>
            <li class="new-divider" role="separator" data-testid="new-since">"New since your last visit"</li>
        </When>
        <li class="post" id=anchor class:post-new=move || is_new.get() class:post-accepted=accepted data-post=id>
            <MarkupView html class="post-view"/>
            <When when=move || editing.get()>
                <BodyInput
                    id="edit-post"
                    label="Edit post"
                    placeholder="Your post"
                    draft
                    on_submit=Callback::new(move |()| save())
                    autofocus=true
                />
                <div class="post-actions">
                    <button class="button primary" on:click=move |_| save()>"Save"</button>
                    <button class="button subtle" on:click=move |_| editing.set(false)>"Cancel"</button>
                </div>
            </When>
            <footer class="post-foot">
                // The menu is apart from the reactions: someone else
                // reacting must not close it under the reader.
                <div class="reactions" role="group" aria-label="Reactions">
                    <MarkupView html=menu class="react-menu-slot" on_action=act/>
                    <MarkupView html=pills class="reaction-pills" on_action=act/>
                </div>
                <MarkupView html=actions class="post-actions" on_action=act/>
            </footer>
        </li>
    }
}

/// Who wrote the post and when (as of `now`), and its tags.
fn head(m: &mut Markup, p: &Post, is_new: bool, accepted: bool, now: i64) {
    let author = if p.author.is_empty() {
        "Someone"
    } else {
        &p.author
    };
    m.open("header", &[("class", "post-head")]);
    avatar(m, author);
    m.span("post-author", author).leaf(
        "time",
        &[("class", "post-time"), ("title", &local_time_label(p.at))],
        &relative_time(p.at, now),
    );
    if let Some(at) = p.edited_at {
        m.leaf(
            "span",
            &[
                ("class", "post-edited"),
                ("title", &format!("Edited {}", local_time_label(at))),
            ],
            "edited",
        );
    }
    if is_new {
        m.span("tag tag-new", "New");
    }
    if accepted {
        m.leaf(
            "span",
            &[("class", "tag tag-accepted"), ("data-testid", "accepted")],
            "✓ Accepted answer",
        );
    }
    m.close("header");
}

/// A reaction and how many gave it, pressed if `mine`.
fn reaction(m: &mut Markup, r: &Reaction, mine: bool) {
    let label = format!("{} {}", r.emoji, r.people.join(", "));
    m.open(
        "button",
        &[
            ("class", "reaction"),
            ("aria-pressed", if mine { "true" } else { "false" }),
            ("title", &label),
            ("aria-label", &label),
            ("data-action", "react"),
            ("data-id", &r.emoji),
        ],
    )
    .text(&r.emoji)
    .span("reaction-count", &r.people.len().to_string())
    .close("button");
}

/// The menu of reactions to add (the same for every post).
fn react_menu() -> String {
    let mut m = Markup::default();
    m.open("details", &[("class", "react-menu")])
        .leaf(
            "summary",
            &[
                ("class", "reaction reaction-add"),
                ("aria-label", "Add a reaction"),
                ("title", "React"),
            ],
            "☺+",
        )
        .open("div", &[("class", "react-palette")]);
    for e in REACTIONS {
        m.leaf(
            "button",
            &[
                ("class", "reaction"),
                ("aria-label", &format!("React {e}")),
                ("data-action", "react"),
                ("data-id", e),
            ],
            e,
        );
    }
    m.close("div").close("details").finish()
}

/// The buttons `allowed` gives (Edit not while editing).
fn buttons(m: &mut Markup, allowed: Allowed, accepted: bool, editing: bool) {
    let button = |m: &mut Markup, class: &str, action: &str, testid: &str, label: &str| {
        m.leaf(
            "button",
            &[
                ("class", class),
                ("data-action", action),
                ("data-testid", testid),
            ],
            label,
        );
    };
    if allowed.reply {
        button(m, "button subtle", "quote", "", "Quote");
    }
    if allowed.accept {
        let label = if accepted {
            "Unaccept"
        } else {
            "Accept answer"
        };
        button(m, "button subtle", "accept", "accept", label);
    }
    if allowed.edit && !editing {
        button(m, "button subtle", "edit", "", "Edit");
    }
    if allowed.delete {
        button(m, "button subtle danger", "delete", "", "Delete");
    }
}
