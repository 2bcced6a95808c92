//! One WebSocket connection: the handshake, then messages in both directions
//! until either side closes. A malformed or refused message gets an `error`
//! message and closes this connection only; everyone else carries on.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as Frame, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt};
use protocol::{DocumentId, Handshake, Message, PeerId, PeerMetadata};
use tokio::sync::{mpsc, watch};

use crate::hub::{ConnectionId, Hub};

/// How long a new connection may take to send its `join`.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a connection ends.
enum Close {
    /// The peer closed or left.
    Normal,
    /// We refuse to go on: the peer is told why.
    Refused(String),
}

pub async fn serve(
    socket: WebSocket,
    hub: Arc<Hub>,
    metadata: PeerMetadata,
    mut shutdown: watch::Receiver<bool>,
) {
    let (mut sink, mut stream) = socket.split();
    let me = hub.peer_id().clone();

    let first = tokio::select! {
        first = tokio::time::timeout(HANDSHAKE_TIMEOUT, next_message(&mut stream)) => first,
        _ = shutdown.changed() => return,
    };
    let peer = match first {
        Ok(Ok(Some(message))) => match Handshake::accept(&me, metadata, &message) {
            Ok((peer, reply)) => {
                if sink.send(binary(&reply)).await.is_err() {
                    return;
                }
                peer
            }
            Err(e) => return refuse(&mut sink, &me, None, e.to_string()).await,
        },
        Ok(Ok(None)) => return,
        Ok(Err(reason)) => return refuse(&mut sink, &me, None, reason).await,
        Err(_) => return refuse(&mut sink, &me, None, "no join message in 30 s".into()).await,
    };
    tracing::info!(%peer, "peer connected");

    let (outbox, mut inbox) = mpsc::unbounded_channel();
    let connection = hub.connect(&peer, outbox).await;
    let mut docs = BTreeSet::new();

    let close = loop {
        tokio::select! {
            incoming = next_message(&mut stream) => match incoming {
                Ok(Some(message)) => {
                    if let Err(close) = handle(&hub, &peer, connection, &mut docs, message).await {
                        break close;
                    }
                }
                Ok(None) => break Close::Normal,
                Err(reason) => break Close::Refused(reason),
            },
            Some(out) = inbox.recv() => {
                if sink.send(binary(&out)).await.is_err() {
                    break Close::Normal;
                }
            }
            _ = shutdown.changed() => break Close::Normal,
        }
    };
    hub.disconnect(&peer, connection, &docs).await;
    match close {
        Close::Normal => {
            let _ = sink.send(Frame::Close(None)).await;
            tracing::info!(%peer, "peer disconnected");
        }
        Close::Refused(reason) => {
            tracing::warn!(%peer, %reason, "closing connection");
            refuse(&mut sink, &me, Some(peer), reason).await;
        }
    }
}

async fn handle(
    hub: &Hub,
    peer: &PeerId,
    connection: ConnectionId,
    docs: &mut BTreeSet<DocumentId>,
    message: Message,
) -> Result<(), Close> {
    if let Some(sender) = message.sender_id()
        && sender != peer
    {
        return Err(Close::Refused(format!(
            "senderId `{sender}` is not this connection's peer `{peer}`"
        )));
    }
    match message {
        Message::Sync {
            document_id, data, ..
        } => sync(hub, (peer, connection), docs, document_id, &data, false).await,
        Message::Request {
            document_id, data, ..
        } => sync(hub, (peer, connection), docs, document_id, &data, true).await,
        Message::Ephemeral { .. } => {
            hub.ephemeral(&message).await;
            Ok(())
        }
        Message::Leave { .. } => Err(Close::Normal),
        Message::Join { .. } | Message::Peer { .. } => Err(Close::Refused(format!(
            "unexpected `{}`: the handshake is already done",
            message.kind()
        ))),
        Message::Error { message, .. } => {
            tracing::warn!(%peer, %message, "peer reported an error");
            Ok(())
        }
        // Heads gossip and "I don't have it" need no answer from a relay.
        Message::DocUnavailable { .. }
        | Message::RemoteSubscriptionChange { .. }
        | Message::RemoteHeadsChanged { .. } => Ok(()),
    }
}

async fn sync(
    hub: &Hub,
    (peer, connection): (&PeerId, ConnectionId),
    docs: &mut BTreeSet<DocumentId>,
    doc: DocumentId,
    data: &[u8],
    is_request: bool,
) -> Result<(), Close> {
    docs.insert(doc);
    hub.sync(peer, connection, doc, data, is_request)
        .await
        .map_err(|e| Close::Refused(e.to_string()))
}

/// The next protocol message, `None` when the peer closed.
async fn next_message<S>(stream: &mut S) -> Result<Option<Message>, String>
where
    S: futures_util::Stream<Item = Result<Frame, axum::Error>> + Unpin,
{
    loop {
        let frame = match stream.next().await {
            None => return Ok(None),
            Some(Err(e)) => return Err(format!("websocket error: {e}")),
            Some(Ok(frame)) => frame,
        };
        return match frame {
            Frame::Binary(bytes) => Message::decode(&bytes)
                .map(Some)
                .map_err(|e| format!("malformed message: {e}")),
            Frame::Text(_) => {
                Err("text frames are not part of the protocol; send binary CBOR".into())
            }
            Frame::Close(_) => Ok(None),
            Frame::Ping(_) | Frame::Pong(_) => continue,
        };
    }
}

fn binary(message: &Message) -> Frame {
    Frame::Binary(message.encode().into())
}

async fn refuse<S>(sink: &mut S, me: &PeerId, peer: Option<PeerId>, reason: String)
where
    S: futures_util::Sink<Frame> + Unpin,
{
    let error = Message::Error {
        sender_id: Some(me.clone()),
        target_id: peer,
        message: reason.clone(),
    };
    let _ = sink.send(binary(&error)).await;
    let mut reason = reason;
    // A close reason must fit in a control frame (123 bytes).
    while reason.len() > 120 {
        reason.pop();
    }
    let _ = sink
        .send(Frame::Close(Some(CloseFrame {
            code: close_code::POLICY,
            reason: reason.into(),
        })))
        .await;
}
