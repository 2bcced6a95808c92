//! Applying a received sync message: automerge's
//! `SyncDoc::receive_sync_message`, with the same effect on the document and
//! on the sync state, but without its cost growing with the history.
//!
//! automerge 0.12 trims `sent_hashes` (the changes sent and not yet
//! acknowledged) by walking *every* ancestor of the heads the peer
//! announces, on every message, even when nothing was sent. A relay
//! receives a message for nearly every keystroke of every typist, so in a
//! document of a few thousand changes that walk was a third of the relay's
//! time (upstream: automerge/automerge#1042). Here the same set is
//! computed from automerge's vector clocks instead: the changes that are
//! *not* ancestors of the announced heads, which for a peer that is keeping
//! up are the last few.
//!
//! Every other step follows automerge's own, in its order. In this crate's
//! tests each call is checked against automerge's function on a copy of
//! the document and state, so a difference fails every sync test.
//!
//! [`receive_batch`] goes further: several messages, one load of all their
//! changes (see there). Its states differ from automerge's only where the
//! batch cannot tell which message made a head, and then towards telling a
//! peer more, never less.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use automerge::sync::{Capability, Message, MessageFlags, State};
use automerge::{AutoCommit, AutomergeError, ChangeHash};

/// Apply `message` from a peer to `doc` and to `state`, the sync state
/// kept with that peer.
pub(super) fn receive_sync_message(
    doc: &mut AutoCommit,
    state: &mut State,
    message: Message,
) -> Result<(), AutomergeError> {
    #[cfg(test)]
    let expected = {
        use automerge::sync::SyncDoc;
        let (mut doc, mut state) = (doc.clone(), state.clone());
        let result = doc.sync().receive_sync_message(&mut state, message.clone());
        (result.is_ok(), doc.get_heads(), state)
    };
    let result = receive(doc, state, message);
    #[cfg(test)]
    assert_eq!(
        (result.is_ok(), doc.get_heads(), state.clone()),
        expected,
        "receiving differs from automerge's receive_sync_message"
    );
    result
}

fn receive(
    doc: &mut AutoCommit,
    state: &mut State,
    message: Message,
) -> Result<(), AutomergeError> {
    note_flags(state, &message);
    let before = doc.get_heads();
    if !message.changes.is_empty() && !state.read_only {
        doc.load_incremental(&changes_of(&message))?;
    }
    settle(doc, state, message, &before, Mode::Alone);
    Ok(())
}

/// Apply several messages, from one peer or several, with one load of all
/// their changes: automerge merges a batch of changes into a text in one
/// pass over it, so a keystroke costs as much as the text is long, and a
/// batch of keystrokes costs about the same as one. Each peer's sync state
/// is then updated message by message, in order, as after
/// [`receive_sync_message`], except where a batch cannot tell which of its
/// messages made a head; there only the new heads the peer announced count
/// as shared with it. Returns the messages not applied and why: when the
/// batch does not load, each message is tried on its own, so only the bad
/// ones are refused.
pub(super) fn receive_batch<K: Ord + Clone>(
    doc: &mut AutoCommit,
    states: &mut BTreeMap<K, State>,
    batch: Vec<(K, Message)>,
) -> Vec<(K, AutomergeError)> {
    if batch.len() == 1 {
        // Nothing to merge: exactly automerge's steps.
        return one_by_one(doc, states, batch);
    }
    let before = doc.get_heads();
    let changes: Vec<u8> = batch
        .iter()
        .filter(|(from, _)| !states.get(from).is_some_and(|s| s.read_only))
        .flat_map(|(_, message)| changes_of(message))
        .collect();
    if !changes.is_empty() && doc.load_incremental(&changes).is_err() {
        return one_by_one(doc, states, batch);
    }
    // A peer's heads only grow, so trimming its sent changes by the heads
    // of its last message in the batch trims all the earlier ones would,
    // and each trim costs as much as the changes since its heads: done for
    // every message, a batch of n messages cost n² (the changes of the
    // batch are already in). Skipping a trim only leaves in `sent_hashes`
    // changes the peer has, which are then not sent again: harmless.
    let mut last = vec![false; batch.len()];
    let mut seen = BTreeSet::new();
    for (i, (from, _)) in batch.iter().enumerate().rev() {
        last[i] = seen.insert(from);
    }
    for ((from, message), last) in batch.into_iter().zip(last) {
        let state = states.entry(from).or_default();
        note_flags(state, &message);
        settle(doc, state, message, &before, Mode::Batch { last });
    }
    Vec::new()
}

/// Each message of `batch` on its own, in order; returns those refused.
fn one_by_one<K: Ord + Clone>(
    doc: &mut AutoCommit,
    states: &mut BTreeMap<K, State>,
    batch: Vec<(K, Message)>,
) -> Vec<(K, AutomergeError)> {
    batch
        .into_iter()
        .filter_map(|(from, message)| {
            let state = states.entry(from.clone()).or_default();
            receive_sync_message(doc, state, message)
                .err()
                .map(|e| (from, e))
        })
        .collect()
}

/// The change chunks of `message`, joined as automerge loads them.
fn changes_of(message: &Message) -> Vec<u8> {
    message.changes.iter().flatten().copied().collect()
}

/// What a message says about the peer itself, whatever it carries.
fn note_flags(state: &mut State, message: &Message) {
    state.in_flight = false;
    // A peer that sends flags speaks version 2 of the sync messages.
    if let Some(flags) = message.flags {
        let mut capabilities = vec![Capability::MessageV2];
        if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
            capabilities.push(Capability::SyncReset);
        }
        state.their_capabilities = Some(capabilities);
        if flags.contains(MessageFlags::SYNC_RESET) {
            state.sent_hashes.clear();
        }
        state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
    }
}

/// How a message's sync state is updated.
#[derive(Clone, Copy)]
enum Mode {
    /// On its own, just after its changes were applied: automerge's rules
    /// exactly.
    Alone,
    /// After the changes of a whole batch were applied (see
    /// [`receive_batch`]); `last`: this is its sender's last message in it.
    Batch { last: bool },
}

/// Update `state` for `message`, whose changes are already in `doc`;
/// `before` were the document's heads before they were applied.
fn settle(
    doc: &mut AutoCommit,
    state: &mut State,
    message: Message,
    before: &[ChangeHash],
    mode: Mode,
) {
    let Message {
        heads,
        changes,
        need,
        have,
        ..
    } = message;

    if !changes.is_empty() && !state.read_only {
        let after = doc.get_heads();
        let gained = after.iter().filter(|head| !before.contains(head));
        let gained: Vec<ChangeHash> = match mode {
            Mode::Alone => gained.copied().collect(),
            Mode::Batch { .. } => gained
                .filter(|head| heads.contains(head))
                .copied()
                .collect(),
        };
        state.shared_heads = advance_shared_heads(&gained, &after, &state.shared_heads);
    }

    let known: Vec<ChangeHash> = heads
        .iter()
        .filter(|head| doc.get_change_meta_by_hash(head).is_some())
        .copied()
        .collect();
    if !matches!(mode, Mode::Batch { last: false }) {
        forget_delivered(doc, &known, state);
    }

    // The peer has exactly what we have: nothing to tell it. (Without
    // changes in the message, the document's heads now are those it had
    // before the message.)
    if changes.is_empty() && heads == doc.get_heads() {
        state.last_sent_heads.clone_from(&heads);
    }

    if known.len() == heads.len() {
        state.shared_heads.clone_from(&heads);
        // A peer that announces no heads has lost everything: start over.
        if heads.is_empty() {
            state.last_sent_heads = Vec::new();
            state.sent_hashes.clear();
        }
    } else {
        let mut shared: Vec<ChangeHash> =
            state.shared_heads.iter().chain(&known).copied().collect();
        shared.sort();
        shared.dedup();
        state.shared_heads = shared;
    }

    state.their_have = Some(have);
    state.their_heads = Some(heads);
    state.their_need = Some(need);
}

/// Drop from `state.sent_hashes` every change the peer now has: those that
/// are ancestors of (or among) `known`, the heads it announced that we
/// know. What is left are the sent changes that are not such ancestors.
fn forget_delivered(doc: &mut AutoCommit, known: &[ChangeHash], state: &mut State) {
    if state.sent_hashes.is_empty() || known.is_empty() {
        return;
    }
    let not_delivered: HashSet<ChangeHash> = doc
        .get_changes_meta(known)
        .into_iter()
        .map(|change| change.hash)
        .collect();
    state
        .sent_hashes
        .retain(|hash| not_delivered.contains(hash));
}

/// The heads both sides have after changes from the peer were applied:
/// the heads they `gained`, and the old shared heads that are still heads.
fn advance_shared_heads(
    gained: &[ChangeHash],
    after: &[ChangeHash],
    shared: &[ChangeHash],
) -> Vec<ChangeHash> {
    let mut advanced: Vec<ChangeHash> = gained
        .iter()
        .chain(shared.iter().filter(|head| after.contains(head)))
        .copied()
        .collect();
    advanced.sort();
    advanced.dedup();
    advanced
}
