//! Client-side navigation: the address bar's path as a signal, links that
//! change it with `history.pushState` instead of loading a page, and back
//! and forward (`popstate`). The app has a handful of fixed routes, matched
//! in [`super::app`]; a router crate would cost more than they do.

use super::memo;
use leptos::ev;
use leptos::prelude::*;
use protocol::DocumentId;
use wasm_bindgen::JsValue;

/// The path of the page shown (`/escalations/…`), in step with the address
/// bar.
#[derive(Clone, Copy)]
struct Location(RwSignal<String>);

fn window_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".to_owned())
}

/// Track the address bar for the views inside; back and forward change it.
pub fn provide_location() -> Signal<String> {
    let path = RwSignal::new(window_path());
    let back_forward = window_event_listener(ev::popstate, move |_| {
        let now = window_path();
        if path.with_untracked(|p| *p != now) {
            path.set(now);
        }
    });
    on_cleanup(move || back_forward.remove());
    provide_context(Location(path));
    path.into()
}

fn use_location() -> RwSignal<String> {
    expect_context::<Location>().0
}

/// Show the page at `to` (a path in the app), as following a link does: a
/// new history entry, scrolled to the top.
fn go(path: RwSignal<String>, to: &str) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to));
    }
    path.set(window_path());
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// A function that shows the page at a path, for views that open a page
/// themselves (after creating a record).
pub fn use_navigate() -> impl Fn(&str) + Copy + 'static {
    let path = use_location();
    move |to: &str| go(path, to)
}

/// The record id in the path (`/escalations/:id`), if it is one.
pub fn route_id() -> impl Fn() -> Option<DocumentId> + Copy {
    let path = use_location();
    let id = memo(move || {
        path.with(|p| {
            p.trim_matches('/')
                .split('/')
                .nth(1)
                .and_then(|s| DocumentId::parse(s).ok())
        })
    });
    move || id.get()
}

/// Whether the page at `path` is the one `href` links to: the same path, or
/// (unless `exact`) a path under it.
fn is_current(path: &str, href: &str, exact: bool) -> bool {
    match path.strip_prefix(href) {
        Some("") => true,
        Some(rest) => !exact && rest.starts_with('/'),
        None => false,
    }
}

/// A function telling whether the page shown (tracked) is the one `href`
/// links to, as [`Link`] marks it: for links drawn as markup.
pub fn use_current() -> impl Fn(&str, bool) -> bool + Copy + 'static {
    let path = use_location();
    move |href: &str, exact: bool| path.with(|p| is_current(p, href, exact))
}

/// Whether a click on a link is one the app should follow itself: the main
/// button with no modifier key (others open a new tab or window), not
/// already handled.
pub fn is_plain_click(e: &ev::MouseEvent) -> bool {
    !(e.default_prevented()
        || e.button() != 0
        || e.meta_key()
        || e.alt_key()
        || e.ctrl_key()
        || e.shift_key())
}

/// A link to a page of the app: followed without reloading, and marked
/// `aria-current="page"` while that page (or, unless `exact`, one under it)
/// is shown. Clicks with a modifier key or another button are left to the
/// browser (a new tab, a new window).
#[component]
pub fn Link(
    #[prop(into)] href: String,
    /// Current on exactly this path only, not on the paths under it.
    #[prop(optional)]
    exact: bool,
    children: Children,
) -> impl IntoView {
    let path = use_location();
    let target = href.clone();
    let is_current = use_current();
    let current = {
        let href = href.clone();
        move || is_current(&href, exact).then_some("page")
    };
    let follow = move |e: ev::MouseEvent| {
        if is_plain_click(&e) {
            e.prevent_default();
            go(path, &target);
        }
    };
    view! {
        <a href=href aria-current=current on:click=follow>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::is_current;

    #[wasm_bindgen_test]
    fn a_link_is_current_on_its_page_and_the_pages_under_it() {
        assert!(is_current("/escalations", "/escalations", false));
        assert!(is_current("/escalations/abc", "/escalations", false));
        assert!(is_current("/escalations/", "/escalations", false));
        assert!(!is_current("/escalations-old", "/escalations", false));
        assert!(!is_current("/systemic", "/escalations", false));
        assert!(!is_current("/escalations/abc", "/escalations", true));
        assert!(is_current("/", "/", true));
        assert!(!is_current("/trends", "/", false));
    }
}
