//! The client's side of one relay connection, without IO: the handshake,
//! turning frames into events, and wrapping a document's next sync message
//! as `request` (we have nothing yet) or `sync`.

use thiserror::Error;

use crate::{
    DecodeError, DocSync, DocumentId, Handshake, HandshakeError, Message, PeerId, PeerMetadata,
};

/// What a frame from the relay means to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// The handshake finished: the relay's peer id.
    Connected(PeerId),
    /// A sync message for a document.
    Sync { doc: DocumentId, data: Vec<u8> },
    /// The relay does not have the document (yet).
    Unavailable(DocumentId),
    /// Presence or other ephemeral data from another peer.
    Ephemeral(Message),
    /// The relay reported an error (it closes the connection after it).
    RelayError(String),
    /// Nothing for the client to do.
    Ignored,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClientError {
    #[error("the relay sent a malformed message: {0}")]
    Decode(#[from] DecodeError),
    #[error("handshake with the relay failed: {0}")]
    Handshake(#[from] HandshakeError),
}

/// One connection's state: joining, or connected to a relay peer.
#[derive(Debug, Clone)]
pub struct ClientSession {
    me: PeerId,
    relay: Option<PeerId>,
}

impl ClientSession {
    pub fn new(me: PeerId) -> Self {
        ClientSession { me, relay: None }
    }

    pub fn me(&self) -> &PeerId {
        &self.me
    }

    /// The relay's peer id once the handshake is done.
    pub fn relay(&self) -> Option<&PeerId> {
        self.relay.as_ref()
    }

    /// The socket opened: the message to send first.
    pub fn on_open(&mut self, metadata: PeerMetadata) -> Message {
        self.relay = None;
        Handshake::join(&self.me, metadata)
    }

    /// The socket closed.
    pub fn on_close(&mut self) {
        self.relay = None;
    }

    /// Interpret one binary frame from the relay.
    pub fn on_frame(&mut self, bytes: &[u8]) -> Result<ClientEvent, ClientError> {
        let message = Message::decode(bytes)?;
        if let Message::Error { message, .. } = message {
            return Ok(ClientEvent::RelayError(message));
        }
        if self.relay.is_none() {
            let relay = Handshake::confirm(&self.me, &message)?;
            self.relay = Some(relay.clone());
            return Ok(ClientEvent::Connected(relay));
        }
        Ok(match message {
            Message::Sync {
                document_id, data, ..
            }
            | Message::Request {
                document_id, data, ..
            } => ClientEvent::Sync {
                doc: document_id,
                data,
            },
            Message::DocUnavailable { document_id, .. } => ClientEvent::Unavailable(document_id),
            m @ Message::Ephemeral { .. } => ClientEvent::Ephemeral(m),
            _ => ClientEvent::Ignored,
        })
    }

    /// The next message for `doc` to the relay, if connected and one is due.
    /// A document with no changes yet is asked for with `request`.
    pub fn next_message(&self, doc: &mut DocSync) -> Option<Message> {
        let relay = self.relay.as_ref()?;
        doc.add_peer(relay);
        let data = doc.outgoing_for(relay)?;
        let (sender_id, target_id, document_id) = (self.me.clone(), relay.clone(), doc.id());
        Some(if doc.is_empty() {
            Message::Request {
                sender_id,
                target_id,
                document_id,
                data,
            }
        } else {
            Message::Sync {
                sender_id,
                target_id,
                document_id,
                data,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn connected() -> ClientSession {
        let mut s = ClientSession::new(PeerId::new("me"));
        s.on_open(PeerMetadata::default());
        let peer = Message::Peer {
            sender_id: PeerId::new("relay"),
            target_id: PeerId::new("me"),
            selected_protocol_version: "1".into(),
            peer_metadata: None,
        };
        assert_eq!(
            s.on_frame(&peer.encode()),
            Ok(ClientEvent::Connected(PeerId::new("relay")))
        );
        s
    }

    #[test]
    fn an_empty_document_is_requested_and_a_full_one_synced() {
        let s = connected();
        let mut empty = DocSync::new(DocumentId::from_bytes([1; 16]), AutoCommit::new());
        assert!(matches!(
            s.next_message(&mut empty),
            Some(Message::Request { .. })
        ));
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "k", "v").expect("put");
        let mut full = DocSync::new(DocumentId::from_bytes([2; 16]), doc);
        assert!(matches!(
            s.next_message(&mut full),
            Some(Message::Sync { .. })
        ));
    }

    #[test]
    fn nothing_is_sent_before_the_handshake() {
        let s = ClientSession::new(PeerId::new("me"));
        let mut doc = DocSync::new(DocumentId::from_bytes([1; 16]), AutoCommit::new());
        assert_eq!(s.next_message(&mut doc), None);
    }

    #[test]
    fn relay_errors_and_garbage_are_reported() {
        let mut s = connected();
        let err = Message::Error {
            sender_id: None,
            target_id: None,
            message: "nope".into(),
        };
        assert_eq!(
            s.on_frame(&err.encode()),
            Ok(ClientEvent::RelayError("nope".into()))
        );
        assert!(matches!(s.on_frame(b"\xff"), Err(ClientError::Decode(_))));
        s.on_close();
        assert_eq!(s.relay(), None);
    }
}
