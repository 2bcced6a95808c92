use std::collections::HashSet;

use super::markdown::{Block, Span, parse, plain};
use super::search::find_ignoring_case;
use super::*;
use crate::testing::{doc, other_device, sync};

const MINUTE: i64 = 60_000;
const ANA: Who<'static> = Who {
    name: "Ana Lima",
    moderator: false,
};
const BEN: Who<'static> = Who {
    name: "Ben",
    moderator: false,
};
const MOD: Who<'static> = Who {
    name: "Chidi",
    moderator: true,
};

/// A thread of `kind` opened by Ana on device 1 with post "p0".
fn thread(kind: ThreadKind) -> AutoCommit {
    let mut d = doc(1);
    Thread::create(
        &mut d,
        NewThread {
            title: "VPN drops after the 4.2 update",
            category: "cat-1",
            kind,
            author: ANA.name,
            post_id: "p0",
            body: "Since 4.2 the tunnel drops every hour. Anyone else?",
        },
        0,
    )
    .expect("create");
    d
}

fn reply(d: &mut AutoCommit, id: &str, author: &str, body: &str, at: i64) {
    Thread::add_post(d, id, author, body, None, at).expect("reply");
}

fn ids(d: &AutoCommit) -> Vec<String> {
    Thread::posts(d)
        .expect("posts")
        .into_iter()
        .map(|p| p.id)
        .collect()
}

fn summary(d: &AutoCommit) -> ThreadSummary {
    Thread::summary(d).expect("summary")
}

fn refusal<T: std::fmt::Debug>(r: Result<T, ModelError>) -> String {
    r.expect_err("should be refused").to_string()
}

#[test]
fn a_new_thread_reads_back_with_its_opening_post() {
    let d = thread(ThreadKind::Idea);
    let s = summary(&d);
    assert_eq!(s.title, "VPN drops after the 4.2 update");
    assert_eq!(s.category, "cat-1");
    assert_eq!(s.kind, ThreadKind::Idea);
    assert_eq!(s.author, "Ana Lima");
    assert_eq!(s.idea_status, "new");
    assert_eq!(s.idea_status_label(), "New");
    assert_eq!(s.replies(), 0);
    assert_eq!(
        s.posts[0].body,
        "Since 4.2 the tunnel drops every hour. Anyone else?"
    );
    assert!(!s.pinned && !s.locked && s.accepted.is_none());
}

#[test]
fn a_thread_needs_a_title_a_category_and_words() {
    let mut d = doc(1);
    let mut new = NewThread {
        title: " ",
        category: "cat",
        kind: ThreadKind::Discussion,
        author: "Ana",
        post_id: "p0",
        body: "Hello",
    };
    assert!(refusal(Thread::create(&mut d, new, 0)).contains("title"));
    new.title = "Hi";
    new.category = "";
    assert!(refusal(Thread::create(&mut d, new, 0)).contains("category"));
    let mut d = thread(ThreadKind::Discussion);
    let empty = Thread::add_post(&mut d, "p1", "Ben", "  \n ", None, 1);
    assert_eq!(refusal(empty), "Post: write something first");
}

#[test]
fn replies_written_offline_by_three_people_all_survive_in_time_order() {
    let mut a = thread(ThreadKind::Question);
    let mut b = other_device(&mut a, 2);
    let mut c = other_device(&mut a, 3);
    // All three on planes, replying at once; Ben's clock says earlier.
    reply(
        &mut a,
        "a1",
        "Ana Lima",
        "It happens on Wi-Fi only.",
        5 * MINUTE,
    );
    reply(&mut b, "b1", "Ben", "Same here, since Tuesday.", 3 * MINUTE);
    reply(
        &mut c,
        "c1",
        "Chidi",
        "Known issue, fix in 4.2.1.",
        4 * MINUTE,
    );
    reply(
        &mut c,
        "c2",
        "Chidi",
        "Workaround: disable IPv6.",
        6 * MINUTE,
    );
    // Two replies stamped the same minute: ordered by id everywhere.
    reply(&mut a, "a2", "Ana Lima", "Thanks!", 7 * MINUTE);
    reply(&mut b, "b2", "Ben", "Confirmed.", 7 * MINUTE);
    sync(&mut a, &mut b);
    sync(&mut b, &mut c);
    sync(&mut a, &mut c);
    let want = ["p0", "b1", "c1", "a1", "c2", "a2", "b2"];
    for d in [&a, &b, &c] {
        assert_eq!(ids(d), want);
    }
    assert_eq!(summary(&a), summary(&c));
    assert_eq!(summary(&a).last_activity(), 7 * MINUTE);
}

#[test]
fn the_opening_post_leads_even_when_a_reply_carries_an_earlier_time() {
    let mut d = thread(ThreadKind::Discussion);
    reply(&mut d, "early", "Ben", "My clock is wrong", -10 * MINUTE);
    assert_eq!(ids(&d), ["p0", "early"]);
}

#[test]
fn two_people_reacting_at_once_both_count() {
    let mut a = thread(ThreadKind::Discussion);
    let mut b = other_device(&mut a, 2);
    assert!(Thread::toggle_reaction(&mut a, "p0", "👍", "Ana Lima").expect("a"));
    assert!(Thread::toggle_reaction(&mut b, "p0", "👍", "Ben").expect("b"));
    assert!(Thread::toggle_reaction(&mut b, "p0", "🎉", "Ben").expect("b"));
    assert!(Thread::toggle_reaction(&mut a, "p0", "custom", "Ana Lima").expect("other"));
    sync(&mut a, &mut b);
    let post = &Thread::posts(&a).expect("posts")[0];
    let got: Vec<(&str, Vec<&str>)> = post
        .reactions
        .iter()
        .map(|r| {
            (
                r.emoji.as_str(),
                r.people.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("👍", vec!["Ana Lima", "Ben"]),
            ("🎉", vec!["Ben"]),
            ("custom", vec!["Ana Lima"])
        ]
    );
    // Taking one back leaves the other person's.
    assert!(!Thread::toggle_reaction(&mut b, "p0", "👍", "Ben").expect("undo"));
    sync(&mut a, &mut b);
    let post = &Thread::posts(&a).expect("posts")[0];
    assert_eq!(post.reactions[0].people, ["Ana Lima"]);
    let nameless = Thread::toggle_reaction(&mut a, "p0", "👍", " ");
    assert_eq!(refusal(nameless), "Reaction: set your name first");
}

#[test]
fn the_same_person_reacting_from_two_devices_counts_once() {
    let mut a = thread(ThreadKind::Discussion);
    let mut b = other_device(&mut a, 2);
    Thread::toggle_reaction(&mut a, "p0", "👍", "Ben").expect("laptop");
    Thread::toggle_reaction(&mut b, "p0", "👍", "ben").expect("phone");
    sync(&mut a, &mut b);
    let post = &Thread::posts(&b).expect("posts")[0];
    assert_eq!(post.reactions.len(), 1);
    assert_eq!(post.reactions[0].people.len(), 1);
}

#[test]
fn edits_to_one_post_from_two_devices_merge_and_mark_it_edited() {
    let mut a = thread(ThreadKind::Discussion);
    let mut b = other_device(&mut a, 2);
    let body = "Since 4.2 the tunnel drops every hour. Anyone else?";
    let first = Thread::edit_post(
        &mut a,
        "p0",
        &body.replace("hour", "hour on Wi-Fi"),
        ANA,
        10,
    );
    assert!(first.expect("laptop"));
    let second = Thread::edit_post(&mut b, "p0", &body.replace("4.2", "4.2.0"), ANA, 11);
    assert!(second.expect("phone"));
    sync(&mut a, &mut b);
    let post = &Thread::posts(&a).expect("posts")[0];
    assert_eq!(
        post.body,
        "Since 4.2.0 the tunnel drops every hour on Wi-Fi. Anyone else?"
    );
    assert!(post.edited_at.is_some());
    // Saving the same text is not an edit.
    let same = Thread::edit_post(&mut a, "p0", &post.body.clone(), ANA, 12);
    assert!(!same.expect("same"));
}

#[test]
fn only_the_author_edits_and_only_the_author_or_a_moderator_deletes() {
    let mut d = thread(ThreadKind::Discussion);
    reply(&mut d, "b1", "Ben", "First!", 1);
    let by_other = Thread::edit_post(&mut d, "b1", "Second!", ANA, 2);
    assert_eq!(refusal(by_other), "Post: only its author can edit a post");
    let empty = Thread::edit_post(&mut d, "b1", " ", BEN, 2);
    assert!(refusal(empty).contains("cannot be empty"));
    assert!(refusal(Thread::delete_post(&mut d, "b1", ANA)).contains("author or a moderator"));
    assert!(refusal(Thread::delete_post(&mut d, "p0", MOD)).contains("opening post"));
    assert!(matches!(
        Thread::delete_post(&mut d, "nope", MOD),
        Err(ModelError::NoSuchItem(_))
    ));
    Thread::delete_post(&mut d, "b1", MOD).expect("moderator deletes");
    let posts = Thread::posts(&d).expect("posts");
    assert!(posts[1].deleted);
    assert_eq!(posts[1].body, "");
    assert_eq!(ids(&d), ["p0", "b1"], "its place stays");
}

#[test]
fn a_reply_can_quote_a_post_but_not_a_deleted_or_missing_one() {
    let mut d = thread(ThreadKind::Discussion);
    reply(&mut d, "b1", "Ben", "Same here", 1);
    Thread::add_post(&mut d, "c1", "Chidi", "Which build?", Some("b1"), 2).expect("quote");
    assert_eq!(
        Thread::posts(&d).expect("posts")[2].quote.as_deref(),
        Some("b1")
    );
    Thread::delete_post(&mut d, "b1", BEN).expect("delete own");
    let quoting_deleted = Thread::add_post(&mut d, "c2", "Chidi", "?", Some("b1"), 3);
    assert!(refusal(quoting_deleted).contains("no longer there"));
    let quoting_missing = Thread::add_post(&mut d, "c3", "Chidi", "?", Some("zz"), 3);
    assert!(refusal(quoting_missing).contains("no longer there"));
}

#[test]
fn the_asker_or_a_moderator_accepts_one_answer_in_a_question() {
    let mut d = thread(ThreadKind::Question);
    reply(&mut d, "b1", "Ben", "Disable IPv6", 1);
    reply(&mut d, "c1", "Chidi", "Update to 4.2.1", 2);
    let by_ben = Thread::accept_answer(&mut d, Some("c1"), BEN);
    assert!(refusal(by_ben).contains("only the person who asked or a moderator"));
    let itself = Thread::accept_answer(&mut d, Some("p0"), ANA);
    assert!(refusal(itself).contains("cannot answer itself"));
    Thread::accept_answer(&mut d, Some("b1"), ANA).expect("asker accepts");
    assert_eq!(summary(&d).accepted.as_deref(), Some("b1"));
    // One accepted answer: accepting another replaces it.
    Thread::accept_answer(&mut d, Some("c1"), MOD).expect("moderator accepts");
    assert_eq!(summary(&d).accepted.as_deref(), Some("c1"));
    // Deleting the accepted answer takes the mark with it.
    Thread::delete_post(&mut d, "c1", MOD).expect("delete");
    assert_eq!(summary(&d).accepted, None);
    let deleted = Thread::accept_answer(&mut d, Some("c1"), ANA);
    assert!(refusal(deleted).contains("deleted"));
    Thread::accept_answer(&mut d, Some("b1"), ANA).expect("accept");
    Thread::accept_answer(&mut d, None, ANA).expect("take back");
    assert_eq!(summary(&d).accepted, None);

    let mut talk = thread(ThreadKind::Discussion);
    reply(&mut talk, "b1", "Ben", "Hi", 1);
    let not_question = Thread::accept_answer(&mut talk, Some("b1"), MOD);
    assert!(refusal(not_question).contains("only question threads"));
}

#[test]
fn two_people_accepting_different_answers_at_once_settle_on_one() {
    let mut a = thread(ThreadKind::Question);
    reply(&mut a, "b1", "Ben", "Disable IPv6", 1);
    reply(&mut a, "c1", "Chidi", "Update", 2);
    let mut b = other_device(&mut a, 2);
    Thread::accept_answer(&mut a, Some("b1"), ANA).expect("asker");
    Thread::accept_answer(&mut b, Some("c1"), MOD).expect("moderator");
    sync(&mut a, &mut b);
    let on_a = summary(&a).accepted;
    assert!(on_a.is_some());
    assert_eq!(
        on_a,
        summary(&b).accepted,
        "one answer, the same everywhere"
    );
}

#[test]
fn a_locked_thread_refuses_new_posts_and_edits_until_unlocked() {
    let mut d = thread(ThreadKind::Discussion);
    reply(&mut d, "b1", "Ben", "Hi", 1);
    assert!(refusal(Thread::set_locked(&mut d, true, BEN)).contains("only a moderator"));
    Thread::set_locked(&mut d, true, MOD).expect("lock");
    assert!(summary(&d).locked);
    let new = Thread::add_post(&mut d, "c1", "Chidi", "Late", None, 2);
    assert_eq!(
        refusal(new),
        "Thread: this thread is locked: it takes no new posts"
    );
    assert!(refusal(Thread::edit_post(&mut d, "b1", "Hello", BEN, 3)).contains("locked"));
    // Reactions are still welcome.
    Thread::toggle_reaction(&mut d, "b1", "👍", "Chidi").expect("react");
    Thread::set_locked(&mut d, false, MOD).expect("unlock");
    reply(&mut d, "c1", "Chidi", "Back open", 4);
    assert_eq!(summary(&d).replies(), 2);
}

#[test]
fn a_reply_written_offline_before_the_lock_arrived_is_kept() {
    let mut a = thread(ThreadKind::Discussion);
    let mut b = other_device(&mut a, 2);
    Thread::set_locked(&mut a, true, MOD).expect("lock");
    reply(&mut b, "b1", "Ben", "Written on the plane", 1);
    sync(&mut a, &mut b);
    assert!(summary(&a).locked);
    assert_eq!(ids(&a), ["p0", "b1"]);
}

#[test]
fn moderators_pin_announcements_only() {
    let mut news = thread(ThreadKind::Announcement);
    assert!(refusal(Thread::set_pinned(&mut news, true, ANA)).contains("only a moderator"));
    Thread::set_pinned(&mut news, true, MOD).expect("pin");
    assert!(summary(&news).pinned);
    Thread::set_pinned(&mut news, false, MOD).expect("unpin");
    assert!(!summary(&news).pinned);
    let mut talk = thread(ThreadKind::Discussion);
    let pin = Thread::set_pinned(&mut talk, true, MOD);
    assert_eq!(refusal(pin), "Pin: only announcements can be pinned");
}

#[test]
fn moderators_move_an_idea_through_its_statuses() {
    let mut idea = thread(ThreadKind::Idea);
    let by_member = Thread::set_idea_status(&mut idea, "planned", ANA);
    assert!(refusal(by_member).contains("only a moderator"));
    for status in ["under-review", "planned", "delivered"] {
        Thread::set_idea_status(&mut idea, status, MOD).expect(status);
        assert_eq!(summary(&idea).idea_status, status);
    }
    assert_eq!(summary(&idea).idea_status_label(), "Delivered");
    let unknown = Thread::set_idea_status(&mut idea, "shipped", MOD);
    assert!(refusal(unknown).contains("unknown status `shipped`"));
    let mut talk = thread(ThreadKind::Discussion);
    let not_idea = Thread::set_idea_status(&mut talk, "planned", MOD);
    assert!(refusal(not_idea).contains("only idea threads"));
}

#[test]
fn a_category_is_moderated_by_its_creator_and_whoever_they_add() {
    let mut d = doc(1);
    let empty = ForumCategory::create(&mut d, " ", "", ThreadKind::Idea, "Ana", 0);
    assert!(refusal(empty).contains("name"));
    ForumCategory::create(
        &mut d,
        "Product ideas",
        "What we should build",
        ThreadKind::Idea,
        "Ana Lima",
        0,
    )
    .expect("create");
    let c = ForumCategory::read(&d).expect("read");
    assert_eq!(c.name, "Product ideas");
    assert_eq!(c.kind, ThreadKind::Idea);
    assert!(c.is_moderator("ana lima"));
    assert!(!c.is_moderator("Ben"));
    let who = |name| Who {
        name,
        moderator: c.is_moderator(name),
    };
    let by_ben = ForumCategory::set_moderator(&mut d, "Ben", true, who("Ben"));
    assert!(refusal(by_ben).contains("only a moderator"));
    ForumCategory::set_moderator(&mut d, "Ben", true, who("Ana Lima")).expect("add");
    let c = ForumCategory::read(&d).expect("read");
    assert_eq!(c.moderators, ["Ana Lima", "Ben"]);
    ForumCategory::set_moderator(&mut d, "Ana Lima", false, MOD).expect("remove");
    assert_eq!(ForumCategory::read(&d).expect("read").moderators, ["Ben"]);
    // A category nobody moderates (made by another client) is open to all.
    assert!(Category::default().is_moderator("anyone"));
}

#[test]
fn unread_counts_skip_own_and_seen_posts_and_add_up_per_category() {
    let mut a = thread(ThreadKind::Discussion);
    reply(&mut a, "b1", "Ben", "One", 1);
    reply(&mut a, "c1", "Chidi", "Two", 2);
    let s = summary(&a);
    // Ana wrote p0: never unread to her.
    assert_eq!(s.unread(None, "ana lima").collect::<Vec<_>>(), ["b1", "c1"]);
    let seen: Seen = HashSet::from(["p0".to_owned(), "b1".to_owned()]);
    assert_eq!(s.unread(Some(&seen), "Ben").collect::<Vec<_>>(), ["c1"]);
    // A reply arriving later (written offline, stamped earlier) is unread.
    let mut b = other_device(&mut a, 2);
    reply(&mut b, "d1", "Dana", "From the plane", 0);
    sync(&mut a, &mut b);
    let s = summary(&a);
    assert_eq!(
        s.unread(Some(&seen), "Ben").collect::<Vec<_>>(),
        ["d1", "c1"]
    );

    let mut other = thread(ThreadKind::Discussion);
    Thread::create(
        &mut other,
        NewThread {
            title: "Elsewhere",
            category: "cat-2",
            kind: ThreadKind::Discussion,
            author: "Ben",
            post_id: "x0",
            body: "Mine",
        },
        0,
    )
    .expect("second thread");
    let read_all: Seen = s.posts.iter().map(|p| p.id.clone()).collect();
    let other_summary = summary(&other);
    let counts = unread_by_category([(&s, Some(&seen)), (&other_summary, None)], "Ben");
    assert_eq!(
        counts.get("cat-1"),
        Some(&CategoryUnread {
            threads: 1,
            posts: 2
        })
    );
    assert_eq!(counts.get("cat-2"), None, "Ben's own post is not unread");
    let none = unread_by_category([(&s, Some(&read_all))], "Ben");
    assert!(none.is_empty());
}

#[test]
fn mentions_name_people_with_at_ignoring_case_but_not_inside_words() {
    assert!(mentions("Thanks @ana lima, that fixed it", "Ana Lima"));
    assert!(mentions("@Ben: can you look?", "Ben"));
    assert!(mentions("cc @Zoë", "zoë"));
    assert!(!mentions("cc @Benedict", "Ben"));
    assert!(!mentions("mail ben@example.com", "example"));
    assert!(!mentions("Ben said hi", "Ben"));
    assert!(!mentions("@", ""));
    let mut d = thread(ThreadKind::Discussion);
    reply(&mut d, "b1", "Ben", "@Ana Lima see the logs", 1);
    reply(&mut d, "a1", "Ana Lima", "Note to self @Ana Lima", 2);
    assert_eq!(summary(&d).mentioning("Ana Lima"), ["b1"], "not her own");
    assert!(summary(&d).mentioning("Chidi").is_empty());
}

#[test]
fn search_finds_every_word_in_titles_or_posts_ignoring_case() {
    let mut d = thread(ThreadKind::Discussion);
    reply(
        &mut d,
        "b1",
        "Ben",
        "The fix is in ÉTÉ build 4.2.1, released Friday.",
        1,
    );
    let s = summary(&d);
    let title = s.search("vpn UPDATE").expect("title words");
    assert_eq!(title.post, None);
    let post = s.search("été friday").expect("post words");
    assert_eq!(post.post.as_deref(), Some("b1"));
    assert!(post.snippet.contains("ÉTÉ build"), "{}", post.snippet);
    assert!(
        s.search("vpn windows").is_none(),
        "every word must be there"
    );
    assert!(s.search("   ").is_none());
    assert_eq!(find_ignoring_case("Straße", "SSE"), None);
    assert_eq!(find_ignoring_case("ab ÉTÉ", "été"), Some(3));
}

#[test]
fn a_long_post_gives_a_short_snippet_around_the_match() {
    let mut d = thread(ThreadKind::Discussion);
    let long = format!("{} needle {}", "hay ".repeat(50), "straw ".repeat(50));
    reply(&mut d, "b1", "Ben", &long, 1);
    let hit = summary(&d).search("needle").expect("hit");
    assert!(hit.snippet.starts_with('…') && hit.snippet.ends_with('…'));
    assert!(hit.snippet.contains("hay needle straw"));
    assert!(hit.snippet.chars().count() < 140);
}

#[test]
fn markdown_never_lets_html_through_and_keeps_only_safe_links() {
    let blocks = parse(
        "<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com/a)",
        &[],
    );
    let Block::Paragraph(spans) = &blocks[0] else {
        panic!("a paragraph: {blocks:?}");
    };
    assert_eq!(
        spans[0],
        Span::Text("<script>alert(1)</script> [x](javascript:alert(1)) ".to_owned())
    );
    assert_eq!(
        spans[1],
        Span::Link {
            text: "ok".to_owned(),
            href: "https://example.com/a".to_owned()
        }
    );
    assert!(!markdown::safe_href("data:text/html,hi"));
    assert!(!markdown::safe_href("https://"));
    assert!(markdown::safe_href("mailto:ana@example.com"));
}

#[test]
fn markdown_reads_the_blocks_and_spans_people_write() {
    let people = vec!["Ana Lima".to_owned(), "Ben".to_owned()];
    let source = "## Steps\n\n1. Open **Settings**\n2. Turn off *IPv6*\n\n- `vpn --reset`\n- see https://docs.example.com/vpn.\n\n> quoted line\n> second\n\n```\nlet x = <b>;\n```\n---\nThanks @ana lima and @Benedict\\*\nnext line";
    let blocks = parse(source, &people);
    let text = |s: &str| Span::Text(s.to_owned());
    assert_eq!(blocks[0], Block::Heading(2, vec![text("Steps")]));
    assert_eq!(
        blocks[1],
        Block::List {
            ordered: true,
            items: vec![
                vec![text("Open "), Span::Strong("Settings".to_owned())],
                vec![text("Turn off "), Span::Emphasis("IPv6".to_owned())],
            ]
        }
    );
    assert_eq!(
        blocks[2],
        Block::List {
            ordered: false,
            items: vec![
                vec![Span::Code("vpn --reset".to_owned())],
                vec![
                    text("see "),
                    Span::Link {
                        text: "https://docs.example.com/vpn".to_owned(),
                        href: "https://docs.example.com/vpn".to_owned()
                    },
                    text(".")
                ],
            ]
        }
    );
    assert_eq!(
        blocks[3],
        Block::Quote(vec![text("quoted line"), Span::LineBreak, text("second")])
    );
    assert_eq!(blocks[4], Block::Code("let x = <b>;".to_owned()));
    assert_eq!(blocks[5], Block::Rule);
    assert_eq!(
        blocks[6],
        Block::Paragraph(vec![
            text("Thanks "),
            Span::Mention("ana lima".to_owned()),
            text(" and @Benedict*"),
            Span::LineBreak,
            text("next line"),
        ])
    );
    assert_eq!(blocks.len(), 7);
}

#[test]
fn markdown_leaves_unclosed_marks_and_snake_case_alone() {
    let blocks = parse("2 * 3 = 6, my_var_name and **open", &[]);
    assert_eq!(
        blocks,
        [Block::Paragraph(vec![Span::Text(
            "2 * 3 = 6, my_var_name and **open".to_owned()
        )])]
    );
    assert_eq!(
        plain("## Hi\n\n**Bold** [link](https://x.y) `code`\n\n- a\n- b"),
        "Hi Bold link code a b"
    );
}
