//! Group commit: one writer thread stores every change queued while the
//! previous write was being made durable, in one transaction with one sync
//! to disk, then delivers the messages that announce those changes, in the
//! order they were queued.
//!
//! A change is still stored before anyone hears about it, but a busy relay
//! no longer pays one `fsync` per keystroke: a thousand typists cost a few
//! hundred syncs a second, not six thousand. Messages that store nothing go
//! through the same queue, so nothing ever overtakes an earlier message to
//! the same peer.

use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};

use protocol::{Message, PeerId, StorageTask};
use tokio::sync::oneshot;

use super::{ConnectionId, Outbox, lock};
use crate::storage::{Storage, StorageError};

/// Each peer's current connection (its number) and outbox.
pub type Peers = Arc<Mutex<HashMap<PeerId, (ConnectionId, Outbox)>>>;

/// Jobs written in one transaction at most: a bound on how long the first
/// of them waits.
const MAX_BATCH: usize = 512;

/// A message for one connection of a peer: it is dropped if the peer has
/// reconnected meanwhile (the new connection syncs afresh, and a message
/// made for the old one's sync state would mislead it).
pub type Delivery = (PeerId, ConnectionId, Message);

/// Writes to make durable, then messages to deliver.
struct Job {
    store: Vec<StorageTask>,
    send: Vec<Delivery>,
    done: oneshot::Sender<Result<(), StorageError>>,
}

/// The queue in front of the writer thread. Dropping the last handle ends
/// the thread once it has written what was queued.
pub struct Committer {
    queue: std_mpsc::Sender<Job>,
}

/// Why a queued job has no outcome.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the relay's writer thread stopped")]
pub struct WriterGone;

impl Committer {
    pub fn start(storage: Arc<dyn Storage>, peers: Peers) -> Self {
        let (queue, jobs) = std_mpsc::channel();
        std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || run(&*storage, &peers, &jobs))
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the writer thread"));
        Committer { queue }
    }

    /// Store `store`, then deliver `send`. The job is queued now, before
    /// the caller lets go of the document, so jobs for one document are
    /// written and delivered in the order they were made; the future
    /// resolves once both are done (or the write failed, in which case
    /// nothing was delivered).
    pub fn submit(
        &self,
        store: Vec<StorageTask>,
        send: Vec<Delivery>,
    ) -> impl Future<Output = Result<Result<(), StorageError>, WriterGone>> + use<> {
        let (done, outcome) = oneshot::channel();
        let queued = self
            .queue
            .send(Job { store, send, done })
            .map_err(|_| WriterGone);
        async move {
            queued?;
            outcome.await.map_err(|_| WriterGone)
        }
    }
}

fn run(storage: &dyn Storage, peers: &Peers, jobs: &std_mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let tasks: Vec<&StorageTask> = batch.iter().flat_map(|j| &j.store).collect();
        let together = if tasks.is_empty() {
            Ok(())
        } else {
            storage.apply_all(&tasks)
        };
        for job in batch {
            // One failed write must not cost the others theirs: when the
            // transaction fails, each job is written again on its own.
            let outcome = match &together {
                Ok(()) => Ok(()),
                Err(_) => storage.apply_all(&job.store.iter().collect::<Vec<_>>()),
            };
            if outcome.is_ok() {
                deliver(peers, job.send);
            }
            // The submitter may have gone (its connection closed): the
            // write stands either way.
            let _ = job.done.send(outcome);
        }
    }
}

/// Hand messages to their peers' connections.
pub fn deliver(peers: &Peers, messages: Vec<Delivery>) {
    if messages.is_empty() {
        return;
    }
    let peers = lock(peers);
    for (peer, connection, message) in messages {
        if let Some((current, outbox)) = peers.get(&peer)
            && *current == connection
        {
            // A closed outbox means the connection is going away; its
            // disconnect cleans up.
            let _ = outbox.send(message);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use protocol::DocumentId;
    use tokio::sync::mpsc;

    use super::*;
    use crate::storage::HookedStorage;

    fn doc(n: u8) -> DocumentId {
        DocumentId::from_bytes([n; 16])
    }

    fn change(n: u8, i: usize) -> StorageTask {
        StorageTask::Append {
            doc: doc(n),
            chunk: i.to_le_bytes().to_vec(),
        }
    }

    fn note(i: usize) -> Delivery {
        let reader = PeerId::new("reader");
        let message = Message::Leave {
            sender_id: PeerId::new(format!("m{i}")),
        };
        (reader, 0, message)
    }

    #[tokio::test]
    async fn writes_queued_behind_a_slow_one_share_a_transaction_and_leave_in_order() {
        // Counts transactions, holds the first one until released, and
        // refuses every write to document 13.
        let (release, gate) = std_mpsc::channel::<()>();
        let gate = Mutex::new(Some(gate));
        let transactions = Arc::new(AtomicUsize::new(0));
        let counted = transactions.clone();
        let storage = Arc::new(HookedStorage::new(move |tasks| {
            counted.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = lock(&gate).take() {
                let _ = gate.recv();
            }
            match tasks.iter().find(|t| t.doc() == doc(13)) {
                Some(bad) => Err(StorageError::Write {
                    doc: bad.doc(),
                    reason: "disk full".into(),
                }),
                None => Ok(()),
            }
        }));
        let peers = Peers::default();
        let (outbox, mut inbox) = mpsc::unbounded_channel();
        lock(&peers).insert(PeerId::new("reader"), (0, outbox));
        let committer = Arc::new(Committer::start(storage.clone(), peers));

        let writes: Vec<_> = (0..100)
            .map(|i| {
                let committer = committer.clone();
                async move { committer.submit(vec![change(1, i)], vec![note(i)]).await }
            })
            .collect();
        let all = tokio::spawn(futures_util::future::join_all(writes));
        // Nothing leaves before its write is durable.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(inbox.try_recv().is_err(), "a message left before its write");
        release.send(()).expect("release");
        for outcome in all.await.expect("joined") {
            outcome.expect("writer alive").expect("stored");
        }
        let stored = storage.inner.load(&doc(1)).expect("load");
        assert_eq!(stored.len(), 100, "every write stored");
        // The held first one, then everything queued behind it together.
        let transactions = transactions.load(Ordering::SeqCst);
        assert!(
            transactions <= 3,
            "{transactions} transactions for 100 writes"
        );
        // Each message left once, in the order the writes were stored.
        let mut delivered = Vec::new();
        while let Ok(Message::Leave { sender_id }) = inbox.try_recv() {
            delivered.push(sender_id.to_string());
        }
        let order: Vec<String> = stored
            .iter()
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                format!("m{}", usize::from_le_bytes(b))
            })
            .collect();
        assert_eq!(delivered, order);

        // A refused write fails alone: written together with it, the others
        // still land and announce themselves; its message never leaves.
        let (good, bad, also) = tokio::join!(
            committer.submit(vec![change(1, 100)], vec![note(100)]),
            committer.submit(vec![change(13, 101)], vec![note(101)]),
            committer.submit(vec![change(1, 102)], vec![note(102)]),
        );
        assert!(good.expect("alive").is_ok() && also.expect("alive").is_ok());
        let refused = bad.expect("alive").expect_err("refused");
        assert!(refused.to_string().contains("disk full"), "{refused}");
        let mut late = Vec::new();
        while let Ok(Message::Leave { sender_id }) = inbox.try_recv() {
            late.push(sender_id.to_string());
        }
        late.sort();
        assert_eq!(late, ["m100", "m102"]);
    }
}
