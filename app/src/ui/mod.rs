//! The app's frame: start-up, the header with the sync badge, and routes.

mod access;
mod app;
mod away;
mod collab_text;
mod error_line;
mod flow;
mod item_list;
mod link_select;
mod markup;
mod record;
mod route;
mod scalar_field;
mod shortcuts;
mod sync_badge;
mod update;
mod who_am_i;

pub use app::App;
pub use collab_text::{CollabText, Control};
pub use error_line::ErrorLine;
pub use flow::{When, effect, keyed_rows, memo};
pub use item_list::{ItemList, list_items, new_item_id};
pub use link_select::LinkSelect;
pub use markup::{Markup, MarkupView, doc_markup};
pub use record::{FieldGrid, RecordGate, RecordPage, Section, ShareLink, download_markdown};
pub use route::{Link, route_id, use_current, use_navigate};
pub use scalar_field::{Conflict, ScalarField, root_conflicts};
pub use shortcuts::{BoardToggle, EmptyState, ListHead, SearchBox, list_shortcuts};

use std::rc::Rc;

use leptos::prelude::*;

use crate::sync::Repo;

/// The repository, reachable from any view (a `Copy` handle, so reactive
/// closures can hold it).
#[derive(Clone, Copy)]
pub struct RepoHandle(StoredValue<Rc<Repo>, LocalStorage>);

impl RepoHandle {
    pub fn get(&self) -> Rc<Repo> {
        self.0.get_value()
    }
}

/// The repository of the running app.
pub fn use_repo() -> RepoHandle {
    expect_context::<RepoHandle>()
}
