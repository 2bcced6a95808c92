//! Posts drawn from their Markdown as escaped markup: every piece of text
//! and every address is escaped, and only web and mail addresses become
//! links (the parser drops the rest), so nothing anyone writes can run in
//! someone else's page.

use model::forum_markdown::{Block, Span, parse};

use crate::presence::{initials, name_hash};
use crate::ui::Markup;

/// `source` drawn into `m`; `people` are the names `@` mentions.
pub fn markdown(m: &mut Markup, source: &str, people: &[String]) {
    for b in parse(source, people) {
        block(m, b);
    }
}

fn block(m: &mut Markup, b: Block) {
    match b {
        Block::Paragraph(s) => wrapped(m, "p", s),
        Block::Heading(1, s) => wrapped(m, "h3", s),
        Block::Heading(2, s) => wrapped(m, "h4", s),
        Block::Heading(_, s) => wrapped(m, "h5", s),
        Block::Quote(s) => wrapped(m, "blockquote", s),
        Block::List { ordered, items } => {
            let tag = if ordered { "ol" } else { "ul" };
            m.open(tag, &[]);
            for item in items {
                wrapped(m, "li", item);
            }
            m.close(tag);
        }
        Block::Code(code) => {
            m.open("pre", &[]).leaf("code", &[], &code).close("pre");
        }
        Block::Rule => {
            m.open("hr", &[]);
        }
    }
}

/// `<tag>spans</tag>`.
fn wrapped(m: &mut Markup, tag: &str, spans: Vec<Span>) {
    m.open(tag, &[]);
    for s in spans {
        span(m, s);
    }
    m.close(tag);
}

fn span(m: &mut Markup, s: Span) {
    match s {
        Span::Text(t) => m.text(&t),
        Span::Strong(t) => m.leaf("strong", &[], &t),
        Span::Emphasis(t) => m.leaf("em", &[], &t),
        Span::Code(t) => m.leaf("code", &[], &t),
        Span::Link { text, href } => m.leaf(
            "a",
            &[
                ("href", &href),
                ("target", "_blank"),
                ("rel", "noopener noreferrer nofollow"),
            ],
            &text,
        ),
        Span::Mention(name) => m.span("mention", &format!("@{name}")),
        Span::LineBreak => m.open("br", &[]),
    };
}

/// A person's initials on a colour of their own (the same on every device).
pub fn avatar(m: &mut Markup, name: &str) {
    let hue = name_hash(name) % 360;
    m.leaf(
        "span",
        &[
            ("class", "avatar"),
            ("aria-hidden", "true"),
            ("style", &format!("--hue: {hue}")),
        ],
        &initials(name),
    );
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::markdown;
    use crate::ui::Markup;

    fn drawn(source: &str) -> String {
        let mut m = Markup::default();
        markdown(&mut m, source, &["Ana Lima".to_owned()]);
        m.finish()
    }

    #[wasm_bindgen_test]
    fn markdown_is_drawn_with_every_text_escaped() {
        assert_eq!(
            drawn("**Hi** @Ana Lima, see <b>this</b>\n\n- one\n- `two`"),
            "<p><strong>Hi</strong> <span class=\"mention\">@Ana Lima</span>, see &lt;b&gt;this&lt;/b&gt;</p>\
             <ul><li>one</li><li><code>two</code></li></ul>"
        );
    }

    #[wasm_bindgen_test]
    fn only_web_and_mail_addresses_become_links() {
        assert_eq!(
            drawn("[ok](https://example.com/?a=1&b=\"2\") [no](javascript:alert(1))"),
            "<p><a href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\" target=\"_blank\" \
             rel=\"noopener noreferrer nofollow\">ok</a> [no](javascript:alert(1))</p>"
        );
    }
}
