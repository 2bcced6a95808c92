//! One WebSocket connection: the handshake, then messages in both directions
//! until either side closes. A malformed or refused message gets an `error`
//! message and closes this connection only; everyone else carries on.
//!
//! Access rules applied here, per message: a document outside the
//! connection's workspace is `doc-unavailable` (as if it did not exist) and
//! its ephemeral messages are dropped; a viewer's changes are stripped from
//! its sync messages (it is told with an `error`); `senderId` must be the
//! peer that joined; more than [`Limits`] allows closes the connection; a
//! revoked or expired token closes it within the access poll interval.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message as Frame, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt};
use protocol::{DocumentId, Handshake, Message, PeerId, PeerMetadata};
use tokio::sync::{mpsc, watch};

use crate::access::{Access, Grant};
use crate::hub::{ConnectionId, Hub, Outbox};

/// Caps that keep one connection (or too many) from swamping the relay.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections beyond this are refused (503).
    pub max_connections: usize,
    /// Sustained messages per second one connection may send…
    pub messages_per_second: f64,
    /// …with bursts up to this many.
    pub burst: f64,
    /// Largest WebSocket message accepted; a bigger one closes the connection.
    pub max_frame_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 10,000 idle connections take ~350 MiB.
            max_connections: 16_384,
            messages_per_second: 500.0,
            burst: 2000.0,
            max_frame_bytes: protocol::MAX_FRAME_BYTES,
        }
    }
}

/// What a connection works with.
pub struct Session {
    pub hub: Arc<Hub>,
    pub access: Arc<Access>,
    pub grant: Grant,
    pub limits: Limits,
}

/// A token bucket: one token per message.
struct RateLimit {
    tokens: f64,
    last: Instant,
    rate: f64,
    burst: f64,
}

impl RateLimit {
    fn new(limits: &Limits) -> Self {
        RateLimit {
            tokens: limits.burst,
            last: Instant::now(),
            rate: limits.messages_per_second,
            burst: limits.burst,
        }
    }

    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// How long a new connection may take to send its `join`.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest a connection waits before looking at its token's expiry again.
const EXPIRY_RECHECK: Duration = Duration::from_secs(86_400);

/// Why a connection ends.
enum Close {
    /// The peer closed or left.
    Normal,
    /// We refuse to go on: the peer is told why.
    Refused(String),
}

pub async fn serve(
    socket: WebSocket,
    session: Session,
    metadata: PeerMetadata,
    mut shutdown: watch::Receiver<bool>,
) {
    let hub = session.hub.clone();
    let me = hub.peer_id().clone();
    let mut changed = session.access.subscribe();
    let mut rate = RateLimit::new(&session.limits);
    let (mut sink, mut stream) = socket.split();

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
    let connection = hub.connect(&peer, outbox.clone()).await;
    let mut conn = Conn {
        session: &session,
        peer: &peer,
        connection,
        outbox,
        docs: BTreeSet::new(),
    };

    // A token that expires while connected closes the connection then
    // (long expiries are re-checked at least daily).
    let expiry = || {
        Instant::now()
            + session
                .grant
                .expires_in()
                .clamp(Duration::from_millis(100), EXPIRY_RECHECK)
    };
    let mut expires = expiry();
    let close = loop {
        tokio::select! {
            incoming = next_message(&mut stream) => match incoming {
                Ok(Some(message)) => {
                    if !rate.allow() {
                        break Close::Refused(format!(
                            "too many messages: more than {} a second",
                            session.limits.messages_per_second
                        ));
                    }
                    if let Err(close) = conn.handle(message).await {
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
            _ = changed.changed() => {
                if !session.access.still_valid(&session.grant) {
                    break Close::Refused("access revoked or expired".into());
                }
            }
            _ = tokio::time::sleep_until(expires.into()) => {
                if !session.access.still_valid(&session.grant) {
                    break Close::Refused("access token expired: sign in again with a new link".into());
                }
                expires = expiry();
            }
            _ = shutdown.changed() => break Close::Normal,
        }
    };
    let docs = std::mem::take(&mut conn.docs);
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

/// One joined connection's state.
struct Conn<'a> {
    session: &'a Session,
    peer: &'a PeerId,
    connection: ConnectionId,
    outbox: Outbox,
    /// Documents this connection has synced (all in its workspace).
    docs: BTreeSet<DocumentId>,
}

impl Conn<'_> {
    async fn handle(&mut self, message: Message) -> Result<(), Close> {
        let peer = self.peer;
        // automerge-repo peers pass on the ephemeral messages they hear,
        // under the original sender: the relay already delivered those to
        // everyone on the document, so a passed-on one is dropped quietly
        // (neither forwarded, which would let a peer speak for another, nor
        // refused, which would close an honest JS client).
        if let Message::Ephemeral { sender_id, .. } = &message
            && sender_id != peer
        {
            return Ok(());
        }
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
            } => self.sync(document_id, data, false).await,
            Message::Request {
                document_id, data, ..
            } => self.sync(document_id, data, true).await,
            Message::Ephemeral { document_id, .. } => {
                // Presence for a document outside the workspace goes nowhere.
                if self.docs.contains(&document_id)
                    || self
                        .session
                        .access
                        .may_read(&self.session.grant, &document_id)
                {
                    self.session.hub.ephemeral(&message).await;
                }
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
        &mut self,
        doc: DocumentId,
        data: Vec<u8>,
        is_request: bool,
    ) -> Result<(), Close> {
        let Session {
            hub, access, grant, ..
        } = self.session;
        if !self.docs.contains(&doc) {
            let allowed = access
                .may_sync(grant, doc)
                .await
                .map_err(|e| Close::Refused(e.to_string()))?;
            if !allowed {
                // Exactly what a document that does not exist gets.
                self.tell(Message::DocUnavailable {
                    sender_id: hub.peer_id().clone(),
                    target_id: self.peer.clone(),
                    document_id: doc,
                });
                return Ok(());
            }
            self.docs.insert(doc);
        }
        let data = if grant.role.writes() {
            data
        } else {
            self.without_changes(doc, data)?
        };
        hub.sync(self.peer, self.connection, doc, &data, is_request)
            .await
            .map_err(|e| Close::Refused(e.to_string()))
    }

    /// A viewer's sync message with any changes it carries taken out (the
    /// viewer is told); heads and haves still go through, so it keeps
    /// receiving updates.
    fn without_changes(&self, doc: DocumentId, data: Vec<u8>) -> Result<Vec<u8>, Close> {
        let mut message = automerge::sync::Message::decode(&data).map_err(|e| {
            Close::Refused(format!(
                "document {doc}: sync data is not an automerge sync message: {e}"
            ))
        })?;
        if message.changes.is_empty() {
            return Ok(data);
        }
        let refused = message.changes.len();
        message.changes = automerge::sync::ChunkList::empty();
        self.tell(Message::Error {
            sender_id: Some(self.session.hub.peer_id().clone()),
            target_id: Some(self.peer.clone()),
            message: format!(
                "document {doc}: a viewer cannot change documents; {refused} change chunk(s) refused"
            ),
        });
        Ok(message.encode())
    }

    fn tell(&self, message: Message) {
        // A closed outbox means this connection is going away.
        let _ = self.outbox.send(message);
    }
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

/// Feed raw frames to one joined connection as the socket loop would (rate
/// limit aside): each is decoded and handled in turn until one is refused.
/// Returns what the connection was sent and the refusal, if any. For the
/// fuzz targets and the replay of their fixtures.
pub async fn feed(
    session: &Session,
    peer: &PeerId,
    frames: &[&[u8]],
) -> (Vec<Message>, Option<String>) {
    let (outbox, mut inbox) = mpsc::unbounded_channel();
    let connection = session.hub.connect(peer, outbox.clone()).await;
    let mut conn = Conn {
        session,
        peer,
        connection,
        outbox,
        docs: BTreeSet::new(),
    };
    let mut refused = None;
    for frame in frames {
        let result = match Message::decode(frame) {
            Ok(message) => conn.handle(message).await,
            Err(e) => Err(Close::Refused(format!("malformed message: {e}"))),
        };
        match result {
            Ok(()) => {}
            Err(Close::Normal) => break,
            Err(Close::Refused(reason)) => {
                refused = Some(reason);
                break;
            }
        }
    }
    let docs = std::mem::take(&mut conn.docs);
    session.hub.disconnect(peer, connection, &docs).await;
    let mut sent = Vec::new();
    while let Ok(m) = inbox.try_recv() {
        sent.push(m);
    }
    (sent, refused)
}
