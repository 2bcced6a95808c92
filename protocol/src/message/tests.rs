use super::*;
use proptest::prelude::*;

fn peer() -> impl Strategy<Value = PeerId> {
    "[a-zA-Z0-9-]{1,24}".prop_map(PeerId::new)
}

fn doc() -> impl Strategy<Value = DocumentId> {
    any::<[u8; 16]>().prop_map(DocumentId::from_bytes)
}

fn metadata() -> impl Strategy<Value = Option<PeerMetadata>> {
    proptest::option::of(
        (proptest::option::of("[a-z0-9-]{1,20}"), any::<bool>()).prop_map(
            |(storage_id, is_ephemeral)| PeerMetadata {
                storage_id,
                is_ephemeral,
            },
        ),
    )
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..64)
}

fn strings() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("\\PC{0,8}", 0..4)
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (peer(), strings(), metadata()).prop_map(|(s, v, m)| Message::Join {
            sender_id: s,
            supported_protocol_versions: v,
            peer_metadata: m
        }),
        (peer(), peer(), "\\PC{0,4}", metadata()).prop_map(|(s, t, v, m)| Message::Peer {
            sender_id: s,
            target_id: t,
            selected_protocol_version: v,
            peer_metadata: m
        }),
        peer().prop_map(|s| Message::Leave { sender_id: s }),
        (peer(), peer(), doc(), bytes()).prop_map(|(s, t, d, b)| Message::Request {
            sender_id: s,
            target_id: t,
            document_id: d,
            data: b
        }),
        (peer(), peer(), doc(), bytes()).prop_map(|(s, t, d, b)| Message::Sync {
            sender_id: s,
            target_id: t,
            document_id: d,
            data: b
        }),
        (peer(), peer(), doc()).prop_map(|(s, t, d)| Message::DocUnavailable {
            sender_id: s,
            target_id: t,
            document_id: d
        }),
        (peer(), peer(), doc(), "\\PC{0,12}", any::<u64>(), bytes()).prop_map(
            |(s, t, d, sid, c, b)| Message::Ephemeral {
                sender_id: s,
                target_id: t,
                document_id: d,
                session_id: sid,
                count: c,
                data: b
            }
        ),
        (
            proptest::option::of(peer()),
            proptest::option::of(peer()),
            "\\PC{0,30}"
        )
            .prop_map(|(s, t, m)| Message::Error {
                sender_id: s,
                target_id: t,
                message: m
            }),
        (peer(), peer(), strings(), strings()).prop_map(|(s, t, a, r)| {
            Message::RemoteSubscriptionChange {
                sender_id: s,
                target_id: t,
                add: a,
                remove: r,
            }
        }),
        (
            peer(),
            peer(),
            doc(),
            proptest::collection::btree_map("[a-z0-9]{1,8}", (strings(), any::<u64>()), 0..3)
        )
            .prop_map(|(s, t, d, heads)| Message::RemoteHeadsChanged {
                sender_id: s,
                target_id: t,
                document_id: d,
                new_heads: heads
                    .into_iter()
                    .map(|(storage_id, (heads, timestamp))| HeadsInfo {
                        storage_id,
                        heads,
                        timestamp
                    })
                    .collect()
            }),
    ]
}

proptest! {
    #[test]
    fn every_message_round_trips(m in message()) {
        let bytes = m.encode();
        prop_assert_eq!(Message::decode(&bytes).expect("decodes"), m);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn truncated_messages_are_errors(m in message(), cut in 1usize..16) {
        let bytes = m.encode();
        let end = bytes.len().saturating_sub(cut);
        prop_assert!(Message::decode(&bytes[..end]).is_err());
    }
}

/// A join exactly as `@automerge/automerge-repo-network-websocket` 2.5 sends
/// it (cbor-x output, captured): fields in JS insertion order, metadata with
/// a storage id.
#[test]
fn a_join_from_the_javascript_client_decodes() {
    let mut e = Encoder::new(Vec::new());
    e.map(4).expect("vec");
    e.str("type").and_then(|e| e.str("join")).expect("vec");
    e.str("senderId")
        .and_then(|e| e.str("peer-abc"))
        .expect("vec");
    e.str("peerMetadata").and_then(|e| e.map(2)).expect("vec");
    e.str("storageId")
        .and_then(|e| e.str("store-1"))
        .expect("vec");
    e.str("isEphemeral")
        .and_then(|e| e.bool(false))
        .expect("vec");
    e.str("supportedProtocolVersions")
        .and_then(|e| e.array(1))
        .and_then(|e| e.str("1"))
        .expect("vec");
    let m = Message::decode(&e.into_writer()).expect("decodes");
    assert_eq!(
        m,
        Message::Join {
            sender_id: PeerId::new("peer-abc"),
            supported_protocol_versions: vec!["1".into()],
            peer_metadata: Some(PeerMetadata {
                storage_id: Some("store-1".into()),
                is_ephemeral: false
            }),
        }
    );
}

#[test]
fn floats_for_counts_and_unknown_fields_are_accepted() {
    let d = DocumentId::from_bytes([7; 16]);
    let mut e = Encoder::new(Vec::new());
    e.map(8).expect("vec");
    e.str("type").and_then(|e| e.str("ephemeral")).expect("vec");
    e.str("senderId").and_then(|e| e.str("a")).expect("vec");
    e.str("targetId").and_then(|e| e.str("b")).expect("vec");
    e.str("documentId")
        .and_then(|e| e.str(&d.to_string()))
        .expect("vec");
    e.str("sessionId").and_then(|e| e.str("s")).expect("vec");
    e.str("count").and_then(|e| e.f64(3.0)).expect("vec");
    e.str("futureField")
        .and_then(|e| e.array(2))
        .and_then(|e| e.u8(1))
        .and_then(|e| e.u8(2))
        .expect("vec");
    e.str("data").and_then(|e| e.bytes(b"hi")).expect("vec");
    match Message::decode(&e.into_writer()).expect("decodes") {
        Message::Ephemeral { count, data, .. } => {
            assert_eq!(count, 3);
            assert_eq!(data, b"hi");
        }
        other => panic!("decoded as {other:?}"),
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let mut e = Encoder::new(Vec::new());
    e.map(2).expect("vec");
    e.str("type").and_then(|e| e.str("gossip")).expect("vec");
    e.str("senderId").and_then(|e| e.str("a")).expect("vec");
    assert_eq!(
        Message::decode(&e.into_writer())
            .expect_err("unknown")
            .to_string(),
        "unknown message type `gossip`"
    );

    let sync = Message::Sync {
        sender_id: PeerId::new("a"),
        target_id: PeerId::new("b"),
        document_id: DocumentId::from_bytes([1; 16]),
        data: vec![1],
    }
    .encode();
    let mut e = Encoder::new(Vec::new());
    e.array(0).expect("vec");
    assert_eq!(
        Message::decode(&e.into_writer())
            .expect_err("array")
            .to_string(),
        "a message must be a cbor map, found array"
    );
    let mut doubled = sync.clone();
    doubled.extend_from_slice(&sync);
    assert!(matches!(
        Message::decode(&doubled),
        Err(DecodeError::Trailing(_))
    ));
}
