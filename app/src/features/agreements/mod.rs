//! Agreements: for licensing managers who take volume-licensing agreements
//! from validation through signature and submission to processed before
//! the customer's fiscal close.

mod chips;
mod data;
mod list;
mod page;
mod stages;

pub use chips::PlanAgreements;
pub use data::provide_agreement_data;
pub use list::AgreementList;
pub use page::AgreementPage;
