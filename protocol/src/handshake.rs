//! The exchange that opens every connection: the client sends `join` with the
//! protocol versions it speaks; the server answers `peer` with the one it
//! chose. Nothing else may come before it.

use thiserror::Error;

use crate::{Message, PeerId, PeerMetadata};

/// The only protocol version automerge-repo has defined.
pub const PROTOCOL_VERSION: &str = "1";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum HandshakeError {
    #[error("expected a `{expected}` message first, got `{got}`")]
    Unexpected { expected: &'static str, got: String },
    #[error("no supported protocol version in {0:?} (this peer speaks \"1\")")]
    UnsupportedVersions(Vec<String>),
    #[error("the peer message is addressed to `{0}`, not to this peer")]
    WrongTarget(String),
}

/// Building and checking handshake messages.
pub struct Handshake;

impl Handshake {
    /// The client's opening message.
    pub fn join(me: &PeerId, metadata: PeerMetadata) -> Message {
        Message::Join {
            sender_id: me.clone(),
            supported_protocol_versions: vec![PROTOCOL_VERSION.to_owned()],
            peer_metadata: Some(metadata),
        }
    }

    /// Server side: check the first message and build the `peer` reply.
    pub fn accept(
        me: &PeerId,
        metadata: PeerMetadata,
        first: &Message,
    ) -> Result<(PeerId, Message), HandshakeError> {
        let Message::Join {
            sender_id,
            supported_protocol_versions,
            ..
        } = first
        else {
            return Err(HandshakeError::Unexpected {
                expected: "join",
                got: first.kind().to_owned(),
            });
        };
        if !supported_protocol_versions
            .iter()
            .any(|v| v == PROTOCOL_VERSION)
        {
            return Err(HandshakeError::UnsupportedVersions(
                supported_protocol_versions.clone(),
            ));
        }
        let reply = Message::Peer {
            sender_id: me.clone(),
            target_id: sender_id.clone(),
            selected_protocol_version: PROTOCOL_VERSION.to_owned(),
            peer_metadata: Some(metadata),
        };
        Ok((sender_id.clone(), reply))
    }

    /// Client side: check the server's answer; returns the server's peer id.
    pub fn confirm(me: &PeerId, answer: &Message) -> Result<PeerId, HandshakeError> {
        match answer {
            Message::Peer {
                sender_id,
                target_id,
                ..
            } if target_id == me => Ok(sender_id.clone()),
            Message::Peer { target_id, .. } => {
                Err(HandshakeError::WrongTarget(target_id.to_string()))
            }
            other => Err(HandshakeError::Unexpected {
                expected: "peer",
                got: other.kind().to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_then_peer_connects_both_sides() {
        let client = PeerId::new("client");
        let server = PeerId::new("server");
        let join = Handshake::join(&client, PeerMetadata::default());
        let (who, reply) =
            Handshake::accept(&server, PeerMetadata::default(), &join).expect("accepted");
        assert_eq!(who, client);
        assert_eq!(
            Handshake::confirm(&client, &reply).expect("confirmed"),
            server
        );
    }

    #[test]
    fn a_future_protocol_only_client_is_refused_by_name() {
        let join = Message::Join {
            sender_id: PeerId::new("c"),
            supported_protocol_versions: vec!["2".into()],
            peer_metadata: None,
        };
        let err = Handshake::accept(&PeerId::new("s"), PeerMetadata::default(), &join)
            .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "no supported protocol version in [\"2\"] (this peer speaks \"1\")"
        );
    }

    #[test]
    fn anything_before_join_is_refused() {
        let leave = Message::Leave {
            sender_id: PeerId::new("c"),
        };
        let err = Handshake::accept(&PeerId::new("s"), PeerMetadata::default(), &leave)
            .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "expected a `join` message first, got `leave`"
        );
    }
}
