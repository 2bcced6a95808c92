//! Who made which changes: each document keeps a small map from actor id to
//! the display name of the person editing on that device, written by the
//! person's first edit, so conflicts and history can say "set by Ana".

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, Value};

use crate::{ModelError, fields};

const AUTHORS: &str = "authors";

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
}
