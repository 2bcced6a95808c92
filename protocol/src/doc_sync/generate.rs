//! Generating a sync message: automerge's `SyncDoc::generate_sync_message`,
//! with the same message and the same effect on the sync state, but with
//! the changes it sends taken from the bytes they arrived as.
//!
//! automerge 0.12 keeps no change as bytes: every change it sends is
//! encoded again from the document's operations, in a pass over every
//! operation in the change's range, and hashed again. A relay forwards each
//! keystroke to every other person in the document, so it encoded the same
//! change once per peer; with ten typists in one text that was a quarter of
//! the relay's sync time. Here a document with more than one peer keeps the
//! changes it received lately ([`Recent`]), and a message whose changes are
//! all there is built from them.
//!
//! Where the steady state does not hold, automerge's own function makes
//! the message: a peer new to us or that lost everything, changes waiting
//! for their dependencies, a reset, a whole-document send, or a change not
//! kept. In this crate's tests every call is checked against automerge's
//! function on a copy of the document and state: the messages must carry
//! the same heads, needs, bloom filters, flags and changes (in any order:
//! a receiver loads them by their dependencies), and the states must be
//! equal.

use std::collections::{HashMap, HashSet, VecDeque};

use automerge::sync::{
    BloomFilter, Capability, Have, Message, MessageFlags, MessageVersion, State, SyncDoc,
};
use automerge::{AutoCommit, Change, ChangeHash, ReadDoc};

/// How many received changes a document keeps as bytes, and how many
/// bytes of them at most.
const KEPT: usize = 1024;
const KEPT_BYTES: usize = 1 << 20;

/// The changes a document received lately, as they arrived, by hash.
#[derive(Debug, Default)]
pub(super) struct Recent {
    bytes: HashMap<ChangeHash, Vec<u8>>,
    order: VecDeque<ChangeHash>,
    total: usize,
}

impl Recent {
    /// Keep the changes `message` carries (the oldest kept are dropped).
    pub(super) fn keep(&mut self, message: &Message) {
        for chunk in message.changes.iter() {
            for one in change_chunks(chunk) {
                if one.len() > KEPT_BYTES {
                    continue;
                }
                let Ok(change) = Change::from_bytes(one.to_vec()) else {
                    continue;
                };
                if self.bytes.insert(change.hash(), one.to_vec()).is_none() {
                    self.order.push_back(change.hash());
                    self.total += one.len();
                }
            }
        }
        while self.order.len() > KEPT || self.total > KEPT_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(bytes) = self.bytes.remove(&old) {
                self.total -= bytes.len();
            }
        }
    }
}

/// The changes since some heads (their hashes and dependencies), as the
/// messages for one document's peers ask for them: the peers in step with
/// us ask for the same heads, and each message asks twice (for its bloom
/// filter and for what to send). Valid while the document does not change.
#[derive(Debug, Default)]
pub(super) struct Since {
    known: Vec<(Vec<ChangeHash>, Vec<Listed>)>,
}

/// A change's hash and the hashes it depends on.
type Listed = (ChangeHash, Vec<ChangeHash>);

impl Since {
    fn get(&mut self, doc: &mut AutoCommit, heads: &[ChangeHash]) -> &[Listed] {
        let mut key = heads.to_vec();
        key.sort();
        key.dedup();
        let at = match self.known.iter().position(|(known, _)| *known == key) {
            Some(at) => at,
            None => {
                let changes = doc
                    .get_changes_meta(&key)
                    .into_iter()
                    .map(|change| (change.hash, change.deps))
                    .collect();
                self.known.push((key, changes));
                self.known.len() - 1
            }
        };
        &self.known[at].1
    }
}

/// The change chunks `bytes` holds one after another (a version 2
/// message joins them); nothing when it holds anything else.
fn change_chunks(mut bytes: &[u8]) -> Vec<&[u8]> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    // Magic bytes, checksum, chunk type, then the body's length (LEB128).
    const HEADER: usize = 9;
    let mut chunks = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < HEADER || bytes[..4] != MAGIC {
            return Vec::new();
        }
        let Some((length, used)) = leb128(&bytes[HEADER..]) else {
            return Vec::new();
        };
        let Some(end) = length
            .checked_add(HEADER + used)
            .filter(|end| *end <= bytes.len())
        else {
            return Vec::new();
        };
        chunks.push(&bytes[..end]);
        bytes = &bytes[end..];
    }
    chunks
}

/// An unsigned LEB128 number and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (i, byte) in bytes.iter().enumerate().take(9) {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// The next sync message for the peer whose sync state is `state`, if it
/// needs one.
pub(super) fn generate_sync_message(
    doc: &mut AutoCommit,
    state: &mut State,
    recent: &Recent,
    since: &mut Since,
) -> Option<Message> {
    #[cfg(test)]
    let expected = {
        let (mut doc, mut state) = (doc.clone(), state.clone());
        let message = doc.sync().generate_sync_message(&mut state);
        (message.map(comparable), state)
    };
    let message = match steady(doc, state, recent, since) {
        Some(message) => message,
        None => doc.sync().generate_sync_message(state),
    };
    #[cfg(test)]
    assert_eq!(
        (message.clone().map(comparable), state.clone()),
        expected,
        "generating differs from automerge's generate_sync_message"
    );
    message
}

/// A message with its changes as a sorted list of their hashes, when they
/// are changes (not a whole document).
#[cfg(test)]
fn comparable(mut message: Message) -> (Message, Option<Vec<ChangeHash>>) {
    let mut hashes = Vec::new();
    let chunks: Vec<Vec<u8>> = message.changes.iter().map(<[u8]>::to_vec).collect();
    for chunk in &chunks {
        let parts = change_chunks(chunk);
        let parsed: Option<Vec<ChangeHash>> = parts
            .iter()
            .map(|one| Change::from_bytes(one.to_vec()).ok().map(|c| c.hash()))
            .collect();
        match parsed {
            Some(parsed) if !parts.is_empty() => hashes.extend(parsed),
            _ => return (message, None),
        }
    }
    hashes.sort();
    message.changes = Vec::<Vec<u8>>::new().into();
    (message, Some(hashes))
}

/// automerge's steps for a peer in the steady state; `None` (and `state`
/// untouched) where automerge's own function must make the message.
pub(super) fn steady(
    doc: &mut AutoCommit,
    state: &mut State,
    recent: &Recent,
    since: &mut Since,
) -> Option<Option<Message>> {
    // Nothing kept (a document with one peer keeps nothing: the app's, and
    // the load generator's), a peer new to us or being reset.
    if recent.bytes.is_empty() || state.shared_heads.is_empty() || state.needs_reset {
        return None;
    }
    // Changes waiting for their dependencies change what we ask for.
    if !doc.get_missing_deps(&[]).is_empty() {
        return None;
    }
    let our_heads = doc.get_heads();
    // Whether we have a change: our heads and the heads we share with the
    // peer we have, without asking automerge.
    let has = |doc: &mut AutoCommit, hash: &ChangeHash| {
        our_heads.contains(hash)
            || state.shared_heads.contains(hash)
            || doc.get_change_meta_by_hash(hash).is_some()
    };
    // The peer's last sync names changes we lack: automerge resets.
    let first_have = state.their_have.as_ref().and_then(|have| have.first());
    if let Some(have) = first_have
        && !have.last_sync.iter().all(|hash| has(doc, hash))
    {
        return None;
    }
    let heads_unchanged = state.last_sent_heads == our_heads;
    if heads_unchanged && state.have_responded && state.in_flight {
        return Some(None);
    }

    let hashes: Vec<ChangeHash> = match (&state.their_have, &state.their_need) {
        (Some(have), Some(need)) if !state.peer_read_only => {
            let v2 = supports_v2(state);
            if v2 && state.their_heads.as_deref() == Some(&[]) {
                return None; // the whole document
            }
            let hashes: Vec<ChangeHash> = hashes_to_send(doc, since, have, need, has)
                .into_iter()
                .filter(|hash| !state.sent_hashes.contains(hash))
                .collect();
            if v2 && hashes.len() as u64 > doc.stats().num_changes / 3 {
                return None; // the whole document
            }
            hashes
        }
        _ => Vec::new(),
    };
    let changes: Vec<&Vec<u8>> = hashes
        .iter()
        .map(|hash| recent.bytes.get(hash))
        .collect::<Option<_>>()?;

    let heads_equal = state.their_heads.as_ref() == Some(&our_heads);
    if heads_unchanged
        && state.have_responded
        && (heads_equal || state.read_only)
        && hashes.is_empty()
    {
        return Some(None);
    }

    let our_need: Vec<ChangeHash> = if state.read_only {
        Vec::new()
    } else {
        let mut need: Vec<ChangeHash> = state
            .their_heads
            .iter()
            .flatten()
            .filter(|hash| !has(doc, hash))
            .copied()
            .collect();
        need.sort();
        need.dedup();
        need
    };
    let since_shared = since.get(doc, &state.shared_heads);
    let our_have = vec![Have {
        last_sync: state.shared_heads.clone(),
        bloom: BloomFilter::from_hashes(since_shared.iter().map(|(hash, _)| hash)),
    }];

    let (changes, version) = if supports_v2(state) {
        let joined: Vec<Vec<u8>> = if changes.is_empty() {
            Vec::new()
        } else {
            vec![changes.into_iter().flatten().copied().collect()]
        };
        (joined, MessageVersion::V2)
    } else {
        (changes.into_iter().cloned().collect(), MessageVersion::V1)
    };

    state.have_responded = true;
    state.last_sent_heads.clone_from(&our_heads);
    state.sent_hashes.extend(hashes);
    let mut flags = MessageFlags::new();
    flags.set(MessageFlags::SUPPORTS_SYNC_RESET);
    if state.read_only {
        flags.set(MessageFlags::READ_ONLY);
    }
    state.in_flight = true;
    Some(Some(Message {
        heads: our_heads,
        need: our_need,
        have: our_have,
        changes: changes.into(),
        flags: Some(flags),
        version,
    }))
}

/// What the peer lacks, by its bloom filters and what it asked for:
/// automerge's own rule, in its order.
fn hashes_to_send(
    doc: &mut AutoCommit,
    since: &mut Since,
    have: &[Have],
    need: &[ChangeHash],
    has: impl Fn(&mut AutoCommit, &ChangeHash) -> bool,
) -> Vec<ChangeHash> {
    let need: Vec<ChangeHash> = need.iter().filter(|hash| has(doc, hash)).copied().collect();
    if have.is_empty() {
        return need;
    }
    let last_sync: Vec<ChangeHash> = have
        .iter()
        .flat_map(|h| &h.last_sync)
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let since = since.get(doc, &last_sync);
    let mut dependents: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
    let mut to_send = HashSet::new();
    for (hash, deps) in since {
        for dep in deps {
            dependents.entry(*dep).or_default().push(*hash);
        }
        if have.iter().all(|h| !h.bloom.contains_hash(hash)) {
            to_send.insert(*hash);
        }
    }
    // Whatever depends on a change the peer lacks, it lacks too.
    let mut stack: Vec<ChangeHash> = to_send.iter().copied().collect();
    while let Some(hash) = stack.pop() {
        for dependent in dependents.get(&hash).into_iter().flatten() {
            if to_send.insert(*dependent) {
                stack.push(*dependent);
            }
        }
    }
    let mut hashes: Vec<ChangeHash> = need
        .into_iter()
        .filter(|hash| !to_send.contains(hash))
        .collect();
    hashes.extend(
        since
            .iter()
            .map(|(hash, _)| *hash)
            .filter(|hash| to_send.contains(hash)),
    );
    hashes
}

fn supports_v2(state: &State) -> bool {
    state
        .their_capabilities
        .as_ref()
        .is_some_and(|caps| caps.contains(&Capability::MessageV2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ROOT;
    use automerge::transaction::Transactable;

    #[test]
    fn joined_change_chunks_split_and_nothing_else_does() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1_i64).expect("put");
        doc.commit();
        doc.put(ROOT, "b", "x".repeat(300)).expect("put");
        doc.commit();
        let changes = doc.get_changes(&[]);
        let joined: Vec<u8> = changes
            .iter()
            .flat_map(|c| c.raw_bytes().to_vec())
            .collect();
        let parts = change_chunks(&joined);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], changes[0].raw_bytes());
        assert_eq!(
            parts[1],
            changes[1].raw_bytes(),
            "a body longer than 127 bytes"
        );
        assert!(change_chunks(b"not a chunk at all").is_empty());
        assert!(
            change_chunks(&joined[..joined.len() - 1]).is_empty(),
            "a cut chunk"
        );
        assert!(
            change_chunks(&doc.save()).len() == 1,
            "a document is one chunk"
        );
    }

    /// A message that carries `doc`'s last change.
    fn carrying_last(doc: &mut AutoCommit) -> Message {
        let change = doc.get_last_local_change().expect("a change");
        Message {
            heads: vec![change.hash()],
            need: Vec::new(),
            have: Vec::new(),
            changes: vec![change.raw_bytes().to_vec()].into(),
            flags: None,
            version: MessageVersion::V1,
        }
    }

    #[test]
    fn only_the_latest_changes_are_kept() {
        let mut doc = AutoCommit::new();
        let mut recent = Recent::default();
        for i in 0..KEPT + 10 {
            doc.put(ROOT, "n", i as i64).expect("put");
            doc.commit();
            recent.keep(&carrying_last(&mut doc));
        }
        assert_eq!(recent.bytes.len(), KEPT);
        assert_eq!(recent.order.len(), KEPT);

        // Large changes: no more than the byte budget is kept.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5 {
            let noise: String = (0..KEPT_BYTES / 32)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    format!("{seed:016x}")
                })
                .collect();
            doc.put(ROOT, "big", noise).expect("put");
            doc.commit();
            recent.keep(&carrying_last(&mut doc));
        }
        assert!(recent.total <= KEPT_BYTES, "{} bytes kept", recent.total);
        assert_eq!(
            recent.total,
            recent.bytes.values().map(Vec::len).sum::<usize>()
        );
        let last = doc.get_last_local_change().expect("a change").hash();
        assert!(recent.bytes.contains_key(&last), "the latest is kept");
    }
}
