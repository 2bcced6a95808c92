//! Fieldbook benchmarks, measured on realistic documents.
//!
//! `trends`: build N escalations ([`escalations::generate`]), save each to
//! bytes and load it back as the app does from storage
//! ([`protocol::DocSync::loaded`]), then time what the escalations views do
//! on the device: reading every [`Summary`], [`Trends::compute`] over 12
//! months and one systemic issue's [`RollUp::compute`]. The binary prints
//! the table; the test runs the same path small and checks the counts, so
//! the benchmark cannot rot. Nothing here asserts on times.

use std::hint::black_box;
use std::time::{Duration, Instant};

use model::{Escalation, ModelError, RollUp, Summary, Trends};
use protocol::{DocSync, DocumentId};

pub mod escalations;
pub mod fanout;
pub mod load;
pub mod paper;
pub mod relay_memory;
pub mod reopen;
pub mod seed;

use escalations::{Facts, NOW_MS, SEED};

/// Escalations the benchmark builds unless told otherwise.
pub const DEFAULT_ESCALATIONS: usize = 5000;
/// Runs of the summary and trends steps; the median is reported.
pub const RUNS: usize = 5;
/// The trends window.
pub const TREND_MONTHS: usize = 12;

/// What to run, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Trends {
        escalations: usize,
    },
    /// Fill a relay's data directory with generated escalations.
    Seed {
        escalations: usize,
        data: String,
    },
    /// The relay's memory after touching `documents` documents, with and
    /// without eviction (`only`: run just that mode, in this process).
    RelayMemory {
        documents: usize,
        idle_ms: u64,
        only: Option<relay_memory::Mode>,
    },
    /// The relay and the reference server under load.
    Load(load::Options),
    /// The automerge-paper trace through the keystroke path and raw automerge.
    Paper {
        rounds: usize,
    },
    /// The relay's sync engine alone: typists in one text.
    Fanout {
        peers: usize,
        rounds: usize,
    },
    /// A long plan typed into, stored and opened again.
    Reopen {
        kb: usize,
        keys: usize,
    },
    /// Run Fieldbook's relay (what `bench load` starts as a child).
    Relay {
        listen: String,
        data: String,
    },
    Help,
}

pub const USAGE: &str = "usage: bench trends [--escalations N]   (default N = 5000)
       bench seed --data DIR [--escalations N]   (fills a relay's data directory)
       bench relay-memory [--documents N] [--idle-ms MS]   (default 5000 documents, 1000 ms)
       bench load [--quick] [--cps 6] [--seconds 10] [--meeting 20] [--team 1000] [--team-docs 100]
                  [--ramp-seconds 4] [--ramp-max 1024] [--idle 10000] [--catch-up 10000]
       bench paper [--rounds 3]   (the automerge-paper trace: keystroke path vs raw automerge)
       bench fanout [--peers 10] [--rounds 300]   (the sync engine alone, typists in one text: relay and typists timed)
       bench reopen [--kb 100] [--keys 300]   (a long plan typed into, stored and opened again)
       bench relay --listen ADDR --data DIR   (the relay, as `bench load` starts it)";

/// Read the arguments (without the program name).
pub fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter().map(String::as_str);
    let seeding = match args.next() {
        Some("relay-memory") => return parse_relay_memory(args),
        Some("load") => {
            let rest: Vec<&str> = args.collect();
            if rest.iter().any(|a| *a == "-h" || *a == "--help") {
                return Ok(Command::Help);
            }
            return load::Options::from_args(&rest).map(Command::Load);
        }
        Some("relay") => return parse_relay(args),
        Some("paper") => {
            return Ok(counts(args, [("--rounds", 3)])?
                .map_or(Command::Help, |[rounds]| Command::Paper { rounds }));
        }
        Some("fanout") => {
            return Ok(counts(args, [("--peers", 10), ("--rounds", 300)])?.map_or(
                Command::Help,
                |[peers, rounds]| Command::Fanout { peers, rounds },
            ));
        }
        Some("reopen") => {
            return Ok(counts(args, [("--kb", 100), ("--keys", 300)])?
                .map_or(Command::Help, |[kb, keys]| Command::Reopen { kb, keys }));
        }
        Some("trends") => false,
        Some("seed") => true,
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown benchmark `{other}`")),
        None => return Err("which benchmark? (trends or seed)".to_owned()),
    };
    let Some(options) = options(args)? else {
        return Ok(Command::Help);
    };
    let mut escalations = DEFAULT_ESCALATIONS;
    let mut data = None;
    for (name, value) in options {
        match name {
            "--escalations" => escalations = positive(name, value)? as usize,
            "--data" if seeding => data = Some(value.to_owned()),
            _ => return Err(format!("unknown option `{name}`")),
        }
    }
    if seeding {
        let data = data.ok_or("seed needs --data DIR")?;
        return Ok(Command::Seed { escalations, data });
    }
    Ok(Command::Trends { escalations })
}

/// `relay`'s options.
fn parse_relay<'a>(args: impl Iterator<Item = &'a str>) -> Result<Command, String> {
    let Some(options) = options(args)? else {
        return Ok(Command::Help);
    };
    let (mut listen, mut data) = ("127.0.0.1:0".to_owned(), None);
    for (name, value) in options {
        match name {
            "--listen" => listen = value.to_owned(),
            "--data" => data = Some(value.to_owned()),
            _ => return Err(format!("unknown option `{name}`")),
        }
    }
    let data = data.ok_or("relay needs --data DIR")?;
    Ok(Command::Relay { listen, data })
}

/// `relay-memory`'s options.
fn parse_relay_memory<'a>(args: impl Iterator<Item = &'a str>) -> Result<Command, String> {
    let Some(options) = options(args)? else {
        return Ok(Command::Help);
    };
    let (mut documents, mut idle_ms, mut only) = (5000, 1000, None);
    for (name, value) in options {
        match name {
            "--documents" => documents = positive(name, value)? as usize,
            "--idle-ms" => idle_ms = positive(name, value)?,
            "--only" => only = Some(value == "keep"),
            _ => return Err(format!("unknown option `{name}`")),
        }
    }
    let idle = Duration::from_millis(idle_ms);
    let only = only.map(|keep| {
        if keep {
            relay_memory::Mode::Keep
        } else {
            relay_memory::Mode::Evict(idle)
        }
    });
    Ok(Command::RelayMemory {
        documents,
        idle_ms,
        only,
    })
}

/// The options as (name, value) pairs, from `--name value` or
/// `--name=value`; `None` when help was asked for.
fn options<'a>(
    mut args: impl Iterator<Item = &'a str>,
) -> Result<Option<Vec<(&'a str, &'a str)>>, String> {
    let mut out = Vec::new();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, v)) => (name, Some(v)),
            None => (arg, None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or(format!("{name} needs a value"))?,
        };
        out.push((name, value));
    }
    Ok(Some(out))
}

/// Options that are all counts, each with its default, in the order
/// given; `None` when help was asked for.
fn counts<'a, const N: usize>(
    args: impl Iterator<Item = &'a str>,
    known: [(&str, usize); N],
) -> Result<Option<[usize; N]>, String> {
    let Some(options) = options(args)? else {
        return Ok(None);
    };
    let mut values = known.map(|(_, default)| default);
    for (name, value) in options {
        let slot = known
            .iter()
            .position(|(n, _)| *n == name)
            .ok_or(format!("unknown option `{name}`"))?;
        values[slot] = positive(name, value)? as usize;
    }
    Ok(Some(values))
}

fn positive(name: &str, value: &str) -> Result<u64, String> {
    match value.trim().parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{name}: `{value}` is not a positive number")),
    }
}

/// How long each step took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub load: Duration,
    /// Median of [`RUNS`].
    pub summaries: Duration,
    /// Median of [`RUNS`].
    pub trends: Duration,
    pub rollup: Duration,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.load + self.summaries + self.trends + self.rollup
    }
}

/// Everything one run of the trends benchmark produced.
pub struct Outcome {
    /// What was generated, one per escalation.
    pub facts: Vec<Facts>,
    /// Notes in the generated documents.
    pub notes: usize,
    /// Notes read back from the loaded documents.
    pub loaded_notes: usize,
    /// Bytes of all saved documents.
    pub stored_bytes: usize,
    /// The systemic issue rolled up.
    pub issue: String,
    pub summaries: Vec<Summary>,
    pub trends: Trends,
    /// Escalations named by their place in `facts`.
    pub rollup: RollUp<usize>,
    pub timings: Timings,
}

#[derive(Debug)]
pub enum BenchError {
    Model(ModelError),
    /// A saved document did not load back.
    Load(String),
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BenchError::Model(e) => write!(f, "{e}"),
            BenchError::Load(e) => write!(f, "loading a saved document: {e}"),
        }
    }
}

impl std::error::Error for BenchError {}

impl From<ModelError> for BenchError {
    fn from(e: ModelError) -> Self {
        BenchError::Model(e)
    }
}

/// The middle one of `runs` timings of `step`, and the last result.
fn median_of<T>(runs: usize, mut step: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut last = black_box(step());
    let mut times = vec![start.elapsed()];
    for _ in 1..runs {
        let start = Instant::now();
        last = black_box(step());
        times.push(start.elapsed());
    }
    times.sort_unstable();
    (times[times.len() / 2], last)
}

/// Build `n` escalations and time the steps.
pub fn run(n: usize) -> Result<Outcome, BenchError> {
    let generated = escalations::generate(n, SEED)?;
    let mut stored = Vec::with_capacity(n);
    let mut facts = Vec::with_capacity(n);
    for mut g in generated {
        let id = DocumentId::parse(&g.facts.id).map_err(|e| BenchError::Load(e.to_string()))?;
        stored.push((id, g.doc.save()));
        facts.push(g.facts);
    }
    let notes = facts.iter().map(|f| f.notes).sum();
    let stored_bytes = stored.iter().map(|(_, bytes)| bytes.len()).sum();

    // Load every document from its stored chunk, as the app does on start.
    let start = Instant::now();
    let mut docs = Vec::with_capacity(n);
    for (id, bytes) in &stored {
        let (sync, errors) = DocSync::loaded(*id, std::slice::from_ref(bytes));
        if let Some(e) = errors.first() {
            return Err(BenchError::Load(e.to_string()));
        }
        docs.push(sync);
    }
    let load = start.elapsed();

    let (summaries_time, summaries) = median_of(RUNS, || {
        docs.iter()
            .map(|d| Escalation::summary(d.doc()))
            .collect::<Result<Vec<Summary>, ModelError>>()
    });
    let summaries = summaries?;

    let (trends_time, trends) =
        median_of(RUNS, || Trends::compute(&summaries, NOW_MS, TREND_MONTHS));

    let issue = escalations::issue_id(0);
    let start = Instant::now();
    let rollup = black_box(RollUp::compute(&issue, (0..facts.len()).zip(&summaries)));
    let rollup_time = start.elapsed();

    let mut loaded_notes = 0;
    for d in &docs {
        loaded_notes += Escalation::notes(d.doc())?.len();
    }
    Ok(Outcome {
        facts,
        notes,
        loaded_notes,
        stored_bytes,
        issue,
        summaries,
        trends,
        rollup,
        timings: Timings {
            load,
            summaries: summaries_time,
            trends: trends_time,
            rollup: rollup_time,
        },
    })
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The results as a small aligned table: counts first (the same on every
/// machine), then times.
pub fn table(o: &Outcome) -> String {
    let t = &o.timings;
    let rows: [(String, String); 12] = [
        ("escalations".into(), o.facts.len().to_string()),
        ("notes".into(), o.notes.to_string()),
        ("open".into(), o.trends.open.to_string()),
        ("stored bytes".into(), o.stored_bytes.to_string()),
        (
            "linked to the rolled-up issue".into(),
            o.rollup.escalations.len().to_string(),
        ),
        (String::new(), String::new()),
        ("step".into(), "ms".into()),
        ("load all from bytes".into(), ms(t.load)),
        (
            format!("read summaries (median of {RUNS})"),
            ms(t.summaries),
        ),
        (
            format!("trends, {TREND_MONTHS} months (median of {RUNS})"),
            ms(t.trends),
        ),
        ("roll-up of one issue".into(), ms(t.rollup)),
        ("total".into(), ms(t.total())),
    ];
    let width = rows
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .max()
        .unwrap_or(0)
        + 4;
    let mut out = String::new();
    for (k, v) in rows {
        if k.is_empty() {
            out.push('\n');
        } else {
            let pad = width - k.chars().count();
            out.push_str(&format!("{k}{v:>pad$}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::spec::{format_datetime, parse_datetime};
    use model::{Dimension, Status};

    fn month(ms: i64) -> String {
        format_datetime(ms)[..7].to_owned()
    }

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_trends_benchmark_counts_what_it_generated() {
        let n = 50;
        let o = run(n).expect("the benchmark runs");
        let t = &o.trends;

        assert_eq!(o.facts.len(), n);
        assert_eq!(o.summaries.len(), n);
        assert_eq!(t.total, n);
        assert_eq!(o.loaded_notes, o.notes, "every note survives save and load");
        assert!(o.notes > 0);
        assert_eq!(t.months.len(), TREND_MONTHS);
        assert_eq!(t.months.last().map(String::as_str), Some("2026-11"));

        // Opened and resolved per month, from the generated dates.
        let mut opened = vec![0u32; TREND_MONTHS];
        let mut resolved = vec![0u32; TREND_MONTHS];
        for f in &o.facts {
            if let Some(i) = t.months.iter().position(|m| *m == month(f.created_at)) {
                opened[i] += 1;
            }
            if let Some(at) = f.resolved_at
                && let Some(i) = t.months.iter().position(|m| *m == month(at))
            {
                resolved[i] += 1;
            }
        }
        assert_eq!(t.opened, opened);
        assert_eq!(t.resolved, resolved);
        let in_window: u32 = opened.iter().sum();
        assert!(
            in_window > 0 && (in_window as usize) < n,
            "18 months, 12 shown"
        );
        for b in &t.breakdowns {
            let counted: u32 = b.series.iter().flat_map(|(_, v)| v).sum();
            assert_eq!(
                counted, in_window,
                "{:?} counts each opened once",
                b.dimension
            );
        }
        assert_eq!(Dimension::ALL.len(), t.breakdowns.len());

        // Statuses and links read back as generated.
        for (f, s) in o.facts.iter().zip(&o.summaries) {
            assert_eq!(s.status, f.status, "{}", f.id);
            assert_eq!(s.created_at, f.created_at);
            assert_eq!(s.resolved_at, f.resolved_at);
            assert_eq!(s.systemic, f.systemic);
        }
        let open = o.facts.iter().filter(|f| f.status.is_open()).count();
        assert_eq!(t.open, open);
        assert!(open > 0 && open < n);
        assert!(o.facts.iter().any(|f| f.status == Status::Closed));
        assert_eq!(t.ages.iter().sum::<u32>() as usize, open);

        let mut linked: Vec<&str> = o
            .facts
            .iter()
            .filter(|f| f.systemic == o.issue)
            .map(|f| f.id.as_str())
            .collect();
        let mut rolled: Vec<&str> = o
            .rollup
            .escalations
            .iter()
            .map(|&i| o.facts[i].id.as_str())
            .collect();
        linked.sort_unstable();
        rolled.sort_unstable();
        assert_eq!(rolled, linked);
        assert!(!linked.is_empty(), "the most linked issue has escalations");

        let table = table(&o);
        assert!(table.contains("escalations"), "{table}");
        assert!(table.contains(&format!("{}\n", o.notes)), "{table}");
    }

    #[test]
    fn the_same_seed_builds_the_same_documents() {
        let bytes = |n| -> Vec<Vec<u8>> {
            escalations::generate(n, SEED)
                .expect("generate")
                .into_iter()
                .map(|mut g| g.doc.save())
                .collect()
        };
        assert_eq!(bytes(10), bytes(10));
        assert_eq!(
            parse_datetime("2026-11-15T12:00"),
            Some(NOW_MS),
            "the benchmark's now"
        );
    }

    #[test]
    fn arguments_are_read_by_hand() {
        assert_eq!(
            parse_args(&args("trends")),
            Ok(Command::Trends {
                escalations: DEFAULT_ESCALATIONS
            })
        );
        assert_eq!(
            parse_args(&args("trends --escalations 200")),
            Ok(Command::Trends { escalations: 200 })
        );
        assert_eq!(
            parse_args(&args("trends --escalations=7")),
            Ok(Command::Trends { escalations: 7 })
        );
        assert_eq!(parse_args(&args("--help")), Ok(Command::Help));
        assert!(parse_args(&args("")).is_err());
        assert!(parse_args(&args("plans")).is_err());
        assert!(parse_args(&args("trends --escalations")).is_err());
        assert!(parse_args(&args("trends --escalations 0")).is_err());
        assert!(parse_args(&args("trends --escalations many")).is_err());
        assert!(parse_args(&args("trends --fast")).is_err());
        assert_eq!(
            parse_args(&args("seed --data /tmp/x --escalations 30")),
            Ok(Command::Seed {
                escalations: 30,
                data: "/tmp/x".to_owned()
            })
        );
        assert!(parse_args(&args("seed --escalations 30")).is_err());
        assert!(parse_args(&args("trends --data /tmp/x")).is_err());
        assert_eq!(
            parse_args(&args("relay-memory --documents 300 --only evict")),
            Ok(Command::RelayMemory {
                documents: 300,
                idle_ms: 1000,
                only: Some(relay_memory::Mode::Evict(Duration::from_secs(1)))
            })
        );
        assert!(parse_args(&args("relay-memory --documents none")).is_err());
    }
}
