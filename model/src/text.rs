//! Turning "the field used to say X, now it says Y" into one automerge splice.
//!
//! A browser input event gives the new value of a text box. Comparing it with
//! the document's text gives the smallest single splice (common prefix and
//! suffix kept), so concurrent typing by two people merges character by
//! character instead of one overwriting the other.

use automerge::{AutoCommit, ChangeHash, CursorPosition, MoveCursor, ObjId, ReadDoc};

/// One edit: at `pos`, delete `delete` units, then insert `insert`.
/// Positions and lengths count UTF-16 code units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub pos: usize,
    pub delete: usize,
    pub insert: String,
}

/// The splice that turns `old` into `new`, or `None` when they are equal.
///
/// Never splits a surrogate pair: the common prefix and suffix are measured in
/// whole characters.
pub fn splice_between(old: &str, new: &str) -> Option<Splice> {
    if old == new {
        return None;
    }
    let prefix_bytes = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map(|((i, _), _)| i)
        .unwrap_or_else(|| old.len().min(new.len()));
    // Whole characters only: the prefix found above ends on a char boundary of
    // `old`, and since both strings agree up to it, on one of `new` too.
    let old_rest = &old[prefix_bytes..];
    let new_rest = &new[prefix_bytes..];
    let suffix_bytes = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let deleted = &old_rest[..old_rest.len() - suffix_bytes];
    let inserted = &new_rest[..new_rest.len() - suffix_bytes];
    Some(Splice {
        pos: utf16_len(&old[..prefix_bytes]),
        delete: utf16_len(deleted),
        insert: inserted.to_owned(),
    })
}

/// Where a caret that was at `pos` in the text `obj` as of `old_heads` is now,
/// after changes (local or remote) moved the text around it. A caret at the
/// end stays at the end; text inserted exactly at the caret goes before it.
/// `old_len` is the text's length as of `old_heads`: the box that showed it
/// knows it, where automerge would walk the whole text's history to tell
/// (in a 100 KB plan that walk was most of the time a remote keystroke
/// took the page, after merging it).
pub fn remap_position(
    doc: &AutoCommit,
    obj: &ObjId,
    old_heads: &[ChangeHash],
    old_len: usize,
    pos: usize,
) -> usize {
    let place = if pos >= old_len {
        CursorPosition::End
    } else {
        CursorPosition::Index(pos)
    };
    doc.get_cursor_moving(obj, place, Some(old_heads), MoveCursor::After)
        .and_then(|c| doc.get_cursor_position(obj, &c, None))
        .unwrap_or_else(|_| pos.min(doc.length(obj)))
}

pub(crate) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn apply(old: &str, s: &Splice) -> String {
        let units: Vec<u16> = old.encode_utf16().collect();
        let mut out: Vec<u16> = units[..s.pos].to_vec();
        out.extend(s.insert.encode_utf16());
        out.extend(&units[s.pos + s.delete..]);
        String::from_utf16(&out).expect("splice keeps surrogate pairs whole")
    }

    #[test]
    fn typing_in_the_middle_is_one_insert() {
        let s = splice_between("hello world", "hello, world").expect("differs");
        assert_eq!(
            s,
            Splice {
                pos: 5,
                delete: 0,
                insert: ",".into()
            }
        );
    }

    #[test]
    fn replacing_a_selection_is_delete_plus_insert() {
        let s = splice_between("the red car", "the blue car").expect("differs");
        assert_eq!((s.pos, s.delete, s.insert.as_str()), (4, 3, "blue"));
    }

    #[test]
    fn positions_count_utf16_units() {
        let s = splice_between("😀a", "😀ba").expect("differs");
        assert_eq!((s.pos, s.delete, s.insert.as_str()), (2, 0, "b"));
    }

    #[test]
    fn a_caret_moves_with_text_inserted_before_it_and_not_after() {
        use automerge::transaction::Transactable;
        use automerge::{ObjType, ROOT};
        let mut doc = AutoCommit::new();
        let t = doc.put_object(ROOT, "t", ObjType::Text).expect("text");
        doc.splice_text(&t, 0, 0, "hello world").expect("type");
        let before = doc.get_heads();
        doc.splice_text(&t, 0, 0, "Oh, ").expect("insert before");
        doc.splice_text(&t, 15, 0, "!").expect("insert after");
        let len = doc.length_at(&t, &before);
        assert_eq!(len, 11);
        // Caret after "hello" (5) moves by the 4 characters inserted before it.
        assert_eq!(remap_position(&doc, &t, &before, len, 5), 9);
        // A caret at the very end stays at the end.
        assert_eq!(remap_position(&doc, &t, &before, len, 11), 16);
        // A caret in deleted text lands where the text was.
        let before = doc.get_heads();
        doc.splice_text(&t, 4, 6, "").expect("delete");
        assert_eq!(remap_position(&doc, &t, &before, 16, 6), 4);
    }

    #[test]
    fn equal_strings_need_no_splice() {
        assert_eq!(splice_between("same", "same"), None);
    }

    proptest! {
        #[test]
        fn applying_the_splice_gives_the_new_text(old in "\\PC{0,40}", new in "\\PC{0,40}") {
            match splice_between(&old, &new) {
                None => prop_assert_eq!(&old, &new),
                Some(s) => prop_assert_eq!(apply(&old, &s), new),
            }
        }
    }
}
