//! A systemic issue's roll-up, computed on the device from the escalations
//! that link to it.

use super::Summary;

/// What a systemic issue costs: the escalations linked to it, the customers
/// they come from, and their weight. `I` is however the caller names an
/// escalation (a document id in the app, a string in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollUp<I = String> {
    /// Linked escalation ids, open ones first, then by severity and age.
    pub escalations: Vec<I>,
    pub open: usize,
    /// Distinct customers, in name order.
    pub customers: Vec<String>,
    /// Linked escalations per severity, Sev 1 first.
    pub by_severity: [usize; 4],
    /// The sum of severity weights (Sev 1 counts 4 … Sev 4 counts 1) of the
    /// open escalations: one number to rank systemic issues by.
    pub total_severity: u32,
}

impl<I> Default for RollUp<I> {
    fn default() -> Self {
        RollUp {
            escalations: Vec::new(),
            open: 0,
            customers: Vec::new(),
            by_severity: [0; 4],
            total_severity: 0,
        }
    }
}

impl<I: Ord + Clone> RollUp<I> {
    /// The roll-up of issue `issue_id` over `(escalation id, summary)` pairs.
    pub fn compute<'a>(
        issue_id: &str,
        escalations: impl IntoIterator<Item = (I, &'a Summary)>,
    ) -> RollUp<I> {
        let mut linked: Vec<(I, &Summary)> = escalations
            .into_iter()
            .filter(|(_, s)| !issue_id.is_empty() && s.systemic == issue_id)
            .collect();
        crate::sort::sort_by_key(&mut linked, |(id, s)| {
            (
                !s.status.is_open(),
                s.severity.unwrap_or(5),
                s.created_at,
                id.clone(),
            )
        });
        let mut out = RollUp::default();
        for (id, s) in linked {
            out.escalations.push(id);
            if let Some(sev) = s.severity {
                out.by_severity[usize::from(sev - 1)] += 1;
            }
            if s.status.is_open() {
                out.open += 1;
                out.total_severity += s.severity.map_or(0, |sev| u32::from(5 - sev));
            }
            if !s.customer.is_empty() {
                out.customers.push(s.customer.clone());
            }
        }
        crate::sort::sort_by_key(&mut out.customers, |c| c.to_lowercase());
        out.customers
            .dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
        out
    }
}
