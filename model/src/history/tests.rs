use std::collections::BTreeMap;
use std::time::Instant;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value,
};

use super::{changed_keys, restore, versions};
use crate::TEXT_ENCODING;

/// A document's content with only the winning values, for comparing states.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Scalar(ScalarValue),
    Map(BTreeMap<String, Node>),
    List(Vec<Node>),
    Text(String),
}

/// The whole document now (`None`) or at `heads`; also counts the slots
/// that hold more than one value.
pub(super) fn read(doc: &AutoCommit, heads: Option<&[ChangeHash]>) -> (Node, usize) {
    let mut conflicts = 0;
    let node = read_obj(doc, &ROOT, ObjType::Map, heads, &mut conflicts);
    (node, conflicts)
}

fn read_obj(
    doc: &AutoCommit,
    obj: &ObjId,
    typ: ObjType,
    heads: Option<&[ChangeHash]>,
    conflicts: &mut usize,
) -> Node {
    let mut slot = |prop: automerge::Prop| {
        let (all, winner) = match heads {
            Some(h) => (
                doc.get_all_at(obj, prop.clone(), h).expect("get_all_at"),
                doc.get_at(obj, prop, h).expect("get_at"),
            ),
            None => (
                doc.get_all(obj, prop.clone()).expect("get_all"),
                doc.get(obj, prop).expect("get"),
            ),
        };
        if all.len() > 1 {
            *conflicts += 1;
        }
        match winner.expect("a value") {
            (Value::Scalar(s), _) => Node::Scalar(s.into_owned()),
            (Value::Object(t), id) => read_obj(doc, &id, t, heads, conflicts),
        }
    };
    match typ {
        ObjType::Map | ObjType::Table => {
            let keys: Vec<String> = match heads {
                Some(h) => doc.keys_at(obj, h).collect(),
                None => doc.keys(obj).collect(),
            };
            Node::Map(
                keys.into_iter()
                    .map(|k| (k.clone(), slot(k.into())))
                    .collect(),
            )
        }
        ObjType::List => {
            let len = heads.map_or_else(|| doc.length(obj), |h| doc.length_at(obj, h));
            Node::List((0..len).map(|i| slot(i.into())).collect())
        }
        ObjType::Text => Node::Text(match heads {
            Some(h) => doc.text_at(obj, h).expect("text_at"),
            None => doc.text(obj).expect("text"),
        }),
    }
}

pub(super) fn replica(actor: u8) -> AutoCommit {
    AutoCommit::new_with_encoding(TEXT_ENCODING).with_actor(ActorId::from(vec![actor; 16]))
}

pub(super) fn commit(doc: &mut AutoCommit, time: i64) {
    doc.commit_with(CommitOptions::default().with_time(time));
}

/// Restore `heads`, commit, and check the content now is the content then.
fn restore_and_check(doc: &mut AutoCommit, heads: &[ChangeHash], time: i64) -> usize {
    let ops = restore(doc, heads).expect("restore");
    commit(doc, time);
    let (now, conflicts) = read(doc, None);
    assert_eq!(now, read(doc, Some(heads)).0);
    assert_eq!(conflicts, 0, "a restore leaves no conflicts");
    ops
}

fn text(doc: &mut AutoCommit, key: &str) -> ObjId {
    doc.put_object(ROOT, key, ObjType::Text).expect("text")
}

/// Type `s` into `t` at the end, one change per character, one second apart.
fn type_text(doc: &mut AutoCommit, t: &ObjId, s: &str, mut time: i64) -> i64 {
    for c in s.chars() {
        let end = doc.length(t);
        doc.splice_text(t, end, 0, &c.to_string()).expect("type");
        commit(doc, time);
        time += 1;
    }
    time
}

#[test]
fn keystrokes_with_a_long_pause_are_two_versions_newest_first() {
    let mut doc = replica(1);
    let vision = text(&mut doc, "vision");
    commit(&mut doc, 1_000);
    let after_first = type_text(&mut doc, &vision, "Grow the account", 1_001);
    let first_heads = doc.get_heads();
    type_text(&mut doc, &vision, " in EMEA", after_first + 3_600);

    let list = versions(&mut doc, 300);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].heads, doc.get_heads());
    assert_eq!(list[0].before, first_heads);
    assert_eq!(list[1].heads, first_heads);
    assert!(list[1].before.is_empty());
    assert_eq!((list[1].changes, list[0].changes), (17, 8));
    assert_eq!((list[1].start, list[1].time), (1_000, 1_016));
    assert_eq!(list[0].actors, vec![ActorId::from(vec![1; 16])]);
    assert_eq!(
        doc.text_at(&vision, &list[1].heads).expect("text"),
        "Grow the account"
    );
}

#[test]
fn concurrent_edits_on_two_replicas_are_separate_versions_per_person() {
    let mut a = replica(1);
    let vision = text(&mut a, "vision");
    a.put(ROOT, "status", "draft").expect("status");
    commit(&mut a, 1_000);
    let created = a.get_heads();
    let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
    // Offline at the same time: Alice types the vision, Bob sets the status.
    type_text(&mut a, &vision, "Alice", 2_000);
    for (i, status) in ["active", "at risk"].into_iter().enumerate() {
        b.put(ROOT, "status", status).expect("status");
        commit(&mut b, 2_002 + i as i64);
    }
    a.merge(&mut b).expect("merge");
    b.merge(&mut a).expect("merge");

    let list = versions(&mut a, 300);
    assert_eq!(list, versions(&mut b, 300), "every replica lists the same");
    assert_eq!(list.len(), 3);
    let who: Vec<u8> = list.iter().map(|v| v.actors[0].to_bytes()[0]).collect();
    assert_eq!(who, vec![1, 2, 1]);
    assert_eq!(list[0].heads, a.get_heads());
    // Bob's session ended first: its version shows his status, not her text.
    assert_eq!(list[1].before, created);
    assert_eq!(a.text_at(&vision, &list[1].heads).expect("text"), "");
    let status = a.get_at(ROOT, "status", &list[1].heads).expect("get");
    assert_eq!(
        status.as_ref().and_then(|(v, _)| v.as_str()),
        Some("at risk")
    );
    assert_eq!(
        changed_keys(&a, &list[1].before, &list[1].heads),
        ["status"]
    );
    assert_eq!(
        changed_keys(&a, &list[0].before, &list[0].heads),
        ["vision"]
    );
    let total: usize = list.iter().map(|v| v.changes).sum();
    assert_eq!(total, a.get_changes(&[]).len());
}

#[test]
fn restoring_a_text_field_is_one_minimal_splice() {
    let mut doc = replica(1);
    let vision = text(&mut doc, "vision");
    doc.splice_text(&vision, 0, 0, "Grow 😀 EMEA")
        .expect("type");
    commit(&mut doc, 1);
    let old = doc.get_heads();
    doc.splice_text(&vision, 8, 0, "and APAC ").expect("type");
    commit(&mut doc, 2);
    // Deleting the 9 inserted units is 9 operations, nothing else.
    assert_eq!(restore_and_check(&mut doc, &old, 3), 9);
    assert_eq!(doc.text(&vision).expect("text"), "Grow 😀 EMEA");
    assert_eq!(
        restore(&mut doc, &old).expect("restore"),
        0,
        "already equal"
    );
}

#[test]
fn restoring_a_nested_map_edits_it_in_place() {
    let mut doc = replica(1);
    let header = doc.put_object(ROOT, "header", ObjType::Map).expect("map");
    let team = doc.put_object(&header, "team", ObjType::Map).expect("map");
    doc.put(&team, "tam", "Ana").expect("put");
    doc.put(&header, "customer", "Acme").expect("put");
    commit(&mut doc, 1);
    let old = doc.get_heads();
    doc.put(&team, "tam", "Bo").expect("put");
    doc.put(&team, "ae", "Cy").expect("put");
    doc.delete(&header, "customer").expect("delete");
    doc.put(&header, "period", "FY26").expect("put");
    commit(&mut doc, 2);
    restore_and_check(&mut doc, &old, 3);
    // The same objects, edited: not recreated.
    assert_eq!(
        doc.get(ROOT, "header").expect("get").map(|(_, id)| id),
        Some(header)
    );
}

#[test]
fn restoring_a_deleted_object_recreates_its_whole_subtree() {
    let mut doc = replica(1);
    let people = doc
        .put_object(ROOT, "stakeholders", ObjType::List)
        .expect("list");
    let p = doc.insert_object(&people, 0, ObjType::Map).expect("map");
    doc.put(&p, "name", "Dana").expect("put");
    let notes = doc.put_object(&p, "notes", ObjType::Text).expect("text");
    doc.splice_text(&notes, 0, 0, "champion").expect("type");
    doc.put(&p, "calls", ScalarValue::counter(3))
        .expect("counter");
    commit(&mut doc, 1);
    let old = doc.get_heads();
    doc.delete(ROOT, "stakeholders").expect("delete");
    doc.put(ROOT, "vision", "replaced").expect("put");
    commit(&mut doc, 2);
    restore_and_check(&mut doc, &old, 3);
}

#[test]
fn restoring_an_object_whose_type_changed_recreates_it() {
    let mut doc = replica(1);
    let t = text(&mut doc, "notes");
    doc.splice_text(&t, 0, 0, "as text").expect("type");
    commit(&mut doc, 1);
    let old = doc.get_heads();
    let l = doc.put_object(ROOT, "notes", ObjType::List).expect("list");
    doc.insert(&l, 0, "as list").expect("insert");
    commit(&mut doc, 2);
    restore_and_check(&mut doc, &old, 3);
}

#[test]
fn restoring_a_list_fixes_inserts_deletes_and_edits() {
    let mut doc = replica(1);
    let list = doc.put_object(ROOT, "swot", ObjType::List).expect("list");
    for (i, s) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
        doc.insert(&list, i, s).expect("insert");
    }
    let item = doc.insert_object(&list, 5, ObjType::Map).expect("map");
    doc.put(&item, "x", 1).expect("put");
    commit(&mut doc, 1);
    let old = doc.get_heads();
    doc.delete(&list, 1).expect("delete");
    doc.insert(&list, 2, "new").expect("insert");
    doc.put(&list, 0, "A").expect("put");
    doc.put(&item, "x", 2).expect("put");
    doc.insert(&list, 0, 7).expect("insert");
    commit(&mut doc, 2);
    restore_and_check(&mut doc, &old, 3);
    let removed = doc.get_heads();
    doc.delete(&list, 5).expect("delete");
    doc.delete(&list, 0).expect("delete");
    commit(&mut doc, 4);
    restore_and_check(&mut doc, &removed, 5);
}

/// Two replicas that set `status` (and `owner`, map vs scalar) at once.
fn conflicted() -> (AutoCommit, Vec<ChangeHash>, Vec<ChangeHash>) {
    let mut a = replica(1);
    a.put(ROOT, "status", "draft").expect("put");
    a.put_object(ROOT, "owner", ObjType::Map).expect("map");
    commit(&mut a, 1);
    let created = a.get_heads();
    let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
    a.put(ROOT, "status", "active").expect("put");
    a.put(ROOT, "owner", "Ana").expect("put");
    commit(&mut a, 2);
    let alices = a.get_heads();
    b.put(ROOT, "status", "paused").expect("put");
    b.put_object(ROOT, "owner", ObjType::Map).expect("map");
    commit(&mut b, 2);
    a.merge(&mut b).expect("merge");
    assert_eq!(a.get_all(ROOT, "status").expect("all").len(), 2);
    assert_eq!(a.get_all(ROOT, "owner").expect("all").len(), 2);
    (a, created, alices)
}

fn single_status(doc: &AutoCommit) -> String {
    let all = doc.get_all(ROOT, "status").expect("all");
    assert_eq!(all.len(), 1, "no conflict left");
    assert_eq!(doc.get_all(ROOT, "owner").expect("all").len(), 1);
    all[0].0.as_str().expect("a string").to_owned()
}

#[test]
fn a_conflicted_key_ends_with_exactly_the_old_value() {
    let (mut doc, created, _) = conflicted();
    restore_and_check(&mut doc, &created, 3);
    assert_eq!(single_status(&doc), "draft");
}

#[test]
fn a_conflict_resolves_to_the_old_value_even_when_it_is_the_loser() {
    let (mut doc, _, alices) = conflicted();
    // Bob's actor sorts higher, so his "paused" wins the conflict now.
    assert_eq!(
        doc.get(ROOT, "status")
            .expect("get")
            .expect("value")
            .0
            .as_str(),
        Some("paused")
    );
    restore_and_check(&mut doc, &alices, 3);
    assert_eq!(single_status(&doc), "active");
}

#[test]
fn a_conflicted_list_element_ends_with_exactly_the_old_value() {
    let mut a = replica(1);
    let list = a.put_object(ROOT, "risks", ObjType::List).expect("list");
    a.insert(&list, 0, "churn").expect("insert");
    a.insert(&list, 1, "budget").expect("insert");
    commit(&mut a, 1);
    let created = a.get_heads();
    let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
    a.put(&list, 0, "churn!").expect("put");
    commit(&mut a, 2);
    b.put(&list, 0, "churn?").expect("put");
    commit(&mut b, 2);
    let bobs = b.get_heads();
    a.merge(&mut b).expect("merge");
    assert_eq!(a.get_all(&list, 0).expect("all").len(), 2);
    // Bob's value wins now: restoring his version must still settle it.
    let mut settled = a.fork();
    restore_and_check(&mut settled, &bobs, 3);
    assert_eq!(settled.get_all(&list, 0).expect("all").len(), 1);
    restore_and_check(&mut a, &created, 3);
    assert_eq!(a.get_all(&list, 0).expect("all").len(), 1);
}

#[test]
fn a_restore_can_be_undone_by_restoring_the_newer_version() {
    let mut doc = replica(1);
    let vision = text(&mut doc, "vision");
    doc.splice_text(&vision, 0, 0, "first").expect("type");
    doc.put(ROOT, "calls", ScalarValue::counter(1))
        .expect("counter");
    commit(&mut doc, 1);
    let v1 = doc.get_heads();
    doc.splice_text(&vision, 0, 5, "second").expect("type");
    doc.increment(ROOT, "calls", 4).expect("increment");
    doc.put(ROOT, "status", "won").expect("put");
    commit(&mut doc, 2);
    let v2 = doc.get_heads();
    restore_and_check(&mut doc, &v1, 3);
    restore_and_check(&mut doc, &v2, 4);
    assert_eq!(read(&doc, None).0, read(&doc, Some(&v2)).0);
}

#[test]
fn a_restore_syncs_to_another_replica_and_both_converge() {
    let mut a = replica(1);
    let vision = text(&mut a, "vision");
    a.splice_text(&vision, 0, 0, "old vision").expect("type");
    commit(&mut a, 1);
    let old = a.get_heads();
    a.splice_text(&vision, 0, 3, "new").expect("type");
    a.put(ROOT, "status", "active").expect("put");
    commit(&mut a, 2);
    let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
    restore_and_check(&mut a, &old, 3);
    // Meanwhile Bob keeps typing at the end of the vision.
    b.splice_text(&vision, 10, 0, "!").expect("type");
    commit(&mut b, 3);
    a.merge(&mut b).expect("merge");
    b.merge(&mut a).expect("merge");
    assert_eq!(read(&a, None), read(&b, None));
    assert_eq!(a.text(&vision).expect("text"), "old vision!");
    assert_eq!(a.get(ROOT, "status").expect("get"), None);
}

#[test]
fn changed_keys_names_the_top_level_fields_touched() {
    let mut doc = replica(1);
    let vision = text(&mut doc, "vision");
    let people = doc
        .put_object(ROOT, "stakeholders", ObjType::List)
        .expect("list");
    let p = doc.insert_object(&people, 0, ObjType::Map).expect("map");
    doc.put(ROOT, "status", "draft").expect("put");
    doc.put(ROOT, "period", "FY26").expect("put");
    commit(&mut doc, 1);
    let v1 = doc.get_heads();
    doc.splice_text(&vision, 0, 0, "Grow").expect("type");
    doc.put(&p, "support", "champion").expect("put");
    doc.delete(ROOT, "period").expect("delete");
    commit(&mut doc, 2);
    let v2 = doc.get_heads();
    assert_eq!(
        changed_keys(&doc, &v1, &v2),
        ["period", "stakeholders", "vision"]
    );
    assert_eq!(
        changed_keys(&doc, &[], &v1),
        ["period", "stakeholders", "status", "vision"]
    );
    assert!(changed_keys(&doc, &v2, &v2).is_empty());
}

#[test]
fn restoring_heads_the_document_does_not_have_fails() {
    let mut doc = replica(1);
    doc.put(ROOT, "a", 1).expect("put");
    commit(&mut doc, 1);
    let mut other = replica(2);
    other.put(ROOT, "b", 2).expect("put");
    commit(&mut other, 1);
    let foreign = other.get_heads();
    assert!(restore(&mut doc, &foreign).is_err());
}

/// `sessions` alternating between two people, `keys` keystrokes each, ten
/// minutes apart; prints how long `versions` takes on it.
fn time_versions(sessions: u8, keys: usize) {
    let mut doc = replica(1);
    let vision = text(&mut doc, "vision");
    commit(&mut doc, 1_000_000);
    let mut time = 1_000_001;
    for session in 0..sessions {
        doc.set_actor(ActorId::from(vec![1 + session % 2; 16]));
        time = type_text(&mut doc, &vision, &"x".repeat(keys), time) + 600;
    }
    let changes = doc.get_changes(&[]).len();
    let start = Instant::now();
    let list = versions(&mut doc, 300);
    let elapsed = start.elapsed();
    println!(
        "versions(): {changes} changes -> {} versions in {:.1} ms",
        list.len(),
        elapsed.as_secs_f64() * 1e3
    );
    // The creating change joins the first session.
    assert_eq!(list.len(), usize::from(sessions));
    assert_eq!(list.iter().map(|v| v.changes).sum::<usize>(), changes);
    assert_eq!(list[0].heads, doc.get_heads());
}

#[test]
fn versions_of_two_thousand_changes_timing() {
    time_versions(20, 100);
}

/// The figure for the issue. Building 10,000 commits takes ~35 s in a debug
/// build (automerge unoptimised), so: `cargo test -p model --release --
/// --ignored --nocapture versions_of_ten_thousand`.
#[test]
#[ignore = "slow to build in debug; run with --release --ignored --nocapture"]
fn versions_of_ten_thousand_changes_timing() {
    time_versions(20, 500);
}
