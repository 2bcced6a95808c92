//! The agreement record: a volume-licensing agreement on its way from
//! validation through signature and submission to processed, against the
//! customer's fiscal-close date.
//!
//! Layout of an agreement document's root (keys in [`schema`]):
//! - collaborative Text: `title`, `notes`;
//! - decisions (scalars, conflicts shown): customer, agreement type, value
//!   (money), fiscal-close date, agreement owner, one owner per stage, the
//!   stage, and the id of the linked account plan;
//! - `createdAt`, `stageChangedAt`: timestamps;
//! - `blockers`: a map of blocker id → `{ stage, text (Text), by, at,
//!   resolvedBy, resolvedAt }` — what stops a stage from moving on;
//! - `stageHistory`: a map of move id → `{ from, to, by, at, reason }`.
//!
//! Blockers and moves are items with stable ids, so two people adding them
//! at once both keep theirs. Two people moving the stage at once leave a
//! conflict on `stage` (both moves stay in the history) for a person to
//! settle with [`Agreement::settle_stage`].

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT};

use crate::fields::{read_money, read_string, read_time, write_scalar, write_text, write_time};
use crate::items::{self, Place};
use crate::spec::date_to_days;
use crate::{ModelError, Money};

pub mod schema;
mod stage;

pub use stage::Stage;

use schema::{BLOCKERS, HISTORY, blocker, step};

const DAY_MS: i64 = 86_400_000;
/// A fiscal close this many days away or nearer counts as "closing soon".
pub const CLOSE_SOON_DAYS: i64 = 30;
/// How long without a stage change makes an agreement stuck, unless the
/// person chose otherwise.
pub const STUCK_DAYS: i64 = 14;

/// Operations on an agreement document.
pub struct Agreement;

/// What lists, boards and the plan page need of an agreement, read in one
/// pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Summary {
    pub title: String,
    pub customer: String,
    /// A [`schema::TYPES`] value ("" when not set).
    pub agreement_type: String,
    pub value: Option<Money>,
    /// The fiscal-close date, as days since 1970-01-01.
    pub fiscal_close: Option<i64>,
    pub owner: String,
    pub stage: Stage,
    /// Who owns the current stage ("" when nobody was named).
    pub stage_owner: String,
    pub created_at: i64,
    pub stage_changed_at: i64,
    /// Unresolved blockers of the current stage.
    pub blocked_by: usize,
    pub plan: String,
}

impl Summary {
    /// Days from `today` (days since 1970-01-01, in the person's time zone)
    /// to the fiscal close: negative once it has passed; `None` without a
    /// date.
    pub fn days_to_close(&self, today: i64) -> Option<i64> {
        self.fiscal_close.map(|close| close - today)
    }

    /// Whole days since the stage last changed (since creation if it never
    /// did).
    pub fn days_in_stage(&self, now_ms: i64) -> i64 {
        (now_ms - self.stage_changed_at.max(self.created_at)).max(0) / DAY_MS
    }

    /// Not processed, and no stage change for `days` days or more.
    pub fn is_stuck(&self, now_ms: i64, days: i64) -> bool {
        self.stage != Stage::Processed && self.days_in_stage(now_ms) >= days.max(1)
    }
}

/// One thing blocking a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub id: String,
    pub obj: ObjId,
    pub stage: Stage,
    pub text: String,
    pub by: String,
    /// Milliseconds since the epoch, as the writer's device saw it.
    pub at: i64,
    pub resolved_by: String,
    pub resolved_at: Option<i64>,
}

/// One move of the stage, as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageMove {
    pub id: String,
    pub from: Option<Stage>,
    pub to: Stage,
    pub by: String,
    pub at: i64,
    /// Why it went back ("" for a move forward).
    pub reason: String,
}

impl Agreement {
    /// Lay out a new agreement in a fresh document, opened at `now_ms`.
    pub fn create(doc: &mut AutoCommit, title: &str, now_ms: i64) -> Result<(), ModelError> {
        use schema::*;
        for f in [TITLE, NOTES] {
            doc.put_object(ROOT, f.key, ObjType::Text)?;
        }
        write_text(doc, &ROOT, TITLE.key, title)?;
        write_scalar(doc, &ROOT, STAGE.key, Stage::Validation.value())?;
        write_time(doc, &ROOT, CREATED_AT, Some(now_ms))?;
        write_time(doc, &ROOT, STAGE_CHANGED_AT, Some(now_ms))?;
        for list in [BLOCKERS, HISTORY] {
            doc.put_object(ROOT, list, ObjType::Map)?;
        }
        Ok(())
    }

    /// Read what lists and boards need.
    pub fn summary(doc: &AutoCommit) -> Result<Summary, ModelError> {
        use schema::*;
        let get = |f: crate::spec::Field| read_string(doc, &ROOT, f.key);
        let stage = Self::stage(doc)?;
        let created_at = read_time(doc, &ROOT, CREATED_AT)?.unwrap_or(0);
        Ok(Summary {
            title: get(TITLE)?,
            customer: get(CUSTOMER)?.trim().to_owned(),
            agreement_type: get(TYPE)?,
            value: read_money(doc, &ROOT, VALUE.key)?,
            fiscal_close: date_to_days(&get(FISCAL_CLOSE)?),
            owner: get(OWNER)?.trim().to_owned(),
            stage_owner: get(stage.owner_field())?.trim().to_owned(),
            created_at,
            stage_changed_at: read_time(doc, &ROOT, STAGE_CHANGED_AT)?.unwrap_or(created_at),
            blocked_by: Self::open_blockers(doc, stage)?.len(),
            plan: get(PLAN)?,
            stage,
        })
    }

    /// The stage as shown (automerge's pick while two people's values
    /// conflict).
    fn stage(doc: &AutoCommit) -> Result<Stage, ModelError> {
        Ok(Stage::parse(&read_string(doc, &ROOT, schema::STAGE.key)?).unwrap_or_default())
    }

    /// Move the agreement to stage `to`, checking the move (see
    /// [`Stage::check`]); `reason` says why it goes back. The move is kept
    /// in the history with who made it (`by`) and when, under `move_id`.
    /// Setting the stage it already has changes nothing (over a conflict, it
    /// settles it). Returns whether the document changed.
    pub fn set_stage(
        doc: &mut AutoCommit,
        to: Stage,
        reason: Option<&str>,
        by: &str,
        move_id: &str,
        now_ms: i64,
    ) -> Result<bool, ModelError> {
        use schema::*;
        let from = Self::stage(doc)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let blockers = if to > from {
            Self::open_blockers(doc, from)?
        } else {
            Vec::new()
        };
        let mut missing = Vec::new();
        for f in [CUSTOMER, TYPE, VALUE] {
            if read_string(doc, &ROOT, f.key)?.trim().is_empty() {
                missing.push(f.label);
            }
        }
        to.check(from, reason.is_some(), &blockers, &missing)?;
        if to == from {
            return write_scalar(doc, &ROOT, STAGE.key, to.value());
        }
        write_scalar(doc, &ROOT, STAGE.key, to.value())?;
        write_time(doc, &ROOT, STAGE_CHANGED_AT, Some(now_ms))?;
        let list = items::ensure_list(doc, &ROOT, HISTORY)?;
        let obj = items::insert(doc, &list, move_id, Place::Last)?;
        write_scalar(doc, &obj, step::FROM, from.value())?;
        write_scalar(doc, &obj, step::TO, to.value())?;
        write_scalar(doc, &obj, step::BY, by.trim())?;
        write_time(doc, &obj, step::AT, Some(now_ms))?;
        write_scalar(doc, &obj, step::REASON, reason.unwrap_or_default())?;
        Ok(true)
    }

    /// Settle a stage two people set at once on `to`, one of the values they
    /// chose: no move is checked (both were valid where they were made) and
    /// both moves stay in the history.
    pub fn settle_stage(doc: &mut AutoCommit, to: Stage) -> Result<(), ModelError> {
        crate::fields::settle(doc, &ROOT, schema::STAGE.key, to.value())
    }

    /// The texts of the unresolved blockers of `stage`, oldest first.
    fn open_blockers(doc: &AutoCommit, stage: Stage) -> Result<Vec<String>, ModelError> {
        Ok(Self::blockers(doc)?
            .into_iter()
            .filter(|b| b.stage == stage && b.resolved_at.is_none())
            .map(|b| b.text)
            .collect())
    }

    /// Raise a blocker on `stage`, written by `by` at `now_ms`; returns its
    /// map (its text is collaborative from then on).
    pub fn add_blocker(
        doc: &mut AutoCommit,
        id: &str,
        stage: Stage,
        text: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<ObjId, ModelError> {
        if text.trim().is_empty() {
            return Err(ModelError::Invalid {
                field: "Blocker",
                reason: "say what blocks it".to_owned(),
            });
        }
        let list = items::ensure_list(doc, &ROOT, BLOCKERS)?;
        let obj = items::insert(doc, &list, id, Place::Last)?;
        write_scalar(doc, &obj, blocker::STAGE, stage.value())?;
        doc.put_object(&obj, blocker::TEXT.key, ObjType::Text)?;
        write_text(doc, &obj, blocker::TEXT.key, text.trim())?;
        write_scalar(doc, &obj, blocker::BY.key, by.trim())?;
        write_time(doc, &obj, blocker::AT, Some(now_ms))?;
        Ok(obj)
    }

    /// Mark blocker `id` resolved by `by` at `now_ms`, or open again.
    /// Returns whether that changed anything.
    pub fn resolve_blocker(
        doc: &mut AutoCommit,
        id: &str,
        resolved: bool,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, ModelError> {
        let obj = items::find_list(doc, &ROOT, BLOCKERS)?
            .map(|list| items::item(doc, &list, id))
            .transpose()?
            .flatten()
            .ok_or_else(|| ModelError::NoSuchItem(id.to_owned()))?;
        if read_time(doc, &obj, blocker::RESOLVED_AT)?.is_some() == resolved {
            return Ok(false);
        }
        let (at, by) = if resolved {
            (Some(now_ms), by.trim())
        } else {
            (None, "")
        };
        write_time(doc, &obj, blocker::RESOLVED_AT, at)?;
        write_scalar(doc, &obj, blocker::RESOLVED_BY.key, by)?;
        Ok(true)
    }

    /// Remove a blocker (no error if someone else already did).
    pub fn remove_blocker(doc: &mut AutoCommit, id: &str) -> Result<(), ModelError> {
        match items::find_list(doc, &ROOT, BLOCKERS)? {
            Some(list) => items::remove(doc, &list, id),
            None => Ok(()),
        }
    }

    /// Every blocker, oldest first (by the writer's time, then id, so every
    /// replica shows the same order).
    pub fn blockers(doc: &AutoCommit) -> Result<Vec<Blocker>, ModelError> {
        let mut out = Vec::new();
        for (id, obj) in Self::entries(doc, BLOCKERS)? {
            out.push(Blocker {
                stage: Stage::parse(&read_string(doc, &obj, blocker::STAGE)?).unwrap_or_default(),
                text: read_string(doc, &obj, blocker::TEXT.key)?,
                by: read_string(doc, &obj, blocker::BY.key)?,
                at: read_time(doc, &obj, blocker::AT)?.unwrap_or(0),
                resolved_by: read_string(doc, &obj, blocker::RESOLVED_BY.key)?,
                resolved_at: read_time(doc, &obj, blocker::RESOLVED_AT)?,
                id,
                obj,
            });
        }
        crate::sort::sort_by(&mut out, |a, b| {
            a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// The stage moves, oldest first (moves to a stage this version does
    /// not know are skipped).
    pub fn history(doc: &AutoCommit) -> Result<Vec<StageMove>, ModelError> {
        let mut out = Vec::new();
        for (id, obj) in Self::entries(doc, HISTORY)? {
            let Some(to) = Stage::parse(&read_string(doc, &obj, step::TO)?) else {
                continue;
            };
            out.push(StageMove {
                from: Stage::parse(&read_string(doc, &obj, step::FROM)?),
                to,
                by: read_string(doc, &obj, step::BY)?,
                at: read_time(doc, &obj, step::AT)?.unwrap_or(0),
                reason: read_string(doc, &obj, step::REASON)?,
                id,
            });
        }
        crate::sort::sort_by(&mut out, |a, b| {
            a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// The (id, map) items of list `key` (none when there is no list).
    fn entries(doc: &AutoCommit, key: &str) -> Result<Vec<(String, ObjId)>, ModelError> {
        Ok(match items::find_list(doc, &ROOT, key)? {
            Some(list) => items::items(doc, &list)?
                .into_iter()
                .map(|i| (i.id, i.obj))
                .collect(),
            None => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
