//! A text box bound to a collaborative text field.
//!
//! Typing turns the new value into one automerge splice (so two people typing
//! in the same field merge character by character). When someone else's
//! change lands, the box is updated in place and the caret and selection are
//! carried across the change with automerge cursors, so they do not jump.

use automerge::{ChangeHash, ObjId, ROOT};
use gloo::timers::callback::Timeout;
use leptos::html;
use leptos::prelude::*;
use model::{Splice, fields, remap_position};
use protocol::DocumentId;
use wasm_bindgen::JsCast;

use super::{ErrorLine, effect, use_repo};
use crate::presence::peer_marks;

/// How long the window's size must hold still before text areas are fitted
/// to their text again.
const RESIZE_SETTLE_MS: u32 = 100;

/// An `<input>` or `<textarea>`, seen through what both can do.
pub enum Control {
    Input(web_sys::HtmlInputElement),
    Area(web_sys::HtmlTextAreaElement),
}

impl Control {
    /// The text box `el` is, if it is one.
    pub fn of(el: &web_sys::Element) -> Option<Control> {
        match el.dyn_ref::<web_sys::HtmlInputElement>() {
            Some(e) => Some(Control::Input(e.clone())),
            None => el
                .dyn_ref::<web_sys::HtmlTextAreaElement>()
                .map(|e| Control::Area(e.clone())),
        }
    }
    fn value(&self) -> String {
        match self {
            Control::Input(e) => e.value(),
            Control::Area(e) => e.value(),
        }
    }
    fn set_value(&self, v: &str) {
        match self {
            Control::Input(e) => e.set_value(v),
            Control::Area(e) => e.set_value(v),
        }
    }
    /// The text's length in UTF-16 units, without copying it out (text
    /// areas only: single-line inputs are short and take the full path).
    fn text_length(&self) -> Option<usize> {
        match self {
            Control::Input(_) => None,
            Control::Area(e) => Some(e.text_length() as usize),
        }
    }
    /// The selection (start, end) in UTF-16 code units; `None` where the
    /// box has none (a date, a number).
    pub fn selection(&self) -> Option<(u32, u32)> {
        let (s, e) = match self {
            Control::Input(e) => (e.selection_start(), e.selection_end()),
            Control::Area(e) => (e.selection_start(), e.selection_end()),
        };
        Some((s.ok()??, e.ok()??))
    }
    fn set_selection(&self, start: u32, end: u32) {
        let _ = match self {
            Control::Input(e) => e.set_selection_range(start, end),
            Control::Area(e) => e.set_selection_range(start, end),
        };
    }
    /// Fit a text area's height to its text (`shrink`: also when the text
    /// got shorter, at the price of laying the page out twice). An
    /// `<input>` is left alone.
    ///
    /// This is CSS's `field-sizing: content` done by hand: with it, every
    /// keystroke in a long text made the browser lay out the whole page
    /// around the box and walk it again before painting (about a third of
    /// a keystroke's main-thread time in a 100 KB plan), where here the
    /// page moves only when a line is added.
    fn fit(&self, shrink: bool) {
        let Control::Area(area) = self else {
            return;
        };
        if shrink {
            set_height(area, None);
        }
        if let Some(needed) = needed_height(area)
            && (shrink || needed > area.offset_height())
        {
            set_height(area, Some(needed));
        }
    }
    fn focus(&self) {
        let _ = match self {
            Control::Input(e) => e.focus(),
            Control::Area(e) => e.focus(),
        };
    }
    fn is_focused(&self) -> bool {
        let el: &web_sys::Element = match self {
            Control::Input(e) => e.unchecked_ref(),
            Control::Area(e) => e.unchecked_ref(),
        };
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|a| &a == el)
    }
}

/// The height, borders included, that `area` needs to show all of its
/// text; `None` while it is not laid out (hidden).
fn needed_height(area: &web_sys::HtmlTextAreaElement) -> Option<i32> {
    // Content and padding.
    let content = area.scroll_height();
    (content > 0).then(|| content + area.offset_height() - area.client_height())
}

/// Set `area`'s height in pixels, or back to its natural one (`None`).
fn set_height(area: &web_sys::HtmlTextAreaElement, px: Option<i32>) {
    let height = px.map_or_else(|| "auto".to_owned(), |px| format!("{px}px"));
    let _ = web_sys::HtmlElement::style(area).set_property("height", &height);
}

/// Fit every collaborative text area on the page to its text again once
/// the window has stopped changing size (lines wrap differently at another
/// width; a resize drag sends an event a frame). The page's one listener
/// does it for all of them, reading every height in one layout where each
/// box fitting itself would lay the page out twice per box. Call once, in
/// the app's shell.
pub fn refit_text_areas_on_resize() {
    let pending = StoredValue::new_local(None::<Timeout>);
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        // Replacing the last one cancels it.
        pending.set_value(Some(Timeout::new(RESIZE_SETTLE_MS, refit_all)));
    });
    on_cleanup(move || resize.remove());
}

fn refit_all() {
    let Some(list) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("textarea.field-area").ok())
    else {
        return;
    };
    let areas: Vec<web_sys::HtmlTextAreaElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect();
    for area in &areas {
        set_height(area, None);
    }
    let needed: Vec<Option<i32>> = areas.iter().map(needed_height).collect();
    for (area, needed) in areas.iter().zip(needed) {
        if needed.is_some() {
            set_height(area, needed);
        }
    }
}

/// A labelled, collaborative text field: `key` of the map `obj` (the
/// document root unless given) in document `doc`.
#[component]
pub fn CollabText(
    doc: DocumentId,
    key: &'static str,
    label: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] obj: Option<ObjId>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autofocus: bool,
    /// Show the label only to screen readers (the layout names the field).
    #[prop(optional)]
    quiet_label: bool,
) -> impl IntoView {
    let obj = obj.unwrap_or(ROOT);
    let id = format!("{doc}-{obj}-{key}");
    let obj_for_input = obj.clone();
    let repo = use_repo();
    let revision = repo.get().revision(doc);
    let input_ref = NodeRef::<html::Input>::new();
    let area_ref = NodeRef::<html::Textarea>::new();
    let control = move || {
        if multiline {
            area_ref.get().map(Control::Area)
        } else {
            input_ref.get().map(Control::Input)
        }
    };
    // The document's heads the box last showed: where remote changes are
    // measured from when carrying the caret over.
    let shown_heads = StoredValue::new(Vec::<ChangeHash>::new());
    // Told whenever the box's text changes (drawn from the document or
    // typed): others' carets are drawn over that text.
    let box_changed = Trigger::new();
    let error = RwSignal::new(None::<String>);

    effect(move || {
        revision.track();
        let Some(control) = control() else {
            return;
        };
        let repo = repo.get();
        // Nothing but this box's own keystrokes since it was last drawn:
        // it already shows the text (no read of a long text per keystroke).
        let before = shown_heads.get_value();
        if !before.is_empty() && repo.heads(doc) == before {
            return;
        }
        let Some((text, text_obj)) = repo.read_untracked(doc, |d| {
            (
                fields::read_string(d, &obj, key).unwrap_or_default(),
                fields::text_obj(d, &obj, key).ok().flatten(),
            )
        }) else {
            return;
        };
        let shown = control.value();
        if shown != text {
            let selection = control
                .selection()
                .filter(|_| control.is_focused() && !before.is_empty());
            control.set_value(&text);
            box_changed.notify();
            if let (Some((start, end)), Some(text_obj)) = (selection, text_obj) {
                // What the box showed is the text as of `before`.
                let shown_len = shown.encode_utf16().count();
                let moved = repo.read_untracked(doc, |d| {
                    (
                        remap_position(d, &text_obj, &before, shown_len, start as usize),
                        remap_position(d, &text_obj, &before, shown_len, end as usize),
                    )
                });
                if let Some((s, e)) = moved {
                    control.set_selection(s as u32, e as u32);
                }
            }
            // Others mostly add: a longer text only needs the box to grow.
            control.fit(text.len() < shown.len());
        }
        shown_heads.set_value(repo.heads(doc));
    });

    // The `autofocus` attribute only works for the first one a page ever
    // shows (the browser's "autofocus processed" flag), and this is a
    // single-page app: the second plan created without a reload would not
    // get the focus. Focus the box when it appears instead.
    if autofocus {
        effect(move || {
            if let Some(control) = control() {
                control.focus();
            }
        });
    }

    let read_only = repo.get().read_only;
    // The edit the browser is about to make, and the length it makes it to.
    let pending = StoredValue::new(None::<(Splice, usize)>);
    let obj_for_splice = obj_for_input.clone();
    let on_before_input = move |ev: web_sys::InputEvent| {
        pending.set_value(
            control().and_then(|c| Some((predicted(&ev, c.selection()?)?, c.text_length()?))),
        );
    };
    let on_input = move |_| {
        let Some(control) = control() else {
            return;
        };
        box_changed.notify();
        let repo = repo.get();
        // The keystroke path: the predicted splice, when the box's new
        // length bears it out and the document's text is what the box had.
        let predicted = pending.try_update_value(Option::take).flatten();
        if let (Some((splice, before)), Some(after)) = (predicted, control.text_length())
            && before
                .checked_sub(splice.delete)
                .map(|n| n + splice.insert.encode_utf16().count())
                == Some(after)
        {
            let spliced = repo.edit(doc, |d| match fields::text_obj(d, &obj_for_splice, key)? {
                Some(text) => fields::splice_text(d, &text, &splice, before),
                None => Ok(false),
            });
            if let Ok(true) = spliced {
                control.fit(after < before);
                error.set(None);
                shown_heads.set_value(repo.heads(doc));
                return;
            }
        }
        control.fit(true);
        let value = control.value();
        match repo.edit(doc, |d| fields::write_text(d, &obj_for_input, key, &value)) {
            Ok(_) => {
                error.set(None);
                shown_heads.set_value(repo.heads(doc));
            }
            Err(e) => error.set(Some(format!("This change could not be saved: {e}"))),
        }
    };

    let box_view = if multiline {
        view! {
            <textarea
                id=id.clone()
                class="field-input field-area"
                placeholder=placeholder
                node_ref=area_ref
                on:beforeinput=on_before_input
                on:input=on_input
                autofocus=autofocus
                readonly=read_only
                spellcheck="true"
                data-field=key
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                class="field-input"
                type="text"
                placeholder=placeholder
                node_ref=input_ref
                on:input=on_input
                autofocus=autofocus
                readonly=read_only
                autocomplete="off"
                data-field=key
            />
        }
        .into_any()
    };
    // Read from the box, which shows it, rather than from the document: a
    // long text read again on every change and every caret move of someone
    // in the field was most of the page's time in a meeting on a long plan.
    let text = Signal::derive(move || {
        box_changed.track();
        control().map(|c| c.value()).unwrap_or_default()
    });
    view! {
        <div class="field">
            <label for=id.clone() class="field-label" class:visually-hidden=quiet_label>{label}</label>
            <div class="field-box">
                {box_view}
                {peer_marks(doc, id, Some(text), multiline)}
            </div>
            <ErrorLine error=error/>
        </div>
    }
}

/// The splice a `beforeinput` event will make at `selection` (UTF-16
/// units): typing, a line break, or deleting one unit or a selection. Other
/// kinds (words, IME composition, drops…) take the full path.
fn predicted(ev: &web_sys::InputEvent, (start, end): (u32, u32)) -> Option<Splice> {
    let (start, end) = (start as usize, end as usize);
    let replace = |insert: String| Splice {
        pos: start,
        delete: end - start,
        insert,
    };
    if ev.is_composing() {
        return None;
    }
    match ev.input_type().as_str() {
        "insertText" => ev.data().map(replace),
        "insertLineBreak" | "insertParagraph" => Some(replace("\n".into())),
        "deleteContentBackward" | "deleteContentForward" if start < end => {
            Some(replace(String::new()))
        }
        "deleteContentBackward" if start > 0 => Some(Splice {
            pos: start - 1,
            delete: 1,
            insert: String::new(),
        }),
        "deleteContentForward" => Some(Splice {
            pos: start,
            delete: 1,
            insert: String::new(),
        }),
        _ => None,
    }
}
