//! Replicas for the model's tests: documents on numbered devices, forked
//! and synced the way people's devices are.

use automerge::{ActorId, AutoCommit};

use crate::TEXT_ENCODING;

/// An empty document on device `actor`.
pub fn doc(actor: u8) -> AutoCommit {
    AutoCommit::new_with_encoding(TEXT_ENCODING).with_actor(ActorId::from(vec![actor; 16]))
}

/// The same document on another person's device.
pub fn other_device(d: &mut AutoCommit, actor: u8) -> AutoCommit {
    d.fork().with_actor(ActorId::from(vec![actor; 16]))
}

/// Both devices exchange everything they have.
pub fn sync(a: &mut AutoCommit, b: &mut AutoCommit) {
    a.merge(b).expect("merge a <- b");
    b.merge(a).expect("merge b <- a");
}
