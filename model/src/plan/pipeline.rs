//! Pipeline totals against the plan's targets, computed from the document.

use automerge::{AutoCommit, ROOT};

use super::schema::{OPPORTUNITIES, STAGES, TARGETS};
use crate::fields::read_money;
use crate::{ModelError, Money, items};

/// Opportunity amounts summed per stage, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    pub currency: String,
    /// (stage value, total minor units, count), in stage order.
    pub by_stage: Vec<(&'static str, i64, usize)>,
    /// Won plus open (neither won nor lost).
    pub won: i64,
    pub open: i64,
    pub revenue_target: Option<Money>,
    pub consumption_target: Option<Money>,
    /// Opportunities in another currency, left out of the totals.
    pub other_currency: usize,
}

impl Pipeline {
    /// The pipeline in the revenue target's currency (or the first
    /// opportunity's, or USD).
    pub fn compute(doc: &AutoCommit) -> Result<Self, ModelError> {
        let revenue_target = read_money(doc, &ROOT, TARGETS[0].key)?;
        let consumption_target = read_money(doc, &ROOT, TARGETS[1].key)?;
        let mut rows = Vec::new();
        if let Some(list) = items::find_list(doc, &ROOT, OPPORTUNITIES.key)? {
            for item in items::items(doc, &list)? {
                let stage = crate::fields::read_string(doc, &item.obj, "stage")?;
                let amount = read_money(doc, &item.obj, "amount")?;
                rows.push((stage, amount));
            }
        }
        let currency = revenue_target
            .as_ref()
            .map(|m| m.currency.clone())
            .or_else(|| {
                rows.iter()
                    .find_map(|(_, a)| a.as_ref().map(|m| m.currency.clone()))
            })
            .unwrap_or_else(|| "USD".to_owned());
        let mut by_stage: Vec<(&'static str, i64, usize)> =
            STAGES.iter().map(|s| (s.value, 0, 0)).collect();
        let mut other_currency = 0;
        for (stage, amount) in rows {
            let minor = match amount {
                Some(m) if m.currency == currency => m.minor,
                Some(_) => {
                    other_currency += 1;
                    continue;
                }
                None => 0,
            };
            // An opportunity with no stage yet counts as the first stage.
            let stage = if stage.is_empty() {
                STAGES[0].value
            } else {
                &stage
            };
            if let Some(slot) = by_stage.iter_mut().find(|(s, _, _)| *s == stage) {
                slot.1 += minor;
                slot.2 += 1;
            }
        }
        let total = |f: &dyn Fn(&str) -> bool| -> i64 {
            by_stage
                .iter()
                .filter(|(s, _, _)| f(s))
                .map(|(_, m, _)| m)
                .sum()
        };
        Ok(Pipeline {
            won: total(&|s| s == "won"),
            open: total(&|s| s != "won" && s != "lost"),
            currency,
            by_stage,
            revenue_target,
            consumption_target,
            other_currency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::{Place, ensure_list, insert};
    use crate::spec::Field;

    fn add(doc: &mut AutoCommit, id: &str, stage: &str, amount: &str) {
        let list = ensure_list(doc, &ROOT, OPPORTUNITIES.key).expect("list");
        let obj = insert(doc, &list, id, Place::Last).expect("insert");
        let field = |k: &str| -> &Field {
            OPPORTUNITIES
                .fields
                .iter()
                .find(|f| f.key == k)
                .expect("field")
        };
        field("stage")
            .write(doc, &obj, stage, "USD")
            .expect("stage");
        field("amount")
            .write(doc, &obj, amount, "USD")
            .expect("amount");
    }

    #[test]
    fn totals_by_stage_against_the_target() {
        let mut doc = AutoCommit::new();
        TARGETS[0]
            .write(&mut doc, &ROOT, "1,000,000 USD", "USD")
            .expect("target");
        add(&mut doc, "a", "propose", "250,000");
        add(&mut doc, "b", "won", "400,000.50");
        add(&mut doc, "c", "lost", "90,000");
        add(&mut doc, "d", "propose", "50,000");
        add(&mut doc, "e", "qualify", "10 EUR");
        let p = Pipeline::compute(&doc).expect("pipeline");
        assert_eq!(p.currency, "USD");
        assert_eq!(p.won, 40_000_050);
        assert_eq!(p.open, 30_000_000);
        assert_eq!(p.other_currency, 1);
        let propose = p.by_stage.iter().find(|s| s.0 == "propose").expect("stage");
        assert_eq!((propose.1, propose.2), (30_000_000, 2));
        assert_eq!(p.revenue_target, Some(Money::new(100_000_000, "USD")));
    }

    #[test]
    fn an_empty_plan_has_an_empty_pipeline() {
        let p = Pipeline::compute(&AutoCommit::new()).expect("pipeline");
        assert_eq!((p.won, p.open, p.currency.as_str()), (0, 0, "USD"));
    }
}
