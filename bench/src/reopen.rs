//! `bench reopen`: a long account plan typed into and opened again, as the
//! app and the relay store it. A `kb` KB text is pasted, then `keys`
//! keystrokes are typed at spread-out places, each committed and written
//! the way [`StoragePlan`] says (an appended chunk, now and then a
//! compaction into one snapshot). Then the stored chunks are loaded two
//! ways: together ([`load_chunks`]) and one chunk at a time
//! ([`load_each`], the fallback that finds a damaged chunk). Both must give
//! the typed document back.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use protocol::{DocumentId, StoragePlan, StorageTask, load_chunks, load_each};

/// A way to load stored chunks.
type Loader = fn(&[Vec<u8>]) -> (AutoCommit, Vec<protocol::SyncError>);

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub text_bytes: usize,
    pub keys: usize,
    /// Chunks in storage at the end.
    pub chunks: usize,
    pub compactions: usize,
    /// The slowest write a keystroke made (work on the typing path).
    pub worst_write: Duration,
    pub together: Duration,
    pub one_at_a_time: Duration,
}

/// Paste `kb` KB of text, type `keys` keystrokes, reopen.
pub fn run(kb: usize, keys: usize) -> Result<Outcome, String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let id = DocumentId::from_bytes([9; 16]);
    let mut doc = AutoCommit::new();
    let text = doc
        .put_object(ROOT, "vision", ObjType::Text)
        .map_err(|e| fail(&e))?;
    let pasted = prose(kb * 1024);
    doc.splice_text(&text, 0, 0, &pasted)
        .map_err(|e| fail(&e))?;
    doc.commit();
    let mut plan = StoragePlan::default();
    let mut stored: Vec<Vec<u8>> = Vec::new();
    let (mut compactions, mut worst_write) = (0, Duration::ZERO);
    let mut write = |doc: &mut AutoCommit, stored: &mut Vec<Vec<u8>>, counted: bool| {
        let started = Instant::now();
        match plan.next_task(id, doc) {
            Some(StorageTask::Append { chunk, .. }) => stored.push(chunk),
            Some(StorageTask::Compact { snapshot, .. }) => {
                compactions += usize::from(counted);
                *stored = vec![snapshot];
            }
            None => {}
        }
        if counted {
            worst_write = worst_write.max(started.elapsed());
        }
    };
    write(&mut doc, &mut stored, false);
    let len = pasted.chars().count();
    for key in 0..keys {
        let at = key.wrapping_mul(2_654_435_761) % len;
        doc.splice_text(&text, at, 0, "x").map_err(|e| fail(&e))?;
        doc.commit();
        write(&mut doc, &mut stored, true);
    }
    let heads = doc.get_heads();
    let timed = |load: Loader| {
        let started = Instant::now();
        let (mut back, errors) = load(&stored);
        let took = started.elapsed();
        match errors.first() {
            Some(e) => Err(e.to_string()),
            None if back.get_heads() != heads => Err("the reopened plan differs".to_owned()),
            None => Ok(took),
        }
    };
    let together = timed(load_chunks)?;
    let one_at_a_time = timed(load_each)?;
    Ok(Outcome {
        text_bytes: pasted.len(),
        keys,
        chunks: stored.len(),
        compactions,
        worst_write,
        together,
        one_at_a_time,
    })
}

/// `bytes` of plain prose-like words (deterministic).
fn prose(bytes: usize) -> String {
    const WORDS: [&str; 16] = [
        "the",
        "customer",
        "renewal",
        "plan",
        "integration",
        "quarterly",
        "risk",
        "of",
        "migration",
        "and",
        "support",
        "team",
        "architecture",
        "review",
        "to",
        "roadmap",
    ];
    let mut out = String::with_capacity(bytes + 16);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    while out.len() < bytes {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.push_str(WORDS[(seed % 16) as usize]);
        out.push(if seed.is_multiple_of(11) { '\n' } else { ' ' });
    }
    out
}

/// The outcome as table rows (figure, Fieldbook, reference, ratio, target).
pub fn table(o: &Outcome) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let what = format!(
        "reopen a {} KB plan after {} keystrokes ({} chunks stored)",
        o.text_bytes / 1024,
        o.keys,
        o.chunks
    );
    format!(
        "| figure | Fieldbook | reference | ratio (× better) | target |\n\
         | --- | --- | --- | --- | --- |\n\
         | {what}: load (reference: one chunk at a time) | {:.1} ms | {:.1} ms | {:.1}× |  |\n\
         | typing those keystrokes: slowest storage write (compactions: {}) | {:.1} ms | — | — |  |\n",
        ms(o.together),
        ms(o.one_at_a_time),
        ms(o.one_at_a_time) / ms(o.together).max(f64::MIN_POSITIVE),
        o.compactions,
        ms(o.worst_write),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_plan_reopens_both_ways() {
        let o = run(4, 40).expect("runs");
        assert!(o.chunks > 1, "keystrokes are appended: {o:?}");
        assert!(o.together > Duration::ZERO && o.one_at_a_time > Duration::ZERO);
        let table = table(&o);
        assert!(
            table.contains("reopen a 4 KB plan after 40 keystrokes"),
            "{table}"
        );
    }
}
