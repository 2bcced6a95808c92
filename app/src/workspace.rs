//! Which workspace this browser belongs to and who it is signed in as: the
//! relay says (`/api/workspace?token=…`) and the answer is kept on the
//! device, so the app opens offline next time. An invitation link is only
//! followed once the person says yes.

use protocol::DocumentId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::sign_in;
use crate::store::Store;
use crate::util::origin;

const INDEX_KEY: &str = "workspace.index";
const NAME_KEY: &str = "workspace.name";
const ROLE_KEY: &str = "workspace.role";

/// What the relay says a token is for.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub index: DocumentId,
    pub workspace: String,
    pub member: String,
    pub role: String,
    pub invitation: bool,
    /// Unix milliseconds when the token stops working.
    pub expires_ms: i64,
}

/// An invitation waiting for a yes.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub token: String,
    pub to: SignedIn,
    /// The workspace this device uses now, if any.
    pub current: Option<String>,
}

/// How the app opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    /// The workspace, with a notice when a token was refused. When it was
    /// this device's own (`signed_in` false) its records still open, and
    /// changes wait on the device.
    Ready {
        index: DocumentId,
        notice: Option<String>,
        signed_in: bool,
    },
    Invited(Invitation),
    /// No workspace on this device and no token that works.
    SignIn {
        reason: Option<String>,
    },
}

enum Answer {
    SignedIn(SignedIn),
    Refused(String),
    Unreachable(String),
}

/// Decide how to open: a link just opened (an invitation asks first), else
/// the token and workspace this device remembers.
pub async fn resolve(store: &Store) -> Result<Opening, String> {
    let remembered = sign_in::remembered(store).await;
    let captured = sign_in::take_captured().filter(|t| Some(t) != remembered.as_ref());
    let index = store.get_meta(INDEX_KEY).await.map_err(|e| e.to_string())?;
    let index = index.and_then(|id| DocumentId::parse(&id).ok());
    let mut notice = None;
    if let Some(token) = captured {
        let answer = ask(&token).await;
        if let Answer::Unreachable(_) = answer {
            // Nothing to check it against: keep it, it is tried when the
            // relay is back.
            sign_in::remember(store, &token).await?;
        }
        if let Answer::SignedIn(to) = &answer
            && !to.invitation
        {
            join(store, &token, to).await?;
        }
        sign_in::forget_link();
        match answer {
            Answer::SignedIn(to) if to.invitation => {
                let current = match index {
                    Some(_) => store.get_meta(NAME_KEY).await.ok().flatten(),
                    None => None,
                };
                return Ok(Opening::Invited(Invitation { token, to, current }));
            }
            Answer::SignedIn(to) => {
                return Ok(Opening::Ready {
                    index: to.index,
                    notice: None,
                    signed_in: true,
                });
            }
            Answer::Refused(reason) if remembered.is_none() || index.is_none() => {
                return Ok(Opening::SignIn {
                    reason: Some(format!("That sign-in link did not work: {reason}")),
                });
            }
            Answer::Refused(reason) => {
                notice = Some(format!(
                    "The link you opened did not work ({reason}); you are still signed in as before."
                ));
            }
            Answer::Unreachable(e) => {
                return match index {
                    Some(index) => Ok(Opening::Ready {
                        index,
                        notice,
                        signed_in: true,
                    }),
                    None => Err(not_joined(&e)),
                };
            }
        }
    }
    let Some(token) = remembered else {
        return Ok(Opening::SignIn { reason: None });
    };
    match (ask(&token).await, index) {
        (Answer::SignedIn(to), _) => {
            remember_workspace(store, &to).await?;
            Ok(Opening::Ready {
                index: to.index,
                notice,
                signed_in: true,
            })
        }
        (Answer::Refused(reason), Some(index)) => Ok(Opening::Ready {
            index,
            notice: Some(format!(
                "Signed out: {reason}. {}",
                crate::sync::SIGNED_OUT_HINT
            )),
            signed_in: false,
        }),
        (Answer::Refused(reason), None) => Ok(Opening::SignIn {
            reason: Some(reason),
        }),
        (Answer::Unreachable(_), Some(index)) => Ok(Opening::Ready {
            index,
            notice,
            signed_in: true,
        }),
        (Answer::Unreachable(e), None) => Err(not_joined(&e)),
    }
}

fn not_joined(why: &str) -> String {
    format!(
        "This device has not joined a workspace yet and the relay cannot be reached ({why}). Connect once, then Fieldbook works offline."
    )
}

/// Sign this device in with `token` for `to`'s workspace.
pub async fn join(store: &Store, token: &str, to: &SignedIn) -> Result<DocumentId, String> {
    sign_in::remember(store, token).await?;
    remember_workspace(store, to).await?;
    Ok(to.index)
}

async fn remember_workspace(store: &Store, to: &SignedIn) -> Result<(), String> {
    let index = to.index.to_string();
    let puts = [
        (INDEX_KEY, index.as_str()),
        (NAME_KEY, &to.workspace),
        (ROLE_KEY, &to.role),
    ];
    store
        .write_meta(&puts, &[])
        .await
        .map_err(|e| e.to_string())
}

/// Whether this device last signed in as a viewer.
pub async fn viewer(store: &Store) -> bool {
    store.get_meta(ROLE_KEY).await.ok().flatten().as_deref() == Some("viewer")
}

/// Ask the relay what `token` is for.
async fn ask(token: &str) -> Answer {
    match fetch_signed_in(token).await {
        Ok(answer) => answer,
        Err(e) => Answer::Unreachable(e),
    }
}

async fn fetch_signed_in(token: &str) -> Result<Answer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let url = format!("{}/api/workspace?token={token}", origin());
    let response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| "network error".to_owned())?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    // The browser parses the JSON: no JSON parser in the app.
    let body = match response.json() {
        Ok(body) => JsFuture::from(body).await.ok(),
        Err(_) => None,
    };
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| js_sys::Reflect::get(b, &JsValue::from_str(name)).ok())
    };
    let text = |name: &str| field(name).and_then(|v| v.as_string());
    if response.status() == 401 {
        let reason = text("error").unwrap_or_else(|| "the relay refused the token".into());
        return Ok(Answer::Refused(reason));
    }
    if !response.ok() {
        return Err(format!("relay answered {}", response.status()));
    }
    let id = text("indexDocumentId").ok_or("bad workspace answer: no indexDocumentId")?;
    Ok(Answer::SignedIn(SignedIn {
        index: DocumentId::parse(&id).map_err(|e| e.to_string())?,
        workspace: text("workspaceName").unwrap_or_default(),
        member: text("member").unwrap_or_default(),
        role: text("role").unwrap_or_default(),
        invitation: field("invitation").and_then(|v| v.as_bool()) == Some(true),
        expires_ms: field("expiresAt")
            .and_then(|v| v.as_f64())
            .map_or(0, |s| (s * 1000.0) as i64),
    }))
}
