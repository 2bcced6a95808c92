//! One folder per record kind, and what they all read of the records
//! (`records`).

pub mod agreements;
pub mod escalations;
pub mod plans;
pub mod records;
