use super::*;
use crate::testing::{at, doc, other_device, set, sync};
use schema::*;

const DAY: i64 = DAY_MS;

fn summary(d: &AutoCommit) -> Summary {
    Agreement::summary(d).expect("summary")
}

fn stage(d: &AutoCommit) -> Stage {
    summary(d).stage
}

/// A fresh agreement on device 1, opened on 1 November, with nothing filled in.
fn blank() -> AutoCommit {
    let mut d = doc(1);
    Agreement::create(&mut d, "Contoso EA renewal FY27", at("2026-11-01T09:00")).expect("create");
    d
}

/// An agreement with its essentials filled in, at `stage` (reached the
/// ordinary way, one step at a time).
fn at_stage(to: Stage) -> AutoCommit {
    let mut d = blank();
    set(&mut d, CUSTOMER, "Contoso");
    set(&mut d, TYPE, "renewal");
    set(&mut d, VALUE, "1,250,000 USD");
    for s in Stage::ALL.into_iter().skip(1).take_while(|s| *s <= to) {
        move_to(&mut d, s, None).unwrap_or_else(|e| panic!("reach {s:?}: {e}"));
    }
    assert_eq!(stage(&d), to);
    d
}

/// A move by Ana on 2 November, with an id made from the stage.
fn move_to(d: &mut AutoCommit, to: Stage, reason: Option<&str>) -> Result<bool, ModelError> {
    let id = format!("m{}", Agreement::history(d).expect("history").len());
    Agreement::set_stage(d, to, reason, "Ana", &id, at("2026-11-02T09:00"))
}

fn refusal(d: &mut AutoCommit, to: Stage, reason: Option<&str>) -> String {
    let before = stage(d);
    let err = move_to(d, to, reason).expect_err("the move should be refused");
    assert_eq!(stage(d), before, "a refused move changes nothing");
    err.to_string()
}

fn moves(d: &AutoCommit) -> Vec<(Option<Stage>, Stage, String, String)> {
    Agreement::history(d)
        .expect("history")
        .into_iter()
        .map(|m| (m.from, m.to, m.by, m.reason))
        .collect()
}

fn block(d: &mut AutoCommit, id: &str, stage: Stage, text: &str) {
    Agreement::add_blocker(d, id, stage, text, "Ben", at("2026-11-02T10:00")).expect("add blocker");
}

fn resolve(d: &mut AutoCommit, id: &str, resolved: bool) -> bool {
    Agreement::resolve_blocker(d, id, resolved, "Ana", at("2026-11-03T10:00")).expect("resolve")
}

#[test]
fn a_new_agreement_starts_in_validation() {
    let d = blank();
    let s = summary(&d);
    assert_eq!(s.title, "Contoso EA renewal FY27");
    assert_eq!(s.stage, Stage::Validation);
    assert_eq!(s.created_at, at("2026-11-01T09:00"));
    assert_eq!(s.stage_changed_at, s.created_at);
    assert_eq!((s.value, s.fiscal_close, s.blocked_by), (None, None, 0));
    assert!(moves(&d).is_empty());
    assert!(Agreement::blockers(&d).expect("blockers").is_empty());
}

#[test]
fn the_fields_read_back_normalised() {
    let mut d = blank();
    set(&mut d, CUSTOMER, "  Contoso ");
    set(&mut d, TYPE, "Enterprise agreement");
    set(&mut d, VALUE, "1,250,000.50 eur");
    set(&mut d, FISCAL_CLOSE, "2027-6-30");
    set(&mut d, OWNER, "Ana");
    set(&mut d, PLAN, "PLAN-1");
    let s = summary(&d);
    assert_eq!(s.customer, "Contoso");
    assert_eq!(s.agreement_type, "enterprise");
    assert_eq!(s.value, Some(Money::new(125_000_050, "EUR")));
    assert_eq!(s.fiscal_close, date_to_days("2027-06-30"));
    assert_eq!((s.owner.as_str(), s.plan.as_str()), ("Ana", "PLAN-1"));
    assert_eq!(
        TYPE.normalise("lease", "USD").expect_err("bad").to_string(),
        "Agreement type: `lease` is not one of Enterprise agreement, Subscription, Renewal, Amendment, True-up, Other"
    );
}

// ---------------------------------------------------------------------------
// The stage flow

#[test]
fn an_agreement_moves_forward_one_stage_at_a_time_and_each_move_is_kept() {
    let mut d = at_stage(Stage::Validation);
    for to in [Stage::Signature, Stage::Submitted, Stage::Processed] {
        assert!(
            move_to(&mut d, to, None).expect("move"),
            "{to:?} changes it"
        );
        assert_eq!(stage(&d), to);
        assert_eq!(summary(&d).stage_changed_at, at("2026-11-02T09:00"));
    }
    assert_eq!(
        moves(&d),
        [
            (
                Some(Stage::Validation),
                Stage::Signature,
                "Ana".into(),
                "".into()
            ),
            (
                Some(Stage::Signature),
                Stage::Submitted,
                "Ana".into(),
                "".into()
            ),
            (
                Some(Stage::Submitted),
                Stage::Processed,
                "Ana".into(),
                "".into()
            ),
        ]
    );
    assert_eq!(Stage::Processed.next(), None, "processed is the last stage");
}

#[test]
fn skipping_a_stage_is_refused_and_says_which_comes_first() {
    let mut d = at_stage(Stage::Validation);
    assert_eq!(
        refusal(&mut d, Stage::Submitted, None),
        "Stage: an agreement cannot skip from Validation to Submitted: it goes through Signature first"
    );
    assert!(refusal(&mut d, Stage::Processed, None).contains("goes through Signature first"));
    let mut d = at_stage(Stage::Signature);
    assert!(refusal(&mut d, Stage::Processed, None).contains("goes through Submitted first"));
    assert_eq!(moves(&d).len(), 1, "refused moves are not in the history");
}

#[test]
fn an_agreement_moves_on_only_with_customer_type_and_value() {
    let mut d = blank();
    assert_eq!(
        refusal(&mut d, Stage::Signature, None),
        "Stage: fill in the customer, agreement type and value before sending it for signature"
    );
    set(&mut d, CUSTOMER, "Contoso");
    set(&mut d, VALUE, "   ");
    assert_eq!(
        refusal(&mut d, Stage::Signature, None),
        "Stage: fill in the agreement type and value before sending it for signature"
    );
    set(&mut d, TYPE, "subscription");
    set(&mut d, VALUE, "300,000");
    move_to(&mut d, Stage::Signature, None).expect("ready to sign");

    // Clearing the value later stops the next move too.
    set(&mut d, VALUE, "");
    assert_eq!(
        refusal(&mut d, Stage::Submitted, None),
        "Stage: fill in the value before submitting it"
    );
}

#[test]
fn an_unresolved_blocker_holds_its_stage_until_resolved() {
    let mut d = at_stage(Stage::Validation);
    block(
        &mut d,
        "b1",
        Stage::Validation,
        "Customer PO number missing ",
    );
    // A blocker on another stage does not hold this one.
    block(
        &mut d,
        "b2",
        Stage::Submitted,
        "Licensing desk queue closed for quarter end",
    );
    assert_eq!(summary(&d).blocked_by, 1);
    assert_eq!(
        refusal(&mut d, Stage::Signature, None),
        "Stage: Validation is blocked by “Customer PO number missing”: resolve it first"
    );
    assert!(resolve(&mut d, "b1", true));
    assert!(
        !resolve(&mut d, "b1", true),
        "resolving twice changes nothing"
    );
    assert_eq!(summary(&d).blocked_by, 0);
    move_to(&mut d, Stage::Signature, None).expect("unblocked");

    // The other stage's blocker holds it when it gets there.
    move_to(&mut d, Stage::Submitted, None).expect("submitted");
    assert_eq!(summary(&d).blocked_by, 1);
    assert!(
        refusal(&mut d, Stage::Processed, None).contains("Submitted is blocked by “Licensing desk")
    );
    // Going back is never blocked.
    move_to(&mut d, Stage::Signature, Some("Signature page missing")).expect("back");
}

#[test]
fn several_blockers_are_named_and_counted() {
    let mut d = at_stage(Stage::Signature);
    for (i, text) in [
        "Signer on leave",
        "Wrong legal entity",
        "Price sheet outdated",
        "Missing SKU",
    ]
    .into_iter()
    .enumerate()
    {
        block(&mut d, &format!("b{i}"), Stage::Signature, text);
    }
    assert_eq!(
        refusal(&mut d, Stage::Submitted, None),
        "Stage: Signature is blocked by “Signer on leave”, “Wrong legal entity”, “Price sheet outdated” and 1 more: resolve them first"
    );
    for id in ["b0", "b1"] {
        resolve(&mut d, id, true);
    }
    assert_eq!(
        refusal(&mut d, Stage::Submitted, None),
        "Stage: Signature is blocked by “Price sheet outdated” and “Missing SKU”: resolve them first"
    );
    // Reopening a resolved blocker holds the stage again.
    assert!(resolve(&mut d, "b0", false));
    assert_eq!(summary(&d).blocked_by, 3);
    Agreement::remove_blocker(&mut d, "b0").expect("remove");
    Agreement::remove_blocker(&mut d, "b0").expect("removing twice is fine");
    for id in ["b2", "b3"] {
        resolve(&mut d, id, true);
    }
    move_to(&mut d, Stage::Submitted, None).expect("all resolved");
}

#[test]
fn going_back_needs_a_reason_which_the_history_keeps() {
    let mut d = at_stage(Stage::Submitted);
    for reason in [None, Some(""), Some("   ")] {
        assert_eq!(
            refusal(&mut d, Stage::Signature, reason),
            "Stage: say why it goes back to signature"
        );
    }
    move_to(
        &mut d,
        Stage::Validation,
        Some(" Licensing desk rejected: wrong enrolment "),
    )
    .expect("back two");
    assert_eq!(stage(&d), Stage::Validation);
    let last = moves(&d).pop().expect("a move");
    assert_eq!(
        last,
        (
            Some(Stage::Submitted),
            Stage::Validation,
            "Ana".into(),
            "Licensing desk rejected: wrong enrolment".into()
        )
    );
    // A processed agreement can be reopened too, with a reason.
    let mut d = at_stage(Stage::Processed);
    assert!(refusal(&mut d, Stage::Submitted, None).contains("say why"));
    move_to(
        &mut d,
        Stage::Submitted,
        Some("Processing error at the desk"),
    )
    .expect("reopen");
}

#[test]
fn setting_the_stage_it_has_changes_nothing() {
    let mut d = at_stage(Stage::Signature);
    let before = moves(&d).len();
    assert!(!move_to(&mut d, Stage::Signature, None).expect("same"));
    assert_eq!(moves(&d).len(), before);
}

#[test]
fn every_stage_has_its_own_owner_and_the_summary_names_the_current_one() {
    let mut d = at_stage(Stage::Validation);
    for (s, who) in Stage::ALL.into_iter().zip(["Ana", "Ben", "Chloé", "Dev"]) {
        set(&mut d, s.owner_field(), who);
    }
    assert_eq!(summary(&d).stage_owner, "Ana");
    move_to(&mut d, Stage::Signature, None).expect("sign");
    assert_eq!(summary(&d).stage_owner, "Ben");
    assert_eq!(Stage::Submitted.owner_field().label, "Submission owner");
}

// ---------------------------------------------------------------------------
// Countdown and stuck

#[test]
fn days_to_close_counts_down_and_goes_negative_once_passed() {
    let mut d = blank();
    let today = date_to_days("2026-11-22").expect("day");
    assert_eq!(
        summary(&d).days_to_close(today),
        None,
        "no date, no countdown"
    );
    set(&mut d, FISCAL_CLOSE, "2026-12-31");
    assert_eq!(summary(&d).days_to_close(today), Some(39));
    set(&mut d, FISCAL_CLOSE, "2026-11-22");
    assert_eq!(summary(&d).days_to_close(today), Some(0));
    set(&mut d, FISCAL_CLOSE, "2026-11-19");
    assert_eq!(summary(&d).days_to_close(today), Some(-3));
}

#[test]
fn an_agreement_is_stuck_after_n_days_without_a_stage_change() {
    let mut d = at_stage(Stage::Validation);
    let s = summary(&d);
    // Created 1 November 09:00 and never moved.
    assert_eq!(s.days_in_stage(at("2026-11-08T08:59")), 6);
    assert!(!s.is_stuck(at("2026-11-08T08:59"), 7));
    assert!(s.is_stuck(at("2026-11-08T09:00"), 7));
    assert!(
        !s.is_stuck(at("2026-11-08T09:00"), 14),
        "N is the person's choice"
    );
    assert!(
        s.is_stuck(at("2026-11-02T09:00"), 0),
        "fewer than one day counts as one"
    );
    assert_eq!(
        s.days_in_stage(at("2026-10-01T00:00")),
        0,
        "a clock behind counts zero"
    );

    // A stage change restarts the count.
    move_to(&mut d, Stage::Signature, None).expect("sign");
    let s = summary(&d);
    assert!(!s.is_stuck(at("2026-11-08T09:00"), 7));
    assert!(s.is_stuck(at("2026-11-09T09:00"), 7));

    // A processed agreement is done, never stuck.
    let d = at_stage(Stage::Processed);
    assert!(!summary(&d).is_stuck(at("2027-11-01T09:00"), 7));
}

// ---------------------------------------------------------------------------
// Two people at once

#[test]
fn concurrent_stage_moves_show_a_conflict_until_someone_settles_it() {
    let mut a = at_stage(Stage::Signature);
    let mut b = other_device(&mut a, 2);
    move_to(&mut a, Stage::Submitted, None).expect("a submits");
    Agreement::set_stage(
        &mut b,
        Stage::Validation,
        Some("Customer wants new terms"),
        "Ben",
        "mb",
        at("2026-11-02T09:30"),
    )
    .expect("b sends it back");
    sync(&mut a, &mut b);

    for d in [&a, &b] {
        let mut values: Vec<String> = STAGE
            .conflicts(d, &ROOT)
            .expect("conflicts")
            .into_iter()
            .map(|c| c.value)
            .collect();
        values.sort();
        assert_eq!(values, ["submitted", "validation"]);
        // Both moves are in the history, in the same order on both sides.
        let tail: Vec<Stage> = moves(d).iter().skip(1).map(|m| m.1).collect();
        assert_eq!(tail, [Stage::Submitted, Stage::Validation]);
    }
    assert_eq!(stage(&a), stage(&b), "both show the same stage meanwhile");

    // Settling on the value not shown is a settlement, not a checked move.
    let hidden = if stage(&a) == Stage::Submitted {
        Stage::Validation
    } else {
        Stage::Submitted
    };
    Agreement::settle_stage(&mut b, hidden).expect("settle");
    sync(&mut a, &mut b);
    for d in [&a, &b] {
        assert!(STAGE.conflicts(d, &ROOT).expect("c").is_empty());
        assert_eq!(stage(d), hidden);
    }
}

#[test]
fn blockers_raised_at_once_on_two_devices_both_survive_in_time_order() {
    let mut a = at_stage(Stage::Validation);
    let mut b = other_device(&mut a, 2);
    Agreement::add_blocker(
        &mut a,
        "from-a",
        Stage::Validation,
        "Credit check pending",
        "Ana",
        at("2026-11-02T10:05"),
    )
    .expect("a");
    Agreement::add_blocker(
        &mut b,
        "from-b",
        Stage::Validation,
        "Tax exemption form missing",
        "Ben",
        at("2026-11-02T10:01"),
    )
    .expect("b");
    sync(&mut a, &mut b);
    let seen = |d: &AutoCommit| -> Vec<(String, String, String)> {
        Agreement::blockers(d)
            .expect("blockers")
            .into_iter()
            .map(|b| (b.id, b.by, b.text))
            .collect()
    };
    assert_eq!(seen(&a), seen(&b));
    assert_eq!(
        seen(&a),
        [
            (
                "from-b".into(),
                "Ben".into(),
                "Tax exemption form missing".into()
            ),
            ("from-a".into(), "Ana".into(), "Credit check pending".into()),
        ]
    );
    assert_eq!(summary(&a).blocked_by, 2);

    // One resolves a blocker while the other edits its words: both land.
    let obj = Agreement::blockers(&b).expect("blockers")[0].obj.clone();
    write_text(
        &mut b,
        &obj,
        blocker::TEXT.key,
        "Tax exemption form missing (requested 2 Nov)",
    )
    .expect("edit");
    resolve(&mut a, "from-b", true);
    sync(&mut a, &mut b);
    let resolved = Agreement::blockers(&b).expect("blockers").remove(0);
    assert_eq!(
        resolved.text,
        "Tax exemption form missing (requested 2 Nov)"
    );
    assert_eq!(resolved.resolved_by, "Ana");
    assert_eq!(resolved.resolved_at, Some(at("2026-11-03T10:00")));
    assert_eq!(summary(&b).blocked_by, 1);
}

#[test]
fn an_empty_blocker_or_an_unknown_one_is_refused() {
    let mut d = blank();
    let err =
        Agreement::add_blocker(&mut d, "x", Stage::Validation, "  ", "Ana", 0).expect_err("empty");
    assert_eq!(err.to_string(), "Blocker: say what blocks it");
    let err = Agreement::resolve_blocker(&mut d, "nope", true, "Ana", 0).expect_err("unknown");
    assert!(matches!(err, ModelError::NoSuchItem(_)), "{err}");
}

#[test]
fn an_agreement_survives_a_save_and_load() {
    let mut d = at_stage(Stage::Submitted);
    block(&mut d, "b1", Stage::Submitted, "Awaiting desk confirmation");
    let bytes = d.save();
    let loaded = AutoCommit::load(&bytes).expect("load");
    assert_eq!(summary(&loaded), summary(&d));
    assert_eq!(moves(&loaded), moves(&d));
    let later = summary(&loaded);
    assert_eq!(later.days_in_stage(at("2026-11-02T09:00") + 3 * DAY), 3);
}
