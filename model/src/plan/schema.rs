//! The account plan's fields and lists, as data (see [`crate::spec`]).
//! Keys are the document's keys; labels are what people read.

use crate::spec::{Choice, Field, Kind, ListSpec, c, choice, date, line, money, text};

pub const STATUSES: &[Choice] = &[
    c("draft", "Draft"),
    c("active", "Active"),
    c("in-review", "In review"),
    c("archived", "Archived"),
];
pub const LEVELS: &[Choice] = &[c("high", "High"), c("medium", "Medium"), c("low", "Low")];
pub const ROLES: &[Choice] = &[
    c("cio", "CIO"),
    c("cto", "CTO"),
    c("it-director", "IT director"),
    c("lob-leader", "Line-of-business leader"),
    c("other", "Other"),
];
pub const SUPPORT: &[Choice] = &[
    c("champion", "Champion"),
    c("supporter", "Supporter"),
    c("neutral", "Neutral"),
    c("skeptic", "Skeptic"),
    c("blocker", "Blocker"),
];
pub const STAGES: &[Choice] = &[
    c("prospect", "Prospect"),
    c("qualify", "Qualify"),
    c("propose", "Propose"),
    c("negotiate", "Negotiate"),
    c("won", "Won"),
    c("lost", "Lost"),
];
pub const ACTION_STATUSES: &[Choice] = &[
    c("todo", "To do"),
    c("in-progress", "In progress"),
    c("blocked", "Blocked"),
    c("done", "Done"),
];
pub const HEALTH: &[Choice] = &[c("green", "Green"), c("amber", "Amber"), c("red", "Red")];
pub const CADENCES: &[Choice] = &[
    c("weekly", "Weekly"),
    c("biweekly", "Every two weeks"),
    c("monthly", "Monthly"),
    c("quarterly", "Quarterly"),
];

/// Single-valued fields at the document root (decisions: conflicts shown).
pub const HEADER: &[Field] = &[
    line("customer", "Customer"),
    line("owner", "Plan owner"),
    choice("status", "Status", STATUSES),
    date("periodStart", "Period start"),
    date("periodEnd", "Period end"),
];
pub const TARGETS: &[Field] = &[
    money("revenueTarget", "Revenue target"),
    money("consumptionTarget", "Consumption target"),
];
pub const SERVICE: &[Field] = &[choice("health", "Service health", HEALTH)];
pub const CADENCE: &[Field] = &[
    choice("cadence", "Review cadence", CADENCES),
    date("nextReview", "Next review"),
];

pub const TEAM: ListSpec = ListSpec {
    key: "team",
    title: "Virtual account team",
    noun: "team member",
    fields: &[line("person", "Person"), line("role", "Role")],
};
pub const STAKEHOLDERS: ListSpec = ListSpec {
    key: "stakeholders",
    title: "Stakeholder map",
    noun: "stakeholder",
    fields: &[
        line("name", "Name"),
        line("title", "Title"),
        choice("role", "Role", ROLES),
        choice("influence", "Influence", LEVELS),
        choice("support", "Support", SUPPORT),
        line("owner", "Internal owner"),
        date("lastContact", "Last contact"),
        text("notes", "Notes"),
    ],
};
pub const INSTALLED_BASE: ListSpec = ListSpec {
    key: "installedBase",
    title: "Installed base and agreements",
    noun: "product or agreement",
    fields: &[
        line("product", "Product"),
        line("agreement", "Agreement"),
        line("quantity", "Quantity"),
        date("renewal", "Renewal date"),
    ],
};
pub const OPPORTUNITIES: ListSpec = ListSpec {
    key: "opportunities",
    title: "Opportunities",
    noun: "opportunity",
    fields: &[
        line("name", "Name"),
        choice("stage", "Stage", STAGES),
        money("amount", "Amount"),
        date("close", "Close date"),
        line("owner", "Owner"),
    ],
};
const SWOT_FIELDS: &[Field] = &[text("text", "Point")];
pub const STRENGTHS: ListSpec = ListSpec {
    key: "strengths",
    title: "Strengths",
    noun: "strength",
    fields: SWOT_FIELDS,
};
pub const WEAKNESSES: ListSpec = ListSpec {
    key: "weaknesses",
    title: "Weaknesses",
    noun: "weakness",
    fields: SWOT_FIELDS,
};
pub const SWOT_OPPORTUNITIES: ListSpec = ListSpec {
    key: "swotOpportunities",
    title: "Opportunities",
    noun: "opportunity",
    fields: SWOT_FIELDS,
};
pub const THREATS: ListSpec = ListSpec {
    key: "threats",
    title: "Threats",
    noun: "threat",
    fields: SWOT_FIELDS,
};
pub const SWOT: [ListSpec; 4] = [STRENGTHS, WEAKNESSES, SWOT_OPPORTUNITIES, THREATS];
pub const OBJECTIVES: ListSpec = ListSpec {
    key: "objectives",
    title: "Objectives",
    noun: "objective",
    fields: &[
        text("title", "Objective"),
        line("owner", "Owner"),
        date("due", "Due"),
    ],
};
/// Nested in each objective, under the same key.
pub const ACTIONS: ListSpec = ListSpec {
    key: "actions",
    title: "Actions",
    noun: "action",
    fields: &[
        text("text", "Action"),
        line("owner", "Owner"),
        date("due", "Due"),
        choice("status", "Status", ACTION_STATUSES),
        Field {
            key: "percent",
            label: "% done",
            kind: Kind::Percent,
        },
    ],
};
pub const ESCALATIONS: ListSpec = ListSpec {
    key: "escalations",
    title: "Linked escalations",
    noun: "escalation",
    fields: &[line("ref", "Escalation"), line("note", "Note")],
};
pub const RISKS: ListSpec = ListSpec {
    key: "risks",
    title: "Risks and mitigations",
    noun: "risk",
    fields: &[
        text("risk", "Risk"),
        text("mitigation", "Mitigation"),
        choice("likelihood", "Likelihood", LEVELS),
        choice("impact", "Impact", LEVELS),
        line("owner", "Owner"),
    ],
};
pub const METRICS: ListSpec = ListSpec {
    key: "metrics",
    title: "Metrics",
    noun: "metric",
    fields: &[
        line("name", "Metric"),
        line("baseline", "Baseline"),
        line("target", "Target"),
        line("current", "Current"),
    ],
};

/// Every top-level list of a plan (actions are nested in objectives).
pub const LISTS: &[ListSpec] = &[
    TEAM,
    STAKEHOLDERS,
    INSTALLED_BASE,
    OPPORTUNITIES,
    STRENGTHS,
    WEAKNESSES,
    SWOT_OPPORTUNITIES,
    THREATS,
    OBJECTIVES,
    ESCALATIONS,
    RISKS,
    METRICS,
];

/// Every single-valued root field.
pub fn root_fields() -> impl Iterator<Item = &'static Field> {
    HEADER.iter().chain(TARGETS).chain(SERVICE).chain(CADENCE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_at_the_root_and_within_each_list() {
        let mut root = HashSet::new();
        for f in root_fields() {
            assert!(root.insert(f.key), "duplicate root key {}", f.key);
        }
        for text in crate::PlanField::ALL {
            assert!(root.insert(text.key()), "duplicate root key {}", text.key());
        }
        for list in LISTS.iter().chain([&ACTIONS]) {
            assert!(
                list.key == "actions" || root.insert(list.key),
                "duplicate {}",
                list.key
            );
            let mut keys = HashSet::new();
            for f in list.fields {
                assert!(
                    keys.insert(f.key) && f.key != "pos",
                    "bad key {}.{}",
                    list.key,
                    f.key
                );
            }
        }
    }
}
