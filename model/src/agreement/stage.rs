//! The agreement's stages: validation → signature → submitted → processed.
//!
//! The rules a licensing desk works by:
//! - forward one stage at a time: nothing is submitted unsigned or
//!   processed unsubmitted;
//! - a stage with an unresolved blocker does not move on;
//! - an agreement moves on only with its customer, type and value filled in
//!   (validation is checking exactly that);
//! - back to any earlier stage (a customer declines to sign, the licensing
//!   desk rejects a submission), but only with a reason, kept in the history.

use super::schema::{STAGE_OWNERS, STAGES};
use crate::ModelError;
use crate::spec::Field;

/// Where an agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Stage {
    #[default]
    Validation,
    Signature,
    Submitted,
    Processed,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Validation,
        Stage::Signature,
        Stage::Submitted,
        Stage::Processed,
    ];

    /// The stored value.
    pub fn value(self) -> &'static str {
        STAGES[self as usize].value
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        STAGES[self as usize].label
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.value() == s)
    }

    /// The stage after this one (none after processed).
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self as usize + 1).copied()
    }

    /// The field naming who owns this stage.
    pub fn owner_field(self) -> Field {
        STAGE_OWNERS[self as usize]
    }

    /// The word for moving forward to this stage ("Send for signature").
    pub fn verb(self) -> &'static str {
        match self {
            Stage::Validation => "Back to validation",
            Stage::Signature => "Send for signature",
            Stage::Submitted => "Mark submitted",
            Stage::Processed => "Mark processed",
        }
    }

    /// Check a move to `self` from `from`. `reason`: whether a reason for a
    /// move back was given; `blockers`: the unresolved blockers of `from`;
    /// `missing`: the labels of the essentials not filled in yet.
    pub fn check(
        self,
        from: Stage,
        reason: bool,
        blockers: &[String],
        missing: &[&str],
    ) -> Result<(), ModelError> {
        let invalid = |reason: String| ModelError::Invalid {
            field: "Stage",
            reason,
        };
        if self == from {
            return Ok(());
        }
        if self < from {
            return if reason {
                Ok(())
            } else {
                Err(invalid(format!(
                    "say why it goes back to {}",
                    self.label().to_lowercase()
                )))
            };
        }
        match from.next() {
            Some(next) if next != self => {
                return Err(invalid(format!(
                    "an agreement cannot skip from {} to {}: it goes through {} first",
                    from.label(),
                    self.label(),
                    next.label()
                )));
            }
            _ => {}
        }
        if !blockers.is_empty() {
            let quoted: Vec<String> = blockers
                .iter()
                .take(3)
                .map(|b| format!("“{}”", b.trim()))
                .collect();
            let more = blockers.len().saturating_sub(3);
            let list = if more > 0 {
                format!("{} and {more} more", quoted.join(", "))
            } else {
                and_list(&quoted)
            };
            let them = if blockers.len() == 1 { "it" } else { "them" };
            return Err(invalid(format!(
                "{} is blocked by {list}: resolve {them} first",
                from.label()
            )));
        }
        if !missing.is_empty() {
            let gerund = match self {
                Stage::Signature => "sending it for signature",
                Stage::Submitted => "submitting it",
                _ => "marking it processed",
            };
            let names: Vec<String> = missing.iter().map(|m| m.to_lowercase()).collect();
            return Err(invalid(format!(
                "fill in the {} before {gerund}",
                and_list(&names)
            )));
        }
        Ok(())
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
