//! Another person at a field: an outline in their colour with their name on
//! it and, in a text field, their caret and selection. The caret is drawn in
//! a "mirror": a transparent copy of the text laid over the box with the
//! box's own classes (font, padding, wrapping), so the marker sits where the
//! characters are.
//!
//! Every field of a record has these marks, so they are built as markup (a
//! string, every name and character escaped) rather than as view trees: the
//! same result for a fraction of the WebAssembly.

use std::fmt::Write;

use leptos::prelude::*;
use protocol::DocumentId;

use super::palette::display_name;
use super::use_presence;
use crate::ui::memo;
use crate::util::{byte_offset, escape_html};

/// One person at the field: name, colour (`#rrggbb`, checked when their
/// message was decoded), selection.
struct Mark<'a> {
    name: &'a str,
    color: &'a str,
    caret: Option<(u32, u32)>,
}

/// The marks of the others in the control whose element id is `id` in
/// document `doc`; put them next to the control in a `.field-box`. For a
/// text field, `text` is its text: their carets are shown in it. (A plain
/// function, kept out of line: every field component calls it.)
#[inline(never)]
pub fn peer_marks(
    doc: DocumentId,
    id: String,
    text: Option<Signal<String>>,
    multiline: bool,
) -> AnyView {
    let peers = use_presence().get().peers;
    let html = memo(move || {
        peers.with(|all| {
            let marks: Vec<Mark> = all
                .iter()
                .filter(|p| p.doc == doc && p.state.field.as_ref() == Some(&id))
                .map(|p| Mark {
                    name: display_name(&p.state.name),
                    color: &p.state.color,
                    caret: p.state.caret,
                })
                .collect();
            // The text is read (and tracked) only while someone is here.
            let text = text.filter(|_| !marks.is_empty()).map(|t| t.get());
            markup(&marks, text.as_deref(), multiline)
        })
    });
    view! { <div class="peer-slot" inner_html=move || html.get()></div> }.into_any()
}

/// The marks as markup ("" for nobody): the outline, the name flags and, for
/// a text field's `text`, the mirror with everyone's carets.
fn markup(marks: &[Mark], text: Option<&str>, multiline: bool) -> String {
    let Some(first) = marks.first() else {
        return String::new();
    };
    let mut html = format!(
        r#"<div class="peer-marks" aria-hidden="true" data-testid="peer-marks" style="--peer:{}"><div class="peer-flags">"#,
        first.color
    );
    for m in marks {
        let _ = write!(
            html,
            r#"<span class="peer-flag" style="background:{}">{}</span>"#,
            m.color,
            escape_html(m.name)
        );
    }
    html.push_str("</div>");
    if let Some(text) = text {
        let area = if multiline { " field-area" } else { "" };
        let _ = write!(html, r#"<div class="field-input peer-mirror{area}">"#);
        let carets: Vec<_> = marks.iter().map(|m| m.caret).collect();
        for piece in pieces(mirrored(text, &carets), &carets) {
            let _ = match piece {
                Piece::Text(s, None) => write!(html, "{}", escape_html(&s)),
                Piece::Text(s, Some(i)) => write!(
                    html,
                    r#"<mark style="--peer:{}">{}</mark>"#,
                    marks[i].color,
                    escape_html(&s)
                ),
                // A zero-width space gives a caret on an empty last line a
                // line box.
                Piece::Caret(i) => write!(
                    html,
                    "<span class=\"peer-caret\" style=\"--peer:{}\">\u{200b}</span>",
                    marks[i].color
                ),
            };
        }
        html.push_str("</div>");
    }
    html.push_str("</div>");
    html
}

/// What of `text` the mirror needs: up to the end of the line that holds
/// the last caret or selection (UTF-16 units). What follows moves no caret,
/// and in a long plan drawing it again on every change was most of the
/// page's time while someone else was in the field.
fn mirrored<'a>(text: &'a str, selections: &[Option<(u32, u32)>]) -> &'a str {
    let Some(last) = selections
        .iter()
        .flatten()
        .map(|(start, end)| *start.max(end))
        .max()
    else {
        return "";
    };
    let at = byte_offset(text, last);
    match text[at..].find('\n') {
        Some(line_end) => &text[..at + line_end],
        None => text,
    }
}

/// A run of the mirror: text (selected by the person at that index, if
/// any), or a person's caret.
#[derive(Debug, PartialEq)]
enum Piece {
    Text(String, Option<usize>),
    Caret(usize),
}

/// Cut `text` at everyone's selection (start, end in UTF-16 units; `None`
/// for someone without one): each run of text with who selected it (the
/// later person where selections overlap), each caret at its selection's
/// end (at the end of the text if past it).
fn pieces(text: &str, selections: &[Option<(u32, u32)>]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut run = (String::new(), None);
    let mut placed = vec![false; selections.len()];
    let mut at = 0u32;
    let mut chars = text.chars();
    loop {
        let next = chars.next();
        for (i, selection) in selections.iter().enumerate() {
            let due = selection.is_some_and(|(_, end)| end <= at || next.is_none());
            if due && !placed[i] {
                placed[i] = true;
                flush(&mut out, &mut run);
                out.push(Piece::Caret(i));
            }
        }
        let Some(c) = next else {
            break;
        };
        let by = selections
            .iter()
            .rposition(|s| s.is_some_and(|(start, end)| start <= at && at < end));
        if by != run.1 {
            flush(&mut out, &mut run);
            run.1 = by;
        }
        run.0.push(c);
        at += c.len_utf16() as u32;
    }
    flush(&mut out, &mut run);
    out
}

fn flush(out: &mut Vec<Piece>, run: &mut (String, Option<usize>)) {
    if !run.0.is_empty() {
        out.push(Piece::Text(std::mem::take(&mut run.0), run.1));
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::Piece::{Caret, Text};
    use super::{Mark, markup, mirrored, pieces};

    #[wasm_bindgen_test]
    fn a_caret_sits_before_the_text_after_it() {
        assert_eq!(
            pieces("hello", &[Some((2, 2))]),
            [Text("he".into(), None), Caret(0), Text("llo".into(), None)]
        );
        assert_eq!(
            pieces("hi", &[Some((2, 2))]),
            [Text("hi".into(), None), Caret(0)]
        );
        assert_eq!(pieces("", &[Some((0, 0))]), [Caret(0)]);
        assert_eq!(
            pieces("hi", &[Some((9, 9))]),
            [Text("hi".into(), None), Caret(0)],
            "past the end: at the end"
        );
    }

    #[wasm_bindgen_test]
    fn selections_are_marked_and_positions_count_utf16_units() {
        assert_eq!(
            pieces("a😀bc", &[Some((1, 4)), Some((5, 5))]),
            [
                Text("a".into(), None),
                Text("😀b".into(), Some(0)),
                Caret(0),
                Text("c".into(), None),
                Caret(1),
            ]
        );
        assert_eq!(
            pieces("abcd", &[Some((0, 3)), Some((1, 2))]),
            [
                Text("a".into(), Some(0)),
                Text("b".into(), Some(1)),
                Caret(1),
                Text("c".into(), Some(0)),
                Caret(0),
                Text("d".into(), None),
            ],
            "overlapping: the later person's on top"
        );
    }

    #[wasm_bindgen_test]
    fn the_mirror_ends_with_the_line_of_the_last_caret() {
        let text = "one\ntwo 😀 three\nfour\nfive";
        assert_eq!(mirrored(text, &[Some((1, 1))]), "one");
        assert_eq!(
            mirrored(text, &[Some((0, 0)), Some((6, 6))]),
            "one\ntwo 😀 three",
            "the whole line, so it wraps as in the box"
        );
        assert_eq!(
            mirrored(text, &[Some((4, 20))]),
            "one\ntwo 😀 three\nfour",
            "a selection's far end, in UTF-16 units"
        );
        assert_eq!(mirrored(text, &[Some((99, 99))]), text, "past the end");
        assert_eq!(mirrored(text, &[None]), "", "nobody has a caret");
        assert_eq!(
            mirrored("ab\n", &[Some((3, 3))]),
            "ab\n",
            "on the empty last line"
        );
    }

    #[wasm_bindgen_test]
    fn someone_in_the_field_without_a_caret_draws_none() {
        assert_eq!(pieces("ab", &[None]), [Text("ab".into(), None)]);
    }

    #[wasm_bindgen_test]
    fn names_and_text_are_escaped_in_the_markup() {
        let mark = Mark {
            name: "<b>Ana</b>",
            color: "#2557d6",
            caret: Some((0, 0)),
        };
        let html = markup(&[mark], Some("<img src=x onerror=alert(1)>"), true);
        assert!(html.contains("&lt;b&gt;Ana&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(!html.contains("<img") && !html.contains("<b>"), "{html}");
        assert!(html.contains("peer-mirror field-area"), "{html}");
        assert_eq!(markup(&[], Some("text"), false), "");
    }
}
