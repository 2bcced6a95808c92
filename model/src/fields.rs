//! Reading and writing the fields of a record, whatever client wrote them.
//!
//! Long prose is collaborative Text (edits merge character by character);
//! decisions (status, owner, stage, dates, amounts) are scalars: when two
//! people set one at the same time automerge keeps both values, and
//! [`candidates`] returns every one with who set it, so a person can
//! [`settle`] it. Money is stored as one scalar `"<minor units> <CUR>"` so an
//! amount and its currency always travel together.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::{ModelError, Money, splice_between};

/// One of the values a scalar field holds, and the actor who set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub value: String,
    pub actor: ActorId,
}

/// The field as a string: Text, a string scalar, or a number's digits; ""
/// when absent.
pub fn read_string(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<String, ModelError> {
    Ok(match doc.get(obj, key)? {
        None => String::new(),
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id)?,
        Some((Value::Scalar(s), _)) => scalar_string(&s),
        Some((Value::Object(_), _)) => String::new(),
    })
}

fn scalar_string(s: &ScalarValue) -> String {
    match s {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Int(i) => i.to_string(),
        ScalarValue::Uint(u) => u.to_string(),
        ScalarValue::F64(f) => f.to_string(),
        ScalarValue::Boolean(b) => b.to_string(),
        _ => String::new(),
    }
}

/// A moment stored as a timestamp (or, from looser clients, a number):
/// milliseconds since the epoch; `None` when absent or not a number.
pub fn read_time(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<Option<i64>, ModelError> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Timestamp(t) | ScalarValue::Int(t) => Some(*t),
            ScalarValue::Uint(u) => Some(i64::try_from(*u).unwrap_or(i64::MAX)),
            ScalarValue::F64(f) => Some(*f as i64),
            _ => None,
        },
        _ => None,
    })
}

/// Store a moment as an automerge timestamp.
pub fn write_time(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    ms: Option<i64>,
) -> Result<(), ModelError> {
    match ms {
        Some(ms) => doc.put(obj, key, ScalarValue::Timestamp(ms))?,
        None if doc.get(obj, key)?.is_some() => doc.delete(obj, key)?,
        None => {}
    }
    Ok(())
}

/// The Text object behind a field, if the field is collaborative text.
pub fn text_obj(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<Option<ObjId>, ModelError> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(Some(id)),
        _ => Ok(None),
    }
}

/// Make a Text field say `value` with one minimal splice (creating the Text,
/// with any old plain-string value, if needed). Returns whether it changed.
pub fn write_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<bool, ModelError> {
    let current = read_string(doc, obj, key)?;
    let Some(splice) = splice_between(&current, value) else {
        return Ok(false);
    };
    let text = match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => id,
        _ => {
            let id = doc.put_object(obj, key, ObjType::Text)?;
            doc.splice_text(&id, 0, 0, &current)?;
            id
        }
    };
    doc.splice_text(&text, splice.pos, splice.delete as isize, &splice.insert)?;
    Ok(true)
}

/// Apply one edit the browser described — `splice`, in UTF-16 units, made
/// to a text of `len_before` units — to the Text object `text` (from
/// [`text_obj`]), without reading the text: the keystroke path. Returns
/// `Ok(false)`, changing nothing, when the text's length is not
/// `len_before` (the edit was made against something else): then
/// [`write_text`] with the whole value is the way.
pub fn splice_text(
    doc: &mut AutoCommit,
    text: &ObjId,
    splice: &crate::text::Splice,
    len_before: usize,
) -> Result<bool, ModelError> {
    if splice.pos + splice.delete > len_before || doc.length(text) != len_before {
        return Ok(false);
    }
    doc.splice_text(text, splice.pos, splice.delete as isize, &splice.insert)?;
    Ok(true)
}

/// Set a scalar string field. Writing over a conflict settles it; writing
/// the value it already has (and no conflict) changes nothing.
pub fn write_scalar(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<bool, ModelError> {
    let all = doc.get_all(obj, key)?;
    let same = all.len() == 1 && matches!(&all[0].0, Value::Scalar(s) if scalar_string(s) == value);
    if same || (all.is_empty() && value.is_empty()) {
        return Ok(false);
    }
    if value.is_empty() {
        doc.delete(obj, key)?;
    } else {
        doc.put(obj, key, value)?;
    }
    Ok(true)
}

/// A money field (absent or unreadable reads as `None`).
pub fn read_money(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<Option<Money>, ModelError> {
    Ok(parse_stored_money(&read_string(doc, obj, key)?))
}

pub(crate) fn parse_stored_money(s: &str) -> Option<Money> {
    let (minor, currency) = s.split_once(' ')?;
    Some(Money::new(minor.parse().ok()?, currency))
}

pub fn write_money(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Option<&Money>,
) -> Result<bool, ModelError> {
    let stored = value
        .map(|m| format!("{} {}", m.minor, m.currency))
        .unwrap_or_default();
    write_scalar(doc, obj, key, &stored)
}

/// Every value concurrently set for a scalar field; more than one means a
/// conflict to show. Values are in automerge's order: the first is the one
/// [`read_string`] shows.
pub fn candidates(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<Vec<Candidate>, ModelError> {
    let mut out: Vec<Candidate> = doc
        .get_all(obj, key)?
        .into_iter()
        .filter_map(|(value, id)| match (value, id) {
            (Value::Scalar(s), automerge::ObjId::Id(_, actor, _)) => Some(Candidate {
                value: scalar_string(&s),
                actor,
            }),
            _ => None,
        })
        .collect();
    // automerge lists the winner last; show it first.
    out.reverse();
    Ok(out)
}

/// Settle a conflicted field on `value` (one new change that supersedes
/// every concurrent value).
pub fn settle(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &str) -> Result<(), ModelError> {
    if value.is_empty() {
        doc.delete(obj, key)?;
    } else {
        doc.put(obj, key, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ROOT;

    fn pair() -> (AutoCommit, AutoCommit) {
        let a = AutoCommit::new().with_actor(ActorId::from(vec![1; 16]));
        let mut a = a;
        a.put(ROOT, "status", "draft").expect("put");
        let b = a.fork().with_actor(ActorId::from(vec![2; 16]));
        (a, b)
    }

    #[test]
    fn a_keystroke_splices_without_reading_and_refuses_a_stale_length() {
        let mut doc = AutoCommit::new();
        write_text(&mut doc, &ROOT, "vision", "Land 😀 expand").expect("write");
        let at = |pos, delete, insert: &str| crate::text::Splice {
            pos,
            delete,
            insert: insert.into(),
        };
        let text = text_obj(&doc, &ROOT, "vision")
            .expect("get")
            .expect("a Text");
        // After the emoji (two UTF-16 units): "Land 😀 and expand".
        assert!(splice_text(&mut doc, &text, &at(8, 0, "and "), 14).expect("splice"));
        assert_eq!(
            read_string(&doc, &ROOT, "vision").expect("read"),
            "Land 😀 and expand"
        );
        // Made against an older, shorter text: nothing happens.
        assert!(!splice_text(&mut doc, &text, &at(0, 0, "x"), 14).expect("stale"));
        assert!(!splice_text(&mut doc, &text, &at(17, 5, ""), 18).expect("past end"));
        assert_eq!(
            read_string(&doc, &ROOT, "vision").expect("read"),
            "Land 😀 and expand"
        );
    }

    #[test]
    fn concurrent_decisions_keep_both_values_with_their_authors() {
        let (mut a, mut b) = pair();
        write_scalar(&mut a, &ROOT, "status", "active").expect("a");
        write_scalar(&mut b, &ROOT, "status", "in-review").expect("b");
        a.merge(&mut b).expect("merge");
        let c = candidates(&a, &ROOT, "status").expect("candidates");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].value, read_string(&a, &ROOT, "status").expect("read"));
        let mut values: Vec<(&str, u8)> = c
            .iter()
            .map(|c| (c.value.as_str(), c.actor.to_bytes()[0]))
            .collect();
        values.sort();
        assert_eq!(values, vec![("active", 1), ("in-review", 2)]);

        settle(&mut a, &ROOT, "status", "in-review").expect("settle");
        b.merge(&mut a).expect("merge back");
        assert_eq!(candidates(&b, &ROOT, "status").expect("c").len(), 1);
        assert_eq!(read_string(&b, &ROOT, "status").expect("read"), "in-review");
    }

    #[test]
    fn rewriting_the_same_value_is_not_a_change_but_settles_a_conflict() {
        let (mut a, mut b) = pair();
        assert!(!write_scalar(&mut a, &ROOT, "status", "draft").expect("same"));
        write_scalar(&mut a, &ROOT, "status", "x").expect("a");
        write_scalar(&mut b, &ROOT, "status", "y").expect("b");
        a.merge(&mut b).expect("merge");
        let shown = read_string(&a, &ROOT, "status").expect("read");
        assert!(write_scalar(&mut a, &ROOT, "status", &shown).expect("settle"));
        assert_eq!(candidates(&a, &ROOT, "status").expect("c").len(), 1);
    }

    #[test]
    fn money_round_trips_as_one_scalar() {
        let mut d = AutoCommit::new();
        let m = Money::new(125_000_050, "USD");
        write_money(&mut d, &ROOT, "amount", Some(&m)).expect("write");
        assert_eq!(
            read_string(&d, &ROOT, "amount").expect("raw"),
            "125000050 USD"
        );
        assert_eq!(read_money(&d, &ROOT, "amount").expect("read"), Some(m));
        write_money(&mut d, &ROOT, "amount", None).expect("clear");
        assert_eq!(read_money(&d, &ROOT, "amount").expect("read"), None);
    }

    #[test]
    fn text_fields_accept_plain_strings_from_other_clients() {
        let mut d = AutoCommit::new();
        d.put(ROOT, "notes", "from js").expect("put");
        write_text(&mut d, &ROOT, "notes", "from js, edited").expect("edit");
        assert_eq!(
            read_string(&d, &ROOT, "notes").expect("read"),
            "from js, edited"
        );
    }
}
