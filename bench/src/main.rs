//! `cargo run --release -p bench -- trends [--escalations N]`
//! `cargo run --release -p bench -- seed --data DIR [--escalations N]`
//! `cargo run --release -p bench -- relay-memory [--documents N] [--idle-ms MS]`
//! `cargo run --release -p bench -- paper [--rounds 3]`
//! `cargo run --release -p bench -- fanout [--peers 10] [--rounds 300]`
//! `cargo run --release -p bench -- reopen [--kb 100] [--keys 300]`

use std::process::ExitCode;

use bench::{Command, USAGE, parse_args, run, table};

/// Print a timing benchmark's table, or why it failed.
fn timed<O>(name: &str, outcome: Result<O, String>, table: fn(&O) -> String) -> ExitCode {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for meaningful times");
    }
    match outcome {
        Ok(outcome) => {
            print!("{}", table(&outcome));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Trends { escalations }) => {
            if cfg!(debug_assertions) {
                eprintln!("note: a debug build; run with --release for meaningful times");
            }
            match run(escalations) {
                Ok(outcome) => {
                    print!("{}", table(&outcome));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("bench: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Seed { escalations, data }) => {
            match bench::seed::seed(std::path::Path::new(&data), escalations) {
                Ok(s) => {
                    println!(
                        "seeded {} escalations and {} systemic issues into {data}",
                        s.escalations, s.issues
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("bench: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::RelayMemory {
            documents,
            idle_ms,
            only,
        }) => {
            if cfg!(debug_assertions) && only.is_none() {
                eprintln!("note: a debug build; run with --release for realistic figures");
            }
            let done = match only {
                Some(mode) => {
                    bench::relay_memory::measure_one(documents, mode).map(|row| println!("{row}"))
                }
                None => bench::relay_memory::compare(documents, idle_ms),
            };
            match done {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("bench: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Load(options)) => {
            if cfg!(debug_assertions) {
                eprintln!("note: a debug build; run with --release for meaningful figures");
            }
            let chart =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("output/load-latency.svg");
            let bench = match std::env::current_exe() {
                Ok(exe) => exe,
                Err(e) => {
                    eprintln!("bench: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match bench::load::run(&bench, &options, &chart) {
                Ok(table) => {
                    print!("{table}");
                    println!("latency chart: {}", chart.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("bench: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Paper { rounds }) => timed(
            "paper",
            bench::paper::load(&bench::paper::default_trace())
                .and_then(|edits| bench::paper::replay(&edits, rounds)),
            bench::paper::table,
        ),
        Ok(Command::Fanout { peers, rounds }) => timed(
            "fanout",
            bench::fanout::run(peers, rounds),
            bench::fanout::table,
        ),
        Ok(Command::Reopen { kb, keys }) => {
            timed("reopen", bench::reopen::run(kb, keys), bench::reopen::table)
        }
        Ok(Command::Relay { listen, data }) => relay(&listen, &data),
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Fieldbook's relay, as the `sync-server` binary runs it (its defaults),
/// for `bench load` when that binary was not built beside this one.
fn relay(listen: &str, data: &str) -> ExitCode {
    let serve = async {
        let relay =
            sync_server::Relay::open_dir(std::path::Path::new(data)).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("Fieldbook relay listening on ws://{addr}/sync");
        sync_server::run(listener, relay, None, std::future::pending())
            .await
            .map_err(|e| e.to_string())
    };
    let done = tokio::runtime::Runtime::new()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(serve));
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench relay: {e}");
            ExitCode::FAILURE
        }
    }
}
