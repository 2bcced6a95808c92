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

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, Value};

/// The top-level keys of the root map whose content differs between the
/// document at `before` and at `after` (a change anywhere below a key counts
/// for that key), sorted. `before` may be empty: the first version then
/// "changed" every key it has.
///
/// Values are compared as a person reads them: a scalar put again with the
/// same value is no change; an object put in place of another is one, even
/// with the same content. Only the winning value of a conflicted slot
/// counts. A version that cannot be read counts as changed.
///
/// Read with the same `*_at` queries as [`restore`], rather than automerge's
/// diff: that brought its patch machinery into the app, 8 KB of the brotli
/// `.wasm` for this one list of field names.
pub fn changed_keys(doc: &AutoCommit, before: &[ChangeHash], after: &[ChangeHash]) -> Vec<String> {
    let mut keys: BTreeSet<String> = doc.keys_at(ROOT, before).collect();
    keys.extend(doc.keys_at(ROOT, after));
    let at = Versions { doc, before, after };
    keys.into_iter()
        .filter(|k| !at.same_slot(&ROOT, Prop::Map(k.clone())))
        .collect()
}

/// One document read at two versions.
struct Versions<'a> {
    doc: &'a AutoCommit,
    before: &'a [ChangeHash],
    after: &'a [ChangeHash],
}

impl Versions<'_> {
    /// Whether the slot `prop` of `obj` holds the same at both versions: an
    /// equal scalar, or the same object with the same content.
    fn same_slot(&self, obj: &ObjId, prop: Prop) -> bool {
        let read = |heads| self.doc.get_at(obj, prop.clone(), heads);
        match (read(self.before), read(self.after)) {
            (Ok(None), Ok(None)) => true,
            (Ok(Some((Value::Scalar(a), _))), Ok(Some((Value::Scalar(b), _)))) => a == b,
            (Ok(Some((Value::Object(a), x))), Ok(Some((Value::Object(b), y)))) => {
                a == b && x == y && self.same_object(&x, a)
            }
            _ => false,
        }
    }

    fn same_object(&self, obj: &ObjId, typ: ObjType) -> bool {
        match typ {
            ObjType::Map | ObjType::Table => {
                let keys: Vec<String> = self.doc.keys_at(obj, self.before).collect();
                self.doc.keys_at(obj, self.after).eq(keys.iter().cloned())
                    && keys.into_iter().all(|k| self.same_slot(obj, Prop::Map(k)))
            }
            ObjType::List => {
                let len = self.doc.length_at(obj, self.before);
                len == self.doc.length_at(obj, self.after)
                    && (0..len).all(|i| self.same_slot(obj, Prop::Seq(i)))
            }
            ObjType::Text => match (
                self.doc.text_at(obj, self.before),
                self.doc.text_at(obj, self.after),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            },
        }
    }
}
