//! Every kept fuzz input (`fuzz/fixtures/`) replayed through the wire
//! decoder and the relay's per-connection handling, and a seeded stress run
//! of random and mutated inputs through both, on stable Rust. A panic here is
//! a crash the fuzzers would have found: keep its input in `fuzz/fixtures/`.

use std::path::PathBuf;

use protocol::Message;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sync_server::replay::{Target, split_frames};

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fixtures");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz/fixtures exists")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read fixture");
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn check_decode(bytes: &[u8]) {
    if let Ok(message) = Message::decode(bytes) {
        let again = Message::decode(&message.encode()).expect("re-encoded message decodes");
        assert_eq!(again, message);
    }
}

#[tokio::test]
async fn every_fuzz_fixture_replays_without_a_crash() {
    let target = Target::new().expect("target");
    let fixtures = fixtures();
    assert!(!fixtures.is_empty());
    for (name, bytes) in &fixtures {
        check_decode(bytes);
        let [editor, viewer] = target.feed(&split_frames(bytes)).await;
        println!("{name}: editor {:?}, viewer {:?}", editor.1, viewer.1);
    }
    println!("replayed {} fixtures", fixtures.len());
}

/// `bytes` with a few random bit flips, cuts and insertions.
fn mutate(rng: &mut StdRng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.random_range(1..8) {
        match rng.random_range(0..4) {
            0 if !out.is_empty() => {
                let i = rng.random_range(0..out.len());
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 if !out.is_empty() => {
                let i = rng.random_range(0..out.len());
                out.truncate(i);
            }
            2 => {
                let i = rng.random_range(0..=out.len());
                out.insert(i, rng.random());
            }
            _ => {
                let i = rng.random_range(0..=out.len());
                let junk: [u8; 4] = rng.random();
                out.splice(i..i, junk);
            }
        }
    }
    out
}

/// Executions per run; `FUZZ_STRESS_RUNS` raises it for a long run.
fn runs() -> usize {
    std::env::var("FUZZ_STRESS_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000)
}

#[tokio::test]
async fn random_and_mutated_input_never_crashes_the_decoder_or_a_connection() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let seeds: Vec<Vec<u8>> = fixtures().into_iter().map(|(_, b)| b).collect();
    let target = Target::new().expect("target");
    let runs = runs();
    let mut refused = 0;
    for n in 0..runs {
        let input = if n % 4 == 0 {
            let len = rng.random_range(0..256);
            (0..len).map(|_| rng.random()).collect()
        } else {
            let seed = &seeds[rng.random_range(0..seeds.len())];
            mutate(&mut rng, seed)
        };
        check_decode(&input);
        let [editor, viewer] = target.feed(&split_frames(&input)).await;
        refused += usize::from(editor.1.is_some()) + usize::from(viewer.1.is_some());
    }
    println!("{runs} inputs through the decoder and both connections; {refused} refusals");
}
