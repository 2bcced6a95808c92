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

thread_local! {
    /// A token taken from the address bar at start, not yet remembered.
    static CAPTURED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// At start, before the router: take a sign-in token out of the address bar.
pub fn capture() {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let fragment = location.hash().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    if let Some(token) = token_in(&fragment, &query) {
        CAPTURED.with(|c| *c.borrow_mut() = Some(token));
        strip_from_address_bar(&location);
    }
}

/// The token for this device: the one the page was opened with (now
/// remembered), else the remembered one.
pub async fn token(store: &Store) -> Option<String> {
    if let Some(token) = CAPTURED.with(|c| c.borrow_mut().take()) {
        if let Err(e) = store.set_meta(TOKEN_KEY, &token).await {
            gloo::console::warn!(format!("could not keep the sign-in token: {e}"));
        }
        return Some(token);
    }
    store.get_meta(TOKEN_KEY).await.ok().flatten()
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
    use super::token_in;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_token_comes_from_the_fragment_or_the_query() {
        assert_eq!(token_in("#token=fb_1", "").as_deref(), Some("fb_1"));
        assert_eq!(token_in("", "?a=1&token=fb_2").as_deref(), Some("fb_2"));
        assert_eq!(token_in("#token=", ""), None);
        assert_eq!(token_in("", ""), None);
    }
}
