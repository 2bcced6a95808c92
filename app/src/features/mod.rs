//! One folder per record kind.

pub mod plans;
