//! A record page's presence bar: the avatars of the others on the record
//! (initials on their colour; the tooltip says where they are) and the
//! Present button; and the meeting pill at the foot of the window — "Ana is
//! presenting · Follow", "Following Ana · Stop following" (or Escape),
//! "You are presenting · Stop presenting". Following scrolls this page to
//! the presenter's section whenever it changes, and ends when the follower
//! stops, or the presenter stops or leaves.

use leptos::prelude::*;
use protocol::{DocumentId, PresenceState};
use wasm_bindgen::JsCast;

use super::palette::{color_or_default, display_name, initials};
use super::tracker::track;
use super::{Peer, use_presence};
use crate::ui::{effect, memo, use_repo};
use crate::util::escape_html;

/// What the meeting pill's button does.
#[derive(Clone, PartialEq)]
enum Act {
    StopPresenting,
    StopFollowing,
    Follow(String),
}

/// The meeting pill: what it says, the colour of whom, and its button.
#[derive(Clone, PartialEq)]
struct Meeting {
    text: String,
    color: String,
    act: Act,
}

#[component]
pub fn PresenceBar(doc: DocumentId) -> impl IntoView {
    let presence = use_presence();
    track(presence, doc);
    let hub = presence.get();
    let (peers, presenting, following) = (hub.peers, hub.presenting, hub.following);
    let repo = use_repo().get();
    let (my_name, my_color) = (repo.name, repo.color);
    // A new name or colour is told at once, not at the next heartbeat.
    effect(move || {
        my_name.track();
        my_color.track();
        presence.get().soon();
    });
    // The others here, as markup ("" for nobody).
    let avatars = move || {
        peers.with(|all| {
            all.iter()
                .filter(|p| p.doc == doc)
                .map(avatar)
                .collect::<String>()
        })
    };
    // The presenter: key, section, name and colour.
    let presenter = memo(move || {
        peers.with(|all| {
            all.iter()
                .find(|p| p.doc == doc && p.state.presenting)
                .map(|p| {
                    let s = &p.state;
                    let name = display_name(&s.name).to_owned();
                    (p.key.clone(), s.section.clone(), name, s.color.clone())
                })
        })
    });
    effect(move || {
        let Some(followed) = following.get() else {
            return;
        };
        match presenter.get() {
            Some((key, section, ..)) if key == followed => show_section(section.as_deref()),
            _ => following.set(None),
        }
    });
    let meeting = move || {
        if presenting.get() {
            let text = "You are presenting".to_owned();
            let color = color_or_default(&my_color.get(), &my_name.get()).to_owned();
            return Some(Meeting {
                text,
                color,
                act: Act::StopPresenting,
            });
        }
        let (key, _, name, color) = presenter.get()?;
        Some(if following.get().as_ref() == Some(&key) {
            let text = format!("Following {name}");
            Meeting {
                text,
                color,
                act: Act::StopFollowing,
            }
        } else {
            let text = format!("{name} is presenting");
            Meeting {
                text,
                color,
                act: Act::Follow(key),
            }
        })
    };
    let act = move || meeting().map(|m| m.act);
    let run = move |_| match act() {
        Some(Act::StopPresenting) => presence.get().set_presenting(false),
        Some(Act::StopFollowing) => following.set(None),
        Some(Act::Follow(key)) => following.set(Some(key)),
        None => {}
    };
    let label = move || match act() {
        Some(Act::StopPresenting) => "Stop presenting",
        Some(Act::StopFollowing) => "Stop following",
        _ => "Follow",
    };
    let text = move || meeting().map(|m| m.text).unwrap_or_default();
    let dot = move || {
        format!(
            "background:{}",
            meeting().map(|m| m.color).unwrap_or_default()
        )
    };
    view! {
        <div class="presence-bar" data-testid="presence">
            <ul class="peer-avatars" role="list" aria-label="Also on this record" inner_html=avatars></ul>
            <span class="hint alone-hint">"Only you here"</span>
            <button
                class="button subtle"
                data-testid="present"
                title="Others on this record can follow your view"
                aria-pressed=move || presenting.get().to_string()
                on:click=move |_| presence.get().set_presenting(!presenting.get_untracked())
            >
                "Present"
            </button>
        </div>
        <div class="meeting-pill" role="status" data-testid="meeting" hidden=move || act().is_none()>
            <span class="meeting-dot" style=dot></span>
            <span class="meeting-text">{text}</span>
            <button class="button subtle" data-testid="meeting-action" on:click=run>
                {label}
                <kbd hidden=move || act() != Some(Act::StopFollowing)>"Esc"</kbd>
            </button>
        </div>
    }
}

/// One avatar as markup: initials on their colour (`#rrggbb`, checked when
/// their message was decoded), a tooltip of where they are.
fn avatar(peer: &Peer) -> String {
    let s = &peer.state;
    let title = escape_html(&whereabouts(s));
    format!(
        r#"<li class="peer-avatar{}" style="background:{}" title="{title}" aria-label="{title}" data-testid="avatar" data-name="{}">{}</li>"#,
        if s.presenting { " presenting" } else { "" },
        s.color,
        escape_html(&s.name),
        escape_html(&initials(&s.name)),
    )
}

/// "Ana — editing Customer vision (line 3) in Overview", read from this
/// page: the field's label and the section's heading.
fn whereabouts(s: &PresenceState) -> String {
    let document = document();
    let text = |el: Option<web_sys::Element>| el.and_then(|e| e.text_content()).unwrap_or_default();
    let heading = |section: &str| text(document.get_element_by_id(&format!("{section}-heading")));
    let mut out = display_name(&s.name).to_owned();
    if s.presenting {
        out.push_str(" (presenting)");
    }
    let field = s
        .field
        .as_deref()
        .and_then(|id| document.get_element_by_id(id));
    if let Some(field) = field {
        let label = field.closest(".field").ok().flatten();
        let label = text(label.and_then(|f| f.query_selector(".field-label").ok().flatten()));
        out.push_str(&format!(" — editing {}", label.trim()));
        let area = field.dyn_ref::<web_sys::HtmlTextAreaElement>();
        if let (Some((start, _)), Some(area)) = (s.caret, area) {
            out.push_str(&format!(" (line {})", line_at(&area.value(), start)));
        }
        let section = field.closest(".plan-section").ok().flatten();
        if let Some(section) = section {
            out.push_str(&format!(" in {}", heading(&section.id())));
        }
    } else if let Some(section) = &s.section {
        out.push_str(&format!(" — viewing {}", heading(section)));
    }
    out
}

/// The line (from 1) of UTF-16 position `at` in `text`.
fn line_at(text: &str, at: u32) -> usize {
    let mut units = 0;
    1 + text
        .chars()
        .take_while(|c| {
            units += c.len_utf16() as u32;
            units <= at
        })
        .filter(|c| *c == '\n')
        .count()
}

/// Bring the presenter's section (the top of the page for none) into view.
fn show_section(section: Option<&str>) {
    match section {
        None => window().scroll_to_with_x_and_y(0.0, 0.0),
        Some(id) => {
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::line_at;

    #[wasm_bindgen_test]
    fn lines_count_from_one_in_utf16_units() {
        assert_eq!(line_at("", 0), 1);
        assert_eq!(line_at("ab\ncd", 2), 1);
        assert_eq!(line_at("ab\ncd", 3), 2);
        assert_eq!(line_at("😀\n\nx", 3), 2, "the emoji is two units");
        assert_eq!(line_at("a\nb", 99), 2);
    }
}
