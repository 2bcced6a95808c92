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
