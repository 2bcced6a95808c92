//! A change the relay has answered for survives `kill -9` of the process.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use automerge::AutoCommit;
use model::{AccountPlan, PlanField};
use protocol::{DocSync, DocumentId};
use support::Client;

/// Start the real binary on a free port; returns it and its WebSocket URL.
fn start(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
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

/// Sync `doc` with the relay at `url` until it has nothing more to say.
async fn sync(url: &str, doc: &mut DocSync, me: &str) {
    let mut client = Client::connect(url, me).await;
    assert_eq!(client.sync(doc).await, None);
}

#[tokio::test]
async fn an_acknowledged_change_survives_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut relay, url) = start(dir.path());

    let mut doc = AutoCommit::new();
    AccountPlan::create(&mut doc, "Crash test").expect("create");
    AccountPlan::set_text(&mut doc, PlanField::Vision, "Never lose a word").expect("edit");
    let id = DocumentId::from_bytes([77; 16]);
    let mut plan = DocSync::new(id, doc);
    sync(&url, &mut plan, "writer").await;

    // The relay answered with its heads: it has the change. Kill it hard.
    relay.kill().expect("kill -9");
    relay.wait().expect("reaped");

    let (mut relay, url) = start(dir.path());
    let mut copy = DocSync::new(id, AutoCommit::new());
    sync(&url, &mut copy, "reader").await;
    assert_eq!(copy.heads(), plan.heads());
    assert_eq!(
        AccountPlan::text(copy.doc(), PlanField::Vision).expect("read"),
        "Never lose a word"
    );
    relay.kill().expect("stop");
    let _ = relay.wait();
}
