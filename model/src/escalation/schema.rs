//! The escalation's and the systemic issue's fields, as data (see
//! [`crate::spec`]). Keys are the document's keys; labels are what people read.

use crate::spec::{Choice, Field, Kind, c, choice, date, field, line, text};

pub const SOURCES: &[Choice] = &[
    c("customer", "Customer"),
    c("partner", "Partner"),
    c("field", "Field"),
];
pub const REGIONS: &[Choice] = &[
    c("na", "North America"),
    c("latam", "Latin America"),
    c("emea", "EMEA"),
    c("apac", "Asia Pacific"),
    c("global", "Global"),
];
pub const SEVERITIES: &[Choice] = &[
    c("1", "Sev 1 · critical"),
    c("2", "Sev 2 · high"),
    c("3", "Sev 3 · moderate"),
    c("4", "Sev 4 · low"),
];
pub const STATUSES: &[Choice] = &[
    c("new", "New"),
    c("investigating", "Investigating"),
    c("awaiting", "Awaiting"),
    c("resolved", "Resolved"),
    c("closed", "Closed"),
];
pub const HOLD_REASONS: &[Choice] = &[
    c("customer", "Customer"),
    c("engineering", "Engineering"),
    c("partner", "Partner"),
    c("systemic-fix", "Systemic fix"),
];
pub const ROOT_CAUSES: &[Choice] = &[
    c("defect", "Product defect"),
    c("configuration", "Configuration"),
    c("capacity", "Capacity / performance"),
    c("documentation", "Documentation gap"),
    c("third-party", "Third party"),
    c("process", "Process"),
    c("user-error", "User error"),
    c("unknown", "Unknown"),
];
pub const VISIBILITIES: &[Choice] = &[
    c("internal", "Internal"),
    c("customer", "Customer-shareable"),
];
pub const SYSTEMIC_STATUSES: &[Choice] = &[
    c("open", "Open"),
    c("investigating", "Investigating"),
    c("fix-planned", "Fix planned"),
    c("fixed", "Fixed"),
    c("closed", "Closed"),
];

pub const CUSTOMER: Field = line("customer", "Customer");
pub const TITLE: Field = text("title", "Title");
pub const SOURCE: Field = choice("source", "Source", SOURCES);
pub const PRODUCT_AREA: Field = line("productArea", "Product area");
pub const REGION: Field = choice("region", "Region", REGIONS);
pub const SEVERITY: Field = choice("severity", "Severity", SEVERITIES);
pub const IMPACT: Field = text("impact", "Impact statement");
pub const STATUS: Field = choice("status", "Status", STATUSES);
pub const HOLD_REASON: Field = choice("holdReason", "On hold for", HOLD_REASONS);
pub const OWNER: Field = line("owner", "Owner");
pub const GROUP: Field = line("group", "Accountable group");
pub const NEXT_UPDATE: Field = field("nextUpdateDue", "Next update due", Kind::DateTime);
pub const ROOT_CAUSE_CATEGORY: Field = choice("rootCauseCategory", "Root cause", ROOT_CAUSES);
pub const ROOT_CAUSE: Field = text("rootCause", "Root cause details");
pub const RESOLUTION: Field = text("resolution", "Resolution");
/// The linked account plan's document id.
pub const PLAN: Field = line("plan", "Account plan");
/// The linked systemic issue's document id.
pub const SYSTEMIC: Field = line("systemic", "Systemic issue");

/// The fields a person sets on an escalation's page, in its grid (status
/// has its own control, which checks the moves).
pub const DETAILS: &[Field] = &[
    CUSTOMER,
    SEVERITY,
    SOURCE,
    PRODUCT_AREA,
    REGION,
    OWNER,
    GROUP,
    NEXT_UPDATE,
];

/// Keys of a note in the timeline.
pub mod note {
    use crate::spec::{Field, choice, line, text};

    pub const AUTHOR: Field = line("author", "Author");
    pub const TEXT: Field = text("text", "Note");
    pub const VISIBILITY: Field = choice("visibility", "Visibility", super::VISIBILITIES);
    /// When it was written: a timestamp, milliseconds since the epoch.
    pub const AT: &str = "at";
}

/// The notes list under the escalation's root.
pub const NOTES: &str = "notes";
/// When the escalation was opened and resolved (timestamps, ms).
pub const CREATED_AT: &str = "createdAt";
pub const RESOLVED_AT: &str = "resolvedAt";

pub const SYSTEMIC_TITLE: Field = text("title", "Title");
pub const SYSTEMIC_DESCRIPTION: Field = text("description", "Description");
pub const SYSTEMIC_STATUS: Field = choice("status", "Status", SYSTEMIC_STATUSES);
pub const SYSTEMIC_GROUP: Field = line("group", "Owning group");
pub const SYSTEMIC_TARGET: Field = date("targetFix", "Target fix date");
pub const SYSTEMIC_FIELDS: &[Field] = &[SYSTEMIC_STATUS, SYSTEMIC_GROUP, SYSTEMIC_TARGET];
