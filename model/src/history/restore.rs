//! Bringing an old version back with new operations.
//!
//! The walk compares the document as it is now with the document as it was
//! at the old heads, object by object from the root, and writes only what
//! differs: a changed scalar is put, a key the old version did not have is
//! deleted, a Text gets one minimal splice, an object that still exists with
//! the same type is recursed into (so edits others make to it concurrently
//! still merge), and an object that was deleted or changed type is created
//! again and filled from the old subtree. Old and new objects are matched by
//! position (map key, list index), not by identity, so a map that was
//! replaced by another map is edited into shape rather than recreated.
//!
//! A key or list element that is conflicted now (several concurrent values)
//! is always written, so it ends with exactly one value: the old winner.
//! Conflicts of the old version itself are not recreated; its winning values
//! are.
//!
//! Text marks and block markers are not restored; Fieldbook uses neither.

use std::collections::HashSet;

use automerge::transaction::Transactable;
use automerge::{
    AutoCommit, AutomergeError, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, ScalarValue, Value,
};

use crate::{ModelError, TEXT_ENCODING, splice_between};

/// Make the document's current content equal to its content at `heads`, by
/// adding operations to the open transaction (the caller commits, with the
/// time). Returns how many operations that took: 0 when nothing differs.
///
/// Fails with [`AutomergeError::MissingHash`] when a head is not in the
/// document.
pub fn restore(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<usize, ModelError> {
    // The read-only query: `AutoCommit::get_missing_deps` would close the
    // caller's open transaction (without its time).
    let missing = ReadDoc::get_missing_deps(&*doc, heads);
    if let Some(h) = heads.iter().find(|h| missing.contains(h)) {
        return Err(AutomergeError::MissingHash(*h).into());
    }
    let before = doc.pending_ops();
    Restore { doc, heads }.object(&ROOT, &ROOT, ObjType::Map)?;
    Ok(doc.pending_ops().saturating_sub(before))
}

/// One value as read at a slot: a scalar, or an object with its id.
type Slot = (Value<'static>, ObjId);

struct Restore<'a> {
    doc: &'a mut AutoCommit,
    heads: &'a [ChangeHash],
}

impl Restore<'_> {
    /// Make the current object `now` hold what `old` held at the heads.
    fn object(&mut self, now: &ObjId, old: &ObjId, typ: ObjType) -> Result<(), ModelError> {
        match typ {
            ObjType::Map | ObjType::Table => self.map(now, old),
            ObjType::List => self.list(now, old),
            ObjType::Text => self.text(now, old),
        }
    }

    fn map(&mut self, now: &ObjId, old: &ObjId) -> Result<(), ModelError> {
        let old_keys: Vec<String> = self.doc.keys_at(old, self.heads).collect();
        let keep: HashSet<&str> = old_keys.iter().map(String::as_str).collect();
        let gone: Vec<String> = self
            .doc
            .keys(now)
            .filter(|k| !keep.contains(k.as_str()))
            .collect();
        for key in gone {
            self.doc.delete(now, key)?;
        }
        for key in old_keys {
            let Some(was) = owned(self.doc.get_at(old, key.as_str(), self.heads)?) else {
                continue;
            };
            self.slot(now, Prop::Map(key), was)?;
        }
        Ok(())
    }

    /// Elements that line up unchanged at the start and the end (equal
    /// scalars, the very same object) stay and are recursed into; the middle
    /// is edited position by position, then the difference is inserted or
    /// deleted.
    fn list(&mut self, now: &ObjId, old: &ObjId) -> Result<(), ModelError> {
        let was: Vec<Slot> = (0..self.doc.length_at(old, self.heads))
            .map(|i| self.doc.get_at(old, i, self.heads).map(owned))
            .filter_map(Result::transpose)
            .collect::<Result<_, _>>()?;
        let is: Vec<(Slot, bool)> = (0..self.doc.length(now))
            .map(|i| {
                let all = self.doc.get_all(now, i)?;
                let conflicted = all.len() > 1;
                Ok(owned(self.doc.get(now, i)?).map(|s| (s, conflicted)))
            })
            .filter_map(Result::transpose)
            .collect::<Result<_, AutomergeError>>()?;

        let same = |a: &Slot, b: &(Slot, bool)| !b.1 && same_element(a, &b.0);
        let prefix = was.iter().zip(&is).take_while(|(a, b)| same(a, b)).count();
        let room = was.len().min(is.len()) - prefix;
        let suffix = was
            .iter()
            .rev()
            .zip(is.iter().rev())
            .take(room)
            .take_while(|(a, b)| same(a, b))
            .count();

        // Elements kept as they are may still differ inside.
        let kept = (0..prefix).chain(was.len() - suffix..was.len());
        let kept_now = (0..prefix).chain(is.len() - suffix..is.len());
        for (w, i) in kept.zip(kept_now) {
            if let (Value::Object(typ), old_obj) = &was[w] {
                self.object(&is[i].0.1, old_obj, *typ)?;
            }
        }

        let old_mid = &was[prefix..was.len() - suffix];
        let now_len = is.len() - suffix - prefix;
        let common = old_mid.len().min(now_len);
        for (offset, w) in old_mid[..common].iter().enumerate() {
            self.slot(now, Prop::Seq(prefix + offset), w.clone())?;
        }
        for _ in common..now_len {
            self.doc.delete(now, prefix + common)?;
        }
        for (offset, (value, old_obj)) in old_mid[common..].iter().enumerate() {
            let at = prefix + common + offset;
            match value {
                Value::Scalar(s) => self.doc.insert(now, at, s.as_ref().clone())?,
                Value::Object(typ) => {
                    let new = self.doc.insert_object(now, at, *typ)?;
                    self.object(&new, old_obj, *typ)?;
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, now: &ObjId, old: &ObjId) -> Result<(), ModelError> {
        let was = self.doc.text_at(old, self.heads)?;
        let is = self.doc.text(now)?;
        let Some(s) = splice_between(&is, &was) else {
            return Ok(());
        };
        // `splice_between` counts UTF-16 units; a document indexed otherwise
        // gets the whole text replaced (correct, only less minimal).
        let (pos, delete, insert) = if self.doc.text_encoding() == TEXT_ENCODING {
            (s.pos, s.delete, s.insert.as_str())
        } else {
            (0, self.doc.length(now), was.as_str())
        };
        let delete = isize::try_from(delete).map_err(|_| AutomergeError::InvalidIndex(delete))?;
        self.doc.splice_text(now, pos, delete, insert)?;
        Ok(())
    }

    /// Make the map key or list index `prop` of `now` hold `was` (and only
    /// that: a conflicted slot is always written).
    fn slot(&mut self, now: &ObjId, prop: Prop, was: Slot) -> Result<(), ModelError> {
        let conflicted = self.doc.get_all(now, prop.clone())?.len() > 1;
        let is = owned(self.doc.get(now, prop.clone())?);
        match (was, is) {
            ((Value::Scalar(old), _), Some((Value::Scalar(cur), _))) if !conflicted => {
                match (old.as_ref(), cur.as_ref()) {
                    (a, b) if a == b => {}
                    (ScalarValue::Counter(a), ScalarValue::Counter(b)) => {
                        // Counters merge by adding: step to the old value.
                        let step = i64::from(a).wrapping_sub(i64::from(b));
                        self.doc.increment(now, prop, step)?;
                    }
                    (a, _) => self.doc.put(now, prop, a.clone())?,
                }
            }
            ((Value::Scalar(old), _), _) => self.doc.put(now, prop, old.into_owned())?,
            ((Value::Object(typ), old_obj), Some((Value::Object(cur_typ), cur_obj)))
                if !conflicted && typ == cur_typ =>
            {
                self.object(&cur_obj, &old_obj, typ)?;
            }
            ((Value::Object(typ), old_obj), _) => {
                let new = self.doc.put_object(now, prop, typ)?;
                self.object(&new, &old_obj, typ)?;
            }
        }
        Ok(())
    }
}

/// The same list element in both versions: an equal scalar, or the same
/// object (whose insides are compared separately).
fn same_element(a: &Slot, b: &Slot) -> bool {
    match (&a.0, &b.0) {
        (Value::Scalar(x), Value::Scalar(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => x == y && a.1 == b.1,
        _ => false,
    }
}

fn owned(v: Option<(Value<'_>, ObjId)>) -> Option<Slot> {
    v.map(|(value, id)| (value.into_owned(), id))
}
