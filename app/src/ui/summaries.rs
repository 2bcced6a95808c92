//! Lists of one kind of record, read once per change: each view that lists
//! escalations, threads or categories shares one memo of summaries, and a
//! document's summary is re-read only when that document changed.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::AutoCommit;
use leptos::prelude::*;
use model::{ModelError, RecordEntry, RecordKind};
use protocol::DocumentId;

use super::use_repo;
use crate::sync::Repo;

/// Every record of a kind on this device with its summary, newest first
/// (shared, not copied, between views).
pub type Rows<S> = Arc<Vec<(DocumentId, Arc<S>)>>;

/// The summaries of every record of `kind`, kept up to date: a record
/// listed in the index but not received yet, or unreadable, is left out.
pub fn summaries<S>(
    kind: RecordKind,
    read: fn(&AutoCommit) -> Result<S, ModelError>,
) -> Memo<Rows<S>>
where
    S: PartialEq + Send + Sync + 'static,
{
    let repo = use_repo();
    // Summaries by document, with the revision they were read at.
    let cache = StoredValue::new_local(HashMap::<DocumentId, (u64, Arc<S>)>::new());
    Memo::new(move |_| {
        let repo = repo.get();
        let ids = records_of(&repo.records(), &kind);
        let mut fresh = HashMap::with_capacity(ids.len());
        let list: Vec<(DocumentId, Arc<S>)> = ids
            .into_iter()
            .filter_map(|id| {
                let revision = repo.revision(id).get();
                if repo.is_missing(id) {
                    return None;
                }
                let cached = cache.with_value(|c| {
                    c.get(&id)
                        .filter(|(r, _)| *r == revision)
                        .map(|(_, s)| s.clone())
                });
                let summary = match cached {
                    Some(s) => s,
                    None => Arc::new(repo.read_untracked(id, |d| read(d).ok()).flatten()?),
                };
                fresh.insert(id, (revision, summary.clone()));
                Some((id, summary))
            })
            .collect();
        cache.set_value(fresh);
        Arc::new(list)
    })
}

/// The records of `kind` with their titles ("" when untitled), in the
/// index's order; tracks the index and each record.
pub fn titled(
    repo: &Repo,
    kind: &RecordKind,
    title: impl Fn(&AutoCommit) -> Result<String, ModelError>,
) -> Vec<(DocumentId, String)> {
    records_of(&repo.records(), kind)
        .into_iter()
        .map(|id| {
            let title = repo
                .read(id, |d| title(d).ok())
                .flatten()
                .unwrap_or_default();
            (id, title)
        })
        .collect()
}

/// The ids of the records of `kind`, in the index's order (newest first).
fn records_of(records: &[RecordEntry], kind: &RecordKind) -> Vec<DocumentId> {
    records
        .iter()
        .filter(|r| &r.kind == kind)
        .filter_map(|r| DocumentId::parse(&r.id).ok())
        .collect()
}
