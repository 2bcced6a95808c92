//! The relay over a real socket on port 0, spoken to in raw protocol.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use automerge::AutoCommit;
use futures_util::SinkExt;
use model::{AccountPlan, PlanField};
use protocol::{DocSync, DocumentId, Message, PeerId};
use support::{Client, Server, new_plan};
use sync_server::Relay;
use sync_server::storage::MemoryStorage;
use tokio_tungstenite::tungstenite::Message as Frame;

fn memory_relay() -> Relay {
    Relay::open(Arc::new(MemoryStorage::default())).expect("relay")
}

#[tokio::test]
async fn a_document_uploaded_by_one_client_is_found_by_another() {
    let server = Server::start(memory_relay()).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut plan = new_plan("Contoso");
    assert_eq!(alice.sync(&mut plan).await, None);

    let mut bob = Client::connect(&server.url, "bob").await;
    let mut copy = DocSync::new(plan.id(), AutoCommit::new());
    assert_eq!(bob.sync(&mut copy).await, None);
    assert_eq!(copy.heads(), plan.heads());
    assert_eq!(
        AccountPlan::read(copy.doc()).expect("read").title,
        "Contoso"
    );
    server.stop().await;
}

#[tokio::test]
async fn live_edits_reach_the_other_client_without_asking() {
    let server = Server::start(memory_relay()).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut bob = Client::connect(&server.url, "bob").await;
    let mut a = new_plan("Fabrikam");
    alice.sync(&mut a).await;
    let mut b = DocSync::new(a.id(), AutoCommit::new());
    bob.sync(&mut b).await;

    AccountPlan::set_text(a.doc_mut(), PlanField::Vision, "Land, expand, renew").expect("edit");
    alice.sync(&mut a).await;
    // Bob sends nothing: the relay pushes the change to him.
    let pushed = bob.recv().await;
    let Some(Message::Sync { data, .. }) = pushed else {
        panic!("expected a pushed sync message, got {pushed:?}");
    };
    b.receive(&bob.relay(), &data).expect("apply");
    bob.sync(&mut b).await;
    assert_eq!(
        AccountPlan::text(b.doc(), PlanField::Vision).expect("read"),
        "Land, expand, renew"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_reloaded_page_keeps_syncing_when_its_old_connection_closes_late() {
    // A reloaded page keeps its peer id: its new connection is up before the
    // old one's close arrives, and that close must not unregister the new one.
    let server = Server::start(memory_relay()).await;
    let mut old = Client::connect(&server.url, "page").await;
    let mut plan = new_plan("Northwind");
    assert_eq!(old.sync(&mut plan).await, None);

    let mut new = Client::connect(&server.url, "page").await;
    let mut copy = DocSync::new(plan.id(), plan.doc().clone());
    assert_eq!(new.sync(&mut copy).await, None);
    old.ws.close(None).await.expect("close the old connection");
    tokio::time::sleep(Duration::from_millis(100)).await;

    // An edit on the new connection is still acknowledged and stored…
    AccountPlan::set_text(copy.doc_mut(), PlanField::Vision, "Land, expand, renew").expect("edit");
    assert_eq!(new.sync(&mut copy).await, None);
    assert_eq!(
        copy.unconfirmed_changes(&new.relay()),
        0,
        "the relay confirmed the edit"
    );
    // …and reaches someone else.
    let mut other = Client::connect(&server.url, "other").await;
    let mut seen = DocSync::new(plan.id(), AutoCommit::new());
    assert_eq!(other.sync(&mut seen).await, None);
    assert_eq!(
        AccountPlan::text(seen.doc(), PlanField::Vision).expect("read"),
        "Land, expand, renew"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_document_is_unavailable_until_someone_uploads_it() {
    let server = Server::start(memory_relay()).await;
    let mut bob = Client::connect(&server.url, "bob").await;
    let plan_id = DocumentId::from_bytes([42; 16]);
    let mut wanted = DocSync::new(plan_id, AutoCommit::new());
    let answer = bob.sync(&mut wanted).await;
    assert_eq!(
        answer,
        Some(Message::DocUnavailable {
            sender_id: bob.relay(),
            target_id: bob.session.me().clone(),
            document_id: plan_id,
        })
    );

    // Alice uploads it later: Bob, who asked, receives it unprompted.
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut plan = new_plan("Northwind");
    let mut uploaded = DocSync::new(plan_id, plan.doc_mut().clone());
    alice.sync(&mut uploaded).await;
    let pushed = bob.recv().await;
    let Some(Message::Sync { data, .. }) = pushed else {
        panic!("expected the document to be pushed, got {pushed:?}");
    };
    wanted.receive(&bob.relay(), &data).expect("apply");
    bob.sync(&mut wanted).await;
    assert_eq!(
        AccountPlan::read(wanted.doc()).expect("read").title,
        "Northwind"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_malformed_message_closes_only_that_connection() {
    let server = Server::start(memory_relay()).await;
    let mut good = Client::connect(&server.url, "good").await;
    let mut bad = Client::connect(&server.url, "bad").await;
    bad.ws
        .send(Frame::Binary(b"\xa1\x64type".to_vec().into()))
        .await
        .expect("send garbage");
    match bad.recv().await {
        Some(Message::Error { message, .. }) => {
            assert!(message.starts_with("malformed message"), "{message}")
        }
        other => panic!("expected an error message, got {other:?}"),
    }
    assert_eq!(bad.recv().await, None, "connection closed");

    let mut plan = new_plan("Still serving");
    assert_eq!(good.sync(&mut plan).await, None);
    assert!(plan.unconfirmed_changes(&good.relay()) == 0);
    server.stop().await;
}

#[tokio::test]
async fn a_message_before_join_or_with_a_spoofed_sender_is_refused() {
    let server = Server::start(memory_relay()).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&server.url)
        .await
        .expect("connect");
    let leave = Message::Leave {
        sender_id: PeerId::new("x"),
    };
    ws.send(Frame::Binary(leave.encode().into()))
        .await
        .expect("send");
    match support::recv_message(&mut ws).await {
        Some(Message::Error { message, .. }) => {
            assert_eq!(message, "expected a `join` message first, got `leave`")
        }
        other => panic!("expected an error, got {other:?}"),
    }

    let mut mallory = Client::connect(&server.url, "mallory").await;
    let spoofed = Message::Sync {
        sender_id: PeerId::new("alice"),
        target_id: mallory.relay(),
        document_id: DocumentId::from_bytes([1; 16]),
        data: vec![1, 2, 3],
    };
    mallory.send(spoofed).await;
    match mallory.recv().await {
        Some(Message::Error { message, .. }) => {
            assert!(
                message.contains("is not this connection's peer"),
                "{message}"
            )
        }
        other => panic!("expected an error, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn an_ephemeral_message_passed_on_under_another_sender_is_dropped_quietly() {
    let server = Server::start(memory_relay()).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut bob = Client::connect(&server.url, "bob").await;
    let mut plan = new_plan("Gossip");
    alice.sync(&mut plan).await;
    let mut copy = DocSync::new(plan.id(), AutoCommit::new());
    bob.sync(&mut copy).await;
    // Bob passes on something "alice" said, as JS automerge-repo peers do.
    let passed_on = Message::Ephemeral {
        sender_id: PeerId::new("alice"),
        target_id: bob.relay(),
        document_id: plan.id(),
        session_id: "s".to_owned(),
        count: 1,
        data: b"alice here".to_vec(),
    };
    bob.send(passed_on).await;
    // Neither refused (bob stays connected and syncing) nor forwarded.
    let mut more = new_plan("Bob still syncs");
    assert_eq!(bob.sync(&mut more).await, None);
    assert!(alice.recv().await.is_none(), "nothing passed on to alice");
    server.stop().await;
}

#[tokio::test]
async fn documents_survive_a_restart_on_the_embedded_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_id;
    let heads;
    {
        let server = Server::start(Relay::open_dir(dir.path()).expect("relay")).await;
        let mut alice = Client::connect(&server.url, "alice").await;
        let mut plan = new_plan("Persisted");
        alice.sync(&mut plan).await;
        plan_id = plan.id();
        heads = plan.heads();
        server.stop().await;
    }
    let relay = Relay::open_dir(dir.path()).expect("reopen");
    let server = Server::start(relay).await;
    let mut bob = Client::connect(&server.url, "bob").await;
    let mut copy = DocSync::new(plan_id, AutoCommit::new());
    assert_eq!(bob.sync(&mut copy).await, None);
    assert_eq!(copy.heads(), heads);
    server.stop().await;
    assert_workspace_is_stable(dir.path());
}

fn assert_workspace_is_stable(dir: &Path) {
    let a = Relay::open_dir(dir).expect("open");
    let b = Relay::open_dir(dir).expect("open again");
    assert_eq!(
        a.workspace().index_document_id,
        b.workspace().index_document_id
    );
}

#[tokio::test]
async fn the_workspace_index_can_be_requested() {
    let relay = memory_relay();
    let index = DocumentId::parse(&relay.workspace().index_document_id).expect("id");
    let server = Server::start(relay).await;
    let mut c = Client::connect(&server.url, "c").await;
    let mut copy = DocSync::new(index, AutoCommit::new());
    assert_eq!(c.sync(&mut copy).await, None);
    assert!(
        model::WorkspaceIndex::records(copy.doc())
            .expect("index")
            .is_empty()
    );
    server.stop().await;
}

#[tokio::test]
async fn a_socket_that_never_joins_does_not_hold_up_shutdown() {
    let server = Server::start(memory_relay()).await;
    let (_silent, _) = tokio_tungstenite::connect_async(&server.url)
        .await
        .expect("connect");
    let started = std::time::Instant::now();
    server.stop().await;
    println!("shutdown with a silent socket took {:?}", started.elapsed());
}

fn presence(doc: DocumentId, from: &Client, count: u64, data: &[u8]) -> Message {
    Message::Ephemeral {
        sender_id: from.session.me().clone(),
        target_id: from.relay(),
        document_id: doc,
        session_id: format!("{}-tab", from.session.me()),
        count,
        data: data.to_vec(),
    }
}

#[tokio::test]
async fn presence_reaches_a_page_that_only_opened_a_document_it_already_had() {
    let server = Server::start(memory_relay()).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut plan = new_plan("Contoso");
    assert_eq!(alice.sync(&mut plan).await, None);
    // Bob got the plan earlier; now his page opens with it already on the
    // device: one sync round that brings nothing new.
    let mut copy = DocSync::new(plan.id(), plan.doc().clone());
    let mut bob = Client::connect(&server.url, "bob").await;
    assert_eq!(bob.sync(&mut copy).await, None);
    // Carol is connected but has never asked for this plan.
    let mut carol = Client::connect(&server.url, "carol").await;

    alice
        .send(presence(plan.id(), &alice, 1, b"alice here"))
        .await;
    match bob.recv().await {
        Some(Message::Ephemeral {
            sender_id,
            target_id,
            document_id,
            count,
            data,
            ..
        }) => {
            assert_eq!(sender_id.as_str(), "alice");
            assert_eq!(target_id.as_str(), "bob", "addressed to the receiver");
            assert_eq!((document_id, count), (plan.id(), 1));
            assert_eq!(data, b"alice here");
        }
        other => panic!("bob expected alice's presence, got {other:?}"),
    }
    bob.send(presence(plan.id(), &bob, 1, b"bob here")).await;
    match alice.recv().await {
        Some(Message::Ephemeral { data, .. }) => assert_eq!(data, b"bob here"),
        other => panic!("alice expected bob's presence, got {other:?}"),
    }
    assert_eq!(
        carol.recv().await,
        None,
        "nothing for a peer not on the plan"
    );
    assert_eq!(alice.recv().await, None, "no echo to the sender");
    server.stop().await;
}
