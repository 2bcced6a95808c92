//! The account plan record: the document technical account managers live in.
//!
//! Layout of the document root:
//! - collaborative Text ([`PlanField`]): `title`, `vision`, `priorities`,
//!   `itObjectives`, `remediation`, `roi`;
//! - single-valued decisions ([`schema::root_fields`]): customer, owner,
//!   status, period, targets, service health, review cadence;
//! - lists of items with stable ids ([`schema::LISTS`]): team, stakeholders,
//!   installed base, opportunities, SWOT, objectives (each with actions),
//!   linked escalations, risks, metrics.
//!
//! A plan made by another automerge client may hold a field as a plain string
//! or not at all; reading treats both as text, and the first edit turns the
//! field into collaborative Text.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, Value};

use crate::{ModelError, fields};

mod markdown;
mod pipeline;
pub mod schema;

pub use markdown::to_markdown;
pub use pipeline::Pipeline;

/// A collaborative text field of an account plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanField {
    Title,
    Vision,
    Priorities,
    ItObjectives,
    Remediation,
    Roi,
}

impl PlanField {
    pub const ALL: [PlanField; 6] = [
        PlanField::Title,
        PlanField::Vision,
        PlanField::Priorities,
        PlanField::ItObjectives,
        PlanField::Remediation,
        PlanField::Roi,
    ];

    /// The key under the document root.
    pub fn key(self) -> &'static str {
        match self {
            PlanField::Title => "title",
            PlanField::Vision => "vision",
            PlanField::Priorities => "priorities",
            PlanField::ItObjectives => "itObjectives",
            PlanField::Remediation => "remediation",
            PlanField::Roi => "roi",
        }
    }

    /// The field's text ("" when absent).
    pub fn read(self, doc: &AutoCommit) -> Result<String, ModelError> {
        AccountPlan::text(doc, self)
    }

    /// Make the field say `value` (one minimal splice).
    pub fn write(self, doc: &mut AutoCommit, value: &str) -> Result<bool, ModelError> {
        AccountPlan::set_text(doc, self, value)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            PlanField::Title => "Plan title",
            PlanField::Vision => "Customer vision",
            PlanField::Priorities => "Business priorities",
            PlanField::ItObjectives => "IT objectives",
            PlanField::Remediation => "Proactive remediation",
            PlanField::Roi => "ROI",
        }
    }
}

/// A read of an account plan at the document's current heads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountPlan {
    pub title: String,
    pub vision: String,
}

impl AccountPlan {
    /// Lay out a new, empty plan in a fresh document.
    pub fn create(doc: &mut AutoCommit, title: &str) -> Result<(), ModelError> {
        for field in PlanField::ALL {
            doc.put_object(ROOT, field.key(), ObjType::Text)?;
        }
        Self::set_text(doc, PlanField::Title, title)?;
        Ok(())
    }

    /// Read every field.
    pub fn read(doc: &AutoCommit) -> Result<Self, ModelError> {
        Ok(Self {
            title: Self::text(doc, PlanField::Title)?,
            vision: Self::text(doc, PlanField::Vision)?,
        })
    }

    /// The current value of one text field ("" when the field is absent).
    pub fn text(doc: &AutoCommit, field: PlanField) -> Result<String, ModelError> {
        match doc.get(ROOT, field.key())? {
            None => Ok(String::new()),
            Some((Value::Object(ObjType::Text), id)) => Ok(doc.text(&id)?),
            Some((Value::Scalar(s), _)) if s.is_str() => {
                Ok(s.as_str().unwrap_or_default().to_owned())
            }
            Some((other, _)) => Err(ModelError::WrongType {
                field: field.key(),
                expected: "text",
                found: crate::error::kind_of(&other),
            }),
        }
    }

    /// The Text object behind a field, if the field is collaborative text.
    pub fn text_obj(doc: &AutoCommit, field: PlanField) -> Result<Option<ObjId>, ModelError> {
        fields::text_obj(doc, &ROOT, field.key())
    }

    /// Make a field say `value`, as the smallest splice of the current text.
    /// Returns whether anything changed.
    pub fn set_text(
        doc: &mut AutoCommit,
        field: PlanField,
        value: &str,
    ) -> Result<bool, ModelError> {
        // Refuse a field of the wrong type rather than replace it.
        Self::text(doc, field)?;
        fields::write_text(doc, &ROOT, field.key(), value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{doc, other_device};

    #[test]
    fn a_new_plan_reads_back() {
        let mut d = doc(1);
        AccountPlan::create(&mut d, "Contoso FY27").expect("create");
        AccountPlan::set_text(&mut d, PlanField::Vision, "Cloud first").expect("edit");
        let plan = AccountPlan::read(&d).expect("read");
        assert_eq!(plan.title, "Contoso FY27");
        assert_eq!(plan.vision, "Cloud first");
    }

    #[test]
    fn setting_the_same_text_changes_nothing() {
        let mut d = doc(1);
        AccountPlan::create(&mut d, "A").expect("create");
        let before = d.get_heads();
        assert!(!AccountPlan::set_text(&mut d, PlanField::Title, "A").expect("edit"));
        assert_eq!(d.get_heads(), before);
    }

    #[test]
    fn concurrent_typing_in_one_field_merges_character_by_character() {
        let mut a = doc(1);
        AccountPlan::create(&mut a, "Plan").expect("create");
        AccountPlan::set_text(&mut a, PlanField::Vision, "We grow.").expect("edit");
        let mut b = other_device(&mut a, 2);
        AccountPlan::set_text(&mut a, PlanField::Vision, "We grow fast.").expect("edit a");
        AccountPlan::set_text(&mut b, PlanField::Vision, "Together we grow.").expect("edit b");
        a.merge(&mut b).expect("merge a<-b");
        b.merge(&mut a).expect("merge b<-a");
        let va = AccountPlan::text(&a, PlanField::Vision).expect("read a");
        assert_eq!(va, "Together we grow fast.");
        assert_eq!(
            va,
            AccountPlan::text(&b, PlanField::Vision).expect("read b")
        );
    }

    #[test]
    fn a_plain_string_field_from_another_client_becomes_text_on_edit() {
        let mut d = doc(1);
        d.put(ROOT, "title", "From JS").expect("put");
        assert_eq!(
            AccountPlan::text(&d, PlanField::Title).expect("read"),
            "From JS"
        );
        AccountPlan::set_text(&mut d, PlanField::Title, "From JS, edited").expect("edit");
        assert!(
            AccountPlan::text_obj(&d, PlanField::Title)
                .expect("obj")
                .is_some()
        );
        assert_eq!(
            AccountPlan::text(&d, PlanField::Title).expect("read"),
            "From JS, edited"
        );
        assert_eq!(
            AccountPlan::text(&d, PlanField::Vision).expect("absent"),
            ""
        );
    }

    #[test]
    fn a_field_of_the_wrong_type_is_a_clear_error() {
        let mut d = doc(1);
        d.put(ROOT, "vision", 42_i64).expect("put");
        let err = AccountPlan::read(&d).expect_err("wrong type");
        assert_eq!(
            err.to_string(),
            "field `vision` should be text, found a number"
        );
        d.put_object(ROOT, "vision", ObjType::List).expect("put");
        let err = AccountPlan::text(&d, PlanField::Vision).expect_err("nor is a list");
        assert_eq!(
            err.to_string(),
            "field `vision` should be text, found a list"
        );
    }
}
