//! `bench paper`: the automerge-paper editing trace (259,778 keystrokes,
//! `data/automerge-paper.json.gz`) replayed into one Text field through the
//! app's keystroke path ([`model::fields::splice_text`]: the edit the browser
//! described, checked against the Text's length, no read of the text) and
//! through raw automerge (`splice_text` on the Text object), in the same run.
//! No commits in either: the figure is the model's own overhead.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use model::Splice;
use model::fields;

/// The field the trace is typed into.
const FIELD: &str = "vision";

/// The trace shipped with the repository.
pub fn default_trace() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/automerge-paper.json.gz")
}

/// Read the trace: `[[pos, delete, text…], …]` (positions in UTF-16 units).
pub fn load(path: &Path) -> Result<Vec<Splice>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .map_err(|e| format!("{}: not a gzip'd text: {e}", path.display()))?;
    let edits: Vec<serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| format!("{}: {e}", path.display()))?;
    edits
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let bad = || format!("edit {n}: expected [position, deleteCount, text…], got {e}");
            let parts = e.as_array().ok_or_else(bad)?;
            let number = |i: usize| {
                parts
                    .get(i)
                    .and_then(serde_json::Value::as_u64)
                    .map(|v| v as usize)
                    .ok_or_else(bad)
            };
            let insert = parts[2.min(parts.len())..]
                .iter()
                .map(|p| p.as_str().ok_or_else(bad))
                .collect::<Result<String, String>>()?;
            Ok(Splice {
                pos: number(0)?,
                delete: number(1)?,
                insert,
            })
        })
        .collect()
}

/// Both replays of `edits`: the final text (the same from both) and the
/// best of `rounds` times of each.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub edits: usize,
    pub text: String,
    pub ours: Duration,
    pub raw: Duration,
}

impl Outcome {
    pub fn ratio(&self) -> f64 {
        self.ours.as_secs_f64() / self.raw.as_secs_f64().max(f64::EPSILON)
    }
}

pub fn replay(edits: &[Splice], rounds: usize) -> Result<Outcome, String> {
    let (mut ours, mut raw) = (Duration::MAX, Duration::MAX);
    let mut texts = (String::new(), String::new());
    for _ in 0..rounds.max(1) {
        let (time, text) = raw_replay(edits)?;
        raw = raw.min(time);
        texts.1 = text;
        let (time, text) = our_replay(edits)?;
        ours = ours.min(time);
        texts.0 = text;
    }
    if texts.0 != texts.1 {
        return Err("the two replays ended with different texts".into());
    }
    Ok(Outcome {
        edits: edits.len(),
        text: texts.0,
        ours,
        raw,
    })
}

fn raw_replay(edits: &[Splice]) -> Result<(Duration, String), String> {
    let mut doc = AutoCommit::new();
    let text = doc
        .put_object(ROOT, FIELD, ObjType::Text)
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    for e in edits {
        doc.splice_text(&text, e.pos, e.delete as isize, &e.insert)
            .map_err(|err| err.to_string())?;
    }
    let took = started.elapsed();
    Ok((took, doc.text(&text).map_err(|e| e.to_string())?))
}

fn our_replay(edits: &[Splice]) -> Result<(Duration, String), String> {
    let mut doc = AutoCommit::new();
    doc.put_object(ROOT, FIELD, ObjType::Text)
        .map_err(|e| e.to_string())?;
    // The field's Text, as the text box holds it while it is shown.
    let text = fields::text_obj(&doc, &ROOT, FIELD)
        .map_err(|e| e.to_string())?
        .ok_or("no Text")?;
    // The length the browser reports before each keystroke.
    let mut len = 0usize;
    let started = Instant::now();
    for (n, e) in edits.iter().enumerate() {
        let applied = fields::splice_text(&mut doc, &text, e, len)
            .map_err(|err| format!("edit {n}: {err}"))?;
        if !applied {
            return Err(format!("edit {n}: the keystroke path refused it"));
        }
        len = len - e.delete + e.insert.encode_utf16().count();
    }
    let took = started.elapsed();
    let text = fields::read_string(&doc, &ROOT, FIELD).map_err(|e| e.to_string())?;
    Ok((took, text))
}

/// The table rows.
pub fn table(o: &Outcome) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "| figure | Fieldbook | raw automerge | ratio | target |\n| --- | --- | --- | --- | --- |\n\
         | replay {} keystrokes (final text {} chars) | {:.0} ms | {:.0} ms | {:.2}× | ≤ 1.1× |\n\
         | per keystroke | {:.2} µs | {:.2} µs | | |\n",
        o.edits,
        o.text.chars().count(),
        ms(o.ours),
        ms(o.raw),
        o.ratio(),
        ms(o.ours) * 1000.0 / o.edits.max(1) as f64,
        ms(o.raw) * 1000.0 / o.edits.max(1) as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_replays_of_the_trace_start_write_the_same_text() {
        let edits = load(&default_trace()).expect("trace");
        assert_eq!(edits.len(), 259_778);
        let start = &edits[..1_500];
        let o = replay(start, 1).expect("replay");
        let mut expected: Vec<u16> = Vec::new();
        for e in start {
            let insert: Vec<u16> = e.insert.encode_utf16().collect();
            expected.splice(e.pos..e.pos + e.delete, insert);
        }
        assert_eq!(o.text, String::from_utf16(&expected).expect("utf-16"));
        println!("{}", table(&o));
    }
}
