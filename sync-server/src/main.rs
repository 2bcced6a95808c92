//! `sync-server`: run Fieldbook's relay.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sync_server::{Relay, run};
use tracing_subscriber::EnvFilter;

/// Fieldbook's relay: syncs and stores automerge documents, serves the app.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Option<sync_server::cli::Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Directory for the embedded document store.
    #[arg(long, default_value = "./data", global = true)]
    data: PathBuf,
    /// The built app (Trunk's dist/), served at /.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Seconds a document nobody is syncing stays in memory before it is
    /// dropped (it is compacted and reloaded from storage when next used);
    /// 0 keeps every document in memory.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    idle_timeout: f64,
    /// A browser origin allowed to sync besides the relay's own (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// Open connections beyond this many are refused with 503 (each needs a
    /// file descriptor: raise `ulimit -n` to match).
    #[arg(long, value_name = "N", default_value_t = sync_server::Limits::default().max_connections)]
    max_connections: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            // automerge marks some functions as INFO-level spans; recording
            // their arguments formatted every column of every change parsed,
            // a tenth of the relay's time under load.
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,automerge=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if let Some(command) = args.command {
        return match sync_server::cli::run(command, &args.data) {
            Ok(out) => {
                println!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let idle = match Duration::try_from_secs_f64(args.idle_timeout) {
        Ok(idle) if idle.is_zero() => None,
        Ok(idle) => Some(idle),
        Err(_) => {
            tracing::error!(
                "--idle-timeout {} is not a number of seconds",
                args.idle_timeout
            );
            return ExitCode::FAILURE;
        }
    };
    let relay = match Relay::open_dir(&args.data) {
        Ok(relay) => relay
            .evict_idle_after(idle)
            .allow_origins(args.allow_origins)
            .with_limits(sync_server::Limits {
                max_connections: args.max_connections,
                ..sync_server::Limits::default()
            }),
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.listen);
    // A sign-in token for this start, printed (never logged) below.
    let storage = relay.hub().storage().clone();
    let token = match sync_server::access::admin::issue(
        storage.as_ref(),
        sync_server::access::admin::DEFAULT_WORKSPACE,
        "local",
        sync_server::access::Role::Owner,
        30,
        false,
    ) {
        Ok((token, _)) => token,
        Err(e) => {
            tracing::error!("cannot issue the sign-in token: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = relay.access().refresh() {
        tracing::error!("{e}");
        return ExitCode::FAILURE;
    }
    tracing::info!(
        data = %args.data.display(),
        index = %relay.workspace().index_url,
        peer = %relay.peer_id(),
        "relay ready"
    );
    if args.dist.is_some() {
        println!("Fieldbook is running: open http://{addr}/#token={token}");
    } else {
        println!("Fieldbook relay listening on ws://{addr}/sync?token={token}");
    }
    match run(listener, relay, args.dist, shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
