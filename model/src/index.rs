//! The workspace index: one document listing every record by id and kind.
//!
//! The relay never reads record contents; clients learn what exists from this
//! document, synced like any other. Layout: root `records` is a map from
//! document id (bs58check string) to `{ kind, createdAt }`.
//!
//! Every replica starts from the same *genesis* change, made with a fixed
//! actor and time, so its hash is identical everywhere: a client that was
//! never online can create the index, and when it meets the relay's copy the
//! two share one root `records` map instead of two conflicting ones.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, ValueRef};

use crate::{ModelError, TEXT_ENCODING};

const RECORDS: &str = "records";
const GENESIS_ACTOR: &[u8] = b"fieldbook-index-genesis";

/// What a record is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordKind {
    AccountPlan,
    Escalation,
    SystemicIssue,
    ForumCategory,
    ForumThread,
    Agreement,
    /// A kind this version does not know (made by a newer client): kept, not shown.
    Other(String),
}

impl RecordKind {
    pub fn as_str(&self) -> &str {
        match self {
            RecordKind::AccountPlan => "account-plan",
            RecordKind::Escalation => "escalation",
            RecordKind::SystemicIssue => "systemic-issue",
            RecordKind::ForumCategory => "forum-category",
            RecordKind::ForumThread => "forum-thread",
            RecordKind::Agreement => "agreement",
            RecordKind::Other(s) => s,
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "account-plan" => RecordKind::AccountPlan,
            "escalation" => RecordKind::Escalation,
            "systemic-issue" => RecordKind::SystemicIssue,
            "forum-category" => RecordKind::ForumCategory,
            "forum-thread" => RecordKind::ForumThread,
            "agreement" => RecordKind::Agreement,
            other => RecordKind::Other(other.to_owned()),
        }
    }
}

/// One line of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    pub id: String,
    pub kind: RecordKind,
    /// Milliseconds since the Unix epoch, as the creating device saw it.
    pub created_at: i64,
}

/// Operations on a workspace index document.
pub struct WorkspaceIndex;

impl WorkspaceIndex {
    /// A new index document holding only the genesis change; later edits are
    /// made as `actor`, which must be unique to this replica.
    pub fn genesis(actor: ActorId) -> AutoCommit {
        let mut doc = AutoCommit::new_with_encoding(TEXT_ENCODING)
            .with_actor(ActorId::from(GENESIS_ACTOR.to_vec()));
        // Putting a map at the root of an empty document cannot fail.
        if doc.put_object(ROOT, RECORDS, ObjType::Map).is_ok() {
            doc.commit_with(CommitOptions::default().with_time(0));
        }
        doc.set_actor(actor);
        doc
    }

    fn records_obj(doc: &AutoCommit) -> Result<ObjId, ModelError> {
        match doc.get(ROOT, RECORDS)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            Some((other, _)) => Err(ModelError::WrongType {
                field: RECORDS,
                expected: "a map",
                found: crate::error::kind_of(&other),
            }),
            None => Err(ModelError::Missing { field: RECORDS }),
        }
    }

    /// List a record. Adding an id that is already listed changes nothing.
    pub fn add(
        doc: &mut AutoCommit,
        id: &str,
        kind: RecordKind,
        now_ms: i64,
    ) -> Result<(), ModelError> {
        let records = Self::records_obj(doc)?;
        if doc.get(&records, id)?.is_some() {
            return Ok(());
        }
        let entry = doc.put_object(&records, id, ObjType::Map)?;
        doc.put(&entry, "kind", kind.as_str())?;
        doc.put(&entry, "createdAt", ScalarValue::Timestamp(now_ms))?;
        Ok(())
    }

    /// Every listed record, newest first. Entries that are not maps are skipped.
    pub fn records(doc: &AutoCommit) -> Result<Vec<RecordEntry>, ModelError> {
        let records = Self::records_obj(doc)?;
        let mut out = Vec::new();
        for item in doc.map_range(&records, ..) {
            let ValueRef::Object(ObjType::Map) = item.value else {
                continue;
            };
            let entry = item.id();
            let kind = match doc.get(&entry, "kind")? {
                Some((Value::Scalar(s), _)) => s.as_str().map(RecordKind::parse),
                // The JavaScript automerge (3.x) stores a plain JS string as Text.
                Some((Value::Object(ObjType::Text), text)) => {
                    Some(RecordKind::parse(&doc.text(&text)?))
                }
                _ => None,
            };
            let Some(kind) = kind else { continue };
            let created_at = crate::fields::read_time(doc, &entry, "createdAt")?.unwrap_or(0);
            out.push(RecordEntry {
                id: item.key.to_string(),
                kind,
                created_at,
            });
        }
        crate::sort::sort_by(&mut out, |a, b| {
            b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(n: u8) -> ActorId {
        ActorId::from(vec![n; 16])
    }

    #[test]
    fn genesis_is_identical_on_every_replica() {
        let mut a = WorkspaceIndex::genesis(actor(1));
        let mut b = WorkspaceIndex::genesis(actor(2));
        assert_eq!(a.get_heads(), b.get_heads());
    }

    #[test]
    fn records_added_offline_on_two_replicas_all_survive_the_merge() {
        let mut a = WorkspaceIndex::genesis(actor(1));
        let mut b = WorkspaceIndex::genesis(actor(2));
        WorkspaceIndex::add(&mut a, "planA", RecordKind::AccountPlan, 10).expect("add a");
        WorkspaceIndex::add(&mut b, "planB", RecordKind::AccountPlan, 20).expect("add b");
        a.merge(&mut b).expect("merge");
        let ids: Vec<String> = WorkspaceIndex::records(&a)
            .expect("records")
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, vec!["planB", "planA"]);
    }

    #[test]
    fn adding_twice_keeps_the_first_entry() {
        let mut a = WorkspaceIndex::genesis(actor(1));
        WorkspaceIndex::add(&mut a, "p", RecordKind::AccountPlan, 10).expect("add");
        WorkspaceIndex::add(&mut a, "p", RecordKind::AccountPlan, 99).expect("add again");
        let records = WorkspaceIndex::records(&a).expect("records");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].created_at, 10);
    }

    #[test]
    fn unknown_kinds_are_kept_and_junk_entries_skipped() {
        let mut a = WorkspaceIndex::genesis(actor(1));
        WorkspaceIndex::add(&mut a, "x", RecordKind::Other("whiteboard".into()), 5).expect("add");
        let records = WorkspaceIndex::records_obj(&a).expect("obj");
        a.put(&records, "junk", 3_i64).expect("put junk");
        let listed = WorkspaceIndex::records(&a).expect("records");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].kind, RecordKind::Other("whiteboard".into()));
    }

    #[test]
    fn a_kind_written_as_text_by_a_javascript_client_is_read() {
        // `d.records[id] = { kind: "account-plan", createdAt: new Date() }` in
        // automerge 3's JavaScript API makes `kind` a Text object.
        let mut a = WorkspaceIndex::genesis(actor(1));
        let records = WorkspaceIndex::records_obj(&a).expect("obj");
        let entry = a
            .put_object(&records, "fromJs", ObjType::Map)
            .expect("entry");
        let kind = a.put_object(&entry, "kind", ObjType::Text).expect("kind");
        a.splice_text(&kind, 0, 0, "account-plan").expect("splice");
        a.put(&entry, "createdAt", ScalarValue::Timestamp(7))
            .expect("createdAt");
        let listed = WorkspaceIndex::records(&a).expect("records");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].kind, RecordKind::AccountPlan);
        assert_eq!(listed[0].created_at, 7);
    }

    #[test]
    fn a_document_without_records_is_a_clear_error() {
        let d = AutoCommit::new();
        let err = WorkspaceIndex::records(&d).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "field `records` is missing from the document"
        );
    }
}
