//! Lists of items with stable ids: a map from item id to the item's map,
//! each carrying its place as a fractional key (`pos`).
//!
//! Two people inserting at once both keep their items; deleting removes one
//! key; moving rewrites one `pos`, so concurrent moves of different items
//! both apply and concurrent moves of the same item settle on one place.
//! Item ids come from the caller (random in the app, fixed in tests).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ValueRef};

use crate::{ModelError, key_between};

const POS: &str = "pos";

/// Where to put an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    First,
    Last,
    After(&'a str),
    Before(&'a str),
}

/// One item of a list, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub obj: ObjId,
    pub pos: String,
}

/// The items map at `key` under `parent`, created if absent.
pub fn ensure_list(doc: &mut AutoCommit, parent: &ObjId, key: &str) -> Result<ObjId, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(parent, key, ObjType::Map)?),
    }
}

/// The items map at `key`, if there is one.
pub fn find_list(doc: &AutoCommit, parent: &ObjId, key: &str) -> Result<Option<ObjId>, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(Some(id)),
        _ => Ok(None),
    }
}

/// The items in order (by place, then id). Entries that are not maps are
/// skipped.
pub fn items(doc: &AutoCommit, list: &ObjId) -> Result<Vec<Item>, ModelError> {
    let mut out = Vec::new();
    for entry in doc.map_range(list, ..) {
        if !matches!(entry.value, ValueRef::Object(ObjType::Map)) {
            continue;
        }
        let obj = entry.id();
        let pos = match doc.get(&obj, POS)? {
            Some((Value::Scalar(s), _)) => s.as_str().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        out.push(Item {
            id: entry.key.to_string(),
            obj,
            pos,
        });
    }
    crate::sort::sort_by(&mut out, |a, b| {
        a.pos.cmp(&b.pos).then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Add an empty item `id` at `place`; returns its map.
pub fn insert(
    doc: &mut AutoCommit,
    list: &ObjId,
    id: &str,
    place: Place<'_>,
) -> Result<ObjId, ModelError> {
    let pos = position(doc, list, place, Some(id))?;
    let obj = doc.put_object(list, id, ObjType::Map)?;
    doc.put(&obj, POS, pos)?;
    Ok(obj)
}

/// Move item `id` to `place`.
pub fn move_item(
    doc: &mut AutoCommit,
    list: &ObjId,
    id: &str,
    place: Place<'_>,
) -> Result<(), ModelError> {
    let Some((Value::Object(ObjType::Map), obj)) = doc.get(list, id)? else {
        return Err(ModelError::NoSuchItem(id.to_owned()));
    };
    let pos = position(doc, list, place, Some(id))?;
    doc.put(&obj, POS, pos)?;
    Ok(())
}

/// Remove item `id` (no error if it is already gone: someone else removed it).
pub fn remove(doc: &mut AutoCommit, list: &ObjId, id: &str) -> Result<(), ModelError> {
    if doc.get(list, id)?.is_some() {
        doc.delete(list, id)?;
    }
    Ok(())
}

/// The item map of `id`, if it exists.
pub fn item(doc: &AutoCommit, list: &ObjId, id: &str) -> Result<Option<ObjId>, ModelError> {
    match doc.get(list, id)? {
        Some((Value::Object(ObjType::Map), obj)) => Ok(Some(obj)),
        _ => Ok(None),
    }
}

/// The fractional key for `place`, ignoring item `moving` itself.
fn position(
    doc: &AutoCommit,
    list: &ObjId,
    place: Place<'_>,
    moving: Option<&str>,
) -> Result<String, ModelError> {
    let all: Vec<Item> = items(doc, list)?
        .into_iter()
        .filter(|i| Some(i.id.as_str()) != moving)
        .collect();
    let index_of = |id: &str| {
        all.iter()
            .position(|i| i.id == id)
            .ok_or_else(|| ModelError::NoSuchItem(id.to_owned()))
    };
    let (before, after) = match place {
        Place::First => (None, all.first()),
        Place::Last => (all.last(), None),
        Place::After(id) => {
            let i = index_of(id)?;
            (all.get(i), all.get(i + 1))
        }
        Place::Before(id) => {
            let i = index_of(id)?;
            (i.checked_sub(1).and_then(|j| all.get(j)), all.get(i))
        }
    };
    Ok(key_between(
        before.map(|i| i.pos.as_str()),
        after.map(|i| i.pos.as_str()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{ActorId, ROOT};

    fn ids(doc: &AutoCommit, list: &ObjId) -> Vec<String> {
        items(doc, list)
            .expect("items")
            .into_iter()
            .map(|i| i.id)
            .collect()
    }

    fn replicas() -> (AutoCommit, AutoCommit, ObjId) {
        let mut a = AutoCommit::new().with_actor(ActorId::from(vec![1; 16]));
        let list = ensure_list(&mut a, &ROOT, "list").expect("list");
        for id in ["a", "b", "c"] {
            insert(&mut a, &list, id, Place::Last).expect("insert");
        }
        let b = a.fork().with_actor(ActorId::from(vec![2; 16]));
        (a, b, list)
    }

    #[test]
    fn inserts_moves_and_removes_keep_order() {
        let (mut a, _, list) = replicas();
        assert_eq!(ids(&a, &list), ["a", "b", "c"]);
        insert(&mut a, &list, "x", Place::After("a")).expect("x");
        insert(&mut a, &list, "y", Place::First).expect("y");
        insert(&mut a, &list, "z", Place::Before("c")).expect("z");
        assert_eq!(ids(&a, &list), ["y", "a", "x", "b", "z", "c"]);
        move_item(&mut a, &list, "y", Place::Last).expect("move");
        remove(&mut a, &list, "b").expect("remove");
        assert_eq!(ids(&a, &list), ["a", "x", "z", "c", "y"]);
        assert!(matches!(
            move_item(&mut a, &list, "nope", Place::First),
            Err(ModelError::NoSuchItem(_))
        ));
    }

    #[test]
    fn concurrent_inserts_at_one_spot_both_survive_in_the_same_order() {
        let (mut a, mut b, list) = replicas();
        insert(&mut a, &list, "from-a", Place::After("a")).expect("a");
        insert(&mut b, &list, "from-b", Place::After("a")).expect("b");
        a.merge(&mut b).expect("merge");
        b.merge(&mut a).expect("merge");
        assert_eq!(ids(&a, &list), ids(&b, &list));
        assert_eq!(ids(&a, &list).len(), 5);
    }

    #[test]
    fn concurrent_moves_and_a_delete_merge_sensibly() {
        let (mut a, mut b, list) = replicas();
        move_item(&mut a, &list, "c", Place::First).expect("a moves c");
        move_item(&mut b, &list, "a", Place::Last).expect("b moves a");
        remove(&mut b, &list, "b").expect("b removes b");
        a.merge(&mut b).expect("merge");
        b.merge(&mut a).expect("merge");
        assert_eq!(ids(&a, &list), ["c", "a"]);
        assert_eq!(ids(&a, &list), ids(&b, &list));

        // The same item moved by both: it ends up in one place, once.
        move_item(&mut a, &list, "c", Place::Last).expect("a");
        move_item(&mut b, &list, "c", Place::First).expect("b");
        a.merge(&mut b).expect("merge");
        b.merge(&mut a).expect("merge");
        assert_eq!(ids(&a, &list), ids(&b, &list));
        assert_eq!(ids(&a, &list).len(), 2);
    }

    #[test]
    fn removing_an_item_someone_else_removed_is_fine() {
        let (mut a, _, list) = replicas();
        remove(&mut a, &list, "b").expect("first");
        remove(&mut a, &list, "b").expect("again");
        assert_eq!(ids(&a, &list), ["a", "c"]);
    }
}
