//! `bench load --quick` against Fieldbook's relay: every scenario runs tiny
//! over real sockets, so none can rot. Checks counts and convergence, never
//! times.

use std::path::Path;

use bench::load::server::Kind;
use bench::load::{Options, measure};

#[test]
fn every_load_scenario_runs_small_against_the_relay() {
    let bench = Path::new(env!("CARGO_BIN_EXE_bench"));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let o = Options::quick();
    let f = runtime.block_on(measure(Kind::Fieldbook, bench, &o));
    assert!(f.failed.is_empty(), "{:?}", f.failed);
    for (name, t) in [("meeting", &f.meeting), ("team", &f.team)] {
        let t = t.as_ref().expect("the scenario ran");
        assert!(t.changes > 0, "{name}: typists typed");
        assert_eq!(
            (t.lost, t.diverged),
            (0, 0),
            "{name}: every change everywhere"
        );
        assert!(!t.latencies.is_empty(), "{name}: arrivals were timed");
        assert!(
            t.settled.is_some(),
            "{name}: every client said when it held every change"
        );
    }
    assert!(!f.ramp.is_empty(), "the ramp ran");
    assert_eq!(f.idle.map(|i| i.connections), Some(o.idle));
    assert!(f.catch_up.is_some(), "the offline client caught up");
}
