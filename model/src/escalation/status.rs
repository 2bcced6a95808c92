//! The escalation's status flow:
//! new → investigating → awaiting (on hold) → resolved → closed, with reopen.

use crate::ModelError;

/// Where an escalation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Status {
    #[default]
    New,
    Investigating,
    /// On hold, waiting on the customer, engineering, a partner or a systemic fix.
    Awaiting,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Investigating,
        Status::Awaiting,
        Status::Resolved,
        Status::Closed,
    ];

    /// The stored value.
    pub fn value(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Investigating => "investigating",
            Status::Awaiting => "awaiting",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.value() == s)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Investigating => "Investigating",
            Status::Awaiting => "Awaiting",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    /// New, investigating or awaiting: someone still owes the customer work.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The statuses an escalation may move to from here, in the order a
    /// person would offer them. Reopening goes back to investigating; no
    /// status goes back to new.
    pub fn moves(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Investigating, Awaiting, Resolved, Closed],
            Investigating => &[Awaiting, Resolved, Closed],
            Awaiting => &[Investigating, Resolved, Closed],
            Resolved => &[Closed, Investigating],
            Closed => &[Investigating],
        }
    }

    /// The word for the move to `self` from `from` ("Reopen", "Resolve"…).
    pub fn verb(self, from: Status) -> &'static str {
        match self {
            Status::Investigating if !from.is_open() => "Reopen",
            Status::Investigating => "Start investigating",
            Status::Awaiting => "Put on hold",
            Status::Resolved => "Resolve",
            Status::Closed => "Close",
            Status::New => "New",
        }
    }

    /// Check a move to `self` from `from`: it must be one of
    /// [`Status::moves`], awaiting needs what it waits on, and resolving or
    /// closing needs the resolution written.
    pub fn check(
        self,
        from: Status,
        has_hold: bool,
        has_resolution: bool,
    ) -> Result<(), ModelError> {
        let invalid = |reason: String| ModelError::Invalid {
            field: "Status",
            reason,
        };
        if self == from && (self != Status::Awaiting || !has_hold) {
            return Ok(());
        }
        if self != from && !from.moves().contains(&self) {
            return Err(invalid(format!(
                "an escalation cannot go from {} to {}",
                from.label(),
                self.label()
            )));
        }
        match self {
            Status::Awaiting if !has_hold => Err(invalid(
                "say what it is waiting on: the customer, engineering, a partner or a systemic fix"
                    .to_owned(),
            )),
            Status::Resolved | Status::Closed if !has_resolution => Err(invalid(format!(
                "write the resolution before {} it",
                if self == Status::Resolved {
                    "resolving"
                } else {
                    "closing"
                }
            ))),
            _ => Ok(()),
        }
    }
}
