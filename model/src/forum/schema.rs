//! The forum's keys and fixed choices: a category document's and a thread
//! document's, and a post's inside a thread.

use crate::spec::{Choice, c};

/// What a category (and every thread in it) is for.
pub const KINDS: &[Choice] = &[
    c("discussion", "Discussion"),
    c("question", "Question"),
    c("announcement", "Announcement"),
    c("idea", "Idea"),
];

/// Where an idea stands; set by a moderator.
pub const IDEA_STATUSES: &[Choice] = &[
    c("new", "New"),
    c("under-review", "Under review"),
    c("planned", "Planned"),
    c("delivered", "Delivered"),
    c("declined", "Declined"),
];

/// The reactions the app offers (other clients may store others; they are
/// kept and shown).
pub const REACTIONS: &[&str] = &["👍", "❤️", "🎉", "💡", "👀"];

// Category document.
pub const NAME: &str = "name";
pub const DESCRIPTION: &str = "description";
pub const KIND: &str = "kind";
/// Map of display name → true.
pub const MODERATORS: &str = "moderators";
pub const CREATED_AT: &str = "createdAt";

// Thread document.
pub const TITLE: &str = "title";
/// The category's document id.
pub const CATEGORY: &str = "category";
pub const AUTHOR: &str = "author";
/// The id of the post that opened the thread.
pub const OPENING: &str = "opening";
pub const PINNED: &str = "pinned";
pub const LOCKED: &str = "locked";
/// The id of the accepted answer (question threads).
pub const ACCEPTED: &str = "acceptedAnswer";
pub const IDEA_STATUS: &str = "ideaStatus";
/// Map of post id → post.
pub const POSTS: &str = "posts";

/// A post's keys.
pub mod post {
    pub const AUTHOR: &str = "author";
    pub const AT: &str = "at";
    /// Collaborative Text, Markdown.
    pub const BODY: &str = "body";
    /// The id of the post it quotes, if any.
    pub const QUOTE: &str = "quote";
    /// Flat map of `"<reaction> <person>"` → true: one key per person and
    /// reaction, so two reactions at once never touch the same key.
    pub const REACTIONS: &str = "reactions";
    pub const EDITED_AT: &str = "editedAt";
    /// Set when its author deleted it (kept so replies quoting it still
    /// make sense, its text cleared).
    pub const DELETED: &str = "deleted";
}
