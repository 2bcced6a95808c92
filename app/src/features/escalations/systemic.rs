//! Systemic issues: the list ranked by what they cost, and the issue page
//! with its roll-up of linked escalations and customers — computed from the
//! escalations on this device, so it works offline.

use std::collections::HashMap;

use leptos::prelude::*;
use model::escalation_schema::{SYSTEMIC_DESCRIPTION, SYSTEMIC_FIELDS, SYSTEMIC_TITLE};
use model::{RecordKind, RollUp, SystemicIssue};
use protocol::DocumentId;

use super::chips::LinkedEscalations;
use super::data::{Row, use_escalation_data};
use crate::ui::{
    CollabText, EmptyState, FieldGrid, ListHead, Markup, MarkupView, RecordGate, RecordPage,
    SearchBox, Section, ShareLink, When, list_shortcuts, memo, use_navigate, use_repo,
};
use crate::util::now_ms;

fn roll_up(issue: DocumentId, escalations: &[Row]) -> RollUp<DocumentId> {
    RollUp::compute(
        &issue.to_string(),
        escalations.iter().map(|(id, s)| (*id, &**s)),
    )
}

#[component]
pub fn SystemicList() -> impl IntoView {
    let repo = use_repo();
    let data = use_escalation_data();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let query = RwSignal::new(String::new());
    let create = move || match repo.get().create(RecordKind::SystemicIssue, |d| {
        SystemicIssue::create(d, "", now_ms())
    }) {
        Ok(id) => navigate(&format!("/systemic/{id}")),
        Err(e) => error.set(Some(format!("Could not open a systemic issue: {e}"))),
    };
    list_shortcuts(create, search_ref);
    let rows = move || {
        let q = query.get().to_lowercase();
        let escalations = data.escalations.get();
        let mut rows: Vec<(DocumentId, String, RollUp<DocumentId>)> = data
            .issues
            .get()
            .iter()
            .filter(|(_, title)| q.is_empty() || title.to_lowercase().contains(&q))
            .map(|(id, title)| (*id, title.clone(), roll_up(*id, &escalations)))
            .collect();
        model::sort::sort_by_key(&mut rows, |(_, _, r)| {
            (
                std::cmp::Reverse(r.total_severity),
                std::cmp::Reverse(r.escalations.len()),
            )
        });
        rows
    };
    view! {
        <section class="page systemic" aria-labelledby="sys-heading">
            <ListHead
                id="sys-heading"
                title="Systemic issues"
                new_label="New systemic issue"
                sub="Problems behind many escalations, ranked by the open severity they carry.".to_owned()
                on_new=Callback::new(move |()| create())
                error
            />
            <div class="search">
                <SearchBox query search=search_ref placeholder="Search systemic issues  ( / )" label="Search systemic issues"/>
            </div>
            <MarkupView html=memo(move || list_markup(rows())) class="systemic-list"/>
            <When when=move || data.issues.get().is_empty()>
                <EmptyState title="No systemic issues yet" text="Open one here, or from an escalation's Links. Escalations link to it; its roll-up counts them."/>
            </When>
        </section>
    }
}

/// The issues as rows: title, and what their roll-up counts.
fn list_markup(rows: Vec<(DocumentId, String, RollUp<DocumentId>)>) -> String {
    let mut m = Markup::default();
    m.open("ul", &[("class", "plan-list"), ("role", "list")]);
    for (id, title, r) in rows {
        let title = if title.is_empty() {
            "Untitled systemic issue"
        } else {
            &title
        };
        let counts = format!(
            "{} escalations · {} open · {} customers · weight {}",
            r.escalations.len(),
            r.open,
            r.customers.len(),
            r.total_severity
        );
        m.open("li", &[("class", "plan-row")])
            .open("a", &[("href", &format!("/systemic/{id}"))])
            .span("plan-row-title", title)
            .span("plan-row-who", &counts)
            .close("a")
            .close("li");
    }
    m.close("ul").finish()
}

#[component]
pub fn SystemicPage() -> impl IntoView {
    view! {
        <RecordPage
            class="page systemic-issue"
            back=("/systemic", "← All systemic issues")
            noun="a systemic issue"
            editor=|id| view! { <SystemicEditor id/> }.into_any()
        />
    }
}

#[component]
fn SystemicEditor(id: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let data = use_escalation_data();
    let untitled = move || {
        repo.get()
            .read_untracked(id, |d| SystemicIssue::title(d).ok())
            .flatten()
            .is_none_or(|t| t.is_empty())
    };
    let rollup = memo(move || roll_up(id, &data.escalations.get()));
    let stats = memo(move || {
        let r = rollup.get();
        let by = r.by_severity;
        let mut m = Markup::default();
        m.stat(&r.escalations.len().to_string(), "linked escalations")
            .stat(&r.open.to_string(), "open")
            .stat(&r.customers.len().to_string(), "customers affected")
            .stat(&r.total_severity.to_string(), "open severity weight")
            .stat(
                &format!("{} / {} / {} / {}", by[0], by[1], by[2], by[3]),
                "Sev 1 / 2 / 3 / 4",
            )
            .finish()
    });
    let customers = memo(move || {
        let mut m = Markup::default();
        m.open(
            "ul",
            &[
                ("class", "customer-list"),
                ("role", "list"),
                ("data-empty", "No linked escalation names a customer yet."),
            ],
        );
        for c in rollup.get().customers {
            m.leaf("li", &[("class", "tag")], &c);
        }
        m.close("ul").finish()
    });
    let linked = move || {
        let all = data.escalations.get();
        let by_id: HashMap<DocumentId, &Row> = all.iter().map(|row| (row.0, row)).collect();
        rollup
            .get()
            .escalations
            .iter()
            .filter_map(|e| by_id.get(e).map(|row| (*row).clone()))
            .collect::<Vec<_>>()
    };
    view! {
        <RecordGate doc=id noun="systemic issue">
            <article class="esc-sheet">
                <header class="esc-head">
                    <CollabText doc=id key=SYSTEMIC_TITLE.key label="Systemic issue title" placeholder="The underlying problem, in one line" autofocus=untitled() quiet_label=true/>
                </header>
                <MarkupView html=stats class="rollup" testid="rollup"/>
                <Section anchor="details" title="Details">
                    <FieldGrid doc=id fields=SYSTEMIC_FIELDS/>
                    <CollabText doc=id key=SYSTEMIC_DESCRIPTION.key label=SYSTEMIC_DESCRIPTION.label multiline=true placeholder="What is broken underneath, what the fix is, who owns it."/>
                </Section>
                <Section anchor="customers" title="Customers affected">
                    <MarkupView html=customers class="customers" testid="rollup-customers"/>
                </Section>
                <Section anchor="linked" title="Linked escalations">
                    <LinkedEscalations
                        rows=Signal::derive(linked)
                        testid="rollup-escalations"
                        empty="No escalation links here yet. Link one from its page (Links → Systemic issue)."
                    />
                </Section>
                <footer class="plan-foot"><ShareLink doc=id/></footer>
            </article>
        </RecordGate>
    }
}
