//! Random documents on two replicas, random edits and merges; then restore
//! a random earlier version and check the content is that version's; name
//! the fields that differ between two random versions and check them against
//! the content read at each and against automerge's own diff.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use proptest::prelude::*;

use super::tests::{Node, commit, read, replica};
use super::{changed_keys, restore, versions};

#[derive(Debug, Clone)]
enum Edit {
    /// On replica `b` or `a`, do `action` to the `target`-th object.
    Act {
        b: bool,
        target: usize,
        action: Action,
    },
    Commit {
        b: bool,
    },
    Sync,
}

#[derive(Debug, Clone)]
enum Action {
    Put(u8, usize, ScalarValue),
    PutObject(u8, usize, ObjType),
    Insert(usize, ScalarValue),
    InsertObject(usize, ObjType),
    Delete(u8, usize),
    Splice(usize, usize, String),
    Increment(u8, usize, i64),
}

fn scalar() -> impl Strategy<Value = ScalarValue> {
    prop_oneof![
        (-3i64..3).prop_map(ScalarValue::Int),
        "[a-c]{0,2}".prop_map(|s| ScalarValue::Str(s.into())),
        any::<bool>().prop_map(ScalarValue::Boolean),
        Just(ScalarValue::Null),
        (-3i64..3).prop_map(ScalarValue::counter),
    ]
}

fn obj_type() -> impl Strategy<Value = ObjType> {
    prop_oneof![Just(ObjType::Map), Just(ObjType::List), Just(ObjType::Text)]
}

fn action() -> impl Strategy<Value = Action> {
    let key = 0u8..4;
    let index = 0usize..8;
    prop_oneof![
        (key.clone(), index.clone(), scalar()).prop_map(|(k, i, v)| Action::Put(k, i, v)),
        (key.clone(), index.clone(), obj_type()).prop_map(|(k, i, t)| Action::PutObject(k, i, t)),
        (index.clone(), scalar()).prop_map(|(i, v)| Action::Insert(i, v)),
        (index.clone(), obj_type()).prop_map(|(i, t)| Action::InsertObject(i, t)),
        (key.clone(), index.clone()).prop_map(|(k, i)| Action::Delete(k, i)),
        (index.clone(), 0usize..4, "[a-cé😀]{0,4}").prop_map(|(p, d, s)| Action::Splice(p, d, s)),
        (key, index, -3i64..3).prop_map(|(k, i, by)| Action::Increment(k, i, by)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (any::<bool>(), 0usize..16, action())
            .prop_map(|(b, target, action)| Edit::Act { b, target, action }),
        2 => any::<bool>().prop_map(|b| Edit::Commit { b }),
        2 => Just(Edit::Sync),
    ]
}

/// Every object in the document, root first, in a stable order.
fn objects(doc: &AutoCommit) -> Vec<(ObjId, ObjType)> {
    let mut out = vec![(ROOT, ObjType::Map)];
    let mut i = 0;
    while i < out.len() {
        let (obj, typ) = out[i].clone();
        let children: Vec<(ObjId, ObjType)> = match typ {
            ObjType::Map | ObjType::Table => doc
                .keys(&obj)
                .filter_map(|k| doc.get(&obj, k).ok().flatten())
                .filter_map(child)
                .collect(),
            ObjType::List => (0..doc.length(&obj))
                .filter_map(|n| doc.get(&obj, n).ok().flatten())
                .filter_map(child)
                .collect(),
            ObjType::Text => Vec::new(),
        };
        out.extend(children);
        i += 1;
    }
    out
}

fn child((value, id): (Value<'_>, ObjId)) -> Option<(ObjId, ObjType)> {
    match value {
        Value::Object(t) => Some((id, t)),
        Value::Scalar(_) => None,
    }
}

const KEYS: [&str; 4] = ["a", "b", "c", "d"];

/// Apply `action` to `obj` as suits its type; edits that make no sense there
/// (a splice on a map, a delete from an empty list) are skipped.
fn apply(doc: &mut AutoCommit, obj: &ObjId, typ: ObjType, action: &Action) {
    let len = doc.length(obj);
    let result = match (typ, action) {
        (ObjType::Text, Action::Splice(pos, del, s)) => {
            // Whole characters only: position by chars, convert to UTF-16.
            let text = doc.text(obj).expect("text");
            let chars: Vec<char> = text.chars().collect();
            let p = pos % (chars.len() + 1);
            let d = (*del).min(chars.len() - p);
            let units = |cs: &[char]| cs.iter().map(|c| c.len_utf16()).sum::<usize>();
            let at = units(&chars[..p]);
            let gone = units(&chars[p..p + d]) as isize;
            doc.splice_text(obj, at, gone, s)
        }
        (ObjType::Text, _) => Ok(()),
        (ObjType::Map | ObjType::Table, a) => match a {
            Action::Put(k, _, v) => doc.put(obj, KEYS[*k as usize], v.clone()),
            Action::PutObject(k, _, t) => doc.put_object(obj, KEYS[*k as usize], *t).map(|_| ()),
            Action::Delete(k, _) => doc.delete(obj, KEYS[*k as usize]),
            Action::Increment(k, _, by) => increment(doc, obj, KEYS[*k as usize].into(), *by),
            _ => Ok(()),
        },
        (ObjType::List, a) => match a {
            Action::Insert(i, v) => doc.insert(obj, i % (len + 1), v.clone()),
            Action::InsertObject(i, t) => doc.insert_object(obj, i % (len + 1), *t).map(|_| ()),
            _ if len == 0 => Ok(()),
            Action::Put(_, i, v) => doc.put(obj, i % len, v.clone()),
            Action::PutObject(_, i, t) => doc.put_object(obj, i % len, *t).map(|_| ()),
            Action::Delete(_, i) => doc.delete(obj, i % len),
            Action::Increment(_, i, by) => increment(doc, obj, (i % len).into(), *by),
            Action::Splice(..) => Ok(()),
        },
    };
    result.expect("edit");
}

fn increment(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: automerge::Prop,
    by: i64,
) -> Result<(), automerge::AutomergeError> {
    match doc.get(obj, prop.clone())? {
        Some((Value::Scalar(s), _)) if s.is_counter() => doc.increment(obj, prop, by),
        _ => Ok(()),
    }
}

fn run(edits: &[Edit]) -> (AutoCommit, AutoCommit, Vec<Vec<ChangeHash>>) {
    let (mut a, mut b) = (replica(1), replica(2));
    let mut time = 1_000;
    let mut seen = vec![Vec::new()];
    for e in edits {
        match e {
            Edit::Act {
                b: on_b,
                target,
                action,
            } => {
                let doc = if *on_b { &mut b } else { &mut a };
                let objs = objects(doc);
                let (obj, typ) = objs[target % objs.len()].clone();
                apply(doc, &obj, typ, action);
            }
            Edit::Commit { b: on_b } => {
                let doc = if *on_b { &mut b } else { &mut a };
                time += 7;
                commit(doc, time);
                seen.push(doc.get_heads());
            }
            Edit::Sync => {
                commit(&mut a, time);
                commit(&mut b, time);
                a.merge(&mut b).expect("merge");
                b.merge(&mut a).expect("merge");
            }
        }
    }
    commit(&mut a, time + 1);
    commit(&mut b, time + 1);
    seen.push(a.get_heads());
    seen.push(b.get_heads());
    a.merge(&mut b).expect("merge");
    (a, b, seen)
}

/// Every object at or below the slot `prop` of `obj` at `heads`, in the
/// document's order (map keys, then list indexes).
fn objects_at(
    doc: &AutoCommit,
    obj: &ObjId,
    prop: automerge::Prop,
    heads: &[ChangeHash],
    out: &mut Vec<ObjId>,
) {
    let Some((Value::Object(typ), id)) = doc.get_at(obj, prop, heads).expect("get_at") else {
        return;
    };
    out.push(id.clone());
    let props: Vec<automerge::Prop> = match typ {
        ObjType::Map | ObjType::Table => doc.keys_at(&id, heads).map(Into::into).collect(),
        ObjType::List => (0..doc.length_at(&id, heads)).map(Into::into).collect(),
        ObjType::Text => Vec::new(),
    };
    for p in props {
        objects_at(doc, &id, p, heads, out);
    }
}

/// The root's keys whose value (content, or object) differs between two
/// versions, told three ways: by the content read whole at each (`content`),
/// by whether an object at or below a key is another one (`replaced`), and
/// by automerge's diff (`diffed`), which also names a key put again with the
/// same value.
fn oracle(doc: &mut AutoCommit, x: &[ChangeHash], y: &[ChangeHash]) -> [Vec<String>; 3] {
    let (Node::Map(at_x), Node::Map(at_y)) = (read(doc, Some(x)).0, read(doc, Some(y)).0) else {
        unreachable!("the root is a map");
    };
    let mut keys: Vec<String> = at_x.keys().chain(at_y.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    let content = keys
        .iter()
        .filter(|k| at_x.get(*k) != at_y.get(*k))
        .cloned()
        .collect();
    let objects = |heads: &[ChangeHash], k: &str| {
        let mut out = Vec::new();
        objects_at(doc, &ROOT, k.into(), heads, &mut out);
        out
    };
    let replaced = keys
        .iter()
        .filter(|k| objects(x, k) != objects(y, k))
        .cloned()
        .collect();
    let mut diffed: Vec<String> = doc
        .diff(x, y)
        .into_iter()
        .filter_map(|p| match (p.path.first(), p.action) {
            (Some((_, automerge::Prop::Map(k))), _) => Some(k.clone()),
            (
                None,
                automerge::PatchAction::PutMap { key, .. }
                | automerge::PatchAction::DeleteMap { key },
            ) => Some(key),
            (
                None,
                automerge::PatchAction::Increment {
                    prop: automerge::Prop::Map(k),
                    ..
                },
            ) => Some(k),
            _ => None,
        })
        .collect();
    diffed.sort();
    diffed.dedup();
    [content, replaced, diffed]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn restoring_any_earlier_version_brings_back_its_content(
        edits in prop::collection::vec(edit(), 0..40),
        pick in any::<prop::sample::Index>(),
    ) {
        let (mut a, mut b, seen) = run(&edits);
        let newest = a.get_heads();
        let old = pick.get(&seen).clone();

        let list = versions(&mut a, 10);
        prop_assert_eq!(list.first().map(|v| v.heads.clone()).unwrap_or_default(), newest.clone());
        prop_assert_eq!(list.iter().map(|v| v.changes).sum::<usize>(), a.get_changes(&[]).len());

        restore(&mut a, &old).expect("restore");
        commit(&mut a, 100_000);
        let (now, conflicts) = read(&a, None);
        prop_assert_eq!(&now, &read(&a, Some(&old)).0);
        prop_assert_eq!(conflicts, 0);

        restore(&mut a, &newest).expect("restore back");
        commit(&mut a, 100_001);
        prop_assert_eq!(read(&a, None).0, read(&a, Some(&newest)).0);

        b.merge(&mut a).expect("merge");
        prop_assert_eq!(read(&b, None), read(&a, None));
    }

    #[test]
    fn changed_keys_are_the_fields_whose_content_or_object_differs(
        edits in prop::collection::vec(edit(), 0..40),
        x in any::<prop::sample::Index>(),
        y in any::<prop::sample::Index>(),
    ) {
        let (mut a, _, seen) = run(&edits);
        let (x, y) = (x.get(&seen).clone(), y.get(&seen).clone());
        let named = changed_keys(&a, &x, &y);
        prop_assert_eq!(&named, &changed_keys(&a, &y, &x), "the same both ways");
        let [content, replaced, diffed] = oracle(&mut a, &x, &y);
        for k in &named {
            prop_assert!(content.contains(k) || replaced.contains(k), "{k} did not change");
            prop_assert!(diffed.contains(k), "{k} is not in automerge's diff");
        }
        for k in content.iter().chain(&replaced) {
            prop_assert!(named.contains(k), "{k} changed but was not named");
        }
    }
}
