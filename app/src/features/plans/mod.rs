//! Account plans: the list of plans and the plan page with every section.

mod export;
mod history;
mod list;
mod page;
mod pipeline;
mod stakeholders;

pub use list::PlanList;
pub use page::PlanPage;
