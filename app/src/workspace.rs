//! Which workspace this browser belongs to: the relay says (`/api/workspace`)
//! and the answer is kept on the device, so the app opens offline next time.

use protocol::DocumentId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::store::Store;
use crate::util::origin;

const INDEX_KEY: &str = "workspace.index";

/// The workspace index document id: from the relay when it answers, else the
/// one remembered on this device.
pub async fn resolve(store: &Store) -> Result<DocumentId, String> {
    let token = crate::sign_in::token(store).await;
    match fetch_index_id(token.as_deref()).await {
        Ok(id) => {
            store
                .set_meta(INDEX_KEY, &id.to_string())
                .await
                .map_err(|e| e.to_string())?;
            Ok(id)
        }
        Err(fetch_error) => {
            let remembered = store.get_meta(INDEX_KEY).await.map_err(|e| e.to_string())?;
            match remembered {
                Some(id) => DocumentId::parse(&id).map_err(|e| e.to_string()),
                None => Err(format!(
                    "This device has not joined a workspace yet and the relay cannot be reached ({fetch_error}). Connect once, then Fieldbook works offline."
                )),
            }
        }
    }
}

async fn fetch_index_id(token: Option<&str>) -> Result<DocumentId, String> {
    let window = web_sys::window().ok_or("no window")?;
    // The signed-in workspace's index (the default one without a token).
    let url = match token {
        Some(token) => format!("{}/api/workspace?token={token}", origin()),
        None => format!("{}/api/workspace", origin()),
    };
    let response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| "network error".to_owned())?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    if !response.ok() {
        return Err(format!("relay answered {}", response.status()));
    }
    // The browser parses the JSON (`{"indexDocumentId": "…"}`): no JSON
    // parser in the app.
    let info = JsFuture::from(response.json().map_err(|_| "unreadable body".to_owned())?)
        .await
        .map_err(|_| "bad workspace answer: not JSON".to_owned())?;
    let id = js_sys::Reflect::get(&info, &JsValue::from_str("indexDocumentId"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("bad workspace answer: no indexDocumentId")?;
    DocumentId::parse(&id).map_err(|e| e.to_string())
}
