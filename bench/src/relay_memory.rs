//! `bench relay-memory`: how much memory the relay holds after thousands of
//! documents have been touched, with and without evicting idle ones.
//!
//! Each mode runs in a fresh process of its own (the bench starts itself
//! again), so one mode's heap cannot flatter the other's. In it, the real
//! relay (hub and SQLite store, no sockets: [`LocalPeer`]s talk to the hub
//! as connection tasks do) receives N generated escalations, each from a
//! writer that connects, uploads it and leaves; then readers of 100
//! documents each read every one back (which reloads evicted ones from
//! storage) and leave; then the relay is left alone for twice the idle
//! timeout. The process's resident memory (VmRSS) is read after each phase
//! and its peak (VmHWM) at the end, with how many documents the hub held.

use std::path::Path;
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use model::ModelError;
use protocol::{DocSync, DocumentId, PeerId};
use sync_server::hub::HubError;
use sync_server::local_peer::LocalPeer;
use sync_server::storage::StorageError;
use sync_server::{Relay, eviction};
use thiserror::Error;

use crate::escalations::{SEED, generator};

/// Documents each reader reads before leaving.
const PER_READER: usize = 100;

/// Keep every document in memory, or evict those idle this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Keep,
    Evict(Duration),
}

#[derive(Debug, Error)]
pub enum RelayMemoryError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error("a generated id is not a document id: {0}")]
    Id(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot run a measuring process: {0}")]
    Child(std::io::Error),
}

/// Resident memory in KiB, after each phase; documents the hub held.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub documents: usize,
    pub rss_start: Option<u64>,
    pub rss_uploaded: Option<u64>,
    pub rss_read: Option<u64>,
    pub rss_settled: Option<u64>,
    pub peak: Option<u64>,
    pub resident_uploaded: usize,
    pub resident_read: usize,
    pub resident_settled: usize,
    pub elapsed: Duration,
}

/// Both modes, each in a fresh process of this benchmark (which runs
/// [`measure_one`] and prints its row under [`HEADER`]).
pub fn compare(documents: usize, idle_ms: u64) -> Result<(), RelayMemoryError> {
    let me = std::env::current_exe().map_err(RelayMemoryError::Child)?;
    println!("{HEADER}");
    for only in ["keep", "evict"] {
        let status = std::process::Command::new(&me)
            .args(["relay-memory", "--only", only])
            .arg(format!("--documents={documents}"))
            .arg(format!("--idle-ms={idle_ms}"))
            .status()
            .map_err(RelayMemoryError::Child)?;
        if !status.success() {
            return Err(RelayMemoryError::Child(std::io::Error::other(format!(
                "the `{only}` run failed: {status}"
            ))));
        }
    }
    Ok(())
}

/// One mode over a fresh store in a temporary directory; returns its row.
pub fn measure_one(documents: usize, mode: Mode) -> Result<String, RelayMemoryError> {
    let data = std::env::temp_dir().join(format!("fieldbook-relay-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let figures = measure(documents, mode, &data);
    let _ = std::fs::remove_dir_all(&data);
    Ok(row(mode, &figures?))
}

/// One mode's run over a store in `data` (which should be empty).
pub fn measure(documents: usize, mode: Mode, data: &Path) -> Result<Figures, RelayMemoryError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RelayMemoryError::Runtime)?;
    runtime.block_on(run(documents, mode, data))
}

async fn run(documents: usize, mode: Mode, data: &Path) -> Result<Figures, RelayMemoryError> {
    let started = Instant::now();
    let relay = Relay::open_dir(data)?;
    let hub = relay.hub().clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    if let Mode::Evict(idle) = mode {
        tokio::spawn(eviction::sweep(hub.clone(), idle, stopped));
    }
    let mut figures = Figures {
        documents,
        rss_start: rss("VmRSS"),
        ..Figures::default()
    };

    let mut ids = Vec::with_capacity(documents);
    for (i, generated) in generator(SEED).take(documents).enumerate() {
        let generated = generated?;
        let id = DocumentId::parse(&generated.facts.id)
            .map_err(|e| RelayMemoryError::Id(e.to_string()))?;
        let mut doc = DocSync::new(id, generated.doc);
        let mut writer = LocalPeer::connect(&hub, PeerId::new(format!("writer-{i}"))).await;
        writer.sync(&hub, &mut doc).await?;
        writer.leave(&hub).await;
        ids.push(id);
    }
    figures.rss_uploaded = rss("VmRSS");
    figures.resident_uploaded = hub.resident();

    for (r, batch) in ids.chunks(PER_READER).enumerate() {
        let mut reader = LocalPeer::connect(&hub, PeerId::new(format!("reader-{r}"))).await;
        for id in batch {
            let mut copy = DocSync::new(*id, AutoCommit::new());
            reader.sync(&hub, &mut copy).await?;
        }
        reader.leave(&hub).await;
    }
    figures.rss_read = rss("VmRSS");
    figures.resident_read = hub.resident();

    if let Mode::Evict(idle) = mode {
        tokio::time::sleep(idle * 2).await;
    }
    figures.rss_settled = rss("VmRSS");
    figures.resident_settled = hub.resident();
    figures.peak = rss("VmHWM");
    figures.elapsed = started.elapsed();
    let _ = stop.send(true);
    Ok(figures)
}

/// A memory figure of this process from /proc (KiB); `None` off Linux.
fn rss(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub const HEADER: &str = "mode              docs  held after upload/read/settled   \
                          RSS start  upload  read  settled   peak (MiB)   time";

/// The figures as one row under [`HEADER`].
pub fn row(mode: Mode, f: &Figures) -> String {
    let mib =
        |kib: Option<u64>| kib.map_or("?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    let name = match mode {
        Mode::Keep => "keep everything".to_owned(),
        Mode::Evict(idle) => format!("evict idle {:.1}s", idle.as_secs_f64()),
    };
    let held = format!(
        "{}/{}/{}",
        f.resident_uploaded, f.resident_read, f.resident_settled
    );
    format!(
        "{name:<17} {:>5}  {held:>30}   {:>9}  {:>6}  {:>4}  {:>7}   {:>10}   {:.1}s",
        f.documents,
        mib(f.rss_start),
        mib(f.rss_uploaded),
        mib(f.rss_read),
        mib(f.rss_settled),
        mib(f.peak),
        f.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicting_empties_memory_and_keeping_holds_every_document() {
        let n = 30;
        let keep_dir = tempdir("keep");
        let kept = measure(n, Mode::Keep, &keep_dir).expect("keep");
        assert_eq!(kept.resident_uploaded, n, "every document stays");
        assert_eq!(kept.resident_settled, n);

        let evict_dir = tempdir("evict");
        let evicted =
            measure(n, Mode::Evict(Duration::from_millis(50)), &evict_dir).expect("evict");
        assert_eq!(evicted.resident_settled, 0, "{evicted:?}");
        assert!(row(Mode::Keep, &kept).starts_with("keep everything"));
        let _ = std::fs::remove_dir_all(keep_dir);
        let _ = std::fs::remove_dir_all(evict_dir);
    }

    fn tempdir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("fieldbook-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
