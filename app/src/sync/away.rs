//! "While you were away": after a time offline (or with the tab closed),
//! what others changed in each record, from automerge's history between the
//! heads this device had and the heads it has once the relay's changes have
//! arrived.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::ChangeHash;
use model::SinceSummary;
use protocol::DocumentId;

/// The heads of every document at the moment the person stopped seeing
/// others' changes.
pub type Seen = HashMap<DocumentId, Vec<ChangeHash>>;

/// Records others changed while the person was away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    /// Milliseconds since the epoch when the changes had all arrived.
    pub at: i64,
    /// Most changed first.
    pub records: Vec<AwayRecord>,
}

/// One record's changes while away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwayRecord {
    pub id: DocumentId,
    /// The record was made while the person was away.
    pub new: bool,
    pub summary: SinceSummary,
}

impl Away {
    /// This summary with a later one folded in (a person who has not looked
    /// yet keeps seeing both).
    pub fn merged_with(&self, later: Away) -> Away {
        let mut records = self.records.clone();
        for r in later.records {
            match records.iter_mut().find(|o| o.id == r.id) {
                Some(o) => {
                    o.summary.changes += r.summary.changes;
                    for a in r.summary.authors {
                        if !o.summary.authors.contains(&a) {
                            o.summary.authors.push(a);
                        }
                    }
                    for f in r.summary.fields {
                        if !o.summary.fields.contains(&f) {
                            o.summary.fields.push(f);
                        }
                    }
                    o.summary.fields.sort();
                }
                None => records.push(r),
            }
        }
        sort(&mut records);
        Away {
            at: later.at,
            records,
        }
    }
}

/// Most changed first, then by id (the same order everywhere).
pub fn sort(records: &mut [AwayRecord]) {
    model::sort::sort_by(records, |a, b| {
        b.summary
            .changes
            .cmp(&a.summary.changes)
            .then_with(|| a.id.to_string().cmp(&b.id.to_string()))
    });
}

/// Shared with the views.
pub type AwaySignal = leptos::prelude::RwSignal<Option<Arc<Away>>>;
