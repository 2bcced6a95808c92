//! A peer in the relay's own process: it talks to the [`Hub`] through its
//! API, as a connection task does, without a socket. For tests and
//! benchmarks that drive the relay's logic directly.

use std::collections::BTreeSet;

use protocol::{DocSync, DocumentId, Message, PeerId};
use tokio::sync::mpsc;

use crate::hub::{ConnectionId, Hub, HubError};

/// Exchanges with the relay before [`LocalPeer::sync`] gives up.
const MAX_ROUNDS: usize = 100;

pub struct LocalPeer {
    id: PeerId,
    connection: ConnectionId,
    inbox: mpsc::UnboundedReceiver<Message>,
    /// Documents synced on this connection (forgotten on leave).
    docs: BTreeSet<DocumentId>,
}

impl LocalPeer {
    /// Connect as `id` (a peer already connected as `id` is taken over).
    pub async fn connect(hub: &Hub, id: PeerId) -> Self {
        let (outbox, inbox) = mpsc::unbounded_channel();
        let connection = hub.connect(&id, outbox).await;
        LocalPeer {
            id,
            connection,
            inbox,
            docs: BTreeSet::new(),
        }
    }

    pub fn id(&self) -> &PeerId {
        &self.id
    }

    pub fn connection(&self) -> ConnectionId {
        self.connection
    }

    /// Sync `doc` until neither side has anything to say (an empty
    /// document is asked for with `request`). Messages for other documents
    /// are dropped.
    pub async fn sync(&mut self, hub: &Hub, doc: &mut DocSync) -> Result<(), HubError> {
        let relay = hub.peer_id().clone();
        let id = doc.id();
        self.docs.insert(id);
        doc.add_peer(&relay);
        for _ in 0..MAX_ROUNDS {
            let mut quiet = true;
            if let Some(data) = doc.outgoing_for(&relay) {
                quiet = false;
                let request = doc.is_empty();
                hub.sync(&self.id, self.connection, id, &data, request)
                    .await?;
            }
            while let Ok(message) = self.inbox.try_recv() {
                if let Message::Sync {
                    document_id, data, ..
                } = message
                    && document_id == id
                {
                    quiet = false;
                    doc.receive(&relay, &data).map_err(|e| HubError::Sync {
                        doc: id,
                        reason: e.to_string(),
                    })?;
                }
            }
            if quiet {
                return Ok(());
            }
        }
        Err(HubError::Sync {
            doc: id,
            reason: format!("{} and the relay did not settle", self.id),
        })
    }

    /// The messages the relay has sent since the last sync, taken.
    #[cfg(test)]
    pub fn received(&mut self) -> Vec<Message> {
        std::iter::from_fn(|| self.inbox.try_recv().ok()).collect()
    }

    /// Close the connection.
    pub async fn leave(self, hub: &Hub) {
        hub.disconnect(&self.id, self.connection, &self.docs).await;
    }
}
