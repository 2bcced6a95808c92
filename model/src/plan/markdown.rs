//! A plan as Markdown, for a download people can mail or print.

use automerge::{AutoCommit, ObjId, ROOT};

use super::PlanField;
use super::schema::{self, ACTIONS, LISTS, OBJECTIVES, SWOT};
use crate::spec::{Field, Kind, ListSpec};
use crate::{ModelError, items};

/// The whole plan in Markdown: header, every text section, every list.
/// Empty sections are left out.
pub fn to_markdown(doc: &AutoCommit) -> Result<String, ModelError> {
    let mut out = String::new();
    let title = PlanField::Title.read(doc)?;
    let title = if title.trim().is_empty() {
        "Untitled plan"
    } else {
        title.trim()
    };
    out.push_str(&format!("# {}\n\n", escape_line(title)));
    let header: Vec<String> = schema::root_fields()
        .map(|f| Ok((f, f.read(doc, &ROOT)?)))
        .collect::<Result<Vec<_>, ModelError>>()?
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(f, v)| format!("- **{}:** {}", f.label, escape_line(&f.display(&v))))
        .collect();
    if !header.is_empty() {
        out.push_str(&header.join("\n"));
        out.push_str("\n\n");
    }
    for field in PlanField::ALL.into_iter().skip(1) {
        let text = field.read(doc)?;
        if !text.trim().is_empty() {
            out.push_str(&format!("## {}\n\n{}\n\n", field.label(), text.trim()));
        }
    }
    let mut swot_started = false;
    for list in LISTS {
        let Some(obj) = items::find_list(doc, &ROOT, list.key)? else {
            continue;
        };
        let rows = items::items(doc, &obj)?;
        if rows.is_empty() {
            continue;
        }
        // The four SWOT quadrants sit under one heading ("Opportunities"
        // alone would read as the pipeline's).
        if SWOT.iter().any(|q| q.key == list.key) {
            if !swot_started {
                out.push_str("## SWOT\n\n");
                swot_started = true;
            }
            out.push_str(&format!("### {}\n\n", list.title));
        } else {
            out.push_str(&format!("## {}\n\n", list.title));
        }
        for item in rows {
            out.push_str(&format!("- {}\n", item_line(doc, &item.obj, list)?));
            if list.key == OBJECTIVES.key
                && let Some(actions) = items::find_list(doc, &item.obj, ACTIONS.key)?
            {
                for action in items::items(doc, &actions)? {
                    out.push_str(&format!("  - {}\n", item_line(doc, &action.obj, &ACTIONS)?));
                }
            }
        }
        out.push('\n');
    }
    Ok(out.trim_end().to_owned() + "\n")
}

/// "First field — Label: value; Label: value".
fn item_line(doc: &AutoCommit, obj: &ObjId, list: &ListSpec) -> Result<String, ModelError> {
    let mut parts = Vec::new();
    for (i, f) in list.fields.iter().enumerate() {
        let v = f.read(doc, obj)?;
        if v.trim().is_empty() {
            continue;
        }
        let shown = escape_line(&display(f, &v));
        parts.push(if i == 0 {
            format!("**{shown}**")
        } else {
            format!("{}: {shown}", f.label)
        });
    }
    if parts.is_empty() {
        return Ok(format!("(empty {})", list.noun));
    }
    Ok(parts.join(" — "))
}

fn display(f: &Field, v: &str) -> String {
    match f.kind {
        Kind::Text => v.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => f.display(v),
    }
}

/// Keep one value on one line and stop it from being read as Markdown
/// structure (a person's "# 1 priority" is text, not a heading).
fn escape_line(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(joined.len());
    for c in joined.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '#' | '[' | ']' | '<' | '>' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccountPlan;
    use crate::items::{Place, ensure_list, insert};
    use crate::plan::schema::{HEADER, STAKEHOLDERS};

    #[test]
    fn a_filled_plan_exports_every_section() {
        let mut doc = AutoCommit::new();
        AccountPlan::create(&mut doc, "Contoso FY27").expect("create");
        PlanField::Vision
            .write(&mut doc, "Cloud first.\n\nZero downtime.")
            .expect("vision");
        HEADER[2]
            .write(&mut doc, &ROOT, "active", "USD")
            .expect("status");
        let list = ensure_list(&mut doc, &ROOT, STAKEHOLDERS.key).expect("list");
        let s = insert(&mut doc, &list, "s1", Place::Last).expect("insert");
        STAKEHOLDERS.fields[0]
            .write(&mut doc, &s, "Aurélie Martin", "USD")
            .expect("name");
        STAKEHOLDERS.fields[2]
            .write(&mut doc, &s, "cio", "USD")
            .expect("role");
        STAKEHOLDERS.fields[4]
            .write(&mut doc, &s, "champion", "USD")
            .expect("support");
        let objectives = ensure_list(&mut doc, &ROOT, OBJECTIVES.key).expect("list");
        let o = insert(&mut doc, &objectives, "o1", Place::Last).expect("objective");
        OBJECTIVES.fields[0]
            .write(&mut doc, &o, "Retire DC #2", "USD")
            .expect("title");
        let actions = ensure_list(&mut doc, &o, ACTIONS.key).expect("actions");
        let a = insert(&mut doc, &actions, "a1", Place::Last).expect("action");
        ACTIONS.fields[0]
            .write(&mut doc, &a, "Move the web shop", "USD")
            .expect("text");
        ACTIONS.fields[4]
            .write(&mut doc, &a, "40", "USD")
            .expect("percent");

        let md = to_markdown(&doc).expect("export");
        assert!(
            md.starts_with("# Contoso FY27\n\n- **Status:** Active\n"),
            "{md}"
        );
        assert!(
            md.contains("## Customer vision\n\nCloud first.\n\nZero downtime.\n"),
            "{md}"
        );
        assert!(
            md.contains(
                "## Stakeholder map\n\n- **Aurélie Martin** — Role: CIO — Support: Champion\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("- **Retire DC \\#2**\n  - **Move the web shop** — % done: 40%\n"),
            "{md}"
        );
        assert!(!md.contains("## Risks"), "empty sections are left out");
        assert!(!md.contains("## SWOT"), "an empty SWOT has no heading");
    }

    #[test]
    fn an_empty_plan_exports_a_title() {
        assert_eq!(
            to_markdown(&AutoCommit::new()).expect("export"),
            "# Untitled plan\n"
        );
    }

    #[test]
    fn swot_quadrants_are_grouped_under_one_heading() {
        use crate::plan::schema::{STRENGTHS, THREATS};
        let mut doc = AutoCommit::new();
        for quadrant in [STRENGTHS, THREATS] {
            let list = ensure_list(&mut doc, &ROOT, quadrant.key).expect("list");
            let item = insert(&mut doc, &list, "x", Place::Last).expect("item");
            quadrant.fields[0]
                .write(&mut doc, &item, "A point", "USD")
                .expect("text");
        }
        let md = to_markdown(&doc).expect("export");
        assert!(
            md.contains(
                "## SWOT\n\n### Strengths\n\n- **A point**\n\n### Threats\n\n- **A point**\n"
            ),
            "{md}"
        );
    }
}
