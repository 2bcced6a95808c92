//! Read-only lists drawn as HTML text: boards, tables, histories.
//!
//! Every typed view, attribute and event handler compiles to code of its
//! own in the app's WebAssembly, and lists of records have many. Drawing a
//! list that people only read and click as one string of HTML costs a few
//! calls instead: [`Markup`] builds it, escaping every value, and
//! [`MarkupView`] shows it, following its links inside the app and
//! reporting clicks on its `data-action` buttons. Anything people type into
//! stays a typed view.

use automerge::AutoCommit;
use leptos::ev;
use leptos::prelude::*;
use protocol::DocumentId;
use wasm_bindgen::JsCast;

use super::route::{is_plain_click, use_navigate};
use super::{effect, memo, use_repo};

/// HTML text with every attribute value and text escaped.
#[derive(Default)]
pub struct Markup(String);

impl Markup {
    /// `<tag name="value"…>`; attributes with an empty value are left out.
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs.iter().filter(|(_, v)| !v.is_empty()) {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            self.escaped(value);
            self.0.push('"');
        }
        self.0.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        self.escaped(text);
        self
    }

    /// Markup another [`Markup`] made (so already escaped).
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.0.push_str(html);
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn leaf(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// `<span class="class">text</span>`, the most common leaf.
    pub fn span(&mut self, class: &str, text: &str) -> &mut Self {
        self.leaf("span", &[("class", class)], text)
    }

    /// A figure with what it counts: `<div class="stat">…</div>`.
    pub fn stat(&mut self, value: &str, label: &str) -> &mut Self {
        self.open("div", &[("class", "stat")])
            .span("stat-value", value)
            .span("stat-label", label)
            .close("div")
    }

    /// The HTML made so far (the builder is left empty).
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.0)
    }

    fn escaped(&mut self, s: &str) {
        crate::util::push_escaped(&mut self.0, s);
    }
}

/// What `draw` makes of document `doc`, drawn again when the document
/// changes (nothing while it is not on this device).
pub fn doc_markup(
    doc: DocumentId,
    draw: impl Fn(&AutoCommit, &mut Markup) + Send + Sync + 'static,
) -> Memo<String> {
    let repo = use_repo();
    memo(move || {
        repo.get()
            .read(doc, |d| {
                let mut m = Markup::default();
                draw(d, &mut m);
                m.finish()
            })
            .unwrap_or_default()
    })
}

/// `html` (made with [`Markup`]) in a `<div class=class>`. Links in it to
/// pages of the app open without reloading; a click on an element with
/// `data-action` runs `on_action` with that action and the element's
/// `data-id`, and closes the `<details>` menu it was chosen from.
#[component]
pub fn MarkupView(
    #[prop(into)] html: Signal<String>,
    class: &'static str,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] on_action: Option<Callback<(String, String)>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let click = move |e: ev::MouseEvent| {
        let Some(target) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let (Some(on_action), Ok(Some(el))) = (on_action, target.closest("[data-action]")) {
            on_action.run((attr(&el, "data-action"), attr(&el, "data-id")));
            // A choice made in a menu (`<details>`) closes it.
            if let Ok(Some(menu)) = el.closest("details[open]") {
                let _ = menu.remove_attribute("open");
            }
        } else if let Ok(Some(link)) = target.closest("a[href^='/']")
            && is_plain_click(&e)
        {
            e.prevent_default();
            navigate(&attr(&link, "href"));
        }
    };
    let node = NodeRef::<leptos::html::Div>::new();
    effect(move || {
        let html = html.get();
        if let Some(div) = node.get() {
            draw(&div, &html);
        }
    });
    view! {
        <div
            node_ref=node
            class=class
            data-testid=(!testid.is_empty()).then_some(testid)
            on:click=click
        ></div>
    }
}

fn attr(el: &web_sys::Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// Put `html` in `div`. An element of it that had the keyboard's focus (a
/// button or a link, however it came to be drawn again: its own action,
/// someone else's change, the clock) hands the focus to the one drawn in
/// its place, if there is one.
fn draw(div: &web_sys::Element, html: &str) {
    let focused = document()
        .active_element()
        .filter(|a| div.contains(Some(a)))
        .and_then(|a| identity(&a));
    div.set_inner_html(html);
    let Some(was) = focused else { return };
    let Ok(all) = div.query_selector_all("[data-action], [href]") else {
        return;
    };
    let same = (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|el| identity(el).as_ref() == Some(&was));
    if let Some(el) = same {
        let _ = el.focus();
    }
}

/// What tells an element of the markup apart when it is drawn again: a
/// button's action and id, or a link's address.
fn identity(el: &web_sys::Element) -> Option<(String, String)> {
    if el.has_attribute("data-action") {
        Some((attr(el, "data-action"), attr(el, "data-id")))
    } else if el.has_attribute("href") {
        Some((String::new(), attr(el, "href")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::Markup;

    #[wasm_bindgen_test]
    fn every_value_is_escaped_and_empty_attributes_left_out() {
        let mut m = Markup::default();
        m.open(
            "li",
            &[("class", "row"), ("data-id", "a\"b"), ("title", "")],
        )
        .span("who", "<script>alert('x') & co</script>")
        .close("li");
        assert_eq!(
            m.finish(),
            "<li class=\"row\" data-id=\"a&quot;b\"><span class=\"who\">&lt;script&gt;alert(&#39;x&#39;) &amp; co&lt;/script&gt;</span></li>"
        );
    }
}
