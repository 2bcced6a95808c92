//! Keeping documents: in memory, on this device (IndexedDB) and in step with
//! the relay.

mod away;
mod log;
mod repo;
mod status;
mod transport;
mod writes;

pub use log::Event as LogEvent;
pub use repo::{Repo, SIGNED_OUT_HINT};
pub use status::{Connection, SyncStatus};
