//! The engine on its own (two documents passing messages by hand), and
//! several clients converging through the relay on the simulated network
//! the convergence fuzzer uses ([`crate::sim`]).

use std::collections::BTreeMap;

use super::*;
use crate::sim::{SimClient, SimRelay, World};
use automerge::ActorId;
use model::{AccountPlan, PlanField};

const DOC: DocumentId = DocumentId::from_bytes([9; 16]);

/// A relay and `n` connected clients, each holding `seed_doc`.
fn star(n: u8, seed_doc: &AutoCommit) -> World {
    let clients = (0..n)
        .map(|i| {
            let actor = ActorId::from(vec![i + 1; 16]);
            SimClient::new(&format!("c{i}"), &actor, vec![(DOC, seed_doc.clone())])
        })
        .collect();
    let mut world = World::new(SimRelay::new(BTreeMap::new()), clients);
    for i in 0..usize::from(n) {
        world.connect(i);
    }
    world
}

fn quiet(world: &mut World) {
    world.run_until_quiet(10_000, |queues| queues[0]);
}

/// Pass messages between `a` (peer "a") and `b` (peer "b") until both are quiet.
fn exchange(a: &mut DocSync, b: &mut DocSync) {
    let (pa, pb) = (PeerId::new("a"), PeerId::new("b"));
    for _ in 0..100 {
        let to_b = a.outgoing();
        let to_a = b.outgoing();
        if to_b.is_empty() && to_a.is_empty() {
            return;
        }
        for m in to_b {
            b.receive(&pa, &m.data).expect("valid sync message");
        }
        for m in to_a {
            a.receive(&pb, &m.data).expect("valid sync message");
        }
    }
    panic!("sync did not settle");
}

/// `doc` for peer "a", peered with "b".
fn peered(doc: AutoCommit, with: &str) -> DocSync {
    let mut sync = DocSync::new(DOC, doc);
    sync.add_peer(&PeerId::new(with));
    sync
}

fn seeded_plan() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![0; 16]));
    AccountPlan::create(&mut doc, "Contoso").expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, "Grow.").expect("edit");
    doc
}

#[test]
fn concurrent_edits_through_a_relay_converge_everywhere() {
    let mut world = star(3, &seeded_plan());
    quiet(&mut world);
    let edits = [
        (PlanField::Vision, "Grow fast."),
        (PlanField::Vision, "We Grow."),
        (PlanField::Title, "Contoso FY27"),
    ];
    for (client, (field, text)) in edits.into_iter().enumerate() {
        world.edit(client, DOC, 0, |d| {
            AccountPlan::set_text(d, field, text).map(|_| ())
        });
    }
    quiet(&mut world);
    let heads = world.relay.load(DOC).heads();
    for client in &mut world.clients {
        let sync = client.docs.get_mut(&DOC).expect("doc");
        assert_eq!(sync.heads(), heads, "{} converged", client.session.me());
        let vision = AccountPlan::text(sync.doc(), PlanField::Vision).expect("readable");
        assert_eq!(vision, "We Grow fast.");
    }
}

#[test]
fn a_relay_that_starts_empty_receives_everything_and_confirms_it() {
    let mut world = star(1, &seeded_plan());
    quiet(&mut world);
    let relay = world.relay.me().clone();
    let sync = world.clients[0].docs.get_mut(&DOC).expect("doc");
    assert_eq!(sync.unconfirmed_changes(&relay), 0);
    let title = AccountPlan::read(world.relay.load(DOC).doc().expect("uploaded"))
        .expect("read")
        .title;
    assert_eq!(title, "Contoso");
    assert!(
        world.relay.stored.contains_key(&DOC),
        "stored before it was confirmed"
    );
}

#[test]
fn new_changes_are_counted_and_stored_once() {
    let mut relay = peered(AutoCommit::new(), "a");
    assert!(
        relay.storage_task().is_none(),
        "an empty relay copy has nothing to store"
    );
    let mut client = peered(seeded_plan(), "relay");
    assert!(client.unconfirmed_changes(&PeerId::new("relay")) > 0);
    exchange(&mut client, &mut relay);
    assert!(matches!(
        relay.storage_task(),
        Some(StorageTask::Append { .. } | StorageTask::Compact { .. })
    ));
    assert!(relay.storage_task().is_none());
}

#[test]
fn garbage_sync_data_is_an_error_not_a_panic() {
    let mut node = DocSync::new(DocumentId::from_bytes([1; 16]), AutoCommit::new());
    let err = node
        .receive(&PeerId::new("x"), b"not a sync message")
        .expect_err("garbage");
    assert!(matches!(err, SyncError::BadSyncMessage(_)), "{err}");
}

#[test]
fn a_reloaded_document_resumes_with_the_same_heads() {
    let mut node = DocSync::new(DocumentId::from_bytes([1; 16]), seeded_plan());
    let mut stored = Vec::new();
    while let Some(task) = node.storage_task() {
        match task {
            StorageTask::Append { chunk, .. } => stored.push(chunk),
            StorageTask::Compact { snapshot, .. } => stored = vec![snapshot],
        }
    }
    let (mut back, errors) = DocSync::loaded(node.id(), &stored);
    assert!(errors.is_empty());
    assert_eq!(back.heads(), node.heads());
    assert!(
        back.storage_task().is_none(),
        "nothing new to store after load"
    );
}

#[test]
fn receiving_reports_how_many_changes_were_new() {
    let mut client = peered(seeded_plan(), "b");
    let mut relay = peered(AutoCommit::new(), "a");
    exchange(&mut client, &mut relay);
    for word in ["Grow", "Grow fast", "Grow fast."] {
        AccountPlan::set_text(client.doc_mut(), PlanField::Vision, word).expect("edit");
        client.doc_mut().commit();
    }
    let (a, b) = (PeerId::new("a"), PeerId::new("b"));
    let mut new = 0;
    for _ in 0..10 {
        for o in client.outgoing() {
            new += relay.receive(&a, &o.data).expect("valid").new_changes;
        }
        for o in relay.outgoing() {
            client.receive(&b, &o.data).expect("valid");
        }
    }
    assert_eq!(new, 3);
}

/// A relay's copy with `n` peers ("p0", "p1", …) that share `seed_doc`,
/// each with its own actor, all synced.
fn relay_and_peers(n: u8, seed_doc: &AutoCommit) -> (DocSync, Vec<(PeerId, DocSync)>) {
    let me = PeerId::new("relay");
    let mut relay = DocSync::new(DOC, seed_doc.clone());
    let mut peers: Vec<(PeerId, DocSync)> = (0..n)
        .map(|i| {
            let doc = seed_doc.clone().with_actor(ActorId::from(vec![i + 1; 16]));
            (PeerId::new(format!("p{i}")), peered(doc, "relay"))
        })
        .collect();
    for (peer, doc) in &mut peers {
        relay.add_peer(peer);
        sync_pair(&mut relay, peer, doc, &me);
    }
    (relay, peers)
}

/// Pass messages between the relay and one peer until both are quiet.
fn sync_pair(relay: &mut DocSync, peer: &PeerId, doc: &mut DocSync, me: &PeerId) {
    for _ in 0..100 {
        let up = doc.outgoing_for(me);
        let down = relay.outgoing_for(peer);
        if up.is_none() && down.is_none() {
            return;
        }
        if let Some(data) = up {
            relay.receive(peer, &data).expect("valid");
        }
        if let Some(data) = down {
            doc.receive(me, &data).expect("valid");
        }
    }
    panic!("sync did not settle");
}

#[test]
fn a_batch_of_keystrokes_applies_like_one_at_a_time_and_everyone_converges() {
    let me = PeerId::new("relay");
    let (mut batched, mut peers) = relay_and_peers(4, &seeded_plan());
    let mut one_by_one = DocSync::new(DOC, batched.doc().clone());
    // Each types a word, a key at a time, offering each key as it goes.
    let mut offered = Vec::new();
    for key in 1..=5 {
        for (i, (peer, doc)) in peers.iter_mut().enumerate() {
            let text = format!("{}{}", "x".repeat(key), i);
            AccountPlan::set_text(doc.doc_mut(), PlanField::Vision, &text).expect("edit");
            doc.doc_mut().commit();
            if let Some(data) = doc.outgoing_for(&me) {
                offered.push((peer.clone(), data));
            }
        }
    }
    assert!(offered.len() >= 4, "every peer offers its keys");
    for (peer, data) in &offered {
        one_by_one.receive(peer, data).expect("valid");
    }
    let batch = offered
        .iter()
        .map(|(peer, data)| (peer.clone(), decode_sync(data).expect("decodes")))
        .collect();
    let (received, refused) = batched.receive_all(batch);
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(received.new_changes, offered.len());
    assert_eq!(batched.heads(), one_by_one.heads());

    // Syncing on from the batch's states reaches everyone.
    for _ in 0..20 {
        let mut quiet = true;
        for o in batched.outgoing() {
            quiet = false;
            let (_, doc) = peers
                .iter_mut()
                .find(|(p, _)| *p == o.peer)
                .expect("a peer");
            doc.receive(&me, &o.data).expect("valid");
        }
        let replies: Vec<_> = peers
            .iter_mut()
            .filter_map(|(peer, doc)| doc.outgoing_for(&me).map(|d| (peer.clone(), d)))
            .collect();
        quiet &= replies.is_empty();
        let batch = replies
            .into_iter()
            .map(|(peer, data)| (peer, decode_sync(&data).expect("decodes")))
            .collect();
        let (_, refused) = batched.receive_all(batch);
        assert!(refused.is_empty(), "{refused:?}");
        if quiet {
            break;
        }
    }
    let heads = batched.heads();
    for (peer, doc) in &mut peers {
        assert_eq!(doc.heads(), heads, "{peer} has everything");
        assert_eq!(batched.unconfirmed_changes(peer), 0, "{peer} confirmed it");
    }
}

#[test]
fn a_bad_message_in_a_batch_is_refused_alone() {
    let me = PeerId::new("relay");
    let (mut relay, mut peers) = relay_and_peers(3, &seeded_plan());
    // p1 and p2 wrongly share an actor: their changes have the same
    // sequence number, so whichever comes second cannot be applied.
    let shared_actor = ActorId::from(vec![42; 16]);
    let mut offered = Vec::new();
    for (i, (peer, doc)) in peers.iter_mut().enumerate() {
        if i > 0 {
            doc.doc_mut().set_actor(shared_actor.clone());
        }
        AccountPlan::set_text(doc.doc_mut(), PlanField::Vision, &format!("from {i}"))
            .expect("edit");
        doc.doc_mut().commit();
        let data = doc.outgoing_for(&me).expect("a change to offer");
        offered.push((peer.clone(), decode_sync(&data).expect("decodes")));
    }
    let before = relay.changes_since(&[]);
    let (received, refused) = relay.receive_all(offered);
    let refused: Vec<&PeerId> = refused.iter().map(|(peer, _)| peer).collect();
    assert_eq!(refused, [&PeerId::new("p2")]);
    assert_eq!(received.new_changes, 2, "p0's and p1's changes are in");
    assert_eq!(relay.changes_since(&[]), before + 2);
}

#[test]
fn a_relay_forwards_a_keystroke_from_the_bytes_it_arrived_as() {
    let me = PeerId::new("relay");
    // A plan with some history (to a peer that lacks a third of it,
    // automerge sends the whole document instead).
    let mut plan = seeded_plan();
    for word in ["Grow", "Grow the", "Grow the base"] {
        AccountPlan::set_text(&mut plan, PlanField::Vision, word).expect("edit");
        plan.commit();
    }
    let (mut relay, mut peers) = relay_and_peers(3, &plan);
    let (typist, doc) = &mut peers[0];
    AccountPlan::set_text(doc.doc_mut(), PlanField::Vision, "Grow faster.").expect("edit");
    doc.doc_mut().commit();
    let typed = doc.heads();
    let data = doc.outgoing_for(&me).expect("a change to offer");
    relay.receive(typist, &data).expect("valid");
    // The message to p1 carries the keystroke without automerge encoding it
    // again: built in the steady state from what arrived.
    let p1 = peers[1].0.clone();
    let state = relay.peers.get_mut(&p1).expect("p1 is a peer");
    let message = generate::steady(
        &mut relay.doc,
        state,
        &relay.recent,
        &mut generate::Since::default(),
    )
    .flatten()
    .expect("a message for p1, built from the received bytes");
    assert_eq!(message.heads, typed);
    assert!(!message.changes.is_empty(), "it carries the change");
    peers[1]
        .1
        .receive(&me, &message.encode())
        .expect("p1 applies it");
    assert_eq!(peers[1].1.heads(), typed);
    for (peer, doc) in &mut peers {
        sync_pair(&mut relay, peer, doc, &me);
        assert_eq!(doc.heads(), typed, "{peer} has the keystroke");
    }
}
