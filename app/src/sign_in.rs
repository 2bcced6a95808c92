//! Signing in: the relay prints (and invitations carry) a link with the
//! access token, `/#token=…` or `/?token=…`. The app keeps the token in
//! IndexedDB, takes it out of the address bar (so it is not bookmarked,
//! shared or sent as a referrer) and presents it on the WebSocket URL.

use crate::store::Store;

const TOKEN_KEY: &str = "relay.token";

/// The token in `fragment` (`#token=…`) or `query` (`?token=…`), if any.
pub fn token_in(fragment: &str, query: &str) -> Option<String> {
    [fragment, query]
        .into_iter()
        .flat_map(|part| part.trim_start_matches(['#', '?']).split('&'))
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The token in something a person pasted: a whole sign-in or invitation
/// link, or the bare token (`fb_…`).
pub fn token_in_link(link: &str) -> Option<String> {
    let link = link.trim();
    if link.starts_with("fb_") && !link.contains(['#', '?', '&', ' ']) {
        return Some(link.to_owned());
    }
    let (rest, fragment) = link.split_once('#').unwrap_or((link, ""));
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    token_in(fragment, query)
}

thread_local! {
    /// A token taken from the address bar at start, not yet remembered.
    static CAPTURED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// At start, before the router: note a sign-in token in the address bar
/// (and start over whenever a link with one is opened in this tab: that
/// only changes the fragment). It stays in the address bar until it has
/// been dealt with ([`forget_link`]), so a reload meanwhile does not lose it.
pub fn capture() {
    // The handle is not kept: the listener lives as long as the page.
    let _ = leptos::prelude::window_event_listener(leptos::ev::hashchange, |_| {
        if let Some(location) = web_sys::window().map(|w| w.location())
            && location.hash().is_ok_and(|h| token_in(&h, "").is_some())
        {
            let _ = location.reload();
        }
    });
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let fragment = location.hash().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    if let Some(token) = token_in(&fragment, &query) {
        CAPTURED.with(|c| *c.borrow_mut() = Some(token));
    }
}

/// Take the sign-in token out of the address bar (so it is not bookmarked,
/// shared or sent as a referrer), once it is remembered or refused.
pub fn forget_link() {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        strip_from_address_bar(&location);
    }
}

/// The token the page was opened with, once.
pub fn take_captured() -> Option<String> {
    CAPTURED.with(|c| c.borrow_mut().take())
}

/// Sign in with `token` as if the page had been opened with it: reloads.
pub fn open_with(token: &str) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.set_hash(&format!("token={token}"));
        let _ = location.reload();
    }
}

/// The token this device signed in with.
pub async fn remembered(store: &Store) -> Option<String> {
    store.get_meta(TOKEN_KEY).await.ok().flatten()
}

pub async fn remember(store: &Store, token: &str) -> Result<(), String> {
    store
        .set_meta(TOKEN_KEY, token)
        .await
        .map_err(|e| format!("could not keep the sign-in token: {e}"))
}

fn strip_from_address_bar(location: &web_sys::Location) {
    // Keep the path and any other query parameters; drop the fragment.
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let query = location.search().unwrap_or_default();
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("token="))
        .collect();
    let path = if kept.is_empty() {
        path
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

#[cfg(test)]
mod tests {
    use super::{token_in, token_in_link};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_token_comes_from_the_fragment_or_the_query() {
        assert_eq!(token_in("#token=fb_1", "").as_deref(), Some("fb_1"));
        assert_eq!(token_in("", "?a=1&token=fb_2").as_deref(), Some("fb_2"));
        assert_eq!(token_in("#token=", ""), None);
        assert_eq!(token_in("", ""), None);
    }

    #[wasm_bindgen_test]
    fn a_pasted_link_or_bare_token_signs_in() {
        let link = "http://127.0.0.1:8080/#token=fb_abc";
        assert_eq!(token_in_link(link).as_deref(), Some("fb_abc"));
        let query = " https://fieldbook.example/plans?x=1&token=fb_q ";
        assert_eq!(token_in_link(query).as_deref(), Some("fb_q"));
        assert_eq!(token_in_link("fb_bare").as_deref(), Some("fb_bare"));
        assert_eq!(token_in_link("http://127.0.0.1:8080/"), None);
        assert_eq!(token_in_link("hello there"), None);
    }
}
