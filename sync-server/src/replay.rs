//! Driving one relay connection with raw bytes, without a socket: what the
//! fuzz targets (`fuzz/`) and the replay of their kept inputs
//! (`sync-server/tests/fuzz_fixtures.rs`) call.

use std::sync::Arc;

use protocol::{Message, PeerId};

use crate::Relay;
use crate::access::{Role, admin};
use crate::connection::{Limits, Session, feed};
use crate::storage::MemoryStorage;

/// A relay over memory storage with an editor and a viewer of its default
/// workspace, ready to be fed frames.
pub struct Target {
    relay: Relay,
    editor: Session,
    viewer: Session,
}

impl Target {
    pub fn new() -> Result<Self, Box<dyn std::error::Error>> {
        let relay = Relay::open(Arc::new(MemoryStorage::default()))?;
        let session = |member: &str, role| -> Result<Session, Box<dyn std::error::Error>> {
            let storage = relay.hub().storage().clone();
            let (token, _) = admin::issue(
                storage.as_ref(),
                admin::DEFAULT_WORKSPACE,
                member,
                role,
                1,
                false,
            )?;
            relay.access().refresh()?;
            Ok(Session {
                hub: relay.hub().clone(),
                access: relay.access().clone(),
                grant: relay.access().authenticate(Some(&token))?,
                limits: Limits::default(),
            })
        };
        let editor = session("fuzz-editor", Role::Editor)?;
        let viewer = session("fuzz-viewer", Role::Viewer)?;
        Ok(Target {
            relay,
            editor,
            viewer,
        })
    }

    pub fn relay(&self) -> &Relay {
        &self.relay
    }

    /// `frames` from a joined editor (as peer `fuzz`), then the same from a
    /// viewer; returns what each was sent and why it was closed, if it was.
    pub async fn feed(&self, frames: &[&[u8]]) -> [(Vec<Message>, Option<String>); 2] {
        let editor = feed(&self.editor, &PeerId::new("fuzz"), frames).await;
        let viewer = feed(&self.viewer, &PeerId::new("fuzz"), frames).await;
        [editor, viewer]
    }
}

/// One fuzz input as frames: split at every `FF FF FF FF`.
pub fn split_frames(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(4).position(|w| w == [0xff; 4]) {
        out.push(&rest[..at]);
        rest = &rest[at + 4..];
    }
    out.push(rest);
    out
}
