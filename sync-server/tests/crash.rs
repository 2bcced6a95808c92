//! Crash safety of the real binary: a change the relay has answered for
//! survives `kill -9` of the process, at any moment of a busy sync.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{ActorId, AutoCommit, ChangeHash};
use model::{AccountPlan, Escalation, PlanField};
use protocol::{DocSync, DocumentId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::{Client, Lost};
use tokio::sync::watch;

/// Start the real binary on a free port (with `args` added); returns it and
/// its WebSocket URL.
fn start(data: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn relay");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("banner");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("ws://"))
        .expect("the relay prints its address")
        .to_owned();
    (child, url)
}

/// SIGKILL: no shutdown, no flushing, nothing.
fn kill_9(mut relay: Child) {
    relay.kill().expect("kill -9");
    relay.wait().expect("reaped");
}

/// Sync `doc` with the relay at `url` until it has nothing more to say.
async fn sync(url: &str, doc: &mut DocSync, me: &str) {
    let mut client = Client::connect(url, me).await;
    assert_eq!(client.sync(doc).await, None);
}

#[tokio::test]
async fn an_acknowledged_change_survives_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (relay, url) = start(dir.path(), &[]);

    let mut doc = AutoCommit::new();
    AccountPlan::create(&mut doc, "Crash test").expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, "Never lose a word").expect("edit");
    let id = DocumentId::from_bytes([77; 16]);
    let mut plan = DocSync::new(id, doc);
    sync(&url, &mut plan, "writer").await;

    // The relay answered with its heads: it has the change. Kill it hard.
    kill_9(relay);

    let (relay, url) = start(dir.path(), &[]);
    let mut copy = DocSync::new(id, AutoCommit::new());
    sync(&url, &mut copy, "reader").await;
    assert_eq!(copy.heads(), plan.heads());
    assert_eq!(
        AccountPlan::text(copy.doc(), PlanField::Vision).expect("read"),
        "Never lose a word"
    );
    kill_9(relay);
}

/// The seed of the kill moments and the clients' edits.
const SEED: u64 = 2026;
const CLIENTS: usize = 3;
const KILLS: usize = 4;
const PLAN: DocumentId = DocumentId::from_bytes([81; 16]);
const ESCALATION: DocumentId = DocumentId::from_bytes([82; 16]);

/// Heads the relay has said it holds (in a sync message), by document.
type Acknowledged = Arc<Mutex<BTreeMap<DocumentId, BTreeSet<ChangeHash>>>>;

fn acknowledged_now(acked: &Acknowledged) -> BTreeMap<DocumentId, BTreeSet<ChangeHash>> {
    acked.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// A plan and an escalation, created once; every client starts from them.
fn records() -> Vec<DocSync> {
    let mut plan = AutoCommit::new();
    AccountPlan::create(&mut plan, "Crash-proof plan").expect("plan");
    let mut escalation = AutoCommit::new();
    Escalation::create(&mut escalation, "Relay keeps dying", 0).expect("escalation");
    vec![
        DocSync::new(PLAN, plan),
        DocSync::new(ESCALATION, escalation),
    ]
}

/// A person editing both records through whichever relay is up (its URL
/// comes from `relay`), reconnecting whenever the relay dies, until `stop`.
/// Returns its documents once they are synced with the last relay.
async fn person(
    n: usize,
    relay: watch::Receiver<String>,
    stop: watch::Receiver<bool>,
    acked: Acknowledged,
) -> Vec<DocSync> {
    let name = format!("person-{n}");
    let mut rng = StdRng::seed_from_u64(SEED + n as u64);
    let mut docs = records();
    for d in &mut docs {
        d.doc_mut()
            .set_actor(ActorId::from(rng.random::<[u8; 16]>()));
    }
    let mut edits = 0;
    loop {
        let stopping = *stop.borrow();
        let url = relay.borrow().clone();
        let Some(mut client) = Client::try_connect(&url, &name).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        client.quiet = Duration::from_millis(150);
        let relay_id = client.relay();
        let outcome = loop {
            if !stopping {
                edit(&mut docs, &mut rng, &name, &mut edits);
            }
            let synced = client.try_sync(&mut docs).await;
            record(&acked, &mut docs, &relay_id);
            if synced.is_err() || stopping || *stop.borrow() {
                break synced;
            }
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..40))).await;
        };
        // The app forgets the relay's sync state when the socket closes.
        for d in &mut docs {
            d.remove_peer(&relay_id);
        }
        if stopping && outcome != Err(Lost) {
            return docs;
        }
    }
}

fn edit(docs: &mut [DocSync], rng: &mut StdRng, name: &str, edits: &mut usize) {
    *edits += 1;
    if rng.random_bool(0.5) {
        let doc = docs[0].doc_mut();
        let vision = AccountPlan::text(doc, PlanField::Vision).expect("read");
        let at = vision.chars().count();
        let text: String = vision.chars().take(rng.random_range(0..=at)).collect();
        let typed = format!("{text}{name}:{edits} ");
        AccountPlan::set_text(doc, PlanField::Vision, &typed).expect("type");
        doc.commit();
    } else {
        let doc = docs[1].doc_mut();
        let note = format!("{name}-{edits}");
        Escalation::add_note(doc, &note, name, "Still there?", false, 0).expect("note");
        doc.commit();
    }
}

fn record(acked: &Acknowledged, docs: &mut [DocSync], relay: &protocol::PeerId) {
    let mut acked = acked.lock().unwrap_or_else(|p| p.into_inner());
    for d in docs.iter() {
        if let Some(heads) = d.shared_heads(relay) {
            acked
                .entry(d.id())
                .or_default()
                .extend(heads.iter().copied());
        }
    }
}

/// A fresh reader's copy of every record, from the relay at `url`.
async fn read_all(url: &str, reader: &str) -> Vec<DocSync> {
    let mut client = Client::connect(url, reader).await;
    let mut docs = Vec::new();
    for id in [PLAN, ESCALATION] {
        let mut doc = DocSync::new(id, AutoCommit::new());
        // A record nobody managed to upload yet is unavailable: fine.
        let _ = client.sync(&mut doc).await;
        docs.push(doc);
    }
    docs
}

fn assert_holds(docs: &mut [DocSync], acked: &BTreeMap<DocumentId, BTreeSet<ChangeHash>>) {
    for d in docs {
        let id = d.id();
        let lost: Vec<_> = acked
            .get(&id)
            .into_iter()
            .flatten()
            .filter(|h| d.doc_mut().get_change_by_hash(h).is_none())
            .collect();
        assert!(lost.is_empty(), "{id}: acknowledged changes lost: {lost:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_kill_9_at_random_moments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = StdRng::seed_from_u64(SEED);
    // A short idle timeout, so documents are evicted and reloaded too.
    let args = ["--idle-timeout", "0.2"];
    let (mut relay, url) = start(dir.path(), &args);
    let (publish, relay_url) = watch::channel(url);
    let (stop_tx, stop) = watch::channel(false);
    let acked = Acknowledged::default();
    let people: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(person(n, relay_url.clone(), stop.clone(), acked.clone())))
        .collect();

    for kill in 0..KILLS {
        let busy = Duration::from_millis(rng.random_range(150..900));
        tokio::time::sleep(busy).await;
        kill_9(relay);
        // Whatever the dead relay acknowledged (people may still be
        // recording its last answers: wait for them to notice).
        tokio::time::sleep(Duration::from_millis(200)).await;
        let before = acknowledged_now(&acked);
        let (restarted, url) = start(dir.path(), &args);
        relay = restarted;
        // A reader looks before anyone can upload anything again.
        let mut seen = read_all(&url, &format!("reader-{kill}")).await;
        assert_holds(&mut seen, &before);
        let checked: usize = before.values().map(BTreeSet::len).sum();
        println!("kill {kill} after {busy:?}: {checked} acknowledged heads all kept");
        publish.send(url).expect("people listen");
    }

    // Let them edit a little more on the last relay, then stop and settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop_tx.send(true).expect("people listen");
    let mut finals = Vec::new();
    for p in people {
        finals.push(p.await.expect("a person finished"));
    }
    // A last round pulls everyone's final edits to everyone.
    let url = relay_url.borrow().clone();
    for (n, docs) in finals.iter_mut().enumerate() {
        let mut client = Client::connect(&url, &format!("person-{n}")).await;
        client.try_sync(docs).await.expect("synced");
    }
    let mut last = read_all(&url, "last-reader").await;
    assert_holds(&mut last, &acknowledged_now(&acked));
    for docs in &mut finals {
        for (mine, relays) in docs.iter_mut().zip(last.iter_mut()) {
            assert_eq!(mine.heads(), relays.heads(), "{}", mine.id());
            assert_eq!(
                mine.doc_mut().document().hydrate(None),
                relays.doc_mut().document().hydrate(None)
            );
        }
    }
    let notes = Escalation::notes(last[1].doc()).expect("notes").len();
    println!("{KILLS} kills; {notes} notes and every acknowledged change kept");
    assert!(notes > 0);
    kill_9(relay);
}
