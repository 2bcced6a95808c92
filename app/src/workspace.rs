//! Which workspace this browser belongs to: the relay says (`/api/workspace`)
//! and the answer is kept on the device, so the app opens offline next time.

use protocol::DocumentId;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::store::Store;
use crate::util::origin;

const INDEX_KEY: &str = "workspace.index";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceInfo {
    index_document_id: String,
}

/// The workspace index document id: from the relay when it answers, else the
/// one remembered on this device.
pub async fn resolve(store: &Store) -> Result<DocumentId, String> {
    match fetch_index_id().await {
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

async fn fetch_index_id() -> Result<DocumentId, String> {
    let window = web_sys::window().ok_or("no window")?;
    let url = format!("{}/api/workspace", origin());
    let response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| "network error".to_owned())?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    if !response.ok() {
        return Err(format!("relay answered {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| "unreadable body".to_owned())?)
        .await
        .map_err(|_| "unreadable body".to_owned())?
        .as_string()
        .ok_or("body is not text")?;
    let info: WorkspaceInfo =
        serde_json::from_str(&text).map_err(|e| format!("bad workspace answer: {e}"))?;
    DocumentId::parse(&info.index_document_id).map_err(|e| e.to_string())
}
