//! The seeded convergence fuzzer: 3–5 clients and the relay's real
//! per-document logic ([`crate::RelayDoc`]) on an in-memory network, editing
//! the real records at random while frames are delivered in random
//! interleavings, duplicated, lost (which breaks that connection, as on a
//! real socket; the client reconnects and syncs afresh), clients are cut off
//! for a while, and the relay drops idle documents from memory or crashes.
//! Odd seeds (and one run of [`SEED`]) also have the relay read a frame from
//! every connection before it answers any, as the hub applies together the
//! messages that queued for a document while it was busy.
//! At the end every partition heals and everything runs until quiet; then
//! every replica and the relay (in memory and in storage) must hold the same
//! changes, read the same, and hold every change anyone made.
//!
//! `cargo test` runs [`SEED`]. Many seeds, each printed so a failure can be
//! replayed: `FIELDBOOK_FUZZ_SEEDS=500 [FIELDBOOK_FUZZ_SEED=first]
//! cargo test --release -p protocol many_seeds -- --ignored --nocapture`.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{ActorId, AutoCommit, ChangeHash};
use model::{AccountPlan, Escalation, PlanField, SystemicIssue, TEXT_ENCODING, WorkspaceIndex};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::edits::{Editor, Record, random_edit};
use super::{Queue, SimClient, SimRelay, World};
use crate::DocumentId;

/// The seed `cargo test` runs.
const SEED: u64 = 7;
/// Random steps per run (edits, deliveries, faults).
const STEPS: usize = 700;
/// 2026-03-01, when the simulated people start work.
const START_MS: i64 = 1_772_323_200_000;

/// What happened in one run.
#[derive(Debug, Default)]
struct Stats {
    clients: usize,
    edits: usize,
    changes: usize,
    frames: usize,
    duplicates: usize,
    /// Times the relay read a frame from every connection before answering.
    together: usize,
    breaks: usize,
    partitions: usize,
    evictions: usize,
    crashes: usize,
}

struct Run {
    rng: StdRng,
    world: World,
    docs: Vec<(DocumentId, Record)>,
    ids: Vec<String>,
    next_ids: Vec<u64>,
    partitioned: BTreeSet<usize>,
    /// The relay sometimes reads a frame from every connection at once.
    together: bool,
    now_ms: i64,
    stats: Stats,
}

impl Run {
    fn new(seed: u64, together: bool) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let clients = rng.random_range(3..=5);
        let record = |n: u8| DocumentId::from_bytes([n; 16]);
        let docs = vec![
            (record(1), Record::Index),
            (record(2), Record::Plan),
            (record(3), Record::Escalation),
            (record(4), Record::Issue),
            (record(5), Record::Plan),
        ];
        // The relay starts with the workspace index's genesis, as a new
        // relay does; every client starts from the same genesis.
        let mut genesis = WorkspaceIndex::genesis(ActorId::random());
        let stored = BTreeMap::from([(record(1), vec![genesis.save()])]);
        let names: Vec<String> = (0..clients).map(|i| format!("c{i}")).collect();
        let sims = names
            .iter()
            .map(|name| {
                let actor = ActorId::from(rng.random::<[u8; 16]>());
                let docs = docs
                    .iter()
                    .map(|(id, kind)| match kind {
                        Record::Index => (*id, genesis.fork()),
                        _ => (*id, AutoCommit::new_with_encoding(TEXT_ENCODING)),
                    })
                    .collect();
                SimClient::new(name, &actor, docs)
            })
            .collect();
        let mut run = Run {
            world: World::new(SimRelay::new(stored), sims),
            ids: docs.iter().map(|(id, _)| id.to_string()).collect(),
            docs,
            next_ids: vec![0; clients],
            partitioned: BTreeSet::new(),
            together,
            now_ms: START_MS,
            stats: Stats {
                clients,
                ..Stats::default()
            },
            rng,
        };
        run.create_records();
        run
    }

    /// Each record is created by one client, offline, and listed in its index.
    fn create_records(&mut self) {
        let n = self.world.clients.len();
        let (index, _) = self.docs[0];
        for (k, (id, kind)) in self.docs.clone().into_iter().enumerate().skip(1) {
            let creator = k % n;
            let now = self.now_ms;
            self.world.edit(creator, id, now / 1000, |d| match kind {
                Record::Plan => AccountPlan::create(d, &format!("Plan {k}")),
                Record::Escalation => Escalation::create(d, "Outage", now),
                _ => SystemicIssue::create(d, "Root cause", now),
            });
            let kind = match kind {
                Record::Plan => model::RecordKind::AccountPlan,
                Record::Escalation => model::RecordKind::Escalation,
                _ => model::RecordKind::SystemicIssue,
            };
            let listed = id.to_string();
            self.world.edit(creator, index, now / 1000, |d| {
                WorkspaceIndex::add(d, &listed, kind, now)
            });
        }
    }

    fn step(&mut self) {
        self.now_ms += self.rng.random_range(0..60_000);
        let n = self.world.clients.len();
        let client = self.rng.random_range(0..n);
        match self.rng.random_range(0..1000) {
            0..250 => self.edit(client),
            250..820 => {
                let queues = self.world.queues();
                if let Some(&queue) = queues.choose(&mut self.rng) {
                    if self.together && queue.to_relay() && self.rng.random_bool(0.5) {
                        self.world.deliver_to_relay_together();
                        self.stats.together += 1;
                        return;
                    }
                    let duplicate = self.rng.random_bool(0.03);
                    self.stats.duplicates += usize::from(duplicate);
                    self.world.deliver(queue, duplicate);
                }
            }
            820..860 => {
                if self.world.is_connected(client) {
                    // A frame is lost: the connection breaks there.
                    let in_flight = self.world.in_flight_up(client);
                    let kept = self.rng.random_range(0..=in_flight);
                    self.world.break_link(client, kept);
                    self.stats.breaks += 1;
                }
            }
            860..940 => {
                if !self.world.is_connected(client) && !self.partitioned.contains(&client) {
                    self.world.connect(client);
                }
            }
            940..960 => {
                if !self.partitioned.remove(&client) {
                    self.partitioned.insert(client);
                    self.world.break_link(client, 0);
                    self.stats.partitions += 1;
                }
            }
            960..995 => self.stats.evictions += self.world.relay.evict_idle(),
            _ => {
                self.world.crash_relay();
                self.stats.crashes += 1;
            }
        }
    }

    fn edit(&mut self, client: usize) {
        let have: Vec<(DocumentId, Record)> = self
            .docs
            .iter()
            .filter(|(id, _)| {
                self.world.clients[client]
                    .docs
                    .get(id)
                    .is_some_and(|d| !d.is_empty())
            })
            .copied()
            .collect();
        let Some(&(doc, record)) = have.choose(&mut self.rng) else {
            return;
        };
        let who = self.world.clients[client].me().to_string();
        let before = self.world.made.values().map(BTreeSet::len).sum::<usize>();
        let (rng, ids, next_id) = (&mut self.rng, &self.ids, &mut self.next_ids[client]);
        let mut editor = Editor {
            who: &who,
            now_ms: self.now_ms,
            next_id,
            records: ids,
        };
        self.world.edit(client, doc, self.now_ms / 1000, |d| {
            random_edit(record, d, rng, &mut editor)
        });
        self.stats.edits += 1;
        let after = self.world.made.values().map(BTreeSet::len).sum::<usize>();
        self.stats.changes += after - before;
    }

    /// Heal every partition, reconnect everyone and deliver until quiet.
    fn settle(&mut self) {
        self.partitioned.clear();
        for client in 0..self.world.clients.len() {
            if !self.world.is_connected(client) {
                self.world.connect(client);
            }
        }
        let rng = &mut self.rng;
        self.world.run_until_quiet(200_000, |queues: &[Queue]| {
            *queues.choose(rng).expect("a queue")
        });
        self.stats.frames = self.world.delivered;
    }

    /// Everyone holds the same document, with every change anyone made.
    fn check(&mut self) {
        for &(id, record) in &self.docs {
            let relay_heads = self.world.relay.load(id).heads();
            assert_eq!(
                self.world.relay.stored_heads(id),
                relay_heads,
                "{record:?}: the relay's storage holds what it has in memory"
            );
            let made = self.world.made.get(&id).cloned().unwrap_or_default();
            let mut relay_doc = self.world.relay.load(id).doc().cloned().unwrap_or_default();
            assert_has(&mut relay_doc, &made, "relay");
            let expected = relay_doc.document().hydrate(None);
            let read = read(record, &relay_doc);
            for client in &mut self.world.clients {
                let name = client.me().to_string();
                let sync = client
                    .docs
                    .get_mut(&id)
                    .expect("every client has every document");
                assert_eq!(sync.heads(), relay_heads, "{name} {record:?}: heads");
                let doc = sync.doc_mut();
                assert_has(doc, &made, &name);
                assert_eq!(doc.document().hydrate(None), expected, "{name} {record:?}");
                assert_eq!(
                    self::read(record, doc),
                    read,
                    "{name} {record:?}: model reads"
                );
            }
        }
    }
}

impl World {
    /// Frames in flight from `client` to the relay.
    fn in_flight_up(&self, client: usize) -> usize {
        self.links[client].as_ref().map_or(0, |l| l.up.len())
    }
}

fn assert_has(doc: &mut AutoCommit, made: &BTreeSet<ChangeHash>, who: &str) {
    let missing: Vec<&ChangeHash> = made
        .iter()
        .filter(|h| doc.get_change_by_hash(h).is_none())
        .collect();
    assert!(missing.is_empty(), "{who} lacks changes {missing:?}");
}

/// What the app reads of a record: must read without error once merged.
fn read(record: Record, doc: &AutoCommit) -> String {
    match record {
        Record::Index => format!("{:?}", WorkspaceIndex::records(doc).expect("index")),
        Record::Plan => format!(
            "{:?} {:?}",
            AccountPlan::read(doc).expect("plan"),
            AccountPlan::text(doc, PlanField::Roi).expect("roi")
        ),
        Record::Escalation => format!(
            "{:?} {:?}",
            Escalation::summary(doc).expect("summary"),
            Escalation::notes(doc).expect("notes")
        ),
        Record::Issue => SystemicIssue::title(doc).expect("issue"),
    }
}

/// One whole run of `seed`; with `together`, the relay sometimes reads a
/// frame from every connection before it answers any.
fn run(seed: u64, together: bool) -> Stats {
    let mut run = Run::new(seed, together);
    for _ in 0..STEPS {
        run.step();
    }
    run.settle();
    run.check();
    run.stats
}

#[test]
fn replicas_and_the_relay_converge_under_faults() {
    for together in [false, true] {
        let stats = run(SEED, together);
        println!("seed {SEED}: {stats:?}");
        assert!((3..=5).contains(&stats.clients), "{stats:?}");
        assert!(stats.changes > 50, "{stats:?}");
        assert!(
            stats.duplicates > 0 && stats.breaks > 0 && stats.partitions > 0,
            "{stats:?}"
        );
        assert!(stats.evictions > 0 && stats.crashes > 0, "{stats:?}");
        assert_eq!(stats.together > 0, together, "{stats:?}");
    }
}

/// Seeds that once failed, kept as regression tests.
///
/// 126: a frame from a superseded connection, read after the newer
/// connection had closed too, left the relay a sync state for a peer with
/// no connection; the peer's next connection inherited it and was never
/// sent the changes that state recorded as sent.
const FOUND_BUGS: &[u64] = &[126];

#[test]
fn seeds_that_found_bugs_still_converge() {
    for &seed in FOUND_BUGS {
        run(seed, false);
    }
}

#[test]
#[ignore = "long: many seeds (FIELDBOOK_FUZZ_SEEDS, FIELDBOOK_FUZZ_SEED)"]
fn many_seeds() {
    let env = |key: &str| std::env::var(key).ok().and_then(|v| v.parse::<u64>().ok());
    let count = env("FIELDBOOK_FUZZ_SEEDS").unwrap_or(200);
    let first = env("FIELDBOOK_FUZZ_SEED").unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(1, |d| d.as_secs())
    });
    let started = std::time::Instant::now();
    for seed in first..first + count {
        println!("seed {seed} …");
        // Odd seeds read frames together.
        let outcome = std::panic::catch_unwind(|| run(seed, seed % 2 == 1));
        match outcome {
            Ok(stats) => println!("seed {seed} ok: {stats:?}"),
            Err(_) => panic!(
                "seed {seed} failed; replay with FIELDBOOK_FUZZ_SEED={seed} FIELDBOOK_FUZZ_SEEDS=1"
            ),
        }
    }
    println!(
        "{count} seeds from {first} converged in {:?}",
        started.elapsed()
    );
}
