//! Fieldbook's browser client.

pub mod store;
