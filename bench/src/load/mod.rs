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
    pub meeting: TypingOutcome,
    pub team: TypingOutcome,
    /// The last ramp step that held: (clients, changes a second).
    pub sustainable: Option<(usize, f64)>,
    /// Every ramp step: (clients, p99 ms; none when it failed).
    pub ramp: Vec<(usize, Option<f64>)>,
    pub idle: IdleOutcome,
    pub catch_up: Option<Duration>,
}

/// Run every scenario against `kind`, each against a fresh server. A
/// scenario that fails is reported (its figures stay empty) and the rest
/// still run.
pub async fn measure(kind: Kind, bench: &Path, o: &Options) -> Figures {
    let mut f = Figures::default();
    let failed = |what: &str, e: LoadError| {
        eprintln!("bench load: {} — {what} failed: {e}", kind.name());
    };
    let fresh = || Server::start(kind, bench);
    if o.runs("meeting") {
        eprintln!("bench load: {} — meeting", kind.name());
        match fresh() {
            Ok(s) => match scenario::typing(&s, o.meeting()).await {
                Ok(m) => f.meeting = m,
                Err(e) => failed("meeting", e),
            },
            Err(e) => failed("meeting", e),
        }
    }
    if o.runs("team") {
        eprintln!("bench load: {} — team", kind.name());
        match fresh() {
            Ok(s) => match scenario::typing(&s, o.team()).await {
                Ok(t) => f.team = t,
                Err(e) => failed("team", e),
            },
            Err(e) => failed("team", e),
        }
    }
    if o.runs("ramp") {
        eprintln!(
            "bench load: {} — ramp to the sustainable edit rate",
            kind.name()
        );
        match fresh() {
            Ok(s) => {
                let (held, steps) =
                    scenario::ramp(&s, o.cps, o.ramp_seconds, o.ramp_max, 100.0).await;
                (f.sustainable, f.ramp) = (held, steps);
            }
            Err(e) => failed("ramp", e),
        }
    }
    if o.runs("idle") {
        eprintln!("bench load: {} — idle connections", kind.name());
        match fresh() {
            Ok(s) => match scenario::idle(&s, o.idle).await {
                Ok(i) => f.idle = i,
                Err(e) => failed("idle", e),
            },
            Err(e) => failed("idle", e),
        }
    }
    if o.runs("catch-up") {
        eprintln!("bench load: {} — catch-up", kind.name());
        match fresh() {
            Ok(s) => match scenario::catch_up(&s, o.catch_up).await {
                Ok(c) => f.catch_up = Some(c),
                Err(e) => failed("catch-up", e),
            },
            Err(e) => failed("catch-up", e),
        }
    }
    f
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
