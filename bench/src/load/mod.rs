//! `bench load`: the relay under load, side by side with the reference
//! JavaScript automerge-repo server, each as a child process driven by the
//! same generator over real WebSockets ([`client`]).
//!
//! Scenarios ([`scenario`]): a meeting (typists in one document), a team
//! (typists spread over documents), the ramp to the sustainable edit rate
//! (p99 under 100 ms), idle connections (memory per connection) and
//! catch-up (a client offline for N changes reconnects). Sizes are options;
//! `--quick` runs every scenario tiny (the test does, so none can rot).
//! [`report`] prints the table and writes the latency chart.

pub mod client;
pub mod options;
pub mod report;
pub mod scenario;
pub mod server;
pub mod stats;

use std::path::Path;
use std::time::Duration;

pub use options::Options;
use scenario::{IdleOutcome, TypingOutcome};
use server::{Kind, Server};

/// Why a load run failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("server: {0}")]
    Server(String),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("websocket: {0}")]
    Socket(String),
    #[error("protocol: {0}")]
    Protocol(String),
    #[error("sync: {0}")]
    Sync(String),
    #[error("timed out waiting for {0}")]
    Timeout(String),
    #[error("client task: {0}")]
    Task(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Everything one server did.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// `None` when the scenario did not run or failed (then the reason is
    /// in `failed`), as for `idle`.
    pub meeting: Option<TypingOutcome>,
    pub team: Option<TypingOutcome>,
    /// The last ramp step that held: (clients, changes a second).
    pub sustainable: Option<(usize, f64)>,
    /// Every ramp step: (clients, p99 ms; none when it failed).
    pub ramp: Vec<(usize, Option<f64>)>,
    pub idle: Option<IdleOutcome>,
    pub catch_up: Option<Duration>,
    /// Each scenario that failed, and why.
    pub failed: Vec<String>,
}

/// Run every chosen scenario against `kind`, each against a fresh server.
/// A scenario that fails is reported (its figures stay empty, the reason
/// goes into `failed`) and the rest still run.
pub async fn measure(kind: Kind, bench: &Path, o: &Options) -> Figures {
    let mut f = Figures::default();
    let failed = &mut f.failed;
    if o.runs("meeting") {
        let meeting = async |s: &Server| scenario::typing(s, o.meeting()).await;
        f.meeting = fresh(kind, bench, "meeting", meeting, failed).await;
    }
    if o.runs("team") {
        let team = async |s: &Server| scenario::typing(s, o.team()).await;
        f.team = fresh(kind, bench, "team", team, failed).await;
    }
    if o.runs("ramp") {
        let ramp = async |s: &Server| {
            Ok(scenario::ramp(s, o.cps, o.ramp_seconds, o.ramp_max, 100.0).await)
        };
        let name = "ramp to the sustainable edit rate";
        if let Some((held, steps)) = fresh(kind, bench, name, ramp, failed).await {
            (f.sustainable, f.ramp) = (held, steps);
        }
    }
    if o.runs("idle") {
        let idle = async |s: &Server| scenario::idle(s, o.idle).await;
        f.idle = fresh(kind, bench, "idle connections", idle, failed).await;
    }
    if o.runs("catch-up") {
        let catch_up = async |s: &Server| scenario::catch_up(s, o.catch_up).await;
        f.catch_up = fresh(kind, bench, "catch-up", catch_up, failed).await;
    }
    f
}

/// Announce scenario `name`, start a fresh server of `kind` and run it;
/// `None`, with the reason printed and added to `failed`, when either failed.
async fn fresh<T>(
    kind: Kind,
    bench: &Path,
    name: &str,
    run: impl AsyncFnOnce(&Server) -> Result<T, LoadError>,
    failed: &mut Vec<String>,
) -> Option<T> {
    eprintln!("bench load: {} — {name}", kind.name());
    let outcome = match Server::start(kind, bench) {
        Ok(server) => run(&server).await,
        Err(e) => Err(e),
    };
    outcome
        .map_err(|e| {
            let why = format!("{} — {name} failed: {e}", kind.name());
            eprintln!("bench load: {why}");
            failed.push(why);
        })
        .ok()
}

/// Both servers, the table printed and the chart written to `chart`.
pub fn run(bench: &Path, o: &Options, chart: &Path) -> Result<String, LoadError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut ours = Figures::default();
    if o.servers.contains(&"fieldbook") {
        ours = runtime.block_on(measure(Kind::Fieldbook, bench, o));
    }
    let mut theirs = Figures::default();
    if o.servers.contains(&"reference") {
        server::ensure_reference_installed()?;
        theirs = runtime.block_on(measure(Kind::Reference, bench, o));
    }
    if let Some(dir) = chart.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(chart, report::chart(&ours, &theirs, o))?;
    Ok(report::table(&ours, &theirs, o))
}
