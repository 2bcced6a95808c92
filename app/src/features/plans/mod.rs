//! Account plans: the list of plans and the plan page.

mod list;
mod page;

pub use list::PlanList;
pub use page::PlanPage;
