use super::*;
use crate::testing::{at, doc, other_device, set, sync};
use schema::*;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// A fresh escalation on device 1, opened at `now`.
fn opened(title: &str, now: i64) -> AutoCommit {
    let mut d = doc(1);
    Escalation::create(&mut d, title, now).expect("create");
    d
}

fn write_resolution(d: &mut AutoCommit, text: &str) {
    write_text(d, &ROOT, RESOLUTION.key, text).expect("resolution");
}

fn summary(d: &AutoCommit) -> Summary {
    Escalation::summary(d).expect("summary")
}

fn status(d: &AutoCommit) -> Status {
    summary(d).status
}

fn refusal(d: &mut AutoCommit, to: Status, hold: Option<&str>) -> String {
    Escalation::set_status(d, to, hold, 0)
        .expect_err("the move should be refused")
        .to_string()
}

/// An escalation that has reached `status` the ordinary way (resolution
/// written, hold reason given where needed).
fn in_status(status: Status) -> AutoCommit {
    let mut d = opened("Checkout down", at("2026-11-01T09:00"));
    write_resolution(&mut d, "Rolled back release 4.2");
    if status != Status::New {
        let hold = (status == Status::Awaiting).then_some("customer");
        Escalation::set_status(&mut d, status, hold, at("2026-11-02T09:00")).expect("reach status");
    }
    assert_eq!(self::status(&d), status);
    d
}

fn notes_of(d: &AutoCommit) -> Vec<(String, String, i64, String)> {
    Escalation::notes(d)
        .expect("notes")
        .into_iter()
        .map(|n| (n.id, n.author, n.at, n.text))
        .collect()
}

fn values(conflicts: &[crate::fields::Candidate]) -> Vec<String> {
    let mut v: Vec<String> = conflicts.iter().map(|c| c.value.clone()).collect();
    v.sort();
    v
}

#[test]
fn a_new_escalation_reads_back() {
    let mut d = doc(1);
    Escalation::create(&mut d, "Checkout down", 1_000).expect("create");
    let s = Escalation::summary(&d).expect("summary");
    assert_eq!(s.title, "Checkout down");
    assert_eq!(s.status, Status::New);
    assert_eq!(s.created_at, 1_000);
}

// ---------------------------------------------------------------------------
// The status flow

#[test]
fn every_move_the_status_control_offers_is_allowed() {
    for from in Status::ALL {
        for &to in from.moves() {
            let mut d = in_status(from);
            let hold = (to == Status::Awaiting).then_some("engineering");
            let changed = Escalation::set_status(&mut d, to, hold, at("2026-11-03T09:00"))
                .unwrap_or_else(|e| panic!("{from:?} -> {to:?} refused: {e}"));
            assert!(changed, "{from:?} -> {to:?} should change the document");
            assert_eq!(status(&d), to, "{from:?} -> {to:?}");
        }
    }
}

#[test]
fn moves_against_the_flow_are_refused_with_a_clear_reason() {
    for (from, to) in [
        (Status::Investigating, Status::New),
        (Status::Closed, Status::Resolved),
        (Status::Closed, Status::Awaiting),
    ] {
        let mut d = in_status(from);
        assert_eq!(
            refusal(&mut d, to, Some("customer")),
            format!(
                "Status: an escalation cannot go from {} to {}",
                from.label(),
                to.label()
            )
        );
        assert_eq!(status(&d), from, "a refused move changes nothing");
    }
    // And every other move not offered is refused the same way.
    for from in Status::ALL {
        for to in Status::ALL {
            if to == from || from.moves().contains(&to) {
                continue;
            }
            let mut d = in_status(from);
            assert!(
                refusal(&mut d, to, Some("customer")).contains("cannot go from"),
                "{from:?} -> {to:?}"
            );
        }
    }
}

#[test]
fn closing_a_new_escalation_needs_the_resolution_written_first() {
    let mut d = opened("Duplicate of ESC-12", at("2026-11-01T09:00"));
    assert_eq!(
        refusal(&mut d, Status::Closed, None),
        "Status: write the resolution before closing it"
    );
    assert!(refusal(&mut d, Status::Resolved, None).contains("resolution before resolving"));
    write_resolution(&mut d, "   ");
    assert!(
        refusal(&mut d, Status::Closed, None).contains("resolution"),
        "blank resolution text is no resolution"
    );
    assert_eq!(status(&d), Status::New);

    write_resolution(&mut d, "Duplicate: tracked in ESC-12");
    Escalation::set_status(&mut d, Status::Closed, None, at("2026-11-01T10:00")).expect("close");
    assert_eq!(status(&d), Status::Closed);
}

#[test]
fn putting_an_escalation_on_hold_needs_what_it_waits_on_and_keeps_it() {
    let mut d = in_status(Status::Investigating);
    for hold in [None, Some(""), Some("   ")] {
        assert!(
            refusal(&mut d, Status::Awaiting, hold).contains("say what it is waiting on"),
            "{hold:?}"
        );
    }
    assert!(
        refusal(&mut d, Status::Awaiting, Some("the moon")).contains("is not one of"),
        "the hold reason is one of the known reasons"
    );
    assert_eq!(status(&d), Status::Investigating);

    Escalation::set_status(&mut d, Status::Awaiting, Some("engineering"), 0).expect("hold");
    let s = summary(&d);
    assert_eq!(s.status, Status::Awaiting);
    assert_eq!(s.hold_reason, "engineering");

    // Changing what it waits on is a change, and is kept.
    assert!(
        Escalation::set_status(&mut d, Status::Awaiting, Some("Systemic fix"), 0).expect("re-hold")
    );
    assert_eq!(summary(&d).hold_reason, "systemic-fix");
    assert!(
        !Escalation::set_status(&mut d, Status::Awaiting, Some("systemic-fix"), 0)
            .expect("same again"),
        "the same status and reason again changes nothing"
    );
}

#[test]
fn leaving_hold_clears_what_it_waited_on() {
    for to in [Status::Investigating, Status::Resolved, Status::Closed] {
        let mut d = in_status(Status::Awaiting);
        assert_eq!(summary(&d).hold_reason, "customer");
        Escalation::set_status(&mut d, to, None, 0).expect("leave hold");
        assert_eq!(summary(&d).hold_reason, "", "{to:?}");
    }
    // A form that still sends the old reason does not keep it either.
    let mut d = in_status(Status::Awaiting);
    Escalation::set_status(&mut d, Status::Investigating, Some("customer"), 0).expect("resume");
    let s = summary(&d);
    assert_eq!(s.status, Status::Investigating);
    assert_eq!(
        s.hold_reason, "",
        "only an escalation on hold has a hold reason"
    );
}

#[test]
fn resolving_stamps_the_time_closing_keeps_it_and_reopening_clears_it() {
    let mut d = in_status(Status::Investigating);
    assert_eq!(summary(&d).resolved_at, None);

    let resolved = at("2026-11-05T16:30");
    Escalation::set_status(&mut d, Status::Resolved, None, resolved).expect("resolve");
    assert_eq!(summary(&d).resolved_at, Some(resolved));

    Escalation::set_status(&mut d, Status::Closed, None, at("2026-11-12T08:00")).expect("close");
    assert_eq!(
        summary(&d).resolved_at,
        Some(resolved),
        "closing keeps when it was resolved"
    );

    Escalation::set_status(&mut d, Status::Investigating, None, at("2026-11-13T08:00"))
        .expect("reopen");
    assert_eq!(summary(&d).resolved_at, None, "reopened from closed");

    let again = at("2026-11-14T11:00");
    Escalation::set_status(&mut d, Status::Resolved, None, again).expect("resolve again");
    assert_eq!(summary(&d).resolved_at, Some(again));
    Escalation::set_status(&mut d, Status::Investigating, None, at("2026-11-15T11:00"))
        .expect("reopen");
    assert_eq!(summary(&d).resolved_at, None, "reopened from resolved");

    // Closing straight from new stamps it too.
    let mut d = in_status(Status::New);
    let closed = at("2026-11-01T09:05");
    Escalation::set_status(&mut d, Status::Closed, None, closed).expect("close");
    assert_eq!(summary(&d).resolved_at, Some(closed));
}

#[test]
fn concurrent_status_changes_show_as_a_conflict_until_someone_settles_it() {
    let mut a = in_status(Status::Investigating);
    let mut b = other_device(&mut a, 2);
    write_resolution(&mut a, "Patched the gateway");
    Escalation::set_status(&mut a, Status::Resolved, None, at("2026-11-05T10:00")).expect("a");
    Escalation::set_status(&mut b, Status::Awaiting, Some("partner"), 0).expect("b");
    sync(&mut a, &mut b);

    for d in [&a, &b] {
        let conflict = STATUS.conflicts(d, &ROOT).expect("conflicts");
        assert_eq!(values(&conflict), ["awaiting", "resolved"]);
        assert_eq!(
            status(d).value(),
            conflict[0].value,
            "the first candidate is the one shown"
        );
    }
    assert_eq!(summary(&a), summary(&b), "both replicas show the same");

    Escalation::set_status(&mut a, Status::Resolved, None, at("2026-11-05T11:00"))
        .expect("settle on resolved");
    b.merge(&mut a).expect("merge back");
    for d in [&a, &b] {
        assert!(STATUS.conflicts(d, &ROOT).expect("conflicts").is_empty());
        assert_eq!(
            crate::fields::candidates(d, &ROOT, STATUS.key)
                .expect("candidates")
                .len(),
            1
        );
        let s = summary(d);
        assert_eq!(s.status, Status::Resolved);
        assert_eq!(s.hold_reason, "", "the settled status is not on hold");
        assert!(s.resolved_at.is_some());
    }
}

// ---------------------------------------------------------------------------
// The timeline of notes

#[test]
fn an_empty_note_is_refused() {
    let mut d = opened("Checkout down", 0);
    for text in ["", "   ", "\n\t"] {
        let err = Escalation::add_note(&mut d, "n1", "Ana", text, false, 0).expect_err("empty");
        assert_eq!(err.to_string(), "Note: write something first");
    }
    assert!(Escalation::notes(&d).expect("notes").is_empty());
}

#[test]
fn notes_written_offline_on_two_devices_both_survive_in_time_order() {
    let mut a = opened("Checkout down", at("2026-11-01T09:00"));
    Escalation::add_note(
        &mut a,
        "n-first",
        "Ana",
        "Opened from the call",
        true,
        at("2026-11-01T09:05"),
    )
    .expect("first");
    let mut b = other_device(&mut a, 2);
    // Ben writes later, but his id sorts first: time decides, not id.
    Escalation::add_note(
        &mut b,
        "a-ben",
        "Ben",
        "Logs attached",
        false,
        at("2026-11-01T11:00"),
    )
    .expect("ben");
    Escalation::add_note(
        &mut a,
        "z-ana",
        "Ana",
        "Called the customer",
        true,
        at("2026-11-01T10:00"),
    )
    .expect("ana");
    sync(&mut a, &mut b);

    let expected = vec![
        (
            "n-first".to_owned(),
            "Ana".to_owned(),
            at("2026-11-01T09:05"),
            "Opened from the call".to_owned(),
        ),
        (
            "z-ana".to_owned(),
            "Ana".to_owned(),
            at("2026-11-01T10:00"),
            "Called the customer".to_owned(),
        ),
        (
            "a-ben".to_owned(),
            "Ben".to_owned(),
            at("2026-11-01T11:00"),
            "Logs attached".to_owned(),
        ),
    ];
    assert_eq!(notes_of(&a), expected);
    assert_eq!(notes_of(&b), expected);
    assert_eq!(
        Escalation::notes(&a).expect("a"),
        Escalation::notes(&b).expect("b")
    );
}

#[test]
fn notes_written_at_the_same_moment_are_ordered_by_id_on_every_replica() {
    let mut a = opened("Checkout down", 0);
    let mut b = other_device(&mut a, 2);
    let t = at("2026-11-01T10:00");
    Escalation::add_note(&mut a, "note-b", "Ana", "From Ana", false, t).expect("a");
    Escalation::add_note(&mut b, "note-a", "Ben", "From Ben", false, t).expect("b");
    Escalation::add_note(&mut b, "note-c", "Ben", "Ben again", false, t).expect("b2");
    sync(&mut a, &mut b);
    let ids = |d: &AutoCommit| -> Vec<String> { notes_of(d).into_iter().map(|n| n.0).collect() };
    assert_eq!(ids(&a), ["note-a", "note-b", "note-c"]);
    assert_eq!(ids(&b), ids(&a));
}

#[test]
fn two_people_editing_one_note_merge_character_by_character() {
    let mut a = opened("Checkout down", 0);
    let note = Escalation::add_note(&mut a, "n1", "Ana", "Customer reports errors.", false, 1)
        .expect("note");
    let mut b = other_device(&mut a, 2);
    write_text(
        &mut a,
        &note,
        note::TEXT.key,
        "Customer reports errors at checkout.",
    )
    .expect("a");
    let note_b = Escalation::notes(&b).expect("notes")[0].obj.clone();
    write_text(
        &mut b,
        &note_b,
        note::TEXT.key,
        "Big customer reports errors.",
    )
    .expect("b");
    sync(&mut a, &mut b);
    for d in [&a, &b] {
        let notes = Escalation::notes(d).expect("notes");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].text, "Big customer reports errors at checkout.");
    }
}

#[test]
fn a_note_can_be_shared_with_the_customer_and_made_internal_again() {
    let mut d = opened("Checkout down", 0);
    let n = Escalation::add_note(&mut d, "n1", "Ana", "Fix rolling out", false, 1).expect("add");
    assert!(
        !Escalation::notes(&d).expect("notes")[0].shareable,
        "internal by choice"
    );
    assert!(Escalation::set_shareable(&mut d, &n, true).expect("share"));
    assert!(Escalation::notes(&d).expect("notes")[0].shareable);
    assert!(
        !Escalation::set_shareable(&mut d, &n, true).expect("again"),
        "sharing a shared note changes nothing"
    );
    assert!(Escalation::set_shareable(&mut d, &n, false).expect("unshare"));
    assert!(!Escalation::notes(&d).expect("notes")[0].shareable);
}

#[test]
fn removing_a_note_someone_already_removed_is_fine() {
    let mut a = opened("Checkout down", 0);
    Escalation::add_note(&mut a, "n1", "Ana", "Wrong escalation", false, 1).expect("n1");
    Escalation::add_note(&mut a, "n2", "Ana", "Keep me", false, 2).expect("n2");
    let mut b = other_device(&mut a, 2);
    Escalation::remove_note(&mut a, "n1").expect("a removes");
    Escalation::remove_note(&mut b, "n1").expect("b removes");
    sync(&mut a, &mut b);
    Escalation::remove_note(&mut a, "n1").expect("removing again is fine");
    Escalation::remove_note(&mut a, "never-existed").expect("unknown id is fine");
    for d in [&a, &b] {
        let ids: Vec<String> = notes_of(d).into_iter().map(|n| n.0).collect();
        assert_eq!(ids, ["n2"]);
    }
    // A document from another client with no notes list at all.
    let mut bare = doc(3);
    Escalation::remove_note(&mut bare, "n1").expect("no list is fine");
}

// ---------------------------------------------------------------------------
// The next-update timer and age

#[test]
fn the_next_update_timer_counts_down_then_goes_overdue() {
    let mut d = in_status(Status::Investigating);
    set(&mut d, NEXT_UPDATE, "2026-11-20T12:00");
    let due = at("2026-11-20T12:00");
    let s = summary(&d);
    assert_eq!(s.next_update_due, Some(due));

    assert_eq!(s.timer(due - 5 * HOUR), Some(Timer::Due(5 * HOUR)));
    assert_eq!(s.timer(due - DUE_SOON_MS), Some(Timer::Due(DUE_SOON_MS)));
    assert_eq!(
        s.timer(due - DUE_SOON_MS + 1),
        Some(Timer::DueSoon(DUE_SOON_MS - 1))
    );
    assert_eq!(
        s.timer(due - 30 * 60_000),
        Some(Timer::DueSoon(30 * 60_000))
    );
    assert_eq!(s.timer(due), Some(Timer::DueSoon(0)));
    assert_eq!(s.timer(due + 1), Some(Timer::Overdue(1)));
    assert_eq!(s.timer(due + 3 * DAY), Some(Timer::Overdue(3 * DAY)));
}

#[test]
fn resolved_or_undated_escalations_have_no_timer() {
    let now = at("2026-11-20T12:00");
    let mut d = in_status(Status::Awaiting);
    assert_eq!(summary(&d).timer(now), None, "no date promised yet");

    set(&mut d, NEXT_UPDATE, "2026-11-19T12:00");
    assert_eq!(
        summary(&d).timer(now),
        Some(Timer::Overdue(DAY)),
        "on hold still owes updates"
    );
    for to in [Status::Resolved, Status::Closed] {
        Escalation::set_status(&mut d, to, None, now).expect("resolve");
        assert_eq!(summary(&d).timer(now), None, "{to:?}");
    }
}

#[test]
fn age_stops_counting_at_resolution() {
    let created = at("2026-11-01T09:00");
    let open = Summary {
        created_at: created,
        status: Status::Investigating,
        ..Summary::default()
    };
    assert_eq!(open.age_days(created + DAY - 1), 0);
    assert_eq!(open.age_days(created + 10 * DAY), 10);
    assert_eq!(
        open.age_days(created - DAY),
        0,
        "a clock behind never goes negative"
    );

    let resolved = Summary {
        status: Status::Resolved,
        resolved_at: Some(created + 3 * DAY + HOUR),
        ..open.clone()
    };
    assert_eq!(resolved.age_days(created + 40 * DAY), 3);

    // Through the document: resolve, then time passes.
    let mut d = opened("Checkout down", created);
    write_resolution(&mut d, "Fixed");
    Escalation::set_status(&mut d, Status::Resolved, None, created + 2 * DAY).expect("resolve");
    assert_eq!(summary(&d).age_days(created + 100 * DAY), 2);
    Escalation::set_status(&mut d, Status::Investigating, None, created + 5 * DAY).expect("reopen");
    assert_eq!(
        summary(&d).age_days(created + 9 * DAY),
        9,
        "reopened: counting again"
    );
}

// ---------------------------------------------------------------------------
// Systemic issue roll-up

fn esc(
    systemic: &str,
    status: Status,
    severity: Option<u8>,
    created_at: i64,
    customer: &str,
) -> Summary {
    Summary {
        systemic: systemic.to_owned(),
        status,
        severity,
        created_at,
        customer: customer.to_owned(),
        ..Summary::default()
    }
}

#[test]
fn a_rollup_counts_only_linked_escalations_open_first_then_by_severity() {
    use Status::*;
    let all = [
        ("closed-sev1", esc("SYS-1", Closed, Some(1), 10, "Acme")),
        (
            "open-sev3",
            esc("SYS-1", Investigating, Some(3), 20, "Globex"),
        ),
        (
            "open-sev1-new",
            esc("SYS-1", Awaiting, Some(1), 200, "Initech"),
        ),
        ("open-sev1-old", esc("SYS-1", New, Some(1), 100, "Umbrella")),
        ("open-unrated", esc("SYS-1", New, None, 1, "Hooli")),
        ("resolved-sev2", esc("SYS-1", Resolved, Some(2), 5, "Acme")),
        ("other-issue", esc("SYS-2", New, Some(1), 1, "Acme")),
        ("unlinked", esc("", New, Some(1), 1, "Acme")),
    ];
    let r = RollUp::compute("SYS-1", all.iter().map(|(id, s)| (*id, s)));
    assert_eq!(
        r.escalations,
        [
            "open-sev1-old",
            "open-sev1-new",
            "open-sev3",
            "open-unrated",
            "closed-sev1",
            "resolved-sev2"
        ]
    );
    assert_eq!(r.open, 4);
    assert_eq!(r.by_severity, [3, 1, 1, 0]);

    let none = RollUp::compute("", all.iter().map(|(id, s)| (*id, s)));
    assert_eq!(none, RollUp::default(), "no issue id links nothing");
    let unknown = RollUp::compute("SYS-9", all.iter().map(|(id, s)| (*id, s)));
    assert!(unknown.escalations.is_empty());
}

#[test]
fn a_rollup_lists_each_customer_once_whatever_the_spelling_case() {
    use Status::*;
    let all = [
        ("e1", esc("SYS-1", New, Some(2), 1, "Acme")),
        ("e2", esc("SYS-1", New, Some(2), 2, "ACME")),
        ("e3", esc("SYS-1", Closed, Some(2), 3, "acme")),
        ("e4", esc("SYS-1", New, Some(2), 4, "Globex")),
        ("e5", esc("SYS-1", New, Some(2), 5, "Société Générale")),
        ("e6", esc("SYS-1", New, Some(2), 6, "SOCIÉTÉ GÉNÉRALE")),
        ("e7", esc("SYS-1", New, Some(2), 7, "")),
        ("e8", esc("SYS-2", New, Some(2), 8, "Initech")),
    ];
    let r = RollUp::compute("SYS-1", all.iter().map(|(id, s)| (*id, s)));
    let lower: Vec<String> = r.customers.iter().map(|c| c.to_lowercase()).collect();
    assert_eq!(
        lower,
        ["acme", "globex", "société générale"],
        "{:?}",
        r.customers
    );
}

#[test]
fn total_severity_weighs_open_escalations_only() {
    use Status::*;
    let all = [
        ("s1", esc("SYS-1", New, Some(1), 1, "A")),
        ("s2", esc("SYS-1", Investigating, Some(2), 1, "B")),
        ("s3", esc("SYS-1", Awaiting, Some(3), 1, "C")),
        ("s4", esc("SYS-1", New, Some(4), 1, "D")),
        ("unrated", esc("SYS-1", New, None, 1, "E")),
        ("closed", esc("SYS-1", Closed, Some(1), 1, "F")),
        ("resolved", esc("SYS-1", Resolved, Some(1), 1, "G")),
    ];
    let r = RollUp::compute("SYS-1", all.iter().map(|(id, s)| (*id, s)));
    assert_eq!(r.total_severity, 4 + 3 + 2 + 1);
    assert_eq!(r.open, 5);
    assert_eq!(
        r.by_severity,
        [3, 1, 1, 1],
        "by severity counts closed ones too"
    );
}

#[test]
fn two_people_linking_different_escalations_to_one_issue_both_count() {
    let mut e1_ana = opened("Checkout down", 1);
    let mut e1_ben = other_device(&mut e1_ana, 2);
    let mut e2_ana = opened("Payments slow", 2);
    let mut e2_ben = other_device(&mut e2_ana, 2);
    Escalation::link_systemic(&mut e1_ana, "SYS-1").expect("ana links e1");
    Escalation::link_systemic(&mut e2_ben, " SYS-1 ").expect("ben links e2");
    sync(&mut e1_ana, &mut e1_ben);
    sync(&mut e2_ana, &mut e2_ben);

    for (e1, e2) in [(&e1_ana, &e2_ana), (&e1_ben, &e2_ben)] {
        assert!(
            SYSTEMIC.conflicts(e1, &ROOT).expect("c").is_empty(),
            "no conflict"
        );
        let (s1, s2) = (summary(e1), summary(e2));
        let r = RollUp::compute("SYS-1", [("e1", &s1), ("e2", &s2)]);
        assert_eq!(r.escalations, ["e1", "e2"]);
        assert_eq!(r.open, 2);
    }
}

#[test]
fn one_escalation_linked_to_two_issues_at_once_is_a_conflict_and_counts_once() {
    let mut a = opened("Checkout down", 1);
    let mut b = other_device(&mut a, 2);
    Escalation::link_systemic(&mut a, "SYS-1").expect("a");
    Escalation::link_systemic(&mut b, "SYS-2").expect("b");
    sync(&mut a, &mut b);

    for d in [&a, &b] {
        let conflict = SYSTEMIC.conflicts(d, &ROOT).expect("conflicts");
        assert_eq!(values(&conflict), ["SYS-1", "SYS-2"]);
        let s = summary(d);
        assert_eq!(s.systemic, conflict[0].value, "counted where it reads");
        let counted: usize = ["SYS-1", "SYS-2"]
            .iter()
            .map(|issue| RollUp::compute(issue, [("e1", &s)]).escalations.len())
            .sum();
        assert_eq!(counted, 1, "counts toward exactly one issue");
    }
    assert_eq!(
        summary(&a).systemic,
        summary(&b).systemic,
        "the same one on both"
    );

    // Settling it moves it to the chosen issue everywhere.
    Escalation::link_systemic(&mut b, "SYS-1").expect("settle");
    a.merge(&mut b).expect("merge");
    assert!(SYSTEMIC.conflicts(&a, &ROOT).expect("c").is_empty());
    let s = summary(&a);
    assert_eq!(RollUp::compute("SYS-1", [("e1", &s)]).escalations, ["e1"]);
    assert!(
        RollUp::compute("SYS-2", [("e1", &s)])
            .escalations
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// Trends

fn opened_at(created: &str) -> Summary {
    Summary {
        created_at: at(created),
        ..Summary::default()
    }
}

fn resolved_at(created: &str, resolved: &str) -> Summary {
    Summary {
        status: Status::Resolved,
        resolved_at: Some(at(resolved)),
        ..opened_at(created)
    }
}

fn series(t: &Trends, d: Dimension) -> &[(String, Vec<u32>)] {
    &t.breakdowns
        .iter()
        .find(|b| b.dimension == d)
        .expect("every dimension is broken down")
        .series
}

#[test]
fn the_trend_window_ends_in_the_current_month() {
    let now = at("2026-11-15T12:00");
    let t = Trends::compute([], now, 3);
    assert_eq!(t.months, ["2026-09", "2026-10", "2026-11"]);
    assert_eq!(t.opened, [0, 0, 0]);
    assert_eq!(t.total, 0);
    assert_eq!(t.median_days_to_resolve, None);

    let t = Trends::compute([], at("2026-02-01T00:00"), 4);
    assert_eq!(
        t.months,
        ["2025-11", "2025-12", "2026-01", "2026-02"],
        "across new year"
    );
    let t = Trends::compute([], now, 0);
    assert_eq!(t.months, ["2026-11"], "at least one month");
    assert_eq!(Trends::compute([], now, 12).months.len(), 12);
}

#[test]
fn opened_and_resolved_are_counted_in_their_months() {
    let now = at("2026-11-15T12:00");
    let all = [
        opened_at("2026-09-01T00:00"),
        opened_at("2026-09-30T23:59"),
        opened_at("2026-10-10T10:00"),
        opened_at("2026-11-15T11:00"),
        opened_at("2026-08-31T23:59"), // before the window
        resolved_at("2026-08-20T00:00", "2026-09-02T00:00"),
        resolved_at("2026-10-01T00:00", "2026-11-03T00:00"),
        resolved_at("2026-06-01T00:00", "2026-07-01T00:00"), // all before
        Summary {
            status: Status::Closed,
            ..resolved_at("2026-11-01T00:00", "2026-11-02T00:00")
        },
    ];
    let t = Trends::compute(&all, now, 3);
    assert_eq!(t.opened, [2, 2, 2]);
    assert_eq!(t.resolved, [1, 0, 2]);
    assert_eq!(t.total, all.len(), "total counts every escalation given");
    assert_eq!(t.open, 5);
}

#[test]
fn breakdowns_name_missing_values_and_fold_the_long_tail_into_other() {
    let now = at("2026-11-15T12:00");
    let mut all = Vec::new();
    // Eight product areas (one of them "not set"): six by name, the rest as Other.
    for (area, n) in [
        ("Payments", 6),
        ("Search", 5),
        ("Checkout", 4),
        ("Identity", 3),
        ("Mobile", 2),
        ("", 2),
        ("Reports", 1),
        ("Billing", 1),
    ] {
        for i in 0..n {
            all.push(Summary {
                product_area: area.to_owned(),
                ..opened_at(if i % 2 == 0 {
                    "2026-11-01T00:00"
                } else {
                    "2026-10-01T00:00"
                })
            });
        }
    }
    all[0].region = "emea".to_owned();
    all[0].root_cause = "defect".to_owned();
    all[0].severity = Some(1);
    all[1].region = "mars".to_owned();
    // Opened before the window: in no breakdown.
    all.push(Summary {
        product_area: "Legacy".to_owned(),
        ..opened_at("2025-01-01T00:00")
    });

    let t = Trends::compute(&all, now, 2);
    let areas = series(&t, Dimension::ProductArea);
    let names: Vec<&str> = areas.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Payments", "Search", "Checkout", "Identity", "Mobile", "Not set", "Other"
        ]
    );
    assert_eq!(areas[0].1, [3, 3], "Payments: October, November");
    assert_eq!(areas[6].1, [0, 2], "Reports and Billing, both in November");
    let summed: u32 = areas.iter().flat_map(|(_, v)| v).sum();
    assert_eq!(summed, 24, "every escalation in the window counted once");

    let regions = series(&t, Dimension::Region);
    assert_eq!(regions[0], ("Not set".to_owned(), vec![9, 13]));
    assert!(regions.contains(&("EMEA".to_owned(), vec![0, 1])));
    assert!(
        regions.contains(&("mars".to_owned(), vec![1, 0])),
        "unknown values show as stored"
    );

    let causes = series(&t, Dimension::RootCause);
    assert!(causes.contains(&("Product defect".to_owned(), vec![0, 1])));
    assert!(causes.contains(&("Not set".to_owned(), vec![10, 13])));

    let severities = series(&t, Dimension::Severity);
    assert_eq!(
        severities,
        [
            ("No severity".to_owned(), vec![10, 13]),
            ("Sev 1 · critical".to_owned(), vec![0, 1]),
        ]
    );

    // Seven values fit: no "Other" for a single leftover.
    let seven: Vec<Summary> = ["A", "B", "C", "D", "E", "F", "G"]
        .iter()
        .map(|a| Summary {
            product_area: (*a).to_owned(),
            ..opened_at("2026-11-01T00:00")
        })
        .collect();
    let t = Trends::compute(&seven, now, 1);
    let names: Vec<&str> = series(&t, Dimension::ProductArea)
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["A", "B", "C", "D", "E", "F", "G"]);
}

#[test]
fn open_escalations_are_bucketed_by_age_and_overdue_ones_counted() {
    let now = at("2026-11-15T12:00");
    let open = |age_ms: i64, due: Option<i64>| Summary {
        created_at: now - age_ms,
        next_update_due: due,
        status: Status::Investigating,
        ..Summary::default()
    };
    let all = [
        open(HOUR, Some(now - 1)),      // under a day, overdue
        open(DAY, Some(now + HOUR)),    // 1–7, due soon
        open(7 * DAY, None),            // 1–7
        open(8 * DAY, Some(now - DAY)), // 8–30, overdue
        open(30 * DAY, None),           // 8–30
        open(31 * DAY, None),           // 31–90
        open(90 * DAY, None),           // 31–90
        open(91 * DAY, Some(now)),      // over 90, due now: not yet late
        open(400 * DAY, None),          // over 90
        Summary {
            status: Status::Resolved,
            resolved_at: Some(now),
            ..open(2 * DAY, Some(now - DAY)) // resolved: neither aged nor overdue
        },
    ];
    let t = Trends::compute(&all, now, 12);
    assert_eq!(t.ages, [1, 2, 2, 2, 2]);
    assert_eq!(t.open, 9);
    assert_eq!(t.overdue, 2);
    assert_eq!(AGE_BUCKETS[1].0, "1–7 days");
}

#[test]
fn the_median_time_to_resolve_covers_escalations_resolved_in_the_window() {
    let now = at("2026-11-15T12:00");
    let all = [
        resolved_at("2026-11-01T00:00", "2026-11-03T00:00"), // 2 days
        resolved_at("2026-10-01T00:00", "2026-10-06T12:00"), // 5 days
        resolved_at("2026-09-20T00:00", "2026-10-01T00:00"), // 11 days
        resolved_at("2025-01-01T00:00", "2025-05-01T00:00"), // outside
        opened_at("2026-11-01T00:00"),
    ];
    let t = Trends::compute(&all, now, 3);
    assert_eq!(t.median_days_to_resolve, Some(5));
    let t = Trends::compute(&all[3..], now, 3);
    assert_eq!(
        t.median_days_to_resolve, None,
        "nothing resolved in the window"
    );
}

#[test]
fn escalations_edited_on_two_devices_are_counted_as_merged() {
    let now = at("2026-11-15T12:00");
    let mut ana = Vec::new();
    for (i, title) in ["Checkout down", "Login loop", "Slow search"]
        .iter()
        .enumerate()
    {
        let mut d = opened(title, at("2026-11-02T09:00") + i as i64 * DAY);
        set(&mut d, SEVERITY, "3");
        set(&mut d, PRODUCT_AREA, "Web");
        set(&mut d, REGION, "emea");
        ana.push(d);
    }
    let mut ben: Vec<AutoCommit> = ana.iter_mut().map(|d| other_device(d, 2)).collect();
    // Offline: Ana raises the first to Sev 1; Ben moves it to Payments.
    set(&mut ana[0], SEVERITY, "1");
    set(&mut ben[0], PRODUCT_AREA, "Payments");
    // And Ben resolves the second.
    write_resolution(&mut ben[1], "Cleared the session cache");
    Escalation::set_status(&mut ben[1], Status::Resolved, None, at("2026-11-10T09:00"))
        .expect("resolve");
    for (a, b) in ana.iter_mut().zip(ben.iter_mut()) {
        sync(a, b);
    }

    let trends = |docs: &[AutoCommit]| {
        let summaries: Vec<Summary> = docs.iter().map(summary).collect();
        Trends::compute(&summaries, now, 3)
    };
    let t = trends(&ana);
    assert_eq!(t, trends(&ben), "both devices draw the same trends");
    assert_eq!(t.opened, [0, 0, 3]);
    assert_eq!(t.resolved, [0, 0, 1]);
    assert_eq!(t.open, 2);
    assert_eq!(
        series(&t, Dimension::Severity),
        [
            ("Sev 3 · moderate".to_owned(), vec![0, 0, 2]),
            ("Sev 1 · critical".to_owned(), vec![0, 0, 1]),
        ]
    );
    assert_eq!(
        series(&t, Dimension::ProductArea),
        [
            ("Web".to_owned(), vec![0, 0, 2]),
            ("Payments".to_owned(), vec![0, 0, 1]),
        ]
    );
    assert_eq!(
        series(&t, Dimension::Region),
        [("EMEA".to_owned(), vec![0, 0, 3])]
    );
}

// ---------------------------------------------------------------------------
// The customer-shareable timeline

#[test]
fn the_customer_timeline_shows_shared_notes_oldest_first_and_never_internal_ones() {
    let mut d = opened("Checkout down", at("2026-11-20T08:00"));
    set(&mut d, CUSTOMER, "Acme");
    set(&mut d, SEVERITY, "2");
    Escalation::add_note(
        &mut d,
        "n2",
        "Ben",
        "We are investigating the gateway.",
        true,
        at("2026-11-20T10:15"),
    )
    .expect("n2");
    Escalation::add_note(
        &mut d,
        "n3",
        "Ben",
        "Internal: suspect the DB failover",
        false,
        at("2026-11-20T11:00"),
    )
    .expect("n3");
    // Written later on a device, but it happened first.
    Escalation::add_note(
        &mut d,
        "n1",
        "Ana",
        "We received your report.",
        true,
        at("2026-11-20T09:05"),
    )
    .expect("n1");
    Escalation::add_note(
        &mut d,
        "n4",
        "",
        "Status page updated.",
        true,
        at("2026-11-20T12:00"),
    )
    .expect("n4");

    let md = customer_timeline(&d).expect("timeline");
    assert!(md.starts_with("# Checkout down\n"), "{md}");
    assert!(md.contains("**Customer:** Acme"), "{md}");
    assert!(md.contains("**Severity:** Sev 2 · high"), "{md}");
    assert!(
        !md.contains("suspect the DB"),
        "internal notes never appear:\n{md}"
    );
    let first = md
        .find("### 2026-11-20 09:05 UTC — Ana\n\nWe received your report.\n")
        .expect("Ana's note");
    let second = md
        .find("### 2026-11-20 10:15 UTC — Ben\n\nWe are investigating the gateway.\n")
        .expect("Ben's note");
    let third = md
        .find("### 2026-11-20 12:00 UTC — Fieldbook\n\nStatus page updated.\n")
        .expect("an unsigned note");
    assert!(first < second && second < third, "oldest first:\n{md}");

    let empty = customer_timeline(&opened("Quiet", 0)).expect("timeline");
    assert!(empty.contains("No updates shared yet."), "{empty}");
}

#[test]
fn the_resolution_appears_in_the_customer_timeline_only_once_resolved() {
    let mut d = opened("Checkout down", at("2026-11-20T08:00"));
    write_resolution(&mut d, "Rolled back release 4.2.");
    let md = customer_timeline(&d).expect("timeline");
    assert!(
        !md.contains("Rolled back"),
        "a draft resolution is not shown:\n{md}"
    );
    assert!(!md.contains("## Resolution"), "{md}");

    set(&mut d, ROOT_CAUSE_CATEGORY, "defect");
    Escalation::set_status(&mut d, Status::Resolved, None, at("2026-11-21T08:00"))
        .expect("resolve");
    let md = customer_timeline(&d).expect("timeline");
    assert!(md.contains("**Status:** Resolved"), "{md}");
    assert!(
        md.contains("## Resolution\n\nRolled back release 4.2.\n"),
        "{md}"
    );
    assert!(md.contains("**Root cause:** Product defect"), "{md}");

    Escalation::set_status(&mut d, Status::Investigating, None, at("2026-11-22T08:00"))
        .expect("reopen");
    let md = customer_timeline(&d).expect("timeline");
    assert!(
        !md.contains("## Resolution"),
        "reopened: no resolution yet:\n{md}"
    );
}

#[test]
fn settling_a_status_conflict_on_the_value_not_shown_is_allowed() {
    // A put it on hold, B resolved it at the same time; "Resolved" shows.
    // Picking "Awaiting" is a settlement, not a move from Resolved.
    let mut a = doc(1);
    Escalation::create(&mut a, "Sync stalls", 0).expect("create");
    Escalation::set_status(&mut a, Status::Investigating, None, 10).expect("investigate");
    let mut b = other_device(&mut a, 2);
    Escalation::set_status(&mut a, Status::Awaiting, Some("engineering"), 20).expect("hold");
    crate::fields::write_text(&mut b, &ROOT, schema::RESOLUTION.key, "Patched").expect("text");
    Escalation::set_status(&mut b, Status::Resolved, None, 30).expect("resolve");
    a.merge(&mut b).expect("merge");
    assert_eq!(
        schema::STATUS
            .conflicts(&a, &ROOT)
            .expect("conflicts")
            .len(),
        2
    );

    Escalation::settle_status(&mut a, Status::Awaiting, 40).expect("settle");
    let s = Escalation::summary(&a).expect("summary");
    assert_eq!(s.status, Status::Awaiting);
    assert_eq!(s.hold_reason, "engineering");
    assert_eq!(s.resolved_at, None);
    assert!(
        schema::STATUS
            .conflicts(&a, &ROOT)
            .expect("conflicts")
            .is_empty()
    );
    b.merge(&mut a).expect("merge back");
    assert_eq!(Escalation::summary(&b).expect("b"), s);
}
