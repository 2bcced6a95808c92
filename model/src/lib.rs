//! Fieldbook's records as typed views over automerge documents.
//!
//! Every record is one automerge document. The types here never own the
//! document: they read from and write to an [`automerge::AutoCommit`] the
//! caller holds, so the same document can be synced, stored and rendered
//! without copies. This crate is pure: no clock, no randomness, no IO — the
//! caller passes `now` (milliseconds since the Unix epoch) where a record
//! stores a time, and ids it drew at random. Automerge change times, which
//! version history reads, are seconds since the epoch (the caller commits
//! with them).

mod agreement;
pub mod authors;
mod error;
mod escalation;
pub mod fields;
mod forum;
mod history;
mod index;
pub mod items;
mod money;
mod order;
mod plan;
pub mod sort;
pub mod spec;
#[cfg(test)]
mod testing;
mod text;

pub use agreement::{
    Agreement, Blocker, CLOSE_SOON_DAYS, STUCK_DAYS, Stage, StageMove, Summary as AgreementSummary,
    schema as agreement_schema,
};
pub use error::ModelError;
pub use escalation::{
    AGE_BUCKETS, Breakdown, DUE_SOON_MS, Dimension, Escalation, Note, RollUp, Status, Summary,
    SystemicIssue, Timer, Trends, customer_timeline, schema as escalation_schema, severity_label,
};
pub use forum::{
    Category, CategoryUnread, ForumCategory, Hit, NewThread, Post, PostRef, Reaction, Seen, Thread,
    ThreadKind, ThreadSummary, Who, markdown as forum_markdown, mentions, same_person,
    schema as forum_schema, unread_by_category,
};
pub use history::{SinceSummary, Version, changed_keys, changed_since, restore, versions};
pub use index::{RecordEntry, RecordKind, WorkspaceIndex};
pub use money::Money;
pub use order::key_between;
pub use plan::{AccountPlan, Pipeline, PlanField, schema as plan_schema, to_markdown};
pub use text::{Splice, remap_position, splice_between};

/// Text positions in this crate count UTF-16 code units, as browsers and the
/// JavaScript automerge do (the `utf16-indexing` feature of automerge).
pub const TEXT_ENCODING: automerge::TextEncoding = automerge::TextEncoding::Utf16CodeUnit;
