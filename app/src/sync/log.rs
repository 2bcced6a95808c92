//! The sync log: connects, disconnects, errors, and documents merged with
//! their change counts, kept in this device's database (the newest
//! [`KEEP`] entries) so it survives reloads, and shown in the sync panel.
//!
//! Merges come in bursts (a first sync brings thousands of documents): they
//! are gathered for a second and logged as one entry naming each document
//! with its count.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::DocumentId;

use crate::store::Store;
use crate::util::now_ms;

/// How many entries the log keeps.
pub const KEEP: u64 = 300;
/// How long merges are gathered into one entry.
const GATHER_MS: u32 = 1_000;
/// How many documents one merge entry names.
const NAMED: usize = 20;

const PREFIX: &str = "sync-log/";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Connected,
    Disconnected,
    Error,
    Merged,
}

impl Event {
    pub fn code(self) -> &'static str {
        match self {
            Event::Connected => "connected",
            Event::Disconnected => "disconnected",
            Event::Error => "error",
            Event::Merged => "merged",
        }
    }

    fn parse(s: &str) -> Option<Event> {
        [
            Event::Connected,
            Event::Disconnected,
            Event::Error,
            Event::Merged,
        ]
        .into_iter()
        .find(|e| e.code() == s)
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub at: i64,
    pub event: Event,
    /// What a person reads ("Relay refused: …", "3 documents, 12 changes").
    pub text: String,
    /// For merges: each document (up to [`NAMED`]) with its change count.
    pub docs: Vec<(DocumentId, usize)>,
}

impl Entry {
    /// The stored form: tab-separated, documents as `id:count` pairs.
    fn encode(&self) -> String {
        let docs: Vec<String> = self
            .docs
            .iter()
            .map(|(id, n)| format!("{id}:{n}"))
            .collect();
        format!(
            "{}\t{}\t{}\t{}",
            self.at,
            self.event.code(),
            self.text.replace(['\t', '\n'], " "),
            docs.join(",")
        )
    }

    /// An entry read back; `None` for anything this version cannot read.
    fn decode(seq: u64, stored: &str) -> Option<Entry> {
        let mut parts = stored.splitn(4, '\t');
        let at = parts.next()?.parse().ok()?;
        let event = Event::parse(parts.next()?)?;
        let text = parts.next()?.to_owned();
        let docs = parts
            .next()
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| {
                let (id, n) = pair.split_once(':')?;
                Some((DocumentId::parse(id).ok()?, n.parse().ok()?))
            })
            .collect();
        Some(Entry {
            seq,
            at,
            event,
            text,
            docs,
        })
    }
}

fn key(seq: u64) -> String {
    format!("{PREFIX}{seq:012}")
}

/// The log of the running app.
pub struct SyncLog {
    store: Store,
    /// Oldest first; at most [`KEEP`].
    pub entries: RwSignal<Vec<Entry>>,
    next: Cell<u64>,
    /// Merges gathered for the next entry: document → changes.
    gathering: Rc<RefCell<BTreeMap<DocumentId, usize>>>,
}

impl SyncLog {
    /// Read the log kept on this device.
    pub async fn open(store: Store) -> SyncLog {
        let rows = match store.meta_with_prefix(PREFIX).await {
            Ok(rows) => rows,
            Err(e) => {
                gloo::console::warn!(format!("could not read the sync log: {e}"));
                Vec::new()
            }
        };
        let entries: Vec<Entry> = rows
            .into_iter()
            .filter_map(|(k, v)| Entry::decode(k.strip_prefix(PREFIX)?.parse().ok()?, &v))
            .collect();
        let next = entries.last().map_or(0, |e| e.seq + 1);
        SyncLog {
            store,
            entries: RwSignal::new(entries),
            next: Cell::new(next),
            gathering: Rc::default(),
        }
    }

    /// Log an event now.
    pub fn record(&self, event: Event, text: impl Into<String>) {
        self.push(event, text.into(), Vec::new());
    }

    fn push(&self, event: Event, text: String, docs: Vec<(DocumentId, usize)>) {
        let seq = self.next.get();
        self.next.set(seq + 1);
        let entry = Entry {
            seq,
            at: now_ms(),
            event,
            text,
            docs,
        };
        let stored = entry.encode();
        self.entries.update(|all| {
            all.push(entry);
            let over = all.len().saturating_sub(KEEP as usize);
            all.drain(..over);
        });
        let store = self.store.clone();
        let forget = seq.checked_sub(KEEP).map(key);
        spawn_local(async move {
            let deletes: Vec<&str> = forget.as_deref().into_iter().collect();
            if let Err(e) = store.write_meta(&[(&key(seq), &stored)], &deletes).await {
                gloo::console::warn!(format!("could not keep the sync log: {e}"));
            }
        });
    }

    /// Note that `changes` changes of `doc` arrived; logged with the others
    /// arriving within a second.
    pub fn merged(self: &Rc<Self>, doc: DocumentId, changes: usize) {
        let first = {
            let mut g = self.gathering.borrow_mut();
            *g.entry(doc).or_default() += changes;
            g.len() == 1 && g.get(&doc) == Some(&changes)
        };
        if first {
            let log = Rc::downgrade(self);
            gloo::timers::callback::Timeout::new(GATHER_MS, move || {
                if let Some(log) = log.upgrade() {
                    log.flush_merges();
                }
            })
            .forget();
        }
    }

    fn flush_merges(&self) {
        let gathered = std::mem::take(&mut *self.gathering.borrow_mut());
        if gathered.is_empty() {
            return;
        }
        let total: usize = gathered.values().sum();
        let text = format!(
            "{} {}, {} {}",
            gathered.len(),
            if gathered.len() == 1 {
                "record"
            } else {
                "records"
            },
            total,
            if total == 1 { "change" } else { "changes" }
        );
        let mut docs: Vec<(DocumentId, usize)> = gathered.into_iter().collect();
        model::sort::sort_by_key(&mut docs, |(_, n)| std::cmp::Reverse(*n));
        docs.truncate(NAMED);
        self.push(Event::Merged, text, docs);
    }

    /// Forget every entry, here and on the device.
    pub fn clear(&self) {
        let keys: Vec<String> = self
            .entries
            .get_untracked()
            .iter()
            .map(|e| key(e.seq))
            .collect();
        self.entries.set(Vec::new());
        let store = self.store.clone();
        spawn_local(async move {
            let deletes: Vec<&str> = keys.iter().map(String::as_str).collect();
            if let Err(e) = store.write_meta(&[], &deletes).await {
                gloo::console::warn!(format!("could not clear the sync log: {e}"));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn an_entry_survives_its_stored_form() {
        let id = DocumentId::from_bytes([7; 16]);
        let entry = Entry {
            seq: 12,
            at: 1_700_000_000_000,
            event: Event::Merged,
            text: "2 records,\tbad\ntext".to_owned(),
            docs: vec![(id, 3)],
        };
        let back = Entry::decode(12, &entry.encode()).expect("decodes");
        assert_eq!(back.docs, entry.docs);
        assert_eq!(back.text, "2 records, bad text");
        assert_eq!(back.event, Event::Merged);
        assert_eq!(Entry::decode(1, "junk"), None);
        assert_eq!(Entry::decode(1, "1\tunknown\tx\t"), None);
    }
}
