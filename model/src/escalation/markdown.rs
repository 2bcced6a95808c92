//! The customer-shareable timeline as Markdown: what an escalation manager
//! pastes into a customer update. Internal notes never appear in it.

use std::fmt::Write;

use automerge::{AutoCommit, ROOT};

use super::{Escalation, schema};
use crate::ModelError;
use crate::fields::read_string;
use crate::spec::{choice_label, format_utc};

/// Markdown of the escalation's header and its customer-shareable notes,
/// oldest first.
pub fn customer_timeline(doc: &AutoCommit) -> Result<String, ModelError> {
    let s = Escalation::summary(doc)?;
    let mut md = String::new();
    let title = s.title.trim();
    // Writing to a String cannot fail.
    let _ = writeln!(
        md,
        "# {}\n",
        if title.is_empty() {
            "Escalation"
        } else {
            title
        }
    );
    let mut facts = Vec::new();
    if !s.customer.is_empty() {
        facts.push(format!("**Customer:** {}", s.customer));
    }
    if s.severity.is_some() {
        facts.push(format!("**Severity:** {}", s.severity_label()));
    }
    facts.push(format!("**Status:** {}", s.status.label()));
    if !s.owner.is_empty() {
        facts.push(format!("**Owner:** {}", s.owner));
    }
    if let Some(due) = s.next_update_due.filter(|_| s.status.is_open()) {
        facts.push(format!("**Next update:** {}", format_utc(due)));
    }
    let _ = writeln!(md, "{}\n", facts.join(" · "));
    let impact = read_string(doc, &ROOT, schema::IMPACT.key)?;
    if !impact.trim().is_empty() {
        let _ = writeln!(md, "## Impact\n\n{}\n", impact.trim());
    }
    if !s.status.is_open() {
        let resolution = read_string(doc, &ROOT, schema::RESOLUTION.key)?;
        if !s.root_cause.is_empty() {
            let cause = choice_label(schema::ROOT_CAUSES, &s.root_cause);
            let _ = writeln!(md, "**Root cause:** {cause}\n");
        }
        if !resolution.trim().is_empty() {
            let _ = writeln!(md, "## Resolution\n\n{}\n", resolution.trim());
        }
    }
    let _ = writeln!(md, "## Timeline\n");
    let notes: Vec<_> = Escalation::notes(doc)?
        .into_iter()
        .filter(|n| n.shareable && !n.text.trim().is_empty())
        .collect();
    if notes.is_empty() {
        let _ = writeln!(md, "No updates shared yet.");
    }
    for n in notes {
        let author = if n.author.is_empty() {
            "Fieldbook"
        } else {
            n.author.as_str()
        };
        let _ = writeln!(
            md,
            "### {} — {author}\n\n{}\n",
            format_utc(n.at),
            n.text.trim()
        );
    }
    Ok(md)
}
