//! `bench seed`: fill a relay's data directory with generated escalations
//! and the systemic issues they link to, listed in the workspace index, so
//! a browser opening that relay receives a realistic workspace (the browser
//! benchmarks in tests/perf/ start from it).

use std::path::Path;

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use model::{ModelError, RecordKind, SystemicIssue, TEXT_ENCODING, WorkspaceIndex};
use protocol::{DocumentId, StorageTask, load_chunks};
use sync_server::storage::{Storage, StorageError};
use sync_server::workspace;

use crate::escalations::{self, ISSUES, NOW_MS, SEED, issue_id};

#[derive(Debug)]
pub enum SeedError {
    Model(ModelError),
    Storage(StorageError),
    Id(String),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeedError::Model(e) => write!(f, "{e}"),
            SeedError::Storage(e) => write!(f, "{e}"),
            SeedError::Id(e) => write!(f, "a generated id is not a document id: {e}"),
        }
    }
}

impl std::error::Error for SeedError {}

impl From<ModelError> for SeedError {
    fn from(e: ModelError) -> Self {
        SeedError::Model(e)
    }
}

impl From<StorageError> for SeedError {
    fn from(e: StorageError) -> Self {
        SeedError::Storage(e)
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub escalations: usize,
    pub issues: usize,
}

fn parse(id: &str) -> Result<DocumentId, SeedError> {
    DocumentId::parse(id).map_err(|e| SeedError::Id(e.to_string()))
}

/// Write `n` escalations and every systemic issue they may link to into the
/// relay store at `data`, and list them all in its workspace index.
pub fn seed(data: &Path, n: usize) -> Result<Seeded, SeedError> {
    let store = sync_server::open_store(data)?;
    seed_into(&store, n)
}

/// [`seed`] into any relay store.
pub fn seed_into(store: &dyn Storage, n: usize) -> Result<Seeded, SeedError> {
    let ws = workspace::ensure_default(store)?;
    let index_id = parse(&ws.index_document_id)?;
    let (mut index, errors) = load_chunks(&store.load(&index_id)?);
    if let Some(e) = errors.into_iter().next() {
        return Err(SeedError::Model(ModelError::Invalid {
            field: "workspace index",
            reason: e.to_string(),
        }));
    }
    index.set_actor(ActorId::random());
    for k in 0..ISSUES {
        let id = issue_id(k);
        let mut doc = AutoCommit::new_with_encoding(TEXT_ENCODING).with_actor(ActorId::random());
        let created = NOW_MS - 400 * 86_400_000 + k as i64 * 3_600_000;
        SystemicIssue::create(&mut doc, &format!("Systemic issue {}", k + 1), created)?;
        doc.commit_with(CommitOptions::default().with_time(created / 1000));
        store.apply(&StorageTask::Compact {
            doc: parse(&id)?,
            snapshot: doc.save(),
        })?;
        WorkspaceIndex::add(&mut index, &id, RecordKind::SystemicIssue, created)?;
    }
    for mut g in escalations::generate(n, SEED)? {
        store.apply(&StorageTask::Compact {
            doc: parse(&g.facts.id)?,
            snapshot: g.doc.save(),
        })?;
        WorkspaceIndex::add(
            &mut index,
            &g.facts.id,
            RecordKind::Escalation,
            g.facts.created_at,
        )?;
    }
    index.commit_with(CommitOptions::default().with_time(NOW_MS / 1000));
    store.apply(&StorageTask::Compact {
        doc: index_id,
        snapshot: index.save(),
    })?;
    Ok(Seeded {
        escalations: n,
        issues: ISSUES,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_server::storage::MemoryStorage;

    #[test]
    fn a_seeded_store_lists_every_record_in_its_index() {
        let store = MemoryStorage::default();
        let seeded = seed_into(&store, 20).expect("seed");
        let ws = workspace::ensure_default(&store).expect("workspace");
        let index_id = DocumentId::parse(&ws.index_document_id).expect("id");
        let (index, errors) = load_chunks(&store.load(&index_id).expect("load"));
        assert!(errors.is_empty());
        let records = WorkspaceIndex::records(&index).expect("records");
        let count = |kind: RecordKind| records.iter().filter(|r| r.kind == kind).count();
        assert_eq!(count(RecordKind::Escalation), seeded.escalations);
        assert_eq!(count(RecordKind::SystemicIssue), seeded.issues);
        for r in records {
            let id = DocumentId::parse(&r.id).expect("id");
            assert!(
                !store.load(&id).expect("load").is_empty(),
                "{} stored",
                r.id
            );
        }
    }
}
