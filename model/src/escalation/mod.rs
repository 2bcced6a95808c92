//! The escalation record: a customer escalation with its status flow, its
//! next-update timer and a timeline of notes; and the systemic issue that
//! many escalations link to.
//!
//! Layout of an escalation document's root (keys in [`schema`]):
//! - collaborative Text: `title`, `impact`, `rootCause`, `resolution`;
//! - decisions (scalars, conflicts shown): customer, source, product area,
//!   region, severity, status, hold reason, owner, accountable group, next
//!   update due, root-cause category, and the ids of the linked account plan
//!   and systemic issue;
//! - `createdAt`, `resolvedAt`: timestamps;
//! - `notes`: a map of note id → `{ author, at, text (Text), visibility }`.
//!
//! Links point from the escalation to the systemic issue, never back: two
//! people linking escalations to one issue at once touch two documents and
//! cannot conflict. The issue's roll-up is computed from the escalations on
//! the device ([`RollUp`]).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT};

use crate::ModelError;
use crate::fields::{read_string, read_time, write_scalar, write_text, write_time};
use crate::items;
use crate::spec::{choice_label, parse_datetime};

mod markdown;
mod rollup;
pub mod schema;
mod status;
mod trends;

pub use markdown::customer_timeline;
pub use rollup::RollUp;
pub use status::Status;
pub use trends::{AGE_BUCKETS, Breakdown, Dimension, Trends};

use schema::{NOTES, note};

/// How long before the next update is due an escalation counts as "due soon".
pub const DUE_SOON_MS: i64 = 2 * 3_600_000;

/// Operations on an escalation document.
pub struct Escalation;

/// One note of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: String,
    pub obj: ObjId,
    pub author: String,
    /// Milliseconds since the epoch, as the writer's device saw it.
    pub at: i64,
    pub text: String,
    /// True when the customer may see it; otherwise internal.
    pub shareable: bool,
}

/// What lists, boards, roll-ups and trends need of an escalation, read in
/// one pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Summary {
    pub title: String,
    pub customer: String,
    pub source: String,
    pub product_area: String,
    pub region: String,
    /// 1 (critical) to 4 (low); `None` when not set yet.
    pub severity: Option<u8>,
    pub status: Status,
    pub hold_reason: String,
    pub owner: String,
    pub group: String,
    pub next_update_due: Option<i64>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub root_cause: String,
    pub plan: String,
    pub systemic: String,
}

/// Where an open escalation stands against its next promised update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// Due in this many milliseconds (more than [`DUE_SOON_MS`]).
    Due(i64),
    /// Due within [`DUE_SOON_MS`].
    DueSoon(i64),
    /// Late by this many milliseconds.
    Overdue(i64),
}

impl Summary {
    /// The next-update timer at `now` (none once resolved, or with no date).
    pub fn timer(&self, now_ms: i64) -> Option<Timer> {
        if !self.status.is_open() {
            return None;
        }
        let left = self.next_update_due? - now_ms;
        Some(match left {
            ..0 => Timer::Overdue(-left),
            0..DUE_SOON_MS => Timer::DueSoon(left),
            _ => Timer::Due(left),
        })
    }

    /// Days since it was opened (until it was resolved, if it was).
    pub fn age_days(&self, now_ms: i64) -> i64 {
        let end = self.resolved_at.filter(|_| !self.status.is_open());
        (end.unwrap_or(now_ms) - self.created_at).max(0) / 86_400_000
    }

    /// The severity's label ("Sev 2 · high"), or "No severity".
    pub fn severity_label(&self) -> String {
        severity_label(self.severity)
    }
}

/// A severity's label ("Sev 2 · high"), or "No severity".
pub fn severity_label(severity: Option<u8>) -> String {
    severity.map_or_else(
        || "No severity".to_owned(),
        |s| choice_label(schema::SEVERITIES, &s.to_string()),
    )
}

impl Escalation {
    /// Lay out a new escalation in a fresh document, opened at `now_ms`.
    pub fn create(doc: &mut AutoCommit, title: &str, now_ms: i64) -> Result<(), ModelError> {
        use schema::*;
        for f in [TITLE, IMPACT, ROOT_CAUSE, RESOLUTION] {
            doc.put_object(ROOT, f.key, ObjType::Text)?;
        }
        write_text(doc, &ROOT, TITLE.key, title)?;
        write_scalar(doc, &ROOT, STATUS.key, Status::New.value())?;
        write_time(doc, &ROOT, CREATED_AT, Some(now_ms))?;
        doc.put_object(ROOT, NOTES, ObjType::Map)?;
        Ok(())
    }

    /// Read what lists and charts need.
    pub fn summary(doc: &AutoCommit) -> Result<Summary, ModelError> {
        use schema::*;
        let get = |f: crate::spec::Field| read_string(doc, &ROOT, f.key);
        Ok(Summary {
            title: get(TITLE)?,
            customer: get(CUSTOMER)?.trim().to_owned(),
            source: get(SOURCE)?,
            product_area: get(PRODUCT_AREA)?.trim().to_owned(),
            region: get(REGION)?,
            severity: get(SEVERITY)?.parse().ok().filter(|s| (1..=4).contains(s)),
            status: Status::parse(&get(STATUS)?).unwrap_or_default(),
            hold_reason: get(HOLD_REASON)?,
            owner: get(OWNER)?.trim().to_owned(),
            group: get(GROUP)?.trim().to_owned(),
            next_update_due: parse_datetime(&get(NEXT_UPDATE)?),
            created_at: read_time(doc, &ROOT, CREATED_AT)?.unwrap_or(0),
            resolved_at: read_time(doc, &ROOT, RESOLVED_AT)?,
            root_cause: get(ROOT_CAUSE_CATEGORY)?,
            plan: get(PLAN)?,
            systemic: get(SYSTEMIC)?,
        })
    }

    /// Move the escalation to `to`, checking the move (see [`Status::check`]).
    /// `hold` is what it waits on, required for [`Status::Awaiting`] (and
    /// ignored for any other status: leaving hold clears it). Moving
    /// to resolved or closed stamps the resolution time; reopening clears
    /// it. Setting the status it already has (and no conflict) changes
    /// nothing; setting it over a conflict settles the conflict. Returns
    /// whether the status or what it waits on changed.
    pub fn set_status(
        doc: &mut AutoCommit,
        to: Status,
        hold: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, ModelError> {
        use schema::*;
        let from = Status::parse(&read_string(doc, &ROOT, STATUS.key)?).unwrap_or_default();
        let resolution = read_string(doc, &ROOT, RESOLUTION.key)?;
        let hold = hold.map(str::trim).filter(|h| !h.is_empty());
        to.check(from, hold.is_some(), !resolution.trim().is_empty())?;
        let hold_changed = match hold {
            Some(hold) if to == Status::Awaiting => HOLD_REASON.write(doc, &ROOT, hold, "")?,
            _ => false,
        };
        let cleared = Self::follow_status(doc, to, from.is_open(), now_ms)?;
        let status_changed = write_scalar(doc, &ROOT, STATUS.key, to.value())?;
        Ok(status_changed || hold_changed || cleared)
    }

    /// Settle a status two people set at once on `to`, one of the values
    /// they chose: no move is checked (both were valid moves where they were
    /// made), but the resolution time is kept consistent with the result.
    pub fn settle_status(doc: &mut AutoCommit, to: Status, now_ms: i64) -> Result<(), ModelError> {
        Self::follow_status(doc, to, false, now_ms)?;
        crate::fields::settle(doc, &ROOT, schema::STATUS.key, to.value())
    }

    /// What follows from status `to`: only an escalation on hold has a hold
    /// reason, and only a resolved or closed one a resolution time (stamped
    /// now if it has none, or anew when `restamp`). Returns whether the hold
    /// reason was cleared.
    fn follow_status(
        doc: &mut AutoCommit,
        to: Status,
        restamp: bool,
        now_ms: i64,
    ) -> Result<bool, ModelError> {
        use schema::*;
        if to.is_open() {
            write_time(doc, &ROOT, RESOLVED_AT, None)?;
        } else if restamp || read_time(doc, &ROOT, RESOLVED_AT)?.is_none() {
            write_time(doc, &ROOT, RESOLVED_AT, Some(now_ms))?;
        }
        if to == Status::Awaiting {
            Ok(false)
        } else {
            write_scalar(doc, &ROOT, HOLD_REASON.key, "")
        }
    }

    /// Add a note to the timeline, written by `author` at `now_ms`; returns
    /// the note's map (its text is collaborative from then on).
    pub fn add_note(
        doc: &mut AutoCommit,
        id: &str,
        author: &str,
        text: &str,
        shareable: bool,
        now_ms: i64,
    ) -> Result<ObjId, ModelError> {
        if text.trim().is_empty() {
            return Err(ModelError::Invalid {
                field: "Note",
                reason: "write something first".to_owned(),
            });
        }
        let list = items::ensure_list(doc, &ROOT, NOTES)?;
        let obj = items::insert(doc, &list, id, items::Place::Last)?;
        write_scalar(doc, &obj, note::AUTHOR.key, author.trim())?;
        write_time(doc, &obj, note::AT, Some(now_ms))?;
        doc.put_object(&obj, note::TEXT.key, ObjType::Text)?;
        write_text(doc, &obj, note::TEXT.key, text)?;
        Self::set_shareable(doc, &obj, shareable)?;
        Ok(obj)
    }

    /// Make a note customer-shareable or internal.
    pub fn set_shareable(
        doc: &mut AutoCommit,
        note_obj: &ObjId,
        shareable: bool,
    ) -> Result<bool, ModelError> {
        let value = if shareable { "customer" } else { "internal" };
        write_scalar(doc, note_obj, note::VISIBILITY.key, value)
    }

    /// Remove a note (no error if someone else already did).
    pub fn remove_note(doc: &mut AutoCommit, id: &str) -> Result<(), ModelError> {
        match items::find_list(doc, &ROOT, NOTES)? {
            Some(list) => items::remove(doc, &list, id),
            None => Ok(()),
        }
    }

    /// The timeline, oldest first (by the writer's time, then id, so every
    /// replica shows the same order).
    pub fn notes(doc: &AutoCommit) -> Result<Vec<Note>, ModelError> {
        let Some(list) = items::find_list(doc, &ROOT, NOTES)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for item in items::items(doc, &list)? {
            let obj = item.obj;
            out.push(Note {
                author: read_string(doc, &obj, note::AUTHOR.key)?,
                at: read_time(doc, &obj, note::AT)?.unwrap_or(0),
                text: read_string(doc, &obj, note::TEXT.key)?,
                shareable: read_string(doc, &obj, note::VISIBILITY.key)? == "customer",
                id: item.id,
                obj,
            });
        }
        crate::sort::sort_by(&mut out, |a, b| {
            a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Link the escalation to a systemic issue (`""` unlinks).
    pub fn link_systemic(doc: &mut AutoCommit, issue_id: &str) -> Result<bool, ModelError> {
        write_scalar(doc, &ROOT, schema::SYSTEMIC.key, issue_id.trim())
    }

    /// Link the escalation to an account plan (`""` unlinks).
    pub fn link_plan(doc: &mut AutoCommit, plan_id: &str) -> Result<bool, ModelError> {
        write_scalar(doc, &ROOT, schema::PLAN.key, plan_id.trim())
    }
}

/// Operations on a systemic issue document.
pub struct SystemicIssue;

impl SystemicIssue {
    /// Lay out a new systemic issue in a fresh document.
    pub fn create(doc: &mut AutoCommit, title: &str, now_ms: i64) -> Result<(), ModelError> {
        use schema::*;
        for f in [SYSTEMIC_TITLE, SYSTEMIC_DESCRIPTION] {
            doc.put_object(ROOT, f.key, ObjType::Text)?;
        }
        write_text(doc, &ROOT, SYSTEMIC_TITLE.key, title)?;
        write_scalar(doc, &ROOT, SYSTEMIC_STATUS.key, "open")?;
        write_time(doc, &ROOT, CREATED_AT, Some(now_ms))?;
        Ok(())
    }

    /// The issue's title ("" when absent).
    pub fn title(doc: &AutoCommit) -> Result<String, ModelError> {
        read_string(doc, &ROOT, schema::SYSTEMIC_TITLE.key)
    }
}

#[cfg(test)]
mod tests;
