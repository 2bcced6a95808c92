//! The others, as last heard: one entry per open page (a session) on any
//! document, replaced by each message from it, dropped when it says it left
//! or falls silent for [`EXPIRY_MS`]. Pure: the caller passes the time.

use protocol::{DocumentId, Presence, PresenceState};

/// A page not heard from for this long has gone (closed without a word,
/// lost its network). Pages say where they are at least every 1.5 s.
pub const EXPIRY_MS: f64 = 5_000.0;

/// Another open page and where it is.
#[derive(Debug)]
pub struct Peer {
    /// Who sent it and which of their pages (unique among peers).
    pub key: String,
    pub doc: DocumentId,
    pub state: PresenceState,
}

struct Heard {
    peer: Peer,
    count: u64,
    at: f64,
}

#[derive(Default)]
pub struct Peers {
    heard: Vec<Heard>,
}

impl Peers {
    /// Take in message number `count` from page `key` about `doc`, heard at
    /// `now`. True when what the others look like changed (not for a mere
    /// heartbeat, nor for a message older than one already taken).
    pub fn hear(
        &mut self,
        key: &str,
        doc: DocumentId,
        count: u64,
        presence: Presence,
        now: f64,
    ) -> bool {
        let known = self.heard.iter().position(|h| h.peer.key == key);
        match (presence, known) {
            (Presence::Left, Some(i)) if self.heard[i].peer.doc == doc => {
                self.heard.remove(i);
                true
            }
            (Presence::Left, _) => false,
            (Presence::Here(state), Some(i)) => {
                let h = &mut self.heard[i];
                if count <= h.count {
                    return false;
                }
                h.count = count;
                h.at = now;
                let changed = h.peer.doc != doc || h.peer.state != state;
                h.peer.doc = doc;
                h.peer.state = state;
                changed
            }
            (Presence::Here(state), None) => {
                let key = key.to_owned();
                let peer = Peer { key, doc, state };
                self.heard.push(Heard {
                    peer,
                    count,
                    at: now,
                });
                true
            }
        }
    }

    /// Drop the pages silent since `now - EXPIRY_MS`; true if any went.
    pub fn expire(&mut self, now: f64) -> bool {
        let before = self.heard.len();
        self.heard.retain(|h| now - h.at < EXPIRY_MS);
        self.heard.len() != before
    }

    /// Everyone, in the order they arrived.
    pub fn iter(&self) -> impl Iterator<Item = &Peer> {
        self.heard.iter().map(|h| &h.peer)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn here(name: &str, field: Option<&str>) -> Presence {
        Presence::Here(PresenceState {
            name: name.into(),
            color: "#2557d6".into(),
            field: field.map(Into::into),
            ..PresenceState::default()
        })
    }

    fn docs() -> (DocumentId, DocumentId) {
        (
            DocumentId::from_bytes([1; 16]),
            DocumentId::from_bytes([2; 16]),
        )
    }

    #[wasm_bindgen_test]
    fn a_heartbeat_changes_nothing_a_move_does() {
        let (plan, _) = docs();
        let mut peers = Peers::default();
        assert!(peers.hear("ana 1", plan, 1, here("Ana", None), 0.0));
        assert!(!peers.hear("ana 1", plan, 2, here("Ana", None), 1_500.0));
        assert!(peers.hear("ana 1", plan, 3, here("Ana", Some("vision")), 1_600.0));
        assert!(
            !peers.hear("ana 1", plan, 2, here("Ana", None), 1_700.0),
            "an older message is not taken"
        );
        let all: Vec<_> = peers.iter().collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].state.field.as_deref(), Some("vision"));
    }

    #[wasm_bindgen_test]
    fn silence_expires_and_leaving_is_at_once() {
        let (plan, other) = docs();
        let mut peers = Peers::default();
        peers.hear("ana 1", plan, 1, here("Ana", None), 0.0);
        peers.hear("ben 1", plan, 1, here("Ben", None), 3_000.0);
        assert!(!peers.expire(4_999.0));
        assert!(peers.expire(5_000.0), "Ana fell silent");
        assert_eq!(
            peers.iter().next().map(|p| p.state.name.as_str()),
            Some("Ben")
        );
        assert!(
            !peers.hear("ben 1", other, 2, Presence::Left, 3_100.0),
            "leaving another document leaves this one alone"
        );
        assert!(peers.hear("ben 1", plan, 3, Presence::Left, 3_200.0));
        assert_eq!(peers.iter().count(), 0);
    }

    #[wasm_bindgen_test]
    fn a_page_that_moves_to_another_record_moves_with_it() {
        let (plan, other) = docs();
        let mut peers = Peers::default();
        peers.hear("ana 1", plan, 1, here("Ana", None), 0.0);
        peers.hear("ana 2", plan, 1, here("Ana", None), 0.0);
        assert!(peers.hear("ana 1", other, 2, here("Ana", None), 10.0));
        let docs: Vec<_> = peers.iter().map(|p| p.doc).collect();
        assert_eq!(docs, [other, plan], "two pages of one person are two peers");
    }
}
