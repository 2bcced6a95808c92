//! Who made which changes: each document keeps a small map from actor id to
//! the display name of the person editing on that device, written by the
//! person's first edit, so conflicts and history can say "set by Ana".

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, ObjType, ROOT, ReadDoc, Value};

use crate::{ModelError, fields};

/// The root key of the map; bookkeeping, not content.
pub const AUTHORS: &str = "authors";

/// Record that this document's current actor is `name` (once; a changed
/// name is updated). Returns whether anything was written.
pub fn sign(doc: &mut AutoCommit, name: &str) -> Result<bool, ModelError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(false);
    }
    let authors = match doc.get(ROOT, AUTHORS)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, AUTHORS, ObjType::Map)?,
    };
    let actor = doc.get_actor().to_hex_string();
    fields::write_scalar(doc, &authors, &actor, name)
}

/// The name recorded for `actor`, if any.
pub fn author_name(doc: &AutoCommit, actor: &ActorId) -> Option<String> {
    let (_, authors) = doc.get(ROOT, AUTHORS).ok().flatten()?;
    let name = fields::read_string(doc, &authors, &actor.to_hex_string()).ok()?;
    (!name.is_empty()).then_some(name)
}

/// Every (actor hex, name) the document records.
fn names(doc: &AutoCommit) -> Result<Vec<(String, String)>, ModelError> {
    let Some((Value::Object(ObjType::Map), map)) = doc.get(ROOT, AUTHORS)? else {
        return Ok(Vec::new());
    };
    doc.keys(&map)
        .map(|actor| Ok((actor.clone(), fields::read_string(doc, &map, &actor)?)))
        .collect()
}

/// [`crate::restore`] the content at `heads`, but keep the names of who
/// edited: rolling the whole document back would forget names recorded
/// since (the restorer's own included), and their changes would read as
/// anonymous again.
pub fn restore_keeping_names(
    doc: &mut AutoCommit,
    heads: &[ChangeHash],
) -> Result<usize, ModelError> {
    let known = names(doc)?;
    let ops = crate::restore(doc, heads)?;
    if known.is_empty() {
        return Ok(ops);
    }
    let map = match doc.get(ROOT, AUTHORS)? {
        Some((Value::Object(ObjType::Map), map)) => map,
        _ => doc.put_object(ROOT, AUTHORS, ObjType::Map)?,
    };
    for (actor, name) in known {
        fields::write_scalar(doc, &map, &actor, &name)?;
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_device_signs_its_changes_once() {
        let mut a = AutoCommit::new().with_actor(ActorId::from(vec![1; 16]));
        assert!(sign(&mut a, "Ana").expect("sign"));
        assert!(
            !sign(&mut a, "Ana").expect("again"),
            "no change the second time"
        );
        let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
        sign(&mut b, "Ben").expect("sign b");
        a.merge(&mut b).expect("merge");
        assert_eq!(
            author_name(&a, &ActorId::from(vec![1; 16])).as_deref(),
            Some("Ana")
        );
        assert_eq!(
            author_name(&a, &ActorId::from(vec![2; 16])).as_deref(),
            Some("Ben")
        );
        assert_eq!(author_name(&a, &ActorId::from(vec![3; 16])), None);
    }

    #[test]
    fn restoring_an_old_version_keeps_the_names_recorded_since() {
        let mut a = AutoCommit::new().with_actor(ActorId::from(vec![1; 16]));
        a.put(ROOT, "status", "draft").expect("put");
        a.commit();
        let old = a.get_heads();
        sign(&mut a, "Ana").expect("sign");
        a.put(ROOT, "status", "active").expect("put");
        a.commit();
        restore_keeping_names(&mut a, &old).expect("restore");
        a.commit();
        assert_eq!(
            fields::read_string(&a, &ROOT, "status").expect("read"),
            "draft"
        );
        assert_eq!(
            author_name(&a, &ActorId::from(vec![1; 16])).as_deref(),
            Some("Ana")
        );
    }
}
