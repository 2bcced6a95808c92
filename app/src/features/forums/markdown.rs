//! Posts rendered from their Markdown: every piece becomes an element with
//! text in it (never HTML handed to the browser), so nothing anyone writes
//! can run in someone else's page.

use std::sync::Arc;

use leptos::prelude::*;
use model::forum_markdown::{Block, Span, parse};

use crate::presence::{initials, name_hash};

/// A post's Markdown as elements; `people` are the names `@` mentions.
#[component]
pub fn Markdown(
    #[prop(into)] source: Signal<String>,
    people: Memo<Arc<Vec<String>>>,
) -> impl IntoView {
    move || {
        let blocks = people.with(|p| source.with(|s| parse(s, p)));
        blocks.into_iter().map(block).collect_view()
    }
}

fn block(b: Block) -> AnyView {
    match b {
        Block::Paragraph(s) => view! { <p>{spans(s)}</p> }.into_any(),
        Block::Heading(1, s) => view! { <h3>{spans(s)}</h3> }.into_any(),
        Block::Heading(2, s) => view! { <h4>{spans(s)}</h4> }.into_any(),
        Block::Heading(_, s) => view! { <h5>{spans(s)}</h5> }.into_any(),
        Block::Quote(s) => view! { <blockquote>{spans(s)}</blockquote> }.into_any(),
        Block::List { ordered: true, items } => {
            view! { <ol>{items.into_iter().map(|i| view! { <li>{spans(i)}</li> }).collect_view()}</ol> }
                .into_any()
        }
        Block::List { ordered: false, items } => {
            view! { <ul>{items.into_iter().map(|i| view! { <li>{spans(i)}</li> }).collect_view()}</ul> }
                .into_any()
        }
        Block::Code(code) => view! { <pre><code>{code}</code></pre> }.into_any(),
        Block::Rule => view! { <hr/> }.into_any(),
    }
}

fn spans(spans: Vec<Span>) -> impl IntoView {
    spans
        .into_iter()
        .map(|s| match s {
            Span::Text(t) => t.into_any(),
            Span::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
            Span::Emphasis(t) => view! { <em>{t}</em> }.into_any(),
            Span::Code(t) => view! { <code>{t}</code> }.into_any(),
            Span::Link { text, href } => view! {
                <a href=href target="_blank" rel="noopener noreferrer nofollow">{text}</a>
            }
            .into_any(),
            Span::Mention(name) => view! { <span class="mention">"@"{name}</span> }.into_any(),
            Span::LineBreak => view! { <br/> }.into_any(),
        })
        .collect_view()
}

/// A person's initials on a colour of their own (the same on every device).
#[component]
pub fn Avatar(#[prop(into)] name: String) -> impl IntoView {
    let hue = name_hash(&name) % 360;
    view! {
        <span class="avatar" aria-hidden="true" style=format!("--hue: {hue}")>
            {initials(&name)}
        </span>
    }
}
