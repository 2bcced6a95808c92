//! The agreement's fields, as data (see [`crate::spec`]). Keys are the
//! document's keys; labels are what people read.

use crate::spec::{Choice, Field, c, choice, date, line, money, text};

/// Kinds of volume-licensing agreement.
pub const TYPES: &[Choice] = &[
    c("enterprise", "Enterprise agreement"),
    c("subscription", "Subscription"),
    c("renewal", "Renewal"),
    c("amendment", "Amendment"),
    c("true-up", "True-up"),
    c("other", "Other"),
];
pub const STAGES: &[Choice] = &[
    c("validation", "Validation"),
    c("signature", "Signature"),
    c("submitted", "Submitted"),
    c("processed", "Processed"),
];

pub const TITLE: Field = text("title", "Title");
pub const CUSTOMER: Field = line("customer", "Customer");
pub const TYPE: Field = choice("type", "Agreement type", TYPES);
pub const VALUE: Field = money("value", "Value");
pub const FISCAL_CLOSE: Field = date("fiscalClose", "Fiscal close");
/// Who owns the agreement as a whole (the licensing manager).
pub const OWNER: Field = line("owner", "Agreement owner");
pub const STAGE: Field = choice("stage", "Stage", STAGES);
pub const NOTES: Field = text("notes", "Notes");
/// The linked account plan's document id.
pub const PLAN: Field = line("plan", "Account plan");

/// Who owns each stage, in [`super::Stage::ALL`]'s order.
pub const STAGE_OWNERS: &[Field] = &[
    line("validationOwner", "Validation owner"),
    line("signatureOwner", "Signature owner"),
    line("submittedOwner", "Submission owner"),
    line("processedOwner", "Processing owner"),
];

/// The fields a person sets in the agreement's grid (the stage has its own
/// control, which checks the moves).
pub const DETAILS: &[Field] = &[CUSTOMER, TYPE, VALUE, FISCAL_CLOSE, OWNER];

/// Keys of a blocker: what stops a stage from moving on.
pub mod blocker {
    use crate::spec::{Field, line, text};

    pub const TEXT: Field = text("text", "Blocked by");
    /// The stage it blocks (a [`super::STAGES`] value).
    pub const STAGE: &str = "stage";
    pub const BY: Field = line("by", "Raised by");
    pub const RESOLVED_BY: Field = line("resolvedBy", "Resolved by");
    /// When it was raised and resolved: timestamps, milliseconds.
    pub const AT: &str = "at";
    pub const RESOLVED_AT: &str = "resolvedAt";
}

/// Keys of one stage move in the history.
pub mod step {
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const BY: &str = "by";
    pub const AT: &str = "at";
    pub const REASON: &str = "reason";
}

/// The blockers list and the stage history under the root.
pub const BLOCKERS: &str = "blockers";
pub const HISTORY: &str = "stageHistory";
/// When the agreement was opened and last changed stage (timestamps, ms).
pub const CREATED_AT: &str = "createdAt";
pub const STAGE_CHANGED_AT: &str = "stageChangedAt";
