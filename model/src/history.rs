//! A record's history as a person sees it: versions, restore, change log.
//!
//! Every keystroke in Fieldbook is one automerge change, so a record's raw
//! history is thousands of tiny changes. This module turns it into something
//! a person recognises, for any record type (it only walks the generic
//! document tree):
//!
//! - [`versions`] groups the changes into editing sessions — one person's
//!   run of changes with no long pause — newest first. Each [`Version`]
//!   carries the document heads right after it, so *viewing* a version is
//!   reading the document at those heads (the `*_at` methods of
//!   [`automerge::ReadDoc`]).
//! - [`restore`] brings an old version's content back with *new*
//!   operations: history is kept, the restore syncs to other replicas like
//!   any edit, and restoring a newer version afterwards works too.
//! - [`changed_keys`] names the top-level fields that differ between two
//!   versions, for a change log ("changed: vision, stakeholders").
//! - [`changed_since`] sums up what others changed since the version a
//!   person last saw: how many changes, by whom, in which fields.
//!
//! Like the rest of the crate this is pure: times come from the changes
//! themselves (seconds since the Unix epoch, as Fieldbook commits them).

mod restore;
mod since;
mod versions;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use restore::restore;
pub use since::{SinceSummary, changed_since};
pub use versions::{Version, versions};

use std::collections::BTreeSet;

use automerge::{AutoCommit, ChangeHash, Prop, patches::PatchAction};

/// The top-level keys of the root map whose content differs between the
/// document at `before` and at `after` (a change anywhere below a key counts
/// for that key), sorted. `before` may be empty: the first version then
/// "changed" every key it has.
///
/// Built on automerge's diff, which commits an open transaction first (with
/// no time): call it after the caller's `commit_with`.
pub fn changed_keys(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Vec<String> {
    let mut keys = BTreeSet::new();
    for patch in doc.diff(before, after) {
        let key = match (patch.path.first(), patch.action) {
            (Some((_, Prop::Map(key))), _) => Some(key.clone()),
            (Some(_), _) => None,
            (None, PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key }) => Some(key),
            (
                None,
                PatchAction::Increment {
                    prop: Prop::Map(key),
                    ..
                }
                | PatchAction::Conflict {
                    prop: Prop::Map(key),
                },
            ) => Some(key),
            (None, _) => None,
        };
        keys.extend(key);
    }
    keys.into_iter().collect()
}
