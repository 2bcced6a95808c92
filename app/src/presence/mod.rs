//! Presence and meeting mode: who else has a record open, where they are in
//! it (the section in view, the field, their caret), and following a
//! presenter through it.
//!
//! Presence travels through the relay as automerge-repo `ephemeral`
//! messages ([`protocol::Presence`] in their `data`) and is never stored.
//! An open record page says where it is when that changes (at most once per
//! [`THROTTLE_MS`]) and every [`HEARTBEAT_MS`] regardless; a page silent for
//! [`peers::EXPIRY_MS`] has gone, and a page that leaves (another page, a
//! closed tab) says so at once.
//!
//! - `peers`: the others as last heard (pure; the time is passed in).
//! - `tracker`: what this page is doing, read from the page while a record
//!   is open.
//! - `bar`: the avatars, Present and Follow on a record page.
//! - `marks`: another person's outline, name and caret at a field.
//! - `palette`: the colours a person picks from, and initials.

mod bar;
mod marks;
mod palette;
mod peers;
mod tracker;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use protocol::{DocumentId, MAX_TEXT, Message, PeerId, Presence, PresenceState};

pub use bar::PresenceBar;
pub use marks::peer_marks;
pub use palette::{PALETTE, color_or_default, initials, name_hash};
use peers::{Peer, Peers};

use crate::sync::Repo;

/// A page says where it is at least this often.
pub const HEARTBEAT_MS: f64 = 1_500.0;
/// …and at most this often (a caret moves with every keystroke).
pub const THROTTLE_MS: f64 = 100.0;

/// Where this page is on the record it has open.
#[derive(Clone, Default, PartialEq)]
struct Here {
    section: Option<String>,
    field: Option<String>,
    caret: Option<(u32, u32)>,
}

#[derive(Default)]
struct Inner {
    /// The record open here, and where on it.
    open: Option<(DocumentId, Here)>,
    /// Messages sent so far (their `count`).
    sent: u64,
    last_sent: f64,
    /// A send waiting for the throttle.
    due: Option<TimeoutHandle>,
}

/// This page's presence: what it says about itself, and what it hears.
pub struct PresenceHub {
    repo: Rc<Repo>,
    /// This page's id in presence messages (a reload is a new page).
    session: String,
    /// Everyone else, on any record.
    pub peers: RwSignal<Peers>,
    /// This page is presenting the record it has open.
    pub presenting: RwSignal<bool>,
    /// The peer (`Peer::key`) whose view this page follows.
    pub following: RwSignal<Option<String>>,
    inner: RefCell<Inner>,
}

/// The app's presence, reachable from any view (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct PresenceHandle(StoredValue<Rc<PresenceHub>, LocalStorage>);

impl PresenceHandle {
    pub fn get(&self) -> Rc<PresenceHub> {
        self.0.get_value()
    }
}

/// Start hearing presence from the relay, for the views inside.
pub fn provide_presence(repo: Rc<Repo>) {
    let session = PeerId::from_random("page", crate::util::random_bytes());
    let hub = Rc::new(PresenceHub {
        repo: repo.clone(),
        session: session.as_str().to_owned(),
        peers: RwSignal::new(Peers::default()),
        presenting: RwSignal::new(false),
        following: RwSignal::new(None),
        inner: RefCell::default(),
    });
    let weak = Rc::downgrade(&hub);
    repo.on_ephemeral(move |message| {
        if let Some(hub) = weak.upgrade() {
            hub.receive(message);
        }
    });
    provide_context(PresenceHandle(StoredValue::new_local(hub)));
}

pub fn use_presence() -> PresenceHandle {
    expect_context::<PresenceHandle>()
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl PresenceHub {
    fn receive(&self, message: Message) {
        let Message::Ephemeral {
            sender_id,
            document_id,
            session_id,
            count,
            data,
            ..
        } = message
        else {
            return;
        };
        let presence = match Presence::decode(&data) {
            Ok(p) => p,
            Err(e) => {
                gloo::console::warn!(format!("ignored a presence message from {sender_id}: {e}"));
                return;
            }
        };
        let key = format!("{sender_id} {session_id}");
        self.peers
            .maybe_update(|p| p.hear(&key, document_id, count, presence, now()));
    }

    fn expire(&self) {
        self.peers.maybe_update(|p| p.expire(now()));
    }

    /// Every tick while a record is open: forget the silent, say we are here.
    fn tick(&self) {
        self.expire();
        let beat = {
            let inner = self.inner.borrow();
            inner.open.is_some() && now() - inner.last_sent >= HEARTBEAT_MS
        };
        if beat {
            self.send_now();
        }
    }

    /// This page opened record `doc` (presenting and following were about
    /// the record before, if any).
    fn enter(&self, doc: DocumentId) {
        self.inner.borrow_mut().open = Some((doc, Here::default()));
        self.stop_meeting();
        self.expire();
        self.send_now();
    }

    /// This page left record `doc` (to another page, or closing): the
    /// others drop it at once.
    fn leave(&self, doc: DocumentId) {
        let was_open = {
            let mut inner = self.inner.borrow_mut();
            if let Some(due) = inner.due.take() {
                due.clear();
            }
            let open = inner.open.as_ref().is_some_and(|(d, _)| *d == doc);
            if open {
                inner.open = None;
            }
            open
        };
        if was_open {
            self.send(doc, &Presence::Left);
            self.stop_meeting();
        }
    }

    /// Neither presenting nor following any more.
    fn stop_meeting(&self) {
        if self.presenting.get_untracked() {
            self.presenting.set(false);
        }
        if self.following.get_untracked().is_some() {
            self.following.set(None);
        }
    }

    /// Where this page is now (`move_to` changes what moved); said soon
    /// if it moved.
    fn moved(self: &Rc<Self>, move_to: impl FnOnce(&mut Here)) {
        {
            let mut inner = self.inner.borrow_mut();
            let Some((_, open)) = inner.open.as_mut() else {
                return;
            };
            let before = open.clone();
            move_to(open);
            if *open == before {
                return;
            }
        }
        self.soon();
    }

    /// Start or stop presenting the open record.
    pub fn set_presenting(self: &Rc<Self>, on: bool) {
        self.presenting.set(on);
        if on {
            self.following.set(None);
        }
        self.soon();
    }

    /// Say where this page is now, or as soon as the throttle allows.
    fn soon(self: &Rc<Self>) {
        let wait = {
            let inner = self.inner.borrow();
            if inner.due.is_some() {
                return;
            }
            THROTTLE_MS - (now() - inner.last_sent)
        };
        if wait <= 0.0 {
            self.send_now();
            return;
        }
        let hub = self.clone();
        let due = set_timeout_with_handle(
            move || {
                hub.inner.borrow_mut().due = None;
                hub.send_now();
            },
            Duration::from_millis(wait as u64),
        );
        self.inner.borrow_mut().due = due.ok();
    }

    fn send_now(&self) {
        let Some((doc, here)) = self.inner.borrow().open.clone() else {
            return;
        };
        let name = self.repo.name.get_untracked();
        let color = color_or_default(&self.repo.color.get_untracked(), &name).to_owned();
        let state = PresenceState {
            name: truncate(name),
            color,
            section: here.section,
            field: here.field,
            caret: here.caret,
            presenting: self.presenting.get_untracked(),
        };
        self.send(doc, &Presence::Here(state));
    }

    fn send(&self, doc: DocumentId, presence: &Presence) {
        let count = {
            let mut inner = self.inner.borrow_mut();
            inner.sent += 1;
            inner.last_sent = now();
            inner.sent
        };
        self.repo
            .send_ephemeral(doc, &self.session, count, presence.encode());
    }
}

/// A name that fits a presence message.
fn truncate(mut name: String) -> String {
    while name.len() > MAX_TEXT {
        name.pop();
    }
    name
}
