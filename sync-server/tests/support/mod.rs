//! A protocol client for tests: a real WebSocket to the relay driven by the
//! same `ClientSession` and `DocSync` the browser app uses.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::time::Duration;

use automerge::AutoCommit;
use futures_util::{SinkExt, StreamExt};
use model::{AccountPlan, PlanField};
use protocol::{ClientEvent, ClientSession, DocSync, DocumentId, Message, PeerId, PeerMetadata};
use sync_server::access::{Role, admin};
use sync_server::{Relay, run};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a silence means the relay has nothing more to say.
const QUIET: Duration = Duration::from_millis(500);

pub struct Client {
    pub session: ClientSession,
    pub ws: Ws,
    /// How long a silence ends [`Client::sync`].
    pub quiet: Duration,
}

/// The connection to the relay is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost;

/// How a wait for the next frame ended.
enum Next {
    Frame(Vec<u8>),
    Silent,
    Closed,
}

impl Client {
    /// Connect and finish the handshake.
    pub async fn connect(url: &str, name: &str) -> Self {
        Self::try_connect(url, name)
            .await
            .expect("connect and handshake")
    }

    /// Connect and finish the handshake; `None` if the relay is not there.
    pub async fn try_connect(url: &str, name: &str) -> Option<Self> {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.ok()?;
        let mut session = ClientSession::new(PeerId::new(name));
        let join = session.on_open(PeerMetadata::default());
        ws.send(Frame::Binary(join.encode().into())).await.ok()?;
        let Next::Frame(answer) = next_frame(&mut ws, QUIET).await else {
            return None;
        };
        match session.on_frame(&answer) {
            Ok(ClientEvent::Connected(_)) => Some(Client {
                session,
                ws,
                quiet: QUIET,
            }),
            other => panic!("handshake failed: {other:?}"),
        }
    }

    pub fn relay(&self) -> PeerId {
        self.session.relay().cloned().expect("connected")
    }

    pub async fn send(&mut self, m: Message) {
        self.try_send(m).await.expect("send");
    }

    async fn try_send(&mut self, m: Message) -> Result<(), Lost> {
        self.ws
            .send(Frame::Binary(m.encode().into()))
            .await
            .map_err(|_| Lost)
    }

    /// The next message, or `None` after 500 ms of silence or a close.
    pub async fn recv(&mut self) -> Option<Message> {
        recv_message(&mut self.ws).await
    }

    /// Sync `doc` until neither side has more to say (an empty document is
    /// asked for with `request`). Returns the first message that was not a
    /// sync message (e.g. doc-unavailable), or `None` when all went quiet
    /// or the connection closed.
    pub async fn sync(&mut self, doc: &mut DocSync) -> Option<Message> {
        self.try_sync(std::slice::from_mut(doc))
            .await
            .unwrap_or(None)
    }

    /// Sync every one of `docs` until neither side has more to say; each
    /// sync message goes to the document it names. Returns the first message
    /// that was not a sync message, `None` when all went quiet, or [`Lost`]
    /// when the connection closed.
    pub async fn try_sync(&mut self, docs: &mut [DocSync]) -> Result<Option<Message>, Lost> {
        loop {
            for doc in docs.iter_mut() {
                if let Some(m) = self.session.next_message(doc) {
                    self.try_send(m).await?;
                }
            }
            let bytes = match next_frame(&mut self.ws, self.quiet).await {
                Next::Frame(bytes) => bytes,
                Next::Silent => return Ok(None),
                Next::Closed => return Err(Lost),
            };
            match Message::decode(&bytes).expect("the relay sends valid cbor") {
                Message::Sync {
                    document_id, data, ..
                } => {
                    let relay = self.relay();
                    if let Some(doc) = docs.iter_mut().find(|d| d.id() == document_id) {
                        doc.receive(&relay, &data).expect("valid sync");
                    }
                }
                other => return Ok(Some(other)),
            }
        }
    }
}

/// The next message on a raw socket, or `None` after 500 ms of silence or a
/// close.
pub async fn recv_message(ws: &mut Ws) -> Option<Message> {
    let Next::Frame(bytes) = next_frame(ws, QUIET).await else {
        return None;
    };
    Some(Message::decode(&bytes).expect("the relay sends valid cbor"))
}

async fn next_frame(ws: &mut Ws, quiet: Duration) -> Next {
    loop {
        let frame = match tokio::time::timeout(quiet, ws.next()).await {
            Err(_) => return Next::Silent,
            Ok(Some(Ok(frame))) => frame,
            Ok(_) => return Next::Closed,
        };
        match frame {
            Frame::Binary(b) => return Next::Frame(b.to_vec()),
            Frame::Close(_) => return Next::Closed,
            _ => continue,
        }
    }
}

pub struct Server {
    pub addr: std::net::SocketAddr,
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(relay: Relay) -> Self {
        let token = issue(&relay, "default", "tester", Role::Editor);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, relay, None, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            url: format!("ws://{addr}/sync?token={token}"),
            stop: Some(stop),
            task,
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let stopped = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        assert!(stopped.is_ok(), "relay stops within 5 s of shutdown");
    }
}

/// Put `member` in `workspace` (created if missing) as `role`; returns a
/// fresh token for them.
pub fn issue(relay: &Relay, workspace: &str, member: &str, role: Role) -> String {
    let storage = relay.hub().storage().clone();
    if !storage
        .workspaces()
        .expect("workspaces")
        .iter()
        .any(|w| w.id == workspace)
    {
        admin::create_workspace(storage.as_ref(), workspace, workspace).expect("workspace");
    }
    let (token, _) =
        admin::issue(storage.as_ref(), workspace, member, role, 1, false).expect("token");
    relay.access().refresh().expect("refresh");
    token
}

impl Server {
    /// This relay's WebSocket URL with `token`.
    pub fn url_with(&self, token: &str) -> String {
        format!("ws://{}/sync?token={token}", self.addr)
    }
}

/// A new account plan with a title and a vision, as a fresh document.
pub fn new_plan(title: &str) -> DocSync {
    let mut doc = AutoCommit::new();
    AccountPlan::create(&mut doc, title).expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, "Land and expand").expect("edit");
    DocSync::new(DocumentId::from_bytes(rand_bytes()), doc)
}

pub fn rand_bytes() -> [u8; 16] {
    let mut b = [0u8; 16];
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    b.copy_from_slice(&n.to_le_bytes());
    b
}

impl Server {
    /// `GET path` over plain HTTP/1.1: the status and the body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = TcpStream::connect(self.addr).await.expect("connect");
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        (status, body.to_owned())
    }
}
