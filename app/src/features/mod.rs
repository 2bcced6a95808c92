//! One folder per record kind, and what they all read of the records
//! (`records`).

pub mod agreements;
pub mod escalations;
pub mod forums;
pub mod plans;
pub mod records;

use automerge::ROOT;
use model::RecordKind;
use model::fields::read_string;
use protocol::DocumentId;

use crate::sync::Repo;

/// How a record is named and where its page is: its kind's noun, its
/// title ("" when untitled) and its address; `None` for a document that is
/// not a record this version shows.
pub fn record_link(repo: &Repo, id: DocumentId) -> Option<(&'static str, String, String)> {
    let key = id.to_string();
    let kind = repo.records().iter().find(|r| r.id == key)?.kind.clone();
    let (noun, path, title_key) = match kind {
        RecordKind::AccountPlan => ("Plan", "plans", "title"),
        RecordKind::Escalation => ("Escalation", "escalations", "title"),
        RecordKind::SystemicIssue => ("Systemic issue", "systemic", "title"),
        RecordKind::ForumThread => ("Thread", "threads", "title"),
        RecordKind::ForumCategory => ("Category", "forums", "name"),
        RecordKind::Agreement => ("Agreement", "agreements", "title"),
        RecordKind::Other(_) => return None,
    };
    let title = repo
        .read(id, |d| read_string(d, &ROOT, title_key).ok())
        .flatten()
        .unwrap_or_default();
    Some((noun, title, format!("/{path}/{id}")))
}
