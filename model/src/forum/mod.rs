//! The forums: categories, and threads of posts where field and HQ talk both
//! ways.
//!
//! A category is one document (`name`, `description` Text, `kind`,
//! `moderators`). A thread is one document: `title` (Text), the category's
//! id, its kind (copied from the category when it was opened, so the
//! thread's rules never depend on a document the reader may not have),
//! `author`, `opening` (the first post's id), `pinned`, `locked`,
//! `acceptedAnswer`, `ideaStatus`, and `posts`: a map of post id → post.
//! Posts are read in time order (ties by id), so replies written offline by
//! many people at once all survive and every replica shows them alike.
//!
//! Who may do what (pinning, locking, idea status: moderators; accepting an
//! answer: the asker or a moderator; editing: the author) is checked here,
//! by display name, until accounts exist. A reply written offline before
//! its writer learned the thread was locked is kept when it arrives: the
//! lock refuses new posts, it does not delete what people wrote.

use std::collections::HashSet;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, Value};

use crate::fields::{read_string, read_time, write_scalar, write_text, write_time};
use crate::spec::Choice;
use crate::{ModelError, items};

pub mod markdown;
pub mod schema;
mod search;
mod unread;

pub use search::{Hit, mentions};
pub use unread::{CategoryUnread, Seen, unread_by_category};

/// What a category and its threads are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ThreadKind {
    #[default]
    Discussion,
    Question,
    Announcement,
    Idea,
}

impl ThreadKind {
    pub const ALL: [ThreadKind; 4] = [
        ThreadKind::Discussion,
        ThreadKind::Question,
        ThreadKind::Announcement,
        ThreadKind::Idea,
    ];

    pub fn value(self) -> &'static str {
        schema::KINDS[self as usize].value
    }

    pub fn label(self) -> &'static str {
        schema::KINDS[self as usize].label
    }

    /// The kind stored as `s` (anything unknown reads as a discussion).
    pub fn parse(s: &str) -> ThreadKind {
        Self::ALL
            .into_iter()
            .find(|k| k.value() == s)
            .unwrap_or_default()
    }
}

/// A category as read from its document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Category {
    pub name: String,
    pub description: String,
    pub kind: ThreadKind,
    /// Display names, sorted. Empty means everyone moderates.
    pub moderators: Vec<String>,
}

impl Category {
    /// Whether `name` may moderate this category's threads.
    pub fn is_moderator(&self, name: &str) -> bool {
        self.moderators.is_empty() || self.moderators.iter().any(|m| same_person(m, name.trim()))
    }
}

/// Who is acting: their display name, and whether they moderate the
/// thread's category.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub name: &'a str,
    pub moderator: bool,
}

/// Two display names name the same person when they match ignoring case.
pub fn same_person(a: &str, b: &str) -> bool {
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

/// Operations on a category document.
pub struct ForumCategory;

impl ForumCategory {
    /// Lay out a new category, moderated by its creator.
    pub fn create(
        doc: &mut AutoCommit,
        name: &str,
        description: &str,
        kind: ThreadKind,
        creator: &str,
        now_ms: i64,
    ) -> Result<(), ModelError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid("Category", "give it a name"));
        }
        write_scalar(doc, &ROOT, schema::NAME, name)?;
        doc.put_object(ROOT, schema::DESCRIPTION, ObjType::Text)?;
        write_text(doc, &ROOT, schema::DESCRIPTION, description.trim())?;
        write_scalar(doc, &ROOT, schema::KIND, kind.value())?;
        let moderators = doc.put_object(ROOT, schema::MODERATORS, ObjType::Map)?;
        if !creator.trim().is_empty() {
            doc.put(&moderators, creator.trim(), true)?;
        }
        write_time(doc, &ROOT, schema::CREATED_AT, Some(now_ms))
    }

    pub fn read(doc: &AutoCommit) -> Result<Category, ModelError> {
        let mut moderators: Vec<String> = match doc.get(ROOT, schema::MODERATORS)? {
            Some((Value::Object(ObjType::Map), obj)) => {
                doc.keys(&obj).map(|k| k.to_string()).collect()
            }
            _ => Vec::new(),
        };
        moderators.sort();
        Ok(Category {
            name: read_string(doc, &ROOT, schema::NAME)?,
            description: read_string(doc, &ROOT, schema::DESCRIPTION)?,
            kind: ThreadKind::parse(&read_string(doc, &ROOT, schema::KIND)?),
            moderators,
        })
    }

    /// Make `name` a moderator or not; only moderators may.
    pub fn set_moderator(
        doc: &mut AutoCommit,
        name: &str,
        on: bool,
        by: Who<'_>,
    ) -> Result<(), ModelError> {
        require_moderator(by, "choose moderators")?;
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid("Moderator", "give a name"));
        }
        let obj = items::ensure_list(doc, &ROOT, schema::MODERATORS)?;
        match (on, doc.get(&obj, name)?.is_some()) {
            (true, false) => doc.put(&obj, name, true)?,
            (false, true) => doc.delete(&obj, name)?,
            _ => {}
        }
        Ok(())
    }
}

/// One post of a thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: String,
    pub obj: ObjId,
    pub author: String,
    /// Milliseconds since the epoch, as the writer's device saw it.
    pub at: i64,
    /// Markdown; "" once deleted.
    pub body: String,
    /// The id of the post it quotes.
    pub quote: Option<String>,
    /// Each reaction with the people who gave it (sorted).
    pub reactions: Vec<Reaction>,
    pub edited_at: Option<i64>,
    pub deleted: bool,
}

/// One reaction on a post and who gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    pub emoji: String,
    pub people: Vec<String>,
}

/// What lists, unread counts, mentions and search need of a thread, read
/// in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThreadSummary {
    pub title: String,
    pub category: String,
    pub kind: ThreadKind,
    pub author: String,
    pub pinned: bool,
    pub locked: bool,
    pub accepted: Option<String>,
    /// The idea's status value (ideas only; "new" until a moderator sets it).
    pub idea_status: String,
    /// Every post, opening post first, then in time order.
    pub posts: Vec<PostRef>,
}

/// A post as lists see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRef {
    pub id: String,
    pub author: String,
    pub at: i64,
    pub body: String,
}

impl ThreadSummary {
    /// The time of the latest post (0 for a thread with none).
    pub fn last_activity(&self) -> i64 {
        self.posts.iter().map(|p| p.at).max().unwrap_or(0)
    }

    /// Replies, not counting the opening post.
    pub fn replies(&self) -> usize {
        self.posts.len().saturating_sub(1)
    }

    /// The idea status's label.
    pub fn idea_status_label(&self) -> &'static str {
        choice_or_first(schema::IDEA_STATUSES, &self.idea_status).label
    }
}

/// What a new thread starts with.
#[derive(Debug, Clone, Copy)]
pub struct NewThread<'a> {
    pub title: &'a str,
    pub category: &'a str,
    pub kind: ThreadKind,
    pub author: &'a str,
    /// The opening post's id and Markdown body.
    pub post_id: &'a str,
    pub body: &'a str,
}

/// Operations on a thread document.
pub struct Thread;

impl Thread {
    /// Lay out a new thread with its opening post.
    pub fn create(doc: &mut AutoCommit, new: NewThread<'_>, now_ms: i64) -> Result<(), ModelError> {
        if new.title.trim().is_empty() {
            return Err(invalid("Title", "give the thread a title"));
        }
        if new.category.trim().is_empty() {
            return Err(invalid("Category", "choose a category"));
        }
        doc.put_object(ROOT, schema::TITLE, ObjType::Text)?;
        write_text(doc, &ROOT, schema::TITLE, new.title.trim())?;
        write_scalar(doc, &ROOT, schema::CATEGORY, new.category.trim())?;
        write_scalar(doc, &ROOT, schema::KIND, new.kind.value())?;
        write_scalar(doc, &ROOT, schema::AUTHOR, new.author.trim())?;
        write_time(doc, &ROOT, schema::CREATED_AT, Some(now_ms))?;
        if new.kind == ThreadKind::Idea {
            write_scalar(doc, &ROOT, schema::IDEA_STATUS, "new")?;
        }
        write_scalar(doc, &ROOT, schema::OPENING, new.post_id)?;
        doc.put_object(ROOT, schema::POSTS, ObjType::Map)?;
        Self::write_post(doc, new.post_id, new.author, new.body, None, now_ms)?;
        Ok(())
    }

    /// Reply to the thread (quoting post `quote`, if given). Refused when the
    /// thread is locked, the body is empty or the quoted post is gone.
    pub fn add_post(
        doc: &mut AutoCommit,
        id: &str,
        author: &str,
        body: &str,
        quote: Option<&str>,
        now_ms: i64,
    ) -> Result<ObjId, ModelError> {
        if Self::is_locked(doc)? {
            return Err(locked());
        }
        if let Some(q) = quote {
            let gone = Self::post_obj(doc, q)?
                .map(|obj| read_string(doc, &obj, schema::post::DELETED))
                .transpose()?
                .is_none_or(|d| d == "true");
            if gone {
                return Err(invalid("Quote", "the quoted post is no longer there"));
            }
        }
        Self::write_post(doc, id, author, body, quote, now_ms)
    }

    fn write_post(
        doc: &mut AutoCommit,
        id: &str,
        author: &str,
        body: &str,
        quote: Option<&str>,
        now_ms: i64,
    ) -> Result<ObjId, ModelError> {
        use schema::post;
        if body.trim().is_empty() {
            return Err(invalid("Post", "write something first"));
        }
        let list = items::ensure_list(doc, &ROOT, schema::POSTS)?;
        let obj = items::insert(doc, &list, id, items::Place::Last)?;
        write_scalar(doc, &obj, post::AUTHOR, author.trim())?;
        write_time(doc, &obj, post::AT, Some(now_ms))?;
        doc.put_object(&obj, post::BODY, ObjType::Text)?;
        write_text(doc, &obj, post::BODY, body.trim_end())?;
        doc.put_object(&obj, post::REACTIONS, ObjType::Map)?;
        if let Some(q) = quote {
            write_scalar(doc, &obj, post::QUOTE, q)?;
        }
        Ok(obj)
    }

    /// Change a post's text (by its author; the change merges character by
    /// character with anyone else's) and mark it edited. Returns whether
    /// the text changed.
    pub fn edit_post(
        doc: &mut AutoCommit,
        id: &str,
        body: &str,
        by: Who<'_>,
        now_ms: i64,
    ) -> Result<bool, ModelError> {
        use schema::post;
        if Self::is_locked(doc)? {
            return Err(locked());
        }
        let obj = Self::existing_post(doc, id)?;
        if !same_person(&read_string(doc, &obj, post::AUTHOR)?, by.name) {
            return Err(invalid("Post", "only its author can edit a post"));
        }
        if body.trim().is_empty() {
            return Err(invalid(
                "Post",
                "a post cannot be empty (delete it instead)",
            ));
        }
        let changed = write_text(doc, &obj, post::BODY, body.trim_end())?;
        if changed {
            write_time(doc, &obj, post::EDITED_AT, Some(now_ms))?;
        }
        Ok(changed)
    }

    /// Delete a reply (its author or a moderator): its text goes, its place
    /// stays so replies quoting it still read in order. The opening post
    /// cannot be deleted.
    pub fn delete_post(doc: &mut AutoCommit, id: &str, by: Who<'_>) -> Result<(), ModelError> {
        use schema::post;
        let obj = Self::existing_post(doc, id)?;
        if read_string(doc, &ROOT, schema::OPENING)? == id {
            return Err(invalid("Post", "the opening post cannot be deleted"));
        }
        if !by.moderator && !same_person(&read_string(doc, &obj, post::AUTHOR)?, by.name) {
            return Err(invalid(
                "Post",
                "only its author or a moderator can delete a post",
            ));
        }
        write_text(doc, &obj, post::BODY, "")?;
        write_scalar(doc, &obj, post::DELETED, "true")?;
        if read_string(doc, &ROOT, schema::ACCEPTED)? == id {
            write_scalar(doc, &ROOT, schema::ACCEPTED, "")?;
        }
        Ok(())
    }

    /// Give or take back `person`'s `emoji` on a post; returns whether they
    /// now have it.
    pub fn toggle_reaction(
        doc: &mut AutoCommit,
        post_id: &str,
        emoji: &str,
        person: &str,
    ) -> Result<bool, ModelError> {
        let person = person.trim();
        if person.is_empty() {
            return Err(invalid("Reaction", "set your name first"));
        }
        let obj = Self::existing_post(doc, post_id)?;
        let reactions = items::ensure_list(doc, &obj, schema::post::REACTIONS)?;
        let key = format!("{emoji} {person}");
        if doc.get(&reactions, &key)?.is_some() {
            doc.delete(&reactions, &key)?;
            Ok(false)
        } else {
            doc.put(&reactions, &key, true)?;
            Ok(true)
        }
    }

    /// Mark `post_id` as the accepted answer (`None` takes it back). Only in
    /// question threads, by the asker or a moderator; not the question
    /// itself, nor a deleted post.
    pub fn accept_answer(
        doc: &mut AutoCommit,
        post_id: Option<&str>,
        by: Who<'_>,
    ) -> Result<(), ModelError> {
        if Self::kind(doc)? != ThreadKind::Question {
            return Err(invalid("Accepted answer", "only question threads have one"));
        }
        if !by.moderator && !same_person(&read_string(doc, &ROOT, schema::AUTHOR)?, by.name) {
            return Err(invalid(
                "Accepted answer",
                "only the person who asked or a moderator can accept an answer",
            ));
        }
        let value = match post_id {
            None => "",
            Some(id) => {
                let obj = Self::existing_post(doc, id)?;
                if read_string(doc, &ROOT, schema::OPENING)? == id {
                    return Err(invalid(
                        "Accepted answer",
                        "the question cannot answer itself",
                    ));
                }
                if read_string(doc, &obj, schema::post::DELETED)? == "true" {
                    return Err(invalid("Accepted answer", "that post was deleted"));
                }
                id
            }
        };
        write_scalar(doc, &ROOT, schema::ACCEPTED, value)?;
        Ok(())
    }

    /// Pin or unpin an announcement (moderators).
    pub fn set_pinned(doc: &mut AutoCommit, on: bool, by: Who<'_>) -> Result<(), ModelError> {
        require_moderator(by, "pin threads")?;
        if on && Self::kind(doc)? != ThreadKind::Announcement {
            return Err(invalid("Pin", "only announcements can be pinned"));
        }
        write_scalar(doc, &ROOT, schema::PINNED, if on { "true" } else { "" })?;
        Ok(())
    }

    /// Lock or unlock the thread (moderators).
    pub fn set_locked(doc: &mut AutoCommit, on: bool, by: Who<'_>) -> Result<(), ModelError> {
        require_moderator(by, "lock threads")?;
        write_scalar(doc, &ROOT, schema::LOCKED, if on { "true" } else { "" })?;
        Ok(())
    }

    /// Set an idea's status (moderators).
    pub fn set_idea_status(
        doc: &mut AutoCommit,
        status: &str,
        by: Who<'_>,
    ) -> Result<(), ModelError> {
        require_moderator(by, "set an idea's status")?;
        if Self::kind(doc)? != ThreadKind::Idea {
            return Err(invalid("Idea status", "only idea threads have one"));
        }
        if !schema::IDEA_STATUSES.iter().any(|c| c.value == status) {
            return Err(invalid("Idea status", format!("unknown status `{status}`")));
        }
        write_scalar(doc, &ROOT, schema::IDEA_STATUS, status)?;
        Ok(())
    }

    pub fn is_locked(doc: &AutoCommit) -> Result<bool, ModelError> {
        Ok(read_string(doc, &ROOT, schema::LOCKED)? == "true")
    }

    fn kind(doc: &AutoCommit) -> Result<ThreadKind, ModelError> {
        Ok(ThreadKind::parse(&read_string(doc, &ROOT, schema::KIND)?))
    }

    fn post_obj(doc: &AutoCommit, id: &str) -> Result<Option<ObjId>, ModelError> {
        match items::find_list(doc, &ROOT, schema::POSTS)? {
            Some(list) => items::item(doc, &list, id),
            None => Ok(None),
        }
    }

    fn existing_post(doc: &AutoCommit, id: &str) -> Result<ObjId, ModelError> {
        Self::post_obj(doc, id)?.ok_or_else(|| ModelError::NoSuchItem(id.to_owned()))
    }

    /// Every post: the opening post first, then replies by the writer's
    /// time, then id (so every replica shows the same order).
    pub fn posts(doc: &AutoCommit) -> Result<Vec<Post>, ModelError> {
        use schema::post;
        let Some(list) = items::find_list(doc, &ROOT, schema::POSTS)? else {
            return Ok(Vec::new());
        };
        let opening = read_string(doc, &ROOT, schema::OPENING)?;
        let mut out = Vec::new();
        for item in items::items(doc, &list)? {
            let obj = item.obj;
            let quote = read_string(doc, &obj, post::QUOTE)?;
            out.push(Post {
                author: read_string(doc, &obj, post::AUTHOR)?,
                at: read_time(doc, &obj, post::AT)?.unwrap_or(0),
                body: read_string(doc, &obj, post::BODY)?,
                quote: (!quote.is_empty()).then_some(quote),
                reactions: reactions(doc, &obj)?,
                edited_at: read_time(doc, &obj, post::EDITED_AT)?,
                deleted: read_string(doc, &obj, post::DELETED)? == "true",
                id: item.id,
                obj,
            });
        }
        crate::sort::sort_by(&mut out, |a, b| {
            (a.id != opening)
                .cmp(&(b.id != opening))
                .then(a.at.cmp(&b.at))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Read what lists need.
    pub fn summary(doc: &AutoCommit) -> Result<ThreadSummary, ModelError> {
        let get = |key| read_string(doc, &ROOT, key);
        let accepted = get(schema::ACCEPTED)?;
        Ok(ThreadSummary {
            title: get(schema::TITLE)?,
            category: get(schema::CATEGORY)?,
            kind: ThreadKind::parse(&get(schema::KIND)?),
            author: get(schema::AUTHOR)?,
            pinned: get(schema::PINNED)? == "true",
            locked: get(schema::LOCKED)? == "true",
            accepted: (!accepted.is_empty()).then_some(accepted),
            idea_status: get(schema::IDEA_STATUS)?,
            posts: Self::posts(doc)?
                .into_iter()
                .map(|p| PostRef {
                    id: p.id,
                    author: p.author,
                    at: p.at,
                    body: p.body,
                })
                .collect(),
        })
    }
}

/// A post's reactions, each with its people, in the order the app offers
/// them (others after, by name).
fn reactions(doc: &AutoCommit, post: &ObjId) -> Result<Vec<Reaction>, ModelError> {
    let Some(obj) = items::find_list(doc, post, schema::post::REACTIONS)? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Reaction> = Vec::new();
    let mut seen = HashSet::new();
    for key in doc.keys(&obj) {
        let Some((emoji, person)) = key.split_once(' ') else {
            continue;
        };
        if !seen.insert((emoji.to_owned(), person.to_lowercase())) {
            continue;
        }
        match out.iter_mut().find(|r| r.emoji == emoji) {
            Some(r) => r.people.push(person.to_owned()),
            None => out.push(Reaction {
                emoji: emoji.to_owned(),
                people: vec![person.to_owned()],
            }),
        }
    }
    let rank = |e: &str| {
        schema::REACTIONS
            .iter()
            .position(|r| *r == e)
            .unwrap_or(schema::REACTIONS.len())
    };
    for r in &mut out {
        r.people.sort();
    }
    crate::sort::sort_by(&mut out, |a, b| {
        rank(&a.emoji)
            .cmp(&rank(&b.emoji))
            .then_with(|| a.emoji.cmp(&b.emoji))
    });
    Ok(out)
}

fn choice_or_first(choices: &'static [Choice], value: &str) -> Choice {
    choices
        .iter()
        .copied()
        .find(|c| c.value == value)
        .unwrap_or(choices[0])
}

fn require_moderator(by: Who<'_>, what: &str) -> Result<(), ModelError> {
    if by.moderator {
        Ok(())
    } else {
        Err(invalid(
            "Moderation",
            format!("only a moderator can {what}"),
        ))
    }
}

fn locked() -> ModelError {
    invalid("Thread", "this thread is locked: it takes no new posts")
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ModelError {
    ModelError::Invalid {
        field,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests;
