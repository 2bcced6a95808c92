//! Access rules over real sockets: outsiders, viewers, revoked tokens,
//! origins, connection caps and floods.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use futures_util::SinkExt;
use model::{AccountPlan, PlanField};
use protocol::{DocSync, DocumentId, Message};
use support::{Client, Server, issue, new_plan};
use sync_server::access::{Role, admin};
use sync_server::storage::MemoryStorage;
use sync_server::{Limits, Relay};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn memory_relay() -> Relay {
    Relay::open(Arc::new(MemoryStorage::default())).expect("relay")
}

/// The HTTP status the relay refused the upgrade with.
async fn refused_status(request: impl IntoClientRequest + Unpin) -> u16 {
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("expected a refusal, the socket opened"),
    }
}

#[tokio::test]
async fn no_token_a_bad_token_or_a_foreign_origin_is_refused() {
    let relay = memory_relay();
    let token = issue(&relay, "default", "ann", Role::Editor);
    let server = Server::start(relay).await;
    let bare = format!("ws://{}/sync", server.addr);
    assert_eq!(refused_status(bare.as_str()).await, 401);
    assert_eq!(
        refused_status(server.url_with("fb_guess").as_str()).await,
        401
    );
    let mut request = server
        .url_with(&token)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().expect("header"));
    assert_eq!(refused_status(request).await, 403);
    let mut own = server
        .url_with(&token)
        .into_client_request()
        .expect("request");
    let origin = format!("http://{}", server.addr);
    own.headers_mut()
        .insert("origin", origin.parse().expect("header"));
    assert!(
        tokio_tungstenite::connect_async(own).await.is_ok(),
        "same origin is allowed"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_outsider_learns_nothing_and_changes_nothing() {
    let relay = memory_relay();
    let eve_token = issue(&relay, "other", "eve", Role::Owner);
    let server = Server::start(relay).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut plan = new_plan("Secret");
    assert_eq!(alice.sync(&mut plan).await, None);

    let mut eve = Client::connect(&server.url_with(&eve_token), "eve").await;
    // Asking for an existing document looks exactly like asking for a missing one.
    let mut wanted = DocSync::new(plan.id(), AutoCommit::new());
    let missing = DocumentId::from_bytes([7; 16]);
    let mut nothing = DocSync::new(missing, AutoCommit::new());
    let unavailable = |doc| Message::DocUnavailable {
        sender_id: eve.relay(),
        target_id: eve.session.me().clone(),
        document_id: doc,
    };
    let (a, b) = (unavailable(plan.id()), unavailable(missing));
    assert_eq!(eve.sync(&mut wanted).await, Some(a));
    assert_eq!(eve.sync(&mut nothing).await, Some(b));
    // Pushing changes into it is refused the same way.
    let mut forged = DocSync::new(plan.id(), AutoCommit::new());
    AccountPlan::create(forged.doc_mut(), "Hijacked").expect("create");
    assert!(matches!(
        eve.sync(&mut forged).await,
        Some(Message::DocUnavailable { .. })
    ));
    // Presence and later edits do not reach her, and hers do not reach Alice.
    eve.send(Message::Ephemeral {
        sender_id: eve.session.me().clone(),
        target_id: eve.relay(),
        document_id: plan.id(),
        session_id: "s".into(),
        count: 1,
        data: vec![0xa0],
    })
    .await;
    assert_eq!(alice.recv().await, None, "nothing from eve reaches alice");
    AccountPlan::set_text(plan.doc_mut(), PlanField::Vision, "Still secret").expect("edit");
    alice.sync(&mut plan).await;
    assert_eq!(eve.recv().await, None, "no sync traffic for eve");

    let mut check = Client::connect(&server.url, "check").await;
    let mut copy = DocSync::new(plan.id(), AutoCommit::new());
    check.sync(&mut copy).await;
    assert_eq!(AccountPlan::read(copy.doc()).expect("read").title, "Secret");
    server.stop().await;
}

#[tokio::test]
async fn a_viewer_reads_but_its_changes_are_refused() {
    let relay = memory_relay();
    let viewer = issue(&relay, "default", "vic", Role::Viewer);
    let server = Server::start(relay).await;
    let mut alice = Client::connect(&server.url, "alice").await;
    let mut plan = new_plan("Shared");
    alice.sync(&mut plan).await;

    let mut vic = Client::connect(&server.url_with(&viewer), "vic").await;
    let mut copy = DocSync::new(plan.id(), AutoCommit::new());
    assert_eq!(vic.sync(&mut copy).await, None);
    assert_eq!(
        copy.heads(),
        plan.heads(),
        "the viewer receives the document"
    );

    AccountPlan::set_text(copy.doc_mut(), PlanField::Vision, "Vandalised").expect("edit");
    match vic.sync(&mut copy).await {
        Some(Message::Error { message, .. }) => {
            assert!(message.contains("a viewer cannot change"), "{message}")
        }
        other => panic!("expected an error for the viewer, got {other:?}"),
    }
    assert_eq!(
        alice.recv().await,
        None,
        "alice never sees the viewer's change"
    );
    let mut check = Client::connect(&server.url, "check").await;
    let mut stored = DocSync::new(plan.id(), AutoCommit::new());
    check.sync(&mut stored).await;
    assert_eq!(
        AccountPlan::text(stored.doc(), PlanField::Vision).expect("read"),
        "Land and expand"
    );
    // A viewer cannot claim a new document either.
    let mut fresh = new_plan("Mine now");
    assert!(matches!(
        vic.sync(&mut fresh).await,
        Some(Message::DocUnavailable { .. })
    ));
    // Updates still reach the viewer.
    AccountPlan::set_text(plan.doc_mut(), PlanField::Vision, "Updated").expect("edit");
    alice.sync(&mut plan).await;
    assert!(matches!(vic.recv().await, Some(Message::Sync { .. })));
    server.stop().await;
}

/// Waits for the connection to be closed; how long it took.
async fn closed_within(client: &mut Client, limit: Duration) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit {
        match tokio::time::timeout(limit, futures_util::StreamExt::next(&mut client.ws)).await {
            Ok(None) | Ok(Some(Err(_))) => return started.elapsed(),
            Ok(Some(Ok(frame))) if frame.is_close() => return started.elapsed(),
            Ok(Some(Ok(_))) => continue,
            Err(_) => break,
        }
    }
    panic!("connection still open after {limit:?}");
}

#[tokio::test]
async fn revoking_a_token_or_a_membership_closes_live_connections_within_a_second() {
    let relay = memory_relay();
    let storage = relay.hub().storage().clone();
    let bob = issue(&relay, "default", "bob", Role::Editor);
    let carol = issue(&relay, "default", "carol", Role::Editor);
    let server = Server::start(relay).await;
    let mut b = Client::connect(&server.url_with(&bob), "bob").await;
    let mut c = Client::connect(&server.url_with(&carol), "carol").await;
    let bob_id = sync_server::access::hash_token(&bob)[..12].to_owned();
    // Changed in the store, as the subcommands do from another process.
    assert!(admin::revoke_token(storage.as_ref(), &bob_id).expect("revoke"));
    let took = closed_within(&mut b, Duration::from_secs(1)).await;
    println!("revoked token closed in {took:?}");
    assert!(admin::remove_member(storage.as_ref(), "default", "carol").expect("remove"));
    let took = closed_within(&mut c, Duration::from_secs(1)).await;
    println!("removed member closed in {took:?}");
    assert!(
        Client::try_connect(&server.url_with(&bob), "bob")
            .await
            .is_none()
    );
    server.stop().await;
}

#[tokio::test]
async fn a_token_that_expires_while_connected_closes_its_connection() {
    let relay = memory_relay();
    let storage = relay.hub().storage().clone();
    let (token, record) = sync_server::access::TokenRecord::issue(
        "default",
        "dora",
        Role::Editor,
        sync_server::access::now_secs() + 2,
        false,
    );
    storage.put_token(&record).expect("token");
    relay.access().refresh().expect("refresh");
    let server = Server::start(relay).await;
    let mut d = Client::connect(&server.url_with(&token), "dora").await;
    let started = Instant::now();
    let mut told = None;
    // `recv` gives up after half a second of silence: keep listening.
    while told.is_none() && started.elapsed() < Duration::from_secs(4) {
        if let Some(Message::Error { message, .. }) = d.recv().await {
            told = Some(message);
        }
    }
    let told = told.expect("told why the connection closed");
    println!("expired token closed after {:?}: {told}", started.elapsed());
    assert!(told.contains("expired"), "{told}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(
        Client::try_connect(&server.url_with(&token), "dora")
            .await
            .is_none(),
        "an expired token no longer connects"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_workspace_api_needs_a_token_and_names_only_its_own_workspace() {
    let relay = memory_relay();
    let ann = issue(&relay, "default", "ann", Role::Editor);
    let vic = issue(&relay, "acme", "vic", Role::Viewer);
    let server = Server::start(relay).await;
    for path in ["/api/workspace", "/api/workspace?token=fb_guess"] {
        let (status, body) = server.get(path).await;
        assert_eq!(status, 401, "{path}");
        assert!(
            body.contains("\"error\"") && !body.contains("index"),
            "{body}"
        );
    }
    let (status, ann_body) = server.get(&format!("/api/workspace?token={ann}")).await;
    assert_eq!(status, 200, "{ann_body}");
    assert!(
        ann_body.contains("\"workspaceId\":\"default\""),
        "{ann_body}"
    );
    assert!(ann_body.contains("\"member\":\"ann\""), "{ann_body}");
    assert!(ann_body.contains("\"role\":\"editor\""), "{ann_body}");
    let (status, vic_body) = server.get(&format!("/api/workspace?token={vic}")).await;
    assert_eq!(status, 200, "{vic_body}");
    assert!(vic_body.contains("\"workspaceId\":\"acme\""), "{vic_body}");
    assert!(vic_body.contains("\"role\":\"viewer\""), "{vic_body}");
    let index = |body: &str| {
        body.split("\"indexDocumentId\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
            .expect("an index id")
    };
    assert_ne!(
        index(&ann_body),
        index(&vic_body),
        "each workspace has its own index"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_flood_closes_only_the_flooding_connection() {
    let relay = memory_relay().with_limits(Limits {
        max_connections: 8,
        messages_per_second: 5.0,
        burst: 10.0,
        ..Limits::default()
    });
    let server = Server::start(relay).await;
    let mut good = Client::connect(&server.url, "good").await;
    let mut flood = Client::connect(&server.url, "flood").await;
    let mut refused = None;
    for n in 0..100 {
        let error = Message::Error {
            sender_id: Some(flood.session.me().clone()),
            target_id: None,
            message: format!("noise {n}"),
        };
        if flood
            .ws
            .send(tokio_tungstenite::tungstenite::Message::Binary(
                error.encode().into(),
            ))
            .await
            .is_err()
        {
            break;
        }
    }
    while let Some(m) = flood.recv().await {
        if let Message::Error { message, .. } = m {
            refused = Some(message);
        }
    }
    let refused = refused.expect("the flood was refused");
    assert!(refused.starts_with("too many messages"), "{refused}");
    let mut plan = new_plan("Still serving");
    assert_eq!(good.sync(&mut plan).await, None);
    assert_eq!(plan.unconfirmed_changes(&good.relay()), 0);
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_refused_clearly() {
    let relay = memory_relay().with_limits(Limits {
        max_connections: 1,
        ..Limits::default()
    });
    let server = Server::start(relay).await;
    let _first = Client::connect(&server.url, "first").await;
    match tokio_tungstenite::connect_async(server.url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503);
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default());
            assert!(body.contains("too many connections"), "{body}");
        }
        other => panic!("expected 503, got {:?}", other.map(|_| ())),
    }
    server.stop().await;
}
