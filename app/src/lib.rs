//! Fieldbook's browser client: a Leptos app over automerge documents kept in
//! IndexedDB and synced with the relay.
//!
//! - [`store`]: IndexedDB storage of document chunks.
//! - `sync`: the repository of documents, the relay connection, sync status.
//! - `ui`: the frame (header, badge, routes) and shared components.
//! - `features`: one folder per record kind.
//! - `presence`: who else is on a record, where, and following a presenter.

mod features;
mod presence;
mod sign_in;
pub mod store;
pub mod sync;
mod ui;
mod util;
mod workspace;

/// Mount the app on the page's `<body>`.
pub fn start() {
    // Before the router runs: a sign-in link's token leaves the address bar.
    sign_in::capture();
    leptos::mount::mount_to_body(ui::App);
}
