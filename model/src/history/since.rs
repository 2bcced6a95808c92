//! What changed in a document since a version a person last saw: how many
//! changes, by whom, in which fields — the "while you were away" summary.

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};

use super::changed_keys;
use crate::authors::{AUTHORS, author_name};

/// The changes made since a version, by people other than the one asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceSummary {
    pub changes: usize,
    /// Their names as the document records them ("Someone" when it does
    /// not), in order of first change.
    pub authors: Vec<String>,
    /// The top-level fields they touched, sorted (bookkeeping left out).
    pub fields: Vec<String>,
}

/// What others changed in `doc` since `seen` (the heads the person last
/// saw); `me` is the actor whose own changes do not count. `None` when
/// nobody else changed anything.
pub fn changed_since(
    doc: &mut AutoCommit,
    seen: &[ChangeHash],
    me: &ActorId,
) -> Option<SinceSummary> {
    let mut depended_on = HashSet::new();
    let theirs: Vec<(ActorId, ChangeHash)> = doc
        .get_changes(seen)
        .into_iter()
        .filter(|c| c.actor_id() != me)
        .map(|c| {
            depended_on.extend(c.deps().iter().copied());
            (c.actor_id().clone(), c.hash())
        })
        .collect();
    if theirs.is_empty() {
        return None;
    }
    let mut authors: Vec<String> = Vec::new();
    for (actor, _) in &theirs {
        let name = author_name(doc, actor).unwrap_or_else(|| "Someone".to_owned());
        if !authors.contains(&name) {
            authors.push(name);
        }
    }
    // The version with their changes and not ours: what they touched.
    let mut theirs_only: Vec<ChangeHash> = seen.to_vec();
    theirs_only.extend(
        theirs
            .iter()
            .map(|(_, h)| *h)
            .filter(|h| !depended_on.contains(h)),
    );
    let fields = changed_keys(doc, seen, &theirs_only)
        .into_iter()
        .filter(|k| k != AUTHORS)
        .collect();
    Some(SinceSummary {
        changes: theirs.len(),
        authors,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use automerge::ROOT;
    use automerge::transaction::Transactable;

    use super::*;
    use crate::authors::sign;
    use crate::testing::{doc, other_device, sync};

    fn edit(d: &mut AutoCommit, who: &str, key: &str, value: &str) {
        sign(d, who).expect("sign");
        d.put(ROOT, key, value).expect("put");
        d.commit();
    }

    #[test]
    fn counts_what_others_changed_by_name_and_field() {
        let mut mine = doc(1);
        edit(&mut mine, "Ana", "title", "Plan");
        let mut ben = other_device(&mut mine, 2);
        let mut cy = other_device(&mut mine, 3);
        let seen = mine.get_heads();
        edit(&mut ben, "Ben", "owner", "Ben");
        edit(&mut ben, "Ben", "status", "active");
        edit(&mut cy, "Cy", "title", "Plan FY27");
        // Ana's own edit while away does not count.
        edit(&mut mine, "Ana", "vision", "Cloud first");
        sync(&mut mine, &mut ben);
        sync(&mut mine, &mut cy);
        let me = mine.get_actor().clone();
        let s = changed_since(&mut mine, &seen, &me).expect("changes");
        assert_eq!(s.changes, 3);
        let mut authors = s.authors.clone();
        authors.sort();
        assert_eq!(authors, ["Ben", "Cy"]);
        assert_eq!(s.fields, ["owner", "status", "title"]);
    }

    #[test]
    fn nothing_from_others_is_none_and_unsigned_changes_are_someone() {
        let mut mine = doc(1);
        edit(&mut mine, "Ana", "title", "Plan");
        let seen = mine.get_heads();
        let me = mine.get_actor().clone();
        assert_eq!(changed_since(&mut mine, &seen, &me), None);
        let mut js = other_device(&mut mine, 9);
        js.put(ROOT, "notes", "from a JS client").expect("put");
        js.commit();
        sync(&mut mine, &mut js);
        let s = changed_since(&mut mine, &seen, &me).expect("changes");
        assert_eq!(s.authors, ["Someone"]);
        assert_eq!(s.fields, ["notes"]);
    }
}
