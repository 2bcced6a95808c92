//! What every forum view reads: the threads and categories on the device
//! (one summary each, re-read only when that document changed), the people
//! who can be @mentioned, and which posts the person on this device has
//! seen — kept in this device's database, never in the shared documents.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{Category, ForumCategory, RecordKind, Seen, Thread, ThreadSummary, Who};
use protocol::DocumentId;

use crate::features::records::{Rows, summaries};
use crate::ui::{RepoHandle, effect, memo, use_repo};

/// The shared forum data of the running app.
#[derive(Clone, Copy)]
pub struct ForumData {
    pub threads: Memo<Rows<ThreadSummary>>,
    pub categories: Memo<Rows<Category>>,
    /// Names that can be @mentioned: everyone who posted or moderates, and
    /// the person here, sorted.
    pub people: Memo<Arc<Vec<String>>>,
    /// Post ids seen per thread by the person on this device; `None` until
    /// read from the device.
    pub seen: RwSignal<Option<HashMap<DocumentId, Arc<Seen>>>>,
    /// The app's clock, for "2 min ago".
    pub now: RwSignal<i64>,
    repo: RepoHandle,
}

/// The setting that keeps a person's seen posts of one thread on this device.
fn seen_key(me: &str, thread: DocumentId) -> String {
    format!("{}{thread}", seen_prefix(me))
}

fn seen_prefix(me: &str) -> String {
    format!("forum.seen/{}/", me.trim().to_lowercase())
}

/// Set up the forum data once, where the app's routes live.
pub fn provide_forum_data(now: RwSignal<i64>) {
    let repo = use_repo();
    let threads = summaries(RecordKind::ForumThread, Thread::summary);
    let categories = summaries(RecordKind::ForumCategory, ForumCategory::read);
    let people = memo(move || {
        let mut all: Vec<String> = threads
            .get()
            .iter()
            .flat_map(|(_, t)| t.posts.iter().map(|p| p.author.clone()))
            .chain(
                categories
                    .get()
                    .iter()
                    .flat_map(|(_, c)| c.moderators.clone()),
            )
            .chain([repo.get().name.get()])
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        model::sort::sort_by_key(&mut all, |n| n.to_lowercase());
        all.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
        Arc::new(all)
    });
    let seen = RwSignal::new(None);
    // Each person on a shared device has their own unread state: read it
    // again when the name changes.
    effect(move || {
        let me = repo.get().name.get();
        spawn_local(async move {
            let mut map = HashMap::new();
            match repo.get().settings_with_prefix(&seen_prefix(&me)).await {
                Ok(rows) => {
                    for (key, ids) in rows {
                        let Some(id) = key
                            .rsplit('/')
                            .next()
                            .and_then(|id| DocumentId::parse(id).ok())
                        else {
                            continue;
                        };
                        let set: Seen = ids
                            .split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect();
                        map.insert(id, Arc::new(set));
                    }
                }
                Err(e) => gloo::console::error!(format!("could not read what you have seen: {e}")),
            }
            seen.set(Some(map));
        });
    });
    provide_context(ForumData {
        threads,
        categories,
        people,
        seen,
        now,
        repo,
    });
}

/// The forum data of the running app.
pub fn use_forum_data() -> ForumData {
    expect_context::<ForumData>()
}

impl ForumData {
    /// The category with document id `id` (as a thread stores it).
    pub fn category(&self, id: &str) -> Option<(DocumentId, Arc<Category>)> {
        self.categories
            .get()
            .iter()
            .find(|(doc, _)| doc.to_string() == id)
            .cloned()
    }

    /// Who `me` is in category `id`: a moderator or not. In a category not
    /// on this device yet nobody moderates.
    pub fn who<'a>(&self, me: &'a str, category: &str) -> Who<'a> {
        Who {
            name: me,
            moderator: self
                .category(category)
                .is_some_and(|(_, c)| c.is_moderator(me)),
        }
    }

    /// The posts seen in `thread` (tracked); `None` when none were.
    pub fn seen_in(&self, thread: DocumentId) -> Option<Arc<Seen>> {
        self.seen
            .with(|s| s.as_ref().and_then(|m| m.get(&thread).cloned()))
    }

    /// Remember that `me` has seen `posts` of `thread`, on this device.
    pub fn mark_seen<'a>(
        &self,
        me: &str,
        thread: DocumentId,
        posts: impl IntoIterator<Item = &'a str>,
    ) {
        // Until what was seen before is read, writing would forget it.
        if self.seen.with_untracked(Option::is_none) {
            return;
        }
        let mut set: Seen = self
            .seen
            .with_untracked(|s| {
                s.as_ref()
                    .and_then(|m| m.get(&thread).map(|s| (**s).clone()))
            })
            .unwrap_or_default();
        let before = set.len();
        set.extend(posts.into_iter().map(str::to_owned));
        if set.len() == before {
            return;
        }
        let joined = set.iter().map(String::as_str).collect::<Vec<_>>().join(",");
        self.seen.update(|s| {
            if let Some(map) = s {
                map.insert(thread, Arc::new(set));
            }
        });
        let repo = self.repo;
        let key = seen_key(me, thread);
        spawn_local(async move {
            if let Err(e) = repo.get().set_setting(&key, &joined).await {
                gloo::console::error!(format!("could not remember what you have seen: {e}"));
            }
        });
    }

    /// Mark every post of `threads` seen.
    pub fn mark_all_seen(&self, me: &str, threads: &[(DocumentId, Arc<ThreadSummary>)]) {
        for (id, t) in threads {
            self.mark_seen(me, *id, t.posts.iter().map(|p| p.id.as_str()));
        }
    }
}
