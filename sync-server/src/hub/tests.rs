//! The hub driven directly (no sockets): eviction and reloading, a peer
//! arriving while its document is being evicted, a superseded connection's
//! late message, and messages that queue while their document is busy.

use std::sync::mpsc as std_mpsc;

use automerge::{ActorId, AutoCommit};
use model::{AccountPlan, PlanField};

use super::*;
use crate::local_peer::LocalPeer;
use crate::storage::{HookedStorage, MemoryStorage};
use protocol::DocSync;

/// A local peer holding one document, as the tests' people do.
struct Peer {
    local: LocalPeer,
    doc: DocSync,
}

impl Peer {
    async fn connect(hub: &Hub, name: &str, doc: DocSync) -> Self {
        let local = LocalPeer::connect(hub, PeerId::new(name)).await;
        Peer { local, doc }
    }

    async fn sync(&mut self, hub: &Hub) {
        self.local
            .sync(hub, &mut self.doc)
            .await
            .expect("synced with the relay");
    }

    async fn leave(self, hub: &Hub) {
        self.local.leave(hub).await;
    }
}

fn plan(vision: &str) -> DocSync {
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    AccountPlan::create(&mut doc, "Contoso").expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, vision).expect("edit");
    doc.commit();
    DocSync::new(DocumentId::from_bytes([5; 16]), doc)
}

/// An empty copy of `of`, to be requested.
fn wanting(of: &DocSync) -> DocSync {
    DocSync::new(of.id(), AutoCommit::new())
}

fn hub_over(storage: Arc<dyn Storage>) -> Hub {
    Hub::new(PeerId::new("relay"), storage)
}

#[tokio::test]
async fn an_evicted_document_is_compacted_and_reloads_with_every_change() {
    let storage = Arc::new(MemoryStorage::default());
    let hub = hub_over(storage.clone());
    let mut alice = Peer::connect(&hub, "alice", plan("Grow")).await;
    alice.sync(&hub).await;
    for word in ["Grow fast", "Grow fast.", "Grow faster."] {
        AccountPlan::set_text(alice.doc.doc_mut(), PlanField::Vision, word).expect("edit");
        alice.doc.doc_mut().commit();
        alice.sync(&hub).await;
    }
    let id = alice.doc.id();
    assert!(
        storage.load(&id).expect("load").len() > 1,
        "appended chunks"
    );
    assert_eq!(
        hub.evict_idle(Duration::ZERO).await,
        0,
        "alice is syncing it"
    );
    let heads = alice.doc.heads();
    alice.leave(&hub).await;

    assert_eq!(
        hub.evict_idle(Duration::from_secs(60)).await,
        0,
        "not idle long enough"
    );
    assert_eq!(hub.evict_idle(Duration::ZERO).await, 1);
    assert_eq!(hub.resident(), 0);
    assert_eq!(storage.load(&id).expect("load").len(), 1, "compacted");

    let mut bob = Peer::connect(&hub, "bob", DocSync::new(id, AutoCommit::new())).await;
    bob.sync(&hub).await;
    assert_eq!(bob.doc.heads(), heads);
    assert_eq!(
        AccountPlan::text(bob.doc.doc(), PlanField::Vision).expect("read"),
        "Grow faster."
    );
    assert_eq!(hub.resident(), 1, "loaded again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_arriving_while_its_document_is_evicted_loses_nothing() {
    let (entered_tx, entered) = std_mpsc::channel();
    let (release, release_rx) = std_mpsc::channel();
    // Compactions wait until the test lets them through.
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    let storage = Arc::new(HookedStorage::new(move |tasks| {
        if tasks
            .iter()
            .any(|t| matches!(t, protocol::StorageTask::Compact { .. }))
        {
            let _ = lock(&entered_tx).send(());
            let _ = lock(&release_rx).recv();
        }
        Ok(())
    }));
    let hub = Arc::new(hub_over(storage.clone()));
    // Alice uploads in small steps (appends, no compaction), then leaves.
    let mut alice = Peer::connect(&hub, "alice", plan("G")).await;
    let mut typed = String::from("G");
    for c in "row".chars() {
        typed.push(c);
        AccountPlan::set_text(alice.doc.doc_mut(), PlanField::Vision, &typed).expect("edit");
        alice.doc.doc_mut().commit();
        alice.sync(&hub).await;
    }
    let mut bob_doc = DocSync::new(alice.doc.id(), alice.doc.doc().clone());
    bob_doc.doc_mut().set_actor(ActorId::random());
    alice.leave(&hub).await;

    // Eviction starts and stops inside its compaction, holding the lock.
    let evicting = tokio::spawn({
        let hub = hub.clone();
        async move { hub.evict_idle(Duration::ZERO).await }
    });
    tokio::task::spawn_blocking(move || entered.recv())
        .await
        .expect("joined")
        .expect("the compaction started");

    // Bob, offline meanwhile, arrives with an edit of his own.
    AccountPlan::set_text(bob_doc.doc_mut(), PlanField::Vision, "Grow, said Bob").expect("edit");
    bob_doc.doc_mut().commit();
    let expected = bob_doc.heads();
    let loads = storage.loads.load(Ordering::SeqCst);
    let syncing = tokio::spawn({
        let hub = hub.clone();
        async move {
            let mut bob = Peer::connect(&hub, "bob", bob_doc).await;
            bob.sync(&hub).await;
            bob
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    release.send(()).expect("release");
    // Later compactions (none expected) must not block either.
    drop(release);
    assert_eq!(evicting.await.expect("eviction"), 1);
    let mut bob = syncing.await.expect("bob synced");
    // Bob's message waited for the evicted entry, then looked again: the
    // document was loaded once, into the hub's one live copy.
    assert_eq!(hub.resident(), 1);
    assert_eq!(storage.loads.load(Ordering::SeqCst) - loads, 1, "one copy");

    assert_eq!(
        bob.doc.unconfirmed_changes(hub.peer_id()),
        0,
        "the relay confirmed Bob's edit"
    );
    let (mut stored, errors) = protocol::load_chunks(&storage.load(&bob.doc.id()).expect("load"));
    assert!(errors.is_empty());
    assert_eq!(
        stored.get_heads(),
        expected,
        "storage has Bob's edit and Alice's"
    );
    assert_eq!(
        AccountPlan::text(&stored, PlanField::Vision).expect("read"),
        "Grow, said Bob"
    );
}

#[tokio::test]
async fn a_superseded_connection_cannot_leave_a_stale_sync_state() {
    let hub = hub_over(Arc::new(MemoryStorage::default()));
    let mut alice = Peer::connect(&hub, "alice", plan("Grow")).await;
    alice.sync(&hub).await;
    // Pat has the first version.
    let mut pat_doc = DocSync::new(alice.doc.id(), alice.doc.doc().clone());
    AccountPlan::set_text(alice.doc.doc_mut(), PlanField::Vision, "Grow fast").expect("edit");
    alice.doc.doc_mut().commit();
    alice.sync(&hub).await;

    // Pat's page reloads twice quickly: the second connection closes before
    // the first one's last message is read.
    let (first, _) = mpsc::unbounded_channel();
    let stale = hub.connect(&PeerId::new("pat"), first).await;
    let second = Peer::connect(&hub, "pat", wanting(&alice.doc)).await;
    second.leave(&hub).await;
    pat_doc.add_peer(hub.peer_id());
    let late = pat_doc.outgoing_for(hub.peer_id()).expect("a message");
    hub.sync(&PeerId::new("pat"), stale, pat_doc.id(), &late, false)
        .await
        .expect("ignored, not refused");

    // Pat's third connection syncs from scratch and gets everything.
    pat_doc.remove_peer(hub.peer_id());
    let mut third = Peer::connect(&hub, "pat", pat_doc).await;
    third.sync(&hub).await;
    assert_eq!(third.doc.heads(), alice.doc.heads());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keystrokes_that_queue_while_the_document_is_busy_are_answered_once_each() {
    let storage = Arc::new(MemoryStorage::default());
    let hub = Arc::new(hub_over(storage.clone()));
    let first = plan("Grow");
    let id = first.id();
    let mut people = vec![Peer::connect(&hub, "alice", first).await];
    people[0].sync(&hub).await;
    for name in ["bob", "carol", "dan", "erin"] {
        let mut doc = DocSync::new(id, people[0].doc.doc().clone());
        doc.doc_mut().set_actor(ActorId::random());
        let mut peer = Peer::connect(&hub, name, doc).await;
        peer.sync(&hub).await;
        people.push(peer);
    }
    for peer in &mut people {
        peer.sync(&hub).await;
        peer.local.received();
    }
    let chunks = storage.load(&id).expect("load").len();

    // Four of them type while the relay is busy with the document.
    let busy = hub.locked(id).await;
    let relay = hub.peer_id().clone();
    let mut typing = Vec::new();
    for (i, peer) in people.iter_mut().enumerate().take(4) {
        AccountPlan::set_text(peer.doc.doc_mut(), PlanField::Vision, &format!("Grow {i}"))
            .expect("edit");
        peer.doc.doc_mut().commit();
        let data = peer.doc.outgoing_for(&relay).expect("a change to offer");
        let (hub, from, connection) = (
            hub.clone(),
            peer.local.id().clone(),
            peer.local.connection(),
        );
        typing.push(tokio::spawn(async move {
            hub.sync(&from, connection, id, &data, false).await
        }));
    }
    for _ in 0..500 {
        if lock(&hub.slot(id).inbox).len() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(lock(&hub.slot(id).inbox).len(), 4, "all four queued");
    drop(busy);
    for typed in typing {
        typed.await.expect("joined").expect("applied");
    }

    // One write for the four changes, one message for each person.
    assert_eq!(storage.load(&id).expect("load").len(), chunks + 1);
    for peer in &mut people {
        let received = peer.local.received();
        assert_eq!(received.len(), 1, "{}: {received:?}", peer.local.id());
        let Some(Message::Sync { data, .. }) = received.into_iter().next() else {
            panic!("a sync message");
        };
        peer.doc.receive(&relay, &data).expect("receives");
    }
    // Erin, who only listened, has all four keystrokes from that one message.
    assert_eq!(
        people[4].doc.heads().len(),
        4,
        "the four concurrent keystrokes are its heads"
    );
    for peer in &mut people {
        peer.sync(&hub).await;
    }
    let heads = people[0].doc.heads();
    assert!(
        people.iter_mut().all(|p| p.doc.heads() == heads),
        "converged"
    );
}
