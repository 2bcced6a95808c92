//! One post of a thread: who wrote it and when, the post it quotes, its
//! text, its reactions, and what the reader may do with it.

use std::sync::Arc;

use leptos::prelude::*;
use model::forum_markdown::plain;
use model::forum_schema::REACTIONS;
use model::{Post, Thread, ThreadKind, ThreadSummary, same_person};
use protocol::DocumentId;

use super::composer::BodyInput;
use super::data::use_forum_data;
use super::markdown::{Avatar, Markdown};
use crate::ui::use_repo;
use crate::util::{local_time_label, now_ms, relative_time};

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
    let post = Memo::new(move |_| {
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
    let run = move |f: &dyn Fn(
        &mut automerge::AutoCommit,
        &str,
        bool,
    ) -> Result<(), model::ModelError>| {
        let (me, moderator) = who();
        let result = repo.get().edit(doc, |d| f(d, &me, moderator));
        ctx.error.set(result.err().map(|e| e.to_string()));
    };
    let save = move || {
        let body = draft.get_untracked();
        let (me, moderator) = who();
        let result = repo.get().edit(doc, |d| {
            let who = model::Who {
                name: &me,
                moderator,
            };
            Thread::edit_post(d, &post_id.get_value(), &body, who, now_ms()).map(|_| ())
        });
        match result {
            Ok(()) => {
                editing.set(false);
                ctx.error.set(None);
            }
            Err(e) => ctx.error.set(Some(e.to_string())),
        }
    };
    let remove = move |_| {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Delete this post for everyone?")
                    .ok()
            })
            .unwrap_or(false);
        if confirmed {
            run(&|d, me, moderator| {
                Thread::delete_post(
                    d,
                    &post_id.get_value(),
                    model::Who {
                        name: me,
                        moderator,
                    },
                )
            });
        }
    };
    let accepted = move || {
        ctx.thread
            .get()
            .and_then(|t| t.accepted.clone())
            .is_some_and(|a| a == post_id.get_value())
    };
    let toggle_accept = move |_| {
        let on = !accepted();
        run(&|d, me, moderator| {
            let id = post_id.get_value();
            Thread::accept_answer(
                d,
                on.then_some(id.as_str()),
                model::Who {
                    name: me,
                    moderator,
                },
            )
        });
    };
    let react = move |emoji: String| {
        run(&|d, me, _| Thread::toggle_reaction(d, &post_id.get_value(), &emoji, me).map(|_| ()));
    };
    let can = move |what: Action| {
        let Some(p) = post.get() else { return false };
        let Some(t) = ctx.thread.get() else {
            return false;
        };
        let (me, moderator) = who();
        let mine = same_person(&p.author, &me);
        let opening = t.posts.first().is_some_and(|o| o.id == p.id);
        !p.deleted
            && match what {
                Action::Reply => !t.locked,
                Action::Edit => mine && !t.locked,
                Action::Delete => (mine || moderator) && !opening,
                Action::Accept => {
                    t.kind == ThreadKind::Question
                        && !opening
                        && (moderator || same_person(&t.author, &me))
                }
            }
    };
    let quoted = move || {
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
    };
    let body = Signal::derive(move || post.get().map(|p| p.body).unwrap_or_default());
    let anchor = format!("post-{id}");

    view! {
        <Show when=move || first_new.get()>
            <li class="new-divider" role="separator" data-testid="new-since">"New since your last visit"</li>
        </Show>
        <li class="post" id=anchor class:post-new=move || is_new.get() class:post-accepted=accepted data-post=id.clone()>
            {move || post.get().map(|p| {
                let author = if p.author.is_empty() { "Someone".to_owned() } else { p.author.clone() };
                view! {
                    <header class="post-head">
                        <Avatar name=author.clone()/>
                        <span class="post-author">{author}</span>
                        <time class="post-time" title=local_time_label(p.at)>{relative_time(p.at, now_ms())}</time>
                        {p.edited_at.map(|at| view! { <span class="post-edited" title=format!("Edited {}", local_time_label(at))>"edited"</span> })}
                        <Show when=move || is_new.get()><span class="tag tag-new">"New"</span></Show>
                        <Show when=accepted><span class="tag tag-accepted" data-testid="accepted">"✓ Accepted answer"</span></Show>
                    </header>
                }
            })}
            {move || quoted().map(|(q, author, text)| view! {
                <a class="post-quote" href=format!("#post-{q}")>
                    <span class="post-quote-author">{author}" wrote"</span>
                    <span class="post-quote-text">{text}</span>
                </a>
            })}
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <Show
                        when=move || post.get().is_some_and(|p| p.deleted)
                        fallback=move || view! { <div class="post-body"><Markdown source=body people=data.people/></div> }
                    >
                        <p class="post-deleted">"This post was deleted."</p>
                    </Show>
                }
            >
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
            </Show>
            <footer class="post-foot">
                <div class="reactions" role="group" aria-label="Reactions">
                    {move || post.get().map(|p| p.reactions).unwrap_or_default().into_iter().map(|r| {
                        let mine = r.people.iter().any(|n| same_person(n, &me()));
                        let emoji = r.emoji.clone();
                        let label = format!("{} {}", r.emoji, r.people.join(", "));
                        view! {
                            <button class="reaction" aria-pressed=mine.to_string() title=label.clone() aria-label=label
                                on:click=move |_| react(emoji.clone())>
                                {r.emoji.clone()}<span class="reaction-count">{r.people.len()}</span>
                            </button>
                        }
                    }).collect_view()}
                    <details class="react-menu">
                        <summary class="reaction reaction-add" aria-label="Add a reaction" title="React">"☺+"</summary>
                        <div class="react-palette">
                            {REACTIONS.iter().map(|e| view! {
                                <button class="reaction" aria-label=format!("React {e}") on:click=move |ev| {
                                    react((*e).to_owned());
                                    close_menu(&ev);
                                }>{*e}</button>
                            }).collect_view()}
                        </div>
                    </details>
                </div>
                <div class="post-actions">
                    <Show when=move || can(Action::Reply)>
                        <button class="button subtle" on:click=move |_| ctx.quoting.set(Some(post_id.get_value()))>"Quote"</button>
                    </Show>
                    <Show when=move || can(Action::Accept)>
                        <button class="button subtle" on:click=toggle_accept data-testid="accept">
                            {move || if accepted() { "Unaccept" } else { "Accept answer" }}
                        </button>
                    </Show>
                    <Show when=move || can(Action::Edit) && !editing.get()>
                        <button class="button subtle" on:click=move |_| {
                            draft.set(post.get_untracked().map(|p| p.body).unwrap_or_default());
                            editing.set(true);
                        }>"Edit"</button>
                    </Show>
                    <Show when=move || can(Action::Delete)>
                        <button class="button subtle danger" on:click=remove>"Delete"</button>
                    </Show>
                </div>
            </footer>
        </li>
    }
}

#[derive(Clone, Copy)]
enum Action {
    Reply,
    Edit,
    Delete,
    Accept,
}

/// Close the reaction menu a click came from.
fn close_menu(e: &leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    if let Some(menu) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("details").ok().flatten())
    {
        let _ = menu.remove_attribute("open");
    }
}
