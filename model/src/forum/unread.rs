//! Unread posts, tracked per person on each device (never in the shared
//! document): the set of post ids a person has seen in a thread.

use std::collections::{HashMap, HashSet};

use super::{ThreadSummary, same_person};

/// The posts of one thread a person has seen on this device.
pub type Seen = HashSet<String>;

impl ThreadSummary {
    /// The posts `me` has not seen, not counting their own, in order.
    pub fn unread<'a>(
        &'a self,
        seen: Option<&'a Seen>,
        me: &'a str,
    ) -> impl Iterator<Item = &'a str> {
        self.posts
            .iter()
            .filter(move |p| !same_person(&p.author, me))
            .filter(move |p| seen.is_none_or(|s| !s.contains(&p.id)))
            .map(|p| p.id.as_str())
    }
}

/// Unread totals of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategoryUnread {
    /// Threads with at least one unread post.
    pub threads: usize,
    pub posts: usize,
}

/// Unread totals per category id, for `me`, over `threads` (each with the
/// posts seen in it, if any).
pub fn unread_by_category<'a>(
    threads: impl IntoIterator<Item = (&'a ThreadSummary, Option<&'a Seen>)>,
    me: &str,
) -> HashMap<String, CategoryUnread> {
    let mut out: HashMap<String, CategoryUnread> = HashMap::new();
    for (thread, seen) in threads {
        let posts = thread.unread(seen, me).count();
        if posts > 0 {
            let entry = out.entry(thread.category.clone()).or_default();
            entry.threads += 1;
            entry.posts += posts;
        }
    }
    out
}
