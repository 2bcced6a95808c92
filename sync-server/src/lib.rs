//! Fieldbook's relay: syncs automerge documents between people over the
//! automerge-repo network protocol (WebSocket at `/sync`), persists every
//! document it sees, and serves the built app at `/`.
//!
//! [`Relay::open`] sets up storage and the default workspace; [`app`] is the
//! HTTP router (tests call it directly); [`run`] serves it until `shutdown`
//! resolves, then closes every connection cleanly.

mod connection;
pub mod hub;
pub mod storage;
pub mod workspace;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{State, WebSocketUpgrade};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use protocol::{MAX_FRAME_BYTES, PeerId, PeerMetadata};
use rand::Rng;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::hub::Hub;
use crate::storage::{SqliteStorage, Storage, StorageError};
use crate::workspace::Workspace;

/// A relay ready to serve: storage open, default workspace in place.
#[derive(Clone)]
pub struct Relay {
    hub: Arc<Hub>,
    metadata: PeerMetadata,
    workspace: Workspace,
    shutdown: watch::Sender<bool>,
}

impl Relay {
    /// A relay over `storage`.
    pub fn open(storage: Arc<dyn Storage>) -> Result<Self, StorageError> {
        let workspace = workspace::ensure_default(storage.as_ref())?;
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
        })
    }

    /// A relay over the embedded SQLite store in `data_dir` (created if missing).
    pub fn open_dir(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StorageError::Open {
            path: data_dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let storage = SqliteStorage::open(&data_dir.join("fieldbook.sqlite3"))?;
        Self::open(Arc::new(storage))
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn peer_id(&self) -> &PeerId {
        self.hub.peer_id()
    }
}

/// The HTTP surface: `/sync` (WebSocket), `/api/workspace`, and the app
/// from `dist` (any unknown path gets `index.html`, for the app's routes).
pub fn app(relay: Relay, dist: Option<PathBuf>) -> Router {
    let router = Router::new()
        .route("/sync", get(sync_socket))
        .route("/api/workspace", get(workspace_info))
        .route("/healthz", get(|| async { "ok" }));
    let router = match dist {
        Some(dist) => {
            let index = ServeFile::new(dist.join("index.html"));
            router.fallback_service(ServeDir::new(dist).fallback(index))
        }
        None => router,
    };
    router.layer(CompressionLayer::new()).with_state(relay)
}

async fn sync_socket(ws: WebSocketUpgrade, State(relay): State<Relay>) -> impl IntoResponse {
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| {
            connection::serve(
                socket,
                relay.hub.clone(),
                relay.metadata.clone(),
                relay.shutdown.subscribe(),
            )
        })
}

async fn workspace_info(State(relay): State<Relay>) -> Json<Workspace> {
    Json(relay.workspace.clone())
}

/// Serve `relay` on `listener` until `shutdown` resolves; then every open
/// connection is closed with a close frame and this returns.
pub async fn run(
    listener: TcpListener,
    relay: Relay,
    dist: Option<PathBuf>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let closing = relay.shutdown.clone();
    let router = app(relay, dist);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = closing.send(true);
        })
        .await
}
