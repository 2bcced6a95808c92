//! A protocol client for tests: a real WebSocket to the relay driven by the
//! same `ClientSession` and `DocSync` the browser app uses.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientEvent, ClientSession, DocSync, Message, PeerId, PeerMetadata};
use tokio::net::TcpStream;
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
