//! A protocol client for tests: a real WebSocket to the relay driven by the
//! same `ClientSession` and `DocSync` the browser app uses.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientEvent, ClientSession, DocSync, Message, PeerId, PeerMetadata};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Client {
    pub session: ClientSession,
    pub ws: Ws,
}

impl Client {
    /// Connect and finish the handshake.
    pub async fn connect(url: &str, name: &str) -> Self {
        let (mut ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
        let mut session = ClientSession::new(PeerId::new(name));
        let join = session.on_open(PeerMetadata::default());
        ws.send(Frame::Binary(join.encode().into()))
            .await
            .expect("send join");
        let answer = recv_frame(&mut ws).await.expect("peer message");
        match session.on_frame(&answer) {
            Ok(ClientEvent::Connected(_)) => {}
            other => panic!("handshake failed: {other:?}"),
        }
        Client { session, ws }
    }

    pub fn relay(&self) -> PeerId {
        self.session.relay().cloned().expect("connected")
    }

    pub async fn send(&mut self, m: Message) {
        self.ws
            .send(Frame::Binary(m.encode().into()))
            .await
            .expect("send");
    }

    /// The next message, or `None` after 500 ms of silence or a close.
    pub async fn recv(&mut self) -> Option<Message> {
        recv_message(&mut self.ws).await
    }

    /// Sync `doc` until neither side has more to say (an empty document is
    /// asked for with `request`). Returns the first message that was not a
    /// sync message (e.g. doc-unavailable), or `None` when all went quiet.
    pub async fn sync(&mut self, doc: &mut DocSync) -> Option<Message> {
        loop {
            if let Some(m) = self.session.next_message(doc) {
                self.send(m).await;
            }
            match self.recv().await {
                Some(Message::Sync { data, .. }) => {
                    doc.receive(&self.relay(), &data).expect("valid sync");
                }
                other => return other,
            }
        }
    }
}

/// The next message on a raw socket, or `None` after 500 ms of silence or a
/// close.
pub async fn recv_message(ws: &mut Ws) -> Option<Message> {
    let bytes = recv_frame(ws).await?;
    Some(Message::decode(&bytes).expect("the relay sends valid cbor"))
}

async fn recv_frame(ws: &mut Ws) -> Option<Vec<u8>> {
    loop {
        let frame = tokio::time::timeout(Duration::from_millis(500), ws.next())
            .await
            .ok()??
            .ok()?;
        match frame {
            Frame::Binary(b) => return Some(b.to_vec()),
            Frame::Close(_) => return None,
            _ => continue,
        }
    }
}
