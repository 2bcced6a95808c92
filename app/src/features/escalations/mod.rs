//! Escalations, systemic issues and trends: for escalation managers who own
//! customer escalations, hold other groups to account and find the
//! problems behind many of them.

mod chips;
mod data;
mod list;
mod page;
mod systemic;
mod timeline;
mod trends;

pub use chips::PlanEscalations;
pub use data::provide_escalation_data;
pub use list::EscalationList;
pub use page::EscalationPage;
pub use systemic::{SystemicList, SystemicPage};
pub use trends::TrendsPage;
