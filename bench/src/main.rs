//! `cargo run --release -p bench -- trends [--escalations N]`
//! `cargo run --release -p bench -- seed --data DIR [--escalations N]`
//! `cargo run --release -p bench -- relay-memory [--documents N] [--idle-ms MS]`

use std::process::ExitCode;

use bench::{Command, USAGE, parse_args, run, table};

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
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
