//! Finding threads on the device: by words in titles and posts, and by
//! @mentions of a person.

use super::ThreadSummary;

/// Where a search matched a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The post that matched, or `None` when the title did.
    pub post: Option<String>,
    /// A stretch of the matching text around the first word.
    pub snippet: String,
}

/// How many characters of context a snippet keeps on each side.
const CONTEXT: usize = 60;

impl ThreadSummary {
    /// Whether every word of `query` is in the title or the posts (ignoring
    /// case), and where. An empty query matches nothing.
    pub fn search(&self, query: &str) -> Option<Hit> {
        let words: Vec<&str> = query.split_whitespace().collect();
        let first = words.first()?;
        let everywhere = |w: &str| {
            find_ignoring_case(&self.title, w).is_some()
                || self
                    .posts
                    .iter()
                    .any(|p| find_ignoring_case(&p.body, w).is_some())
        };
        if !words.iter().all(|w| everywhere(w)) {
            return None;
        }
        if find_ignoring_case(&self.title, first).is_some() {
            return Some(Hit {
                post: None,
                snippet: self.title.clone(),
            });
        }
        self.posts.iter().find_map(|p| {
            find_ignoring_case(&p.body, first).map(|at| Hit {
                post: Some(p.id.clone()),
                snippet: snippet(&p.body, at, first.chars().count()),
            })
        })
    }

    /// The ids of the posts (by others) that mention `name`.
    pub fn mentioning(&self, name: &str) -> Vec<&str> {
        self.posts
            .iter()
            .filter(|p| !super::same_person(&p.author, name) && mentions(&p.body, name))
            .map(|p| p.id.as_str())
            .collect()
    }
}

/// Whether `text` mentions `name` as `@name` (ignoring case), not as part
/// of a longer word or an e-mail address.
pub fn mentions(text: &str, name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = text[from..].find('@').map(|i| from + i) {
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && mention_len(&text[at + 1..], name).is_some() {
            return true;
        }
        from = at + 1;
    }
    false
}

/// If `rest` (what follows an `@`) starts with `name` ignoring case, and
/// the name ends there (not inside a longer word), how many bytes it took.
pub(super) fn mention_len(rest: &str, name: &str) -> Option<usize> {
    let name = name.trim();
    let len = prefix_ignoring_case(rest, name).filter(|_| !name.is_empty())?;
    rest[len..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
        .then_some(len)
}

/// The byte offset of the first place `needle` occurs in `haystack`,
/// ignoring case.
pub(super) fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| prefix_ignoring_case(&haystack[i..], needle).is_some())
}

/// If `text` starts with `prefix` ignoring case, how many bytes of `text`
/// that took.
fn prefix_ignoring_case(text: &str, prefix: &str) -> Option<usize> {
    let mut wanted = prefix.chars().flat_map(char::to_lowercase);
    let mut used = 0;
    let mut pending = wanted.next();
    for c in text.chars() {
        if pending.is_none() {
            break;
        }
        for lower in c.to_lowercase() {
            if pending != Some(lower) {
                return None;
            }
            pending = wanted.next();
        }
        used += c.len_utf8();
    }
    pending.is_none().then_some(used)
}

/// About [`CONTEXT`] characters either side of the match at byte `at`
/// (`len` characters long), on one line, with "…" where it was cut.
fn snippet(text: &str, at: usize, len: usize) -> String {
    let before: Vec<char> = text[..at].chars().rev().take(CONTEXT + 1).collect();
    let start_cut = before.len() > CONTEXT;
    let head: String = before.iter().take(CONTEXT).rev().collect();
    let after: Vec<char> = text[at..].chars().take(len + CONTEXT + 1).collect();
    let end_cut = after.len() > len + CONTEXT;
    let tail: String = after.iter().take(len + CONTEXT).collect();
    let joined = format!(
        "{}{head}{tail}{}",
        if start_cut { "…" } else { "" },
        if end_cut { "…" } else { "" }
    );
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}
