//! One folder per record kind.

pub mod escalations;
pub mod forums;
pub mod plans;
