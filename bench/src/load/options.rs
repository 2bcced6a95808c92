//! `bench load`'s options: every scenario's size, full by default
//! (`--quick` for a tiny run of each).

use super::scenario::Typing;

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Characters a second each typist types.
    pub cps: f64,
    /// Seconds of typing in the meeting and team scenarios.
    pub seconds: f64,
    pub meeting_clients: usize,
    pub team_clients: usize,
    pub team_docs: usize,
    /// Seconds of typing per ramp step.
    pub ramp_seconds: f64,
    /// The ramp stops after this many typists.
    pub ramp_max: usize,
    pub idle: usize,
    pub catch_up: usize,
    /// The scenarios to run (all by default).
    pub only: Vec<&'static str>,
    /// The servers to measure (both by default).
    pub servers: Vec<&'static str>,
}

/// Every scenario, in the order they run.
pub const SCENARIOS: [&str; 5] = ["meeting", "team", "ramp", "idle", "catch-up"];
/// The servers a run can measure.
pub const SERVERS: [&str; 2] = ["fieldbook", "reference"];

impl Default for Options {
    fn default() -> Self {
        Options {
            cps: 6.0,
            seconds: 10.0,
            meeting_clients: 20,
            team_clients: 1000,
            team_docs: 100,
            ramp_seconds: 4.0,
            ramp_max: 1024,
            idle: 10_000,
            catch_up: 10_000,
            only: SCENARIOS.to_vec(),
            servers: SERVERS.to_vec(),
        }
    }
}

pub const USAGE: &str = "bench load [--quick] [--cps 6] [--seconds 10] [--meeting 20] \
[--team 1000] [--team-docs 100] [--ramp-seconds 4] [--ramp-max 1024] [--idle 10000] [--catch-up 10000] \
[--only meeting,team,ramp,idle,catch-up] [--servers fieldbook,reference]";

impl Options {
    /// Every scenario tiny: for the test.
    pub fn quick() -> Self {
        Options {
            cps: 6.0,
            seconds: 1.0,
            meeting_clients: 3,
            team_clients: 6,
            team_docs: 2,
            ramp_seconds: 0.5,
            ramp_max: 4,
            idle: 20,
            catch_up: 100,
            ..Options::default()
        }
    }

    /// From the arguments after `load`: `--name value`, `--name=value`,
    /// or `--quick` alone.
    pub fn from_args(args: &[&str]) -> Result<Self, String> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (name, value) = match arg.split_once('=') {
                Some((n, v)) => (n, v),
                None if *arg == "--quick" => (*arg, ""),
                None => (*arg, *it.next().ok_or(format!("{arg} needs a value"))?),
            };
            pairs.push((name, value));
        }
        Options::parse(pairs)
    }

    /// From `(name, value)` pairs; `--quick` (value ignored) starts from
    /// the tiny sizes, later options override.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut o = Options::default();
        for (name, value) in pairs {
            let count = || match value.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{name}: `{value}` is not a positive number")),
            };
            let real = || match value.trim().parse::<f64>() {
                Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
                _ => Err(format!("{name}: `{value}` is not a positive number")),
            };
            match name {
                "--quick" => o = Options::quick(),
                "--cps" => o.cps = real()?,
                "--seconds" => o.seconds = real()?,
                "--meeting" => o.meeting_clients = count()?,
                "--team" => o.team_clients = count()?,
                "--team-docs" => o.team_docs = count()?,
                "--ramp-seconds" => o.ramp_seconds = real()?,
                "--ramp-max" => o.ramp_max = count()?,
                "--idle" => o.idle = count()?,
                "--catch-up" => o.catch_up = count()?,
                "--only" => o.only = pick(name, value, &SCENARIOS)?,
                "--servers" => o.servers = pick(name, value, &SERVERS)?,
                _ => return Err(format!("unknown option `{name}`")),
            }
        }
        Ok(o)
    }

    /// Whether `scenario` (one of [`SCENARIOS`]) is to run.
    pub fn runs(&self, scenario: &str) -> bool {
        self.only.contains(&scenario)
    }

    pub fn meeting(&self) -> Typing {
        Typing {
            clients: self.meeting_clients,
            docs: 1,
            cps: self.cps,
            seconds: self.seconds,
        }
    }

    pub fn team(&self) -> Typing {
        Typing {
            clients: self.team_clients,
            docs: self.team_docs,
            cps: self.cps,
            seconds: self.seconds,
        }
    }
}

/// A comma-separated choice among `known`.
fn pick(name: &str, value: &str, known: &[&'static str]) -> Result<Vec<&'static str>, String> {
    let chosen = value
        .split(',')
        .map(|v| {
            known
                .iter()
                .find(|k| **k == v.trim())
                .copied()
                .ok_or(format!("{name}: `{v}` is not one of {}", known.join(", ")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_then_overrides() {
        let o = Options::parse([("--quick", "1"), ("--team", "40")]).expect("parse");
        assert_eq!(o.team_clients, 40);
        assert_eq!(o.idle, Options::quick().idle);
        assert!(Options::parse([("--idle", "0")]).is_err());
        assert!(Options::parse([("--nope", "1")]).is_err());
        let o = Options::from_args(&["--quick", "--idle=7", "--cps", "2"]).expect("args");
        assert_eq!((o.idle, o.cps, o.seconds), (7, 2.0, 1.0));
        let o = Options::from_args(&["--only", "team,idle", "--servers=fieldbook"]).expect("args");
        assert!(o.runs("team") && o.runs("idle") && !o.runs("meeting"));
        assert_eq!(o.servers, ["fieldbook"]);
        assert!(Options::from_args(&["--only", "team,lunch"]).is_err());
    }
}
