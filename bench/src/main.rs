//! `cargo run --release -p bench -- trends [--escalations N]`
//! `cargo run --release -p bench -- seed --data DIR [--escalations N]`

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
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
