//! Hostile and malformed input over real sockets: each gets a clear error on
//! its own connection (closed where needed), the relay keeps serving others,
//! and stored documents are untouched.

mod support;

use std::sync::Arc;

use automerge::AutoCommit;
use futures_util::SinkExt;
use protocol::{DocSync, Message, PeerId};
use support::{Client, Server, new_plan, recv_message};
use sync_server::storage::MemoryStorage;
use sync_server::{Limits, Relay};
use tokio_tungstenite::tungstenite::Message as Frame;

fn memory_relay() -> Relay {
    Relay::open(Arc::new(MemoryStorage::default())).expect("relay")
}

/// The error the relay answers `frame` with (sent right after connecting,
/// before any join when `join` is false), and that it then closes.
async fn refusal(server: &Server, join: bool, frame: Frame) -> String {
    let mut ws = if join {
        Client::connect(&server.url, "hostile").await.ws
    } else {
        tokio_tungstenite::connect_async(server.url.as_str())
            .await
            .expect("connect")
            .0
    };
    ws.send(frame).await.expect("send");
    let message = match recv_message(&mut ws).await {
        Some(Message::Error { message, .. }) => message,
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(recv_message(&mut ws).await, None, "closed after: {message}");
    message
}

/// The relay still syncs a document for someone else, and `stored` is intact.
async fn still_serving(server: &Server, stored: &mut DocSync) {
    let mut other = Client::connect(&server.url, "bystander").await;
    let mut copy = DocSync::new(stored.id(), AutoCommit::new());
    assert_eq!(other.sync(&mut copy).await, None);
    assert_eq!(copy.heads(), stored.heads(), "stored document unchanged");
}

fn bin(m: &Message) -> Frame {
    Frame::Binary(m.encode().into())
}

#[tokio::test]
async fn each_malformed_input_gets_a_clear_error_and_the_relay_carries_on() {
    let relay = memory_relay().with_limits(Limits {
        max_frame_bytes: 64 * 1024,
        ..Limits::default()
    });
    let server = Server::start(relay).await;
    let mut owner = Client::connect(&server.url, "owner").await;
    let mut plan = new_plan("Kept safe");
    owner.sync(&mut plan).await;

    let wrong_version = Message::Join {
        sender_id: PeerId::new("old"),
        supported_protocol_versions: vec!["0".into()],
        peer_metadata: None,
    };
    let cases: Vec<(&str, bool, Frame, &str)> = vec![
        (
            "wrong protocol version",
            false,
            bin(&wrong_version),
            "no supported protocol version",
        ),
        (
            "message before join",
            false,
            bin(&Message::Leave {
                sender_id: PeerId::new("x"),
            }),
            "expected a `join` message first",
        ),
        (
            "unknown type",
            true,
            unknown_type(),
            "unknown message type `bogus`",
        ),
        (
            "text frame",
            true,
            Frame::Text("hello".into()),
            "text frames are not part of the protocol",
        ),
        (
            "not cbor",
            true,
            Frame::Binary(vec![0xff, 0x00].into()),
            "malformed message",
        ),
        (
            "deep nesting",
            true,
            deeply_nested(50_000),
            "malformed message",
        ),
        (
            "invalid automerge bytes",
            true,
            bin(&Message::Sync {
                sender_id: PeerId::new("hostile"),
                target_id: PeerId::new("relay"),
                document_id: plan.id(),
                data: vec![0x42, 1, 2, 3],
            }),
            "not an automerge sync message",
        ),
        (
            "oversized frame",
            true,
            Frame::Binary(vec![0u8; 128 * 1024].into()),
            "websocket error",
        ),
    ];
    for (name, join, frame, expected) in cases {
        let message = refusal(&server, join, frame).await;
        assert!(message.contains(expected), "{name}: {message}");
        still_serving(&server, &mut plan).await;
    }
    // The owner's own connection was never disturbed.
    assert_eq!(owner.sync(&mut plan).await, None);
    server.stop().await;
}

/// A well-formed map whose `type` no version of the protocol defines.
fn unknown_type() -> Frame {
    let mut e = minicbor::Encoder::new(Vec::new());
    let _ = e
        .map(2)
        .and_then(|e| e.str("type"))
        .and_then(|e| e.str("bogus"))
        .and_then(|e| e.str("senderId"))
        .and_then(|e| e.str("hostile"));
    Frame::Binary(e.into_writer().into())
}

/// A map with an unknown field nested `depth` arrays deep, never closed.
fn deeply_nested(depth: usize) -> Frame {
    let mut bytes = vec![
        0xa2, 0x64, b't', b'y', b'p', b'e', 0x64, b's', b'y', b'n', b'c',
    ];
    bytes.extend([0x61, b'x']);
    bytes.extend(std::iter::repeat_n(0x81, depth));
    Frame::Binary(bytes.into())
}
