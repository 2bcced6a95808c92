//! Fieldbook's relay: syncs automerge documents between people over the
//! automerge-repo network protocol (WebSocket at `/sync`), persists every
//! document it sees, and serves the built app at `/`.
//!
//! [`Relay::open`] sets up storage and the default workspace; [`app`] is the
//! HTTP router (tests call it directly); [`run`] serves it until `shutdown`
//! resolves, then closes every connection cleanly.

pub mod access;
pub mod cli;
mod connection;
pub mod eviction;
pub mod hub;
pub mod local_peer;
pub mod replay;
mod shell;
pub mod storage;
pub mod workspace;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{RawQuery, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use protocol::{PeerId, PeerMetadata};
use rand::Rng;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::access::Access;
pub use crate::connection::Limits;
use crate::hub::Hub;
use crate::storage::{SqliteStorage, Storage, StorageError};
use crate::workspace::Workspace;

/// The embedded store in `data_dir` (created if needed).
pub fn open_store(data_dir: &Path) -> Result<SqliteStorage, StorageError> {
    std::fs::create_dir_all(data_dir).map_err(|e| StorageError::Open {
        path: data_dir.display().to_string(),
        reason: e.to_string(),
    })?;
    SqliteStorage::open(&data_dir.join("fieldbook.sqlite3"))
}

/// A relay ready to serve: storage open, default workspace in place.
#[derive(Clone)]
pub struct Relay {
    hub: Arc<Hub>,
    metadata: PeerMetadata,
    workspace: Workspace,
    shutdown: watch::Sender<bool>,
    connections: Arc<Connections>,
    /// Drop documents nobody syncs from memory after this long (`None`: never).
    idle_timeout: Option<Duration>,
    access: Arc<Access>,
    limits: Limits,
    /// Origins allowed besides the relay's own (browsers send `Origin`).
    origins: Arc<Vec<String>>,
}

/// Open connections, so shutdown can wait for each to finish what it is
/// doing (a write to storage in particular) before the process exits.
#[derive(Default)]
struct Connections {
    open: AtomicUsize,
    closed: Notify,
}

/// Held by a connection task for as long as it runs.
struct ConnectionGuard(Arc<Connections>);

impl ConnectionGuard {
    fn new(connections: &Arc<Connections>) -> Self {
        connections.open.fetch_add(1, Ordering::SeqCst);
        ConnectionGuard(connections.clone())
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.closed.notify_waiters();
    }
}

/// How long shutdown waits for connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

impl Relay {
    /// A relay over `storage`.
    pub fn open(storage: Arc<dyn Storage>) -> Result<Self, StorageError> {
        let workspace = workspace::ensure_default(storage.as_ref())?;
        workspace::ensure_default_access(storage.as_ref(), &workspace)?;
        let access = Arc::new(Access::load(storage.clone())?);
        let storage_id = workspace::storage_id(storage.as_ref())?;
        let me = PeerId::from_random("relay", rand::rng().random());
        Ok(Relay {
            hub: Arc::new(Hub::new(me, storage)),
            metadata: PeerMetadata {
                storage_id: Some(storage_id),
                is_ephemeral: false,
            },
            workspace,
            shutdown: watch::channel(false).0,
            connections: Arc::default(),
            idle_timeout: Some(eviction::DEFAULT_IDLE_TIMEOUT),
            access,
            limits: Limits::default(),
            origins: Arc::default(),
        })
    }

    /// Caps on connections and message rates.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Browser origins allowed besides the relay's own.
    pub fn allow_origins(mut self, origins: Vec<String>) -> Self {
        self.origins = Arc::new(origins);
        self
    }

    /// Tokens, memberships and document owners.
    pub fn access(&self) -> &Arc<Access> {
        &self.access
    }

    /// Drop a document nobody syncs from memory once it has been idle for
    /// `idle` (`None`: keep every document loaded until the relay stops).
    pub fn evict_idle_after(mut self, idle: Option<Duration>) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// A relay over the embedded SQLite store in `data_dir` (created if missing).
    pub fn open_dir(data_dir: &Path) -> Result<Self, StorageError> {
        Self::open(Arc::new(open_store(data_dir)?))
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn peer_id(&self) -> &PeerId {
        self.hub.peer_id()
    }

    /// The documents and their peers (for tests and benchmarks).
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }
}

/// The HTTP surface: `/sync` (WebSocket), `/api/workspace`, and the app
/// from `dist` (any unknown path gets `index.html`, for the app's routes)
/// with its service worker at `/sw.js`.
pub fn app(relay: Relay, dist: Option<PathBuf>) -> Router {
    let router = Router::new()
        .route("/sync", get(sync_socket))
        .route("/api/workspace", get(workspace_info))
        .route("/healthz", get(|| async { "ok" }));
    let router = match dist {
        Some(dist) => {
            let index = ServeFile::new(dist.join("index.html"));
            let worker = dist.clone();
            router
                .route(
                    shell::WORKER_PATH,
                    get(move || shell::serve_worker(worker.clone())),
                )
                .fallback_service(ServeDir::new(dist).fallback(index))
        }
        None => router,
    };
    router.layer(CompressionLayer::new()).with_state(relay)
}

/// Each connection's read buffer, allocated whole when the socket opens
/// (tungstenite's default, 128 KiB, was most of an idle connection's
/// memory); it grows as a large frame needs.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The WebSocket endpoint. Refused before the upgrade, with a status and a
/// sentence: a browser origin that is not allowed (403), a missing or bad
/// `token` (401), too many open connections (503).
async fn sync_socket(
    ws: WebSocketUpgrade,
    State(relay): State<Relay>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let own = origin.split_once("://").is_some_and(|(_, h)| h == host);
        if !own && !relay.origins.iter().any(|o| o == origin) {
            let reason = format!("origin `{origin}` is not allowed to sync with this relay");
            return (StatusCode::FORBIDDEN, reason).into_response();
        }
    }
    let token = token_in(query.as_deref());
    let grant = match relay.access.authenticate(token.as_deref()) {
        Ok(grant) => grant,
        Err(e) => return (StatusCode::UNAUTHORIZED, e.to_string()).into_response(),
    };
    let open = relay.connections.open.load(Ordering::SeqCst);
    if open >= relay.limits.max_connections {
        let reason = format!(
            "too many connections ({open} open, the cap is {}); try again later",
            relay.limits.max_connections
        );
        return (StatusCode::SERVICE_UNAVAILABLE, reason).into_response();
    }
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(relay.limits.max_frame_bytes)
        .max_frame_size(relay.limits.max_frame_bytes)
        .on_upgrade(move |socket| async move {
            let _open = ConnectionGuard::new(&relay.connections);
            let session = connection::Session {
                hub: relay.hub.clone(),
                access: relay.access.clone(),
                grant,
                limits: relay.limits,
            };
            connection::serve(
                socket,
                session,
                relay.metadata.clone(),
                relay.shutdown.subscribe(),
            )
            .await
        })
        .into_response()
}

/// The signed-in workspace's index and who the token (`?token=`) says the
/// browser is. No token, or one that does not work: 401 with the reason as
/// `{"error": …}` (nothing about any workspace).
async fn workspace_info(State(relay): State<Relay>, RawQuery(query): RawQuery) -> Response {
    let token = token_in(query.as_deref());
    let grant = match relay.access.authenticate(token.as_deref()) {
        Ok(grant) => grant,
        Err(e) => {
            let body = Json(serde_json::json!({ "error": e.to_string() }));
            return (StatusCode::UNAUTHORIZED, body).into_response();
        }
    };
    let storage = relay.hub.storage().clone();
    match tokio::task::spawn_blocking(move || workspace::signed_in(storage.as_ref(), &grant)).await
    {
        Ok(Ok(signed_in)) => Json(signed_in).into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The `token` query parameter.
fn token_in(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .map(str::to_owned)
}

/// Serve `relay` on `listener` until `shutdown` resolves (evicting idle
/// documents from memory meanwhile); then every open
/// connection finishes the message it is handling (its writes reach
/// storage), is closed with a close frame, and this returns.
pub async fn run(
    listener: TcpListener,
    relay: Relay,
    dist: Option<PathBuf>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let closing = relay.shutdown.clone();
    let connections = relay.connections.clone();
    if let Some(idle) = relay.idle_timeout {
        let stop = relay.shutdown.subscribe();
        tokio::spawn(eviction::sweep(relay.hub.clone(), idle, stop));
    }
    tokio::spawn(relay.access.clone().watch_store(relay.shutdown.subscribe()));
    let router = app(relay, dist);
    // A sync message is small and wanted at once: without TCP_NODELAY a
    // reply waited on the peer's delayed acknowledgement (~40 ms).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = closing.send(true);
        })
        .await?;
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        loop {
            let closed = connections.closed.notified();
            let mut closed = std::pin::pin!(closed);
            // Register before checking, so a close in between is not missed.
            closed.as_mut().enable();
            if connections.open.load(Ordering::SeqCst) == 0 {
                return;
            }
            closed.await;
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!("connections still open after {DRAIN_TIMEOUT:?}; exiting anyway");
    }
    Ok(())
}
