//! Keeping documents: in memory, on this device (IndexedDB) and in step with
//! the relay.

mod repo;
mod status;
mod transport;
mod writes;

pub use repo::Repo;
pub use status::{Connection, SyncStatus};
