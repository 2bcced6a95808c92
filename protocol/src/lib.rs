//! The automerge-repo network protocol, version "1", as its JavaScript
//! implementation speaks it, and a sans-IO sync engine on top of it.
//!
//! - [`Message`]: every wire message, encoded as one CBOR map per WebSocket
//!   binary frame ([`Message::encode`], [`Message::decode`]).
//! - [`DocumentId`] and [`PeerId`]: identifiers as automerge-repo forms them.
//! - [`DocSync`]: one document and the sync state it keeps with each peer.
//!   It performs no IO: messages and storage tasks come in as values and go
//!   out as values; the browser client and the relay each drive it.
//! - [`StoragePlan`]: when to append an incremental chunk and when to compact
//!   a document's chunks into one snapshot.
//! - [`RelayDoc`]: the relay's side of one document (who asked for it, what
//!   to store before answering), driven by the relay and by the fuzzer.
//! - [`Handshake`]: the join/peer exchange that opens every connection, and
//!   [`ClientSession`]: the client's side of a relay connection.
//! - [`Presence`]: who is on a document and where, as the data of an
//!   `ephemeral` message.

mod client;
mod doc_sync;
mod document_id;
mod error;
mod handshake;
mod message;
mod peer_id;
mod presence;
mod relay_doc;
#[cfg(test)]
mod sim;
mod storage_plan;

pub use client::{ClientError, ClientEvent, ClientSession};
pub use doc_sync::{DocSync, Outgoing, Received, decode_sync};
pub use document_id::DocumentId;
pub use error::{DecodeError, SyncError};
pub use handshake::{Handshake, HandshakeError, PROTOCOL_VERSION};
pub use message::{HeadsInfo, Message, PeerMetadata};
pub use peer_id::PeerId;
pub use presence::{MAX_TEXT, Presence, PresenceState};
pub use relay_doc::{RelayDoc, RelayEffects};
pub use storage_plan::{StoragePlan, StorageTask, load_chunks, load_each};

/// The largest WebSocket frame either side accepts (a whole document can
/// travel in one sync message, so this is generous).
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;
