//! The scenarios, each against one running server: typists sharing
//! documents (meeting, team, and the ramp that finds the sustainable edit
//! rate), idle connections, and a client catching up after being offline.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use automerge::ChangeHash;
use protocol::{DocSync, DocumentId};
use tokio::sync::Barrier;

use super::LoadError;
use super::client::{Client, Settle, Tally, genesis, replica};
use super::server::{ProcStats, Server, proc_stats};
use super::stats::{Latencies, Ledger};

/// How long clients keep reading after typing stops for the last changes
/// to arrive everywhere: while changes still arrive (a backlog draining is
/// late, not lost), until none has arrived for 30 s (under the team
/// scenario's overload a client can wait over 10 s between arrivals), and
/// never longer than 120 s. A change still missing then counts as lost.
const SETTLE: Settle = Settle {
    stall: Duration::from_secs(30),
    at_most: Duration::from_secs(120),
};
/// Clients connecting at once.
const CONNECT_BATCH: usize = 100;

/// N typists over M documents, each typing `cps` characters a second.
#[derive(Debug, Clone, Copy)]
pub struct Typing {
    pub clients: usize,
    pub docs: usize,
    pub cps: f64,
    pub seconds: f64,
}

/// What a typing run measured.
#[derive(Debug, Clone, Default)]
pub struct TypingOutcome {
    pub latencies: Latencies,
    /// Changes typed.
    pub changes: usize,
    /// Typed changes per second of typing.
    pub changes_per_sec: f64,
    /// Arrivals expected (each change at every other client of its
    /// document) minus arrivals seen.
    pub lost: usize,
    /// Documents whose clients did not all end with the same heads.
    pub diverged: usize,
    /// How long after typing stopped the last change arrived at the last
    /// client (`None` when some never arrived within the settle limit).
    pub settled: Option<Duration>,
    /// The server's CPU time over the run, as a share of one core.
    pub cpu_share: f64,
    /// The load generator's own CPU time over the run, as a share of one
    /// core: its clients share the machine with the server, so a
    /// generator near the machine's cores measures the machine, not the
    /// server.
    pub generator_cpu_share: f64,
    pub server: ProcStats,
}

impl TypingOutcome {
    pub fn p99_ms(&self) -> Option<f64> {
        self.latencies
            .percentile(99.0)
            .map(|d| d.as_secs_f64() * 1e3)
    }
}

/// Fresh document ids for a run (random, as automerge-repo makes them).
fn doc_ids(n: usize) -> Vec<DocumentId> {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (0..n)
        .map(|i| {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&(nanos ^ (run << 48)).to_le_bytes());
            b[8..].copy_from_slice(&(i as u64).to_le_bytes());
            DocumentId::from_bytes(b)
        })
        .collect()
}

/// Connect `docs.len()` clients, client `i` to document `docs[i]`.
async fn connect_all(
    server: &Server,
    docs: &[DocumentId],
    seed: u64,
) -> Result<Vec<Client>, LoadError> {
    let genesis = Arc::new(genesis());
    let mut clients = Vec::with_capacity(docs.len());
    for (b, batch) in docs.chunks(CONNECT_BATCH).enumerate() {
        let tasks: Vec<_> = batch
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                let (url, genesis, doc) = (server.url.clone(), genesis.clone(), *doc);
                let id = seed + (b * CONNECT_BATCH + i) as u64;
                tokio::spawn(
                    async move { Client::connect(&url, id, replica(doc, &genesis, id)?).await },
                )
            })
            .collect();
        for t in tasks {
            clients.push(t.await.map_err(|e| LoadError::Task(e.to_string()))??);
        }
    }
    Ok(clients)
}

/// Typists over documents: connect everyone, type together, settle, then
/// check that every document converged with every change everywhere.
pub async fn typing(server: &Server, t: Typing) -> Result<TypingOutcome, LoadError> {
    let ids = doc_ids(t.docs.max(1));
    let docs: Vec<DocumentId> = (0..t.clients).map(|i| ids[i % ids.len()]).collect();
    let clients = connect_all(server, &docs, 1).await?;
    let ledger = Arc::new(Ledger::default());
    let tallies: Vec<Arc<Tally>> = (0..ids.len())
        .map(|d| Arc::new(Tally::new(docs.iter().filter(|id| **id == ids[d]).count())))
        .collect();
    let barrier = Arc::new(Barrier::new(clients.len()));
    let typing = Duration::from_secs_f64(t.seconds);
    let before = server.stats();
    let generator = || proc_stats(std::process::id()).map_or(Duration::ZERO, |s| s.cpu);
    let generator_before = generator();
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let (ledger, barrier) = (ledger.clone(), barrier.clone());
            let tally = tallies[i % ids.len()].clone();
            tokio::spawn(async move {
                // Finish the first sync before anyone types.
                c.listen_for(Duration::from_millis(300), None).await?;
                barrier.wait().await;
                let settled = c.type_for(t.cps, typing, SETTLE, &ledger, &tally).await?;
                let typed = c.typed();
                Ok::<_, LoadError>((c.close().await, typed, settled))
            })
        })
        .collect();
    let mut ends: Vec<(DocSync, u64)> = Vec::with_capacity(tasks.len());
    let mut settled = Some(Duration::ZERO);
    for task in tasks {
        let (doc, typed, after) = task.await.map_err(|e| LoadError::Task(e.to_string()))??;
        ends.push((doc, typed));
        settled = settled.zip(after).map(|(a, b)| a.max(b));
    }
    let wall = started.elapsed();
    let after = server.stats();
    let generator_cpu = generator().saturating_sub(generator_before);

    let latencies = ledger.latencies();
    let (mut expected, mut diverged) = (0usize, 0usize);
    for id in &ids {
        let mut group: Vec<&mut (DocSync, u64)> =
            ends.iter_mut().filter(|(d, _)| d.id() == *id).collect();
        let typed: u64 = group.iter().map(|(_, n)| *n).sum();
        expected += typed as usize * group.len().saturating_sub(1);
        let heads: Vec<Vec<ChangeHash>> = group.iter_mut().map(|(d, _)| d.heads()).collect();
        let complete = group
            .iter_mut()
            .all(|(d, _)| d.changes_since(&[]) as u64 == typed + 1);
        if !complete || heads.windows(2).any(|w| w[0] != w[1]) {
            diverged += 1;
        }
    }
    let changes = ledger.changes();
    Ok(TypingOutcome {
        lost: expected.saturating_sub(latencies.len()),
        latencies,
        changes,
        changes_per_sec: changes as f64 / t.seconds,
        diverged,
        settled,
        cpu_share: (after.cpu.saturating_sub(before.cpu)).as_secs_f64() / wall.as_secs_f64(),
        generator_cpu_share: generator_cpu.as_secs_f64() / wall.as_secs_f64(),
        server: after,
    })
}

/// The sustainable edit rate: typists in documents of four at `cps`,
/// doubling from two until p99 passes `limit_ms`, changes are lost or
/// `max_clients` is reached. Returns the last step that held (clients,
/// changes a second) and every step's (clients, p99 ms).
pub async fn ramp(
    server: &Server,
    cps: f64,
    seconds: f64,
    max_clients: usize,
    limit_ms: f64,
) -> (Option<(usize, f64)>, Vec<(usize, Option<f64>)>) {
    let (mut held, mut steps) = (None, Vec::new());
    let mut clients = 2;
    while clients <= max_clients {
        let t = Typing {
            clients,
            docs: clients.div_ceil(4),
            cps,
            seconds,
        };
        let outcome = typing(server, t).await;
        if let Err(e) = &outcome {
            eprintln!("bench load: ramp step of {clients} typists failed: {e}");
        }
        let p99 = outcome.as_ref().ok().and_then(TypingOutcome::p99_ms);
        steps.push((clients, p99));
        match outcome {
            Ok(o) if o.lost == 0 && o.diverged == 0 && p99.is_some_and(|p| p < limit_ms) => {
                held = Some((clients, o.changes_per_sec));
            }
            _ => break,
        }
        clients *= 2;
    }
    (held, steps)
}

/// What the idle scenario measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdleOutcome {
    pub connections: usize,
    /// Growth of the server's resident memory per connection, KiB.
    pub kib_per_connection: f64,
    pub server: ProcStats,
}

/// `n` clients, one document each, connected and synced, typing nothing.
pub async fn idle(server: &Server, n: usize) -> Result<IdleOutcome, LoadError> {
    let before = server.stats();
    let ids = doc_ids(n);
    let clients = connect_all(server, &ids, 1_000_000).await?;
    // Every client keeps reading (answering keep-alive pings, finishing its
    // first sync) while the server's memory is read.
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut c| {
            tokio::spawn(
                async move { c.listen_for(Duration::from_secs(2), None).await.map(|()| c) },
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = server.stats();
    let mut clients = Vec::with_capacity(tasks.len());
    for t in tasks {
        clients.push(t.await.map_err(|e| LoadError::Task(e.to_string()))??);
    }
    let grown = after.rss_kib.saturating_sub(before.rss_kib) as f64;
    for c in clients {
        drop(c.close().await);
    }
    Ok(IdleOutcome {
        connections: n,
        kib_per_connection: grown / n.max(1) as f64,
        server: after,
    })
}

/// A writer makes `changes` keystrokes while a reader is offline and
/// uploads them; the reader then reconnects. Returns the time from the
/// reader starting to connect to its holding every change.
pub async fn catch_up(server: &Server, changes: usize) -> Result<Duration, LoadError> {
    let id = doc_ids(1)[0];
    let genesis = genesis();
    let mut writer =
        Client::connect(&server.url, 2_000_000, replica(id, &genesis, 2_000_000)?).await?;
    for _ in 0..changes {
        writer.type_local()?;
    }
    writer.flush().await?;
    writer.wait_uploaded(Duration::from_secs(120)).await?;
    let heads = writer.doc.heads();
    let started = Instant::now();
    let mut reader =
        Client::connect(&server.url, 2_000_001, replica(id, &genesis, 2_000_001)?).await?;
    reader.wait_heads(&heads, Duration::from_secs(120)).await?;
    let took = started.elapsed();
    drop(writer.close().await);
    drop(reader.close().await);
    Ok(took)
}
