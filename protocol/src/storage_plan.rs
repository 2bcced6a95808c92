//! When to write what: incremental chunks after each batch of changes, and a
//! compaction into one snapshot once the chunks outweigh it, so a document
//! edited for months does not grow without bound in storage.

use automerge::{
    AutoCommit, AutomergeError, ChangeHash, LoadOptions, OnPartialLoad, VerificationMode,
};

use crate::{DocumentId, SyncError};

/// Compact once this many chunks have been appended since the last snapshot,
/// or once they weigh [`SNAPSHOT_FACTOR`] times the snapshot. A compaction
/// saves the whole document (3–4 ms natively for a 100 KB plan, on the
/// typing path), and chunks cost little to load since [`load_chunks`] loads
/// them together, so compactions are rare: 64 chunks and 1× the snapshot
/// made the relay spend a fifth of its sync time saving snapshots.
const MAX_CHUNKS: usize = 256;
const SNAPSHOT_FACTOR: usize = 4;

/// A write a storage engine must perform, in order, for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageTask {
    /// Add `chunk` after the document's existing chunks.
    Append { doc: DocumentId, chunk: Vec<u8> },
    /// Replace every stored chunk of the document with `snapshot`, atomically.
    Compact { doc: DocumentId, snapshot: Vec<u8> },
}

impl StorageTask {
    pub fn doc(&self) -> DocumentId {
        match self {
            StorageTask::Append { doc, .. } | StorageTask::Compact { doc, .. } => *doc,
        }
    }
}

/// What has been written of one document, and what to write next.
#[derive(Debug, Clone, Default)]
pub struct StoragePlan {
    saved_heads: Vec<ChangeHash>,
    chunks_since_snapshot: usize,
    bytes_since_snapshot: usize,
    snapshot_bytes: usize,
    /// A write failed: storage may lack anything, so write a whole snapshot.
    rewrite: bool,
}

impl StoragePlan {
    /// The plan for a document just loaded from `chunk_sizes` stored chunks.
    pub fn loaded(doc: &mut AutoCommit, chunk_sizes: &[usize]) -> Self {
        StoragePlan {
            saved_heads: doc.get_heads(),
            chunks_since_snapshot: chunk_sizes.len().saturating_sub(1),
            bytes_since_snapshot: chunk_sizes.iter().skip(1).sum(),
            snapshot_bytes: chunk_sizes.first().copied().unwrap_or(0),
            rewrite: false,
        }
    }

    /// The write that brings storage up to `doc`, if it has unsaved changes.
    pub fn next_task(&mut self, id: DocumentId, doc: &mut AutoCommit) -> Option<StorageTask> {
        let heads = doc.get_heads();
        if heads == self.saved_heads && !self.rewrite {
            return None;
        }
        if self.rewrite {
            return Some(self.snapshot(id, doc));
        }
        let chunk = doc.save_after(&self.saved_heads);
        self.saved_heads = heads;
        let compact = self.chunks_since_snapshot + 1 >= MAX_CHUNKS
            || self.bytes_since_snapshot + chunk.len()
                > SNAPSHOT_FACTOR * self.snapshot_bytes.max(4096);
        if compact {
            Some(self.snapshot(id, doc))
        } else {
            self.chunks_since_snapshot += 1;
            self.bytes_since_snapshot += chunk.len();
            Some(StorageTask::Append { doc: id, chunk })
        }
    }

    /// The write that leaves storage holding `doc` as one snapshot, unless
    /// it already does: for a document about to leave memory, so that it
    /// loads fast next time and its chunks stop growing.
    pub fn compaction(&mut self, id: DocumentId, doc: &mut AutoCommit) -> Option<StorageTask> {
        let saved = doc.get_heads() == self.saved_heads && !self.rewrite;
        if saved && self.chunks_since_snapshot == 0 {
            return None;
        }
        Some(self.snapshot(id, doc))
    }

    /// The last task handed out was not written: the next one rewrites the
    /// whole document, whatever storage holds now.
    pub fn write_failed(&mut self) {
        self.rewrite = true;
    }

    fn snapshot(&mut self, id: DocumentId, doc: &mut AutoCommit) -> StorageTask {
        let snapshot = doc.save();
        self.saved_heads = doc.get_heads();
        self.snapshot_bytes = snapshot.len();
        self.chunks_since_snapshot = 0;
        self.bytes_since_snapshot = 0;
        self.rewrite = false;
        StorageTask::Compact { doc: id, snapshot }
    }
}

/// A document loaded from its stored chunks, oldest first. A chunk that does
/// not load is reported, not fatal: the rest still loads, so one damaged
/// write never costs a person the whole record.
///
/// The chunks are first loaded as one: automerge merges a run of changes
/// into a text in one pass over the text, so loading them together costs
/// about as much as one chunk, where one at a time each paid for a pass
/// (a 100 KB plan with 24 typed chunks: 597 ms natively one at a time).
/// Only when that fails are they loaded one by one, to find the bad ones.
pub fn load_chunks(chunks: &[Vec<u8>]) -> (AutoCommit, Vec<SyncError>) {
    if chunks.len() > 1
        && let Ok(doc) = AutoCommit::load_with_options(&chunks.concat(), strict())
    {
        return (doc, Vec::new());
    }
    load_each(chunks)
}

/// automerge's incremental load skips a damaged tail silently; parse
/// strictly so damage is reported.
fn strict() -> LoadOptions<'static> {
    LoadOptions::new()
        .on_partial_load(OnPartialLoad::Error)
        .verification_mode(VerificationMode::DontCheck)
}

/// [`load_chunks`] one chunk at a time: each chunk that loads is kept and
/// each that does not is reported.
pub fn load_each(chunks: &[Vec<u8>]) -> (AutoCommit, Vec<SyncError>) {
    let mut doc: Option<AutoCommit> = None;
    let mut errors = Vec::new();
    for chunk in chunks {
        // A chunk that parses on its own (a snapshot, usually the first) is
        // used as parsed, not read twice.
        let loaded = match (AutoCommit::load_with_options(chunk, strict()), doc.as_mut()) {
            (Ok(parsed), None) => {
                doc = Some(parsed);
                Ok(())
            }
            (Ok(mut parsed), Some(doc)) => doc.merge(&mut parsed).map(|_| ()),
            // A run of changes on its own lacks its ancestors: that is fine.
            (Err(AutomergeError::MissingDeps), _) => doc
                .get_or_insert_with(AutoCommit::new)
                .load_incremental(chunk)
                .map(|_| ()),
            (Err(e), _) => Err(e),
        };
        if let Err(e) = loaded {
            errors.push(SyncError::Automerge(e));
        }
    }
    (doc.unwrap_or_default(), errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT, ReadDoc};

    fn replay(tasks: &[StorageTask]) -> Vec<Vec<u8>> {
        let mut stored: Vec<Vec<u8>> = Vec::new();
        for t in tasks {
            match t {
                StorageTask::Append { chunk, .. } => stored.push(chunk.clone()),
                StorageTask::Compact { snapshot, .. } => stored = vec![snapshot.clone()],
            }
        }
        stored
    }

    #[test]
    fn many_small_edits_stay_bounded_and_reload_exactly() {
        let id = DocumentId::from_bytes([3; 16]);
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "t", ObjType::Text).expect("text");
        let mut plan = StoragePlan::default();
        let mut tasks = Vec::new();
        for i in 0..1000 {
            doc.splice_text(&text, i, 0, "x").expect("type");
            doc.commit();
            tasks.extend(plan.next_task(id, &mut doc));
        }
        assert!(
            plan.next_task(id, &mut doc).is_none(),
            "nothing left to save"
        );
        let stored = replay(&tasks);
        assert!(stored.len() <= MAX_CHUNKS, "{} chunks", stored.len());
        let (mut back, errors) = load_chunks(&stored);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back.get_heads(), doc.get_heads());
        assert_eq!(back.text(&text).expect("text").len(), 1000);
    }

    #[test]
    fn compaction_leaves_one_snapshot_and_a_failed_write_is_redone_whole() {
        let id = DocumentId::from_bytes([4; 16]);
        let mut doc = AutoCommit::new();
        let mut plan = StoragePlan::default();
        let mut tasks = Vec::new();
        for i in 0..5_i64 {
            doc.put(ROOT, "n", i).expect("put");
            doc.commit();
            tasks.extend(plan.next_task(id, &mut doc));
        }
        assert!(replay(&tasks).len() > 1, "small edits are appended");
        tasks.extend(plan.compaction(id, &mut doc));
        assert_eq!(replay(&tasks).len(), 1, "compacted");
        assert_eq!(plan.compaction(id, &mut doc), None, "already one snapshot");

        // A write is lost: the next one holds the whole document.
        doc.put(ROOT, "n", 99_i64).expect("put");
        doc.commit();
        assert!(plan.next_task(id, &mut doc).is_some());
        plan.write_failed();
        assert!(matches!(
            plan.next_task(id, &mut doc),
            Some(StorageTask::Compact { .. })
        ));
        assert_eq!(plan.next_task(id, &mut doc), None);
    }

    #[test]
    fn typed_chunks_load_together_as_one_at_a_time_would() {
        let id = DocumentId::from_bytes([5; 16]);
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "t", ObjType::Text).expect("text");
        doc.splice_text(&text, 0, 0, &"plan ".repeat(2_000))
            .expect("paste");
        doc.commit();
        let mut plan = StoragePlan::default();
        let mut tasks: Vec<StorageTask> = plan.next_task(id, &mut doc).into_iter().collect();
        for i in 0..40 {
            doc.splice_text(&text, i * 97, 0, "x").expect("type");
            doc.commit();
            tasks.extend(plan.next_task(id, &mut doc));
        }
        let stored = replay(&tasks);
        assert!(stored.len() > 40, "{} chunks", stored.len());
        let (mut together, errors) = load_chunks(&stored);
        assert!(errors.is_empty(), "{errors:?}");
        let (mut each, errors) = load_each(&stored);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(together.get_heads(), doc.get_heads());
        assert_eq!(each.get_heads(), doc.get_heads());
        assert_eq!(together.text(&text).ok(), doc.text(&text).ok());
    }

    #[test]
    fn a_damaged_chunk_among_others_is_reported_and_the_rest_loads() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1_i64).expect("put");
        let first = doc.save();
        let heads = doc.get_heads();
        doc.put(ROOT, "b", 2_i64).expect("put");
        let second = doc.save_after(&heads);
        let chunks = [first, b"damaged on disk".to_vec(), second];
        let (mut back, errors) = load_chunks(&chunks);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(back.get_heads(), doc.get_heads(), "both good chunks loaded");
    }

    #[test]
    fn a_damaged_chunk_loses_only_itself() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1_i64).expect("put");
        let first = doc.save();
        let (mut back, errors) = load_chunks(&[first, b"not an automerge chunk".to_vec()]);
        assert_eq!(errors.len(), 1);
        assert_eq!(back.get_heads(), doc.get_heads());
    }
}
