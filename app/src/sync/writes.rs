//! Writes to this device's storage, in order (a document's incremental
//! chunks must land in sequence): whatever queued up while the last write ran
//! goes in the next transaction, so a first sync of thousands of documents
//! is a handful of transactions. A failed write is retried, not dropped: the
//! change is still in memory and must reach the disk.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::StorageTask;

use crate::store::Store;

const RETRY_MS: u32 = 2_000;
/// Most tasks written in one transaction.
const BATCH: usize = 500;
const SAVE_FAILED: &str = "saving on this device failed";

#[derive(Clone)]
pub struct WriteQueue {
    store: Store,
    queue: Rc<RefCell<VecDeque<StorageTask>>>,
    running: Rc<RefCell<bool>>,
    unsaved: RwSignal<usize>,
    problem: RwSignal<Option<String>>,
}

impl WriteQueue {
    pub fn new(store: Store, unsaved: RwSignal<usize>, problem: RwSignal<Option<String>>) -> Self {
        WriteQueue {
            store,
            queue: Rc::default(),
            running: Rc::default(),
            unsaved,
            problem,
        }
    }

    pub fn push(&self, task: StorageTask) {
        self.queue.borrow_mut().push_back(task);
        self.unsaved.set(self.queue.borrow().len());
        if !*self.running.borrow() {
            *self.running.borrow_mut() = true;
            let me = self.clone();
            spawn_local(async move { me.drain().await });
        }
    }

    async fn drain(self) {
        loop {
            let batch: Vec<StorageTask> = self.queue.borrow().iter().take(BATCH).cloned().collect();
            if batch.is_empty() {
                break;
            }
            match self.store.apply_all(&batch).await {
                Ok(()) => {
                    self.queue.borrow_mut().drain(..batch.len());
                    self.unsaved.set(self.queue.borrow().len());
                    if self
                        .problem
                        .get_untracked()
                        .is_some_and(|p| p.starts_with(SAVE_FAILED))
                    {
                        self.problem.set(None);
                    }
                }
                Err(e) => {
                    let message = format!("{SAVE_FAILED} ({e}); retrying");
                    gloo::console::error!(message.clone());
                    self.problem.set(Some(message));
                    gloo::timers::future::TimeoutFuture::new(RETRY_MS).await;
                }
            }
        }
        *self.running.borrow_mut() = false;
    }
}
