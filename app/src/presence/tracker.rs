//! What this page is doing on the record it has open, read from the page:
//! the field with the focus (a control with `data-field` and an id, as
//! `CollabText` and `ScalarField` render them) with the caret in it, and the
//! section in view (the record's `Section`s). Listening runs while a record
//! page is open; leaving it, or the tab closing, says so to the others.

use std::time::Duration;

use leptos::prelude::*;
use protocol::{DocumentId, MAX_TEXT};
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::PresenceHandle;
use crate::ui::Control;

/// How often the page checks who fell silent and whether a heartbeat is due.
const TICK_MS: u64 = 500;
/// A section is "in view" once its top has scrolled this far up the window
/// (just under the top bar).
const SECTION_LINE_PX: f64 = 120.0;

/// Say where this page is on `doc` while the calling view is mounted.
pub fn track(presence: PresenceHandle, doc: DocumentId) {
    presence.get().enter(doc);
    let tick = set_interval_with_handle(
        move || presence.get().tick(),
        Duration::from_millis(TICK_MS),
    )
    .ok();
    // One listener for every event (one closure, compiled once).
    let on_event = move |e: web_sys::Event| {
        let hub = presence.get();
        match e.type_().as_str() {
            "pagehide" => hub.leave(doc),
            "pageshow" => hub.enter(doc),
            "keydown" => {
                let escape = e
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape");
                if escape && hub.following.get_untracked().is_some() {
                    hub.following.set(None);
                }
            }
            // The section only moves with scrolling (reading it lays the
            // page out: not on every keystroke).
            "scroll" => {
                let section = section_in_view();
                hub.moved(|here| here.section = section);
            }
            _ => {
                let (field, caret) = field_with_focus();
                hub.moved(|here| (here.field, here.caret) = (field, caret));
            }
        }
    };
    let listeners: Vec<_> = [
        "focusin", "focusout", "input", "keyup", "mouseup", "scroll", "pagehide", "pageshow",
        "keydown",
    ]
    .into_iter()
    .map(|event| window_event_listener_untyped(event, on_event))
    .collect();
    on_cleanup(move || {
        for listener in listeners {
            listener.remove();
        }
        if let Some(tick) = tick {
            tick.clear();
        }
        presence.get().leave(doc);
    });
}

/// The field with the focus (its element id) and the selection in it.
fn field_with_focus() -> (Option<String>, Option<(u32, u32)>) {
    let field = document().active_element().filter(|el| {
        el.has_attribute("data-field") && !el.id().is_empty() && el.id().len() <= MAX_TEXT
    });
    let caret = field
        .as_ref()
        .and_then(Control::of)
        .and_then(|c| c.selection());
    (field.map(|el| el.id()), caret)
}

/// The section whose top is closest above the line under the top bar (at
/// the bottom of the page, where the last sections cannot scroll that far,
/// above the middle of the window); `None` above the first section.
fn section_in_view() -> Option<String> {
    let window = window();
    let height = window.inner_height().ok()?.as_f64()?;
    let document = document();
    let bottom = document.document_element()?.scroll_height() as f64;
    let at_bottom = window.scroll_y().ok()? + height >= bottom - 2.0;
    let line = if at_bottom {
        height / 2.0
    } else {
        SECTION_LINE_PX
    };
    let sections = document.query_selector_all(".plan-section").ok()?;
    let mut best: Option<(f64, Element)> = None;
    for i in 0..sections.length() {
        let Some(section) = sections.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let top = section.get_bounding_client_rect().top();
        if top <= line && best.as_ref().is_none_or(|(t, _)| top > *t) {
            best = Some((top, section));
        }
    }
    best.map(|(_, el)| el.id()).filter(|id| !id.is_empty())
}
