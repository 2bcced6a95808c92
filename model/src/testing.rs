//! What the record tests share: replicas on numbered devices, moments
//! written as people read them, and syncing two replicas.

use automerge::{ActorId, AutoCommit};

use crate::TEXT_ENCODING;
use crate::spec::{Field, parse_datetime};

/// An empty document edited on device `actor`.
pub fn doc(actor: u8) -> AutoCommit {
    AutoCommit::new_with_encoding(TEXT_ENCODING).with_actor(ActorId::from(vec![actor; 16]))
}

/// A moment written the way people read it (UTC).
pub fn at(s: &str) -> i64 {
    parse_datetime(s).expect("a valid date and time")
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

/// Set a root field as a person types it (amounts default to USD).
pub fn set(d: &mut AutoCommit, f: Field, value: &str) {
    f.write(d, &automerge::ROOT, value, "USD").expect(f.key);
}
