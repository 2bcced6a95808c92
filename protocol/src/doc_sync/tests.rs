//! Several replicas and a relay on an in-memory network, run until quiet.

use super::*;
use automerge::ActorId;
use model::{AccountPlan, PlanField};

/// Messages in flight: (from, to, data).
type Wire = Vec<(PeerId, PeerId, Vec<u8>)>;

struct Net {
    nodes: BTreeMap<PeerId, DocSync>,
    wire: Wire,
}

impl Net {
    /// A relay and `n` clients, each client peered with the relay only.
    fn star(n: u8, seed_doc: &AutoCommit) -> Self {
        let id = DocumentId::from_bytes([9; 16]);
        let relay = PeerId::new("relay");
        let mut nodes = BTreeMap::new();
        nodes.insert(relay.clone(), DocSync::new(id, AutoCommit::new()));
        for i in 0..n {
            let me = PeerId::new(format!("c{i}"));
            let mut doc = seed_doc.clone().with_actor(ActorId::from(vec![i + 1; 16]));
            doc.set_actor(ActorId::from(vec![i + 1; 16]));
            let mut node = DocSync::new(id, doc);
            node.add_peer(&relay);
            nodes.insert(me.clone(), node);
            if let Some(r) = nodes.get_mut(&relay) {
                r.add_peer(&me);
            }
        }
        Net {
            nodes,
            wire: Vec::new(),
        }
    }

    fn node(&mut self, name: &str) -> &mut DocSync {
        self.nodes.get_mut(&PeerId::new(name)).expect("node exists")
    }

    fn pump(&mut self) {
        for (name, node) in self.nodes.iter_mut() {
            for o in node.outgoing() {
                self.wire.push((name.clone(), o.peer, o.data));
            }
        }
    }

    /// Deliver until nobody has anything to say; returns messages delivered.
    fn run_until_quiet(&mut self) -> usize {
        let mut delivered = 0;
        loop {
            self.pump();
            if self.wire.is_empty() {
                return delivered;
            }
            for (from, to, data) in std::mem::take(&mut self.wire) {
                let node = self.nodes.get_mut(&to).expect("target exists");
                node.receive(&from, &data).expect("valid sync message");
                delivered += 1;
            }
            assert!(delivered < 10_000, "sync did not settle");
        }
    }

    fn vision(&mut self, name: &str) -> String {
        AccountPlan::text(self.node(name).doc(), PlanField::Vision).expect("readable")
    }
}

fn seeded_plan() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![0; 16]));
    AccountPlan::create(&mut doc, "Contoso").expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, "Grow.").expect("edit");
    doc
}

#[test]
fn concurrent_edits_through_a_relay_converge_everywhere() {
    let mut net = Net::star(3, &seeded_plan());
    net.run_until_quiet();
    AccountPlan::set_text(net.node("c0").doc_mut(), PlanField::Vision, "Grow fast.").expect("c0");
    AccountPlan::set_text(net.node("c1").doc_mut(), PlanField::Vision, "We Grow.").expect("c1");
    AccountPlan::set_text(net.node("c2").doc_mut(), PlanField::Title, "Contoso FY27").expect("c2");
    net.run_until_quiet();
    let heads = net.node("relay").heads();
    for name in ["c0", "c1", "c2"] {
        assert_eq!(net.node(name).heads(), heads, "{name} converged");
        assert_eq!(net.vision(name), "We Grow fast.");
    }
}

#[test]
fn a_relay_that_starts_empty_receives_everything_and_confirms_it() {
    let mut net = Net::star(1, &seeded_plan());
    let relay = PeerId::new("relay");
    assert!(net.node("c0").unconfirmed_changes(&relay) > 0);
    net.run_until_quiet();
    assert_eq!(net.node("c0").unconfirmed_changes(&relay), 0);
    assert_eq!(
        AccountPlan::read(net.node("relay").doc())
            .expect("read")
            .title,
        "Contoso"
    );
}

#[test]
fn new_changes_are_counted_and_stored_once() {
    let mut net = Net::star(1, &seeded_plan());
    let relay_store = net.node("relay").storage_task();
    assert!(
        relay_store.is_none(),
        "an empty relay copy has nothing to store"
    );
    net.run_until_quiet();
    assert!(matches!(
        net.node("relay").storage_task(),
        Some(StorageTask::Append { .. } | StorageTask::Compact { .. })
    ));
    assert!(net.node("relay").storage_task().is_none());
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
    let mut net = Net::star(1, &seeded_plan());
    net.run_until_quiet();
    for word in ["Grow", "Grow fast", "Grow fast."] {
        AccountPlan::set_text(net.node("c0").doc_mut(), PlanField::Vision, word).expect("edit");
        net.node("c0").doc_mut().commit();
    }
    let relay = PeerId::new("relay");
    let mut new = 0;
    for _ in 0..10 {
        for o in net.node("c0").outgoing() {
            new += net
                .node("relay")
                .receive(&PeerId::new("c0"), &o.data)
                .expect("valid")
                .new_changes;
        }
        for o in net.node("relay").outgoing() {
            net.node("c0").receive(&relay, &o.data).expect("valid");
        }
    }
    assert_eq!(new, 3);
}
