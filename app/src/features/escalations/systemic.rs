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
    CollabText, FieldGrid, Link, ListHead, RecordGate, Section, ShareLink, list_shortcuts,
    route_id, use_navigate, use_repo,
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
                <input type="search" class="search-input" placeholder="Search systemic issues  ( / )" aria-label="Search systemic issues" node_ref=search_ref bind:value=query/>
            </div>
            <ul class="plan-list" role="list">
                {move || rows().into_iter().map(|(id, title, r)| view! {
                    <li class="plan-row">
                        <Link href=format!("/systemic/{id}")>
                            <span class="plan-row-title">{if title.is_empty() { "Untitled systemic issue".to_owned() } else { title }}</span>
                            <span class="plan-row-who">
                                {format!("{} escalations · {} open · {} customers · weight {}", r.escalations.len(), r.open, r.customers.len(), r.total_severity)}
                            </span>
                        </Link>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || data.issues.get().is_empty()>
                <div class="empty-state">
                    <h2>"No systemic issues yet"</h2>
                    <p>"Open one here, or from an escalation's Links. Escalations link to it; its roll-up counts them."</p>
                </div>
            </Show>
        </section>
    }
}

#[component]
pub fn SystemicPage() -> impl IntoView {
    let id = route_id();
    view! {
        <section class="page systemic-issue">
            <nav class="crumbs" aria-label="Breadcrumb">
                <Link href="/systemic">"← All systemic issues"</Link>
            </nav>
            {move || match id() {
                Some(id) => view! { <SystemicEditor id/> }.into_any(),
                None => view! { <p class="banner banner-error" role="alert">"This link does not point to a systemic issue."</p> }.into_any(),
            }}
        </section>
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
    let rollup = Memo::new(move |_| roll_up(id, &data.escalations.get()));
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
                <div class="rollup" data-testid="rollup">
                    {move || {
                        let r = rollup.get();
                        let stat = |n: String, label: &'static str| view! {
                            <div class="stat"><span class="stat-value">{n}</span><span class="stat-label">{label}</span></div>
                        };
                        view! {
                            {stat(r.escalations.len().to_string(), "linked escalations")}
                            {stat(r.open.to_string(), "open")}
                            {stat(r.customers.len().to_string(), "customers affected")}
                            {stat(r.total_severity.to_string(), "open severity weight")}
                            {stat(format!("{} / {} / {} / {}", r.by_severity[0], r.by_severity[1], r.by_severity[2], r.by_severity[3]), "Sev 1 / 2 / 3 / 4")}
                        }
                    }}
                </div>
                <Section anchor="details" title="Details">
                    <FieldGrid doc=id fields=SYSTEMIC_FIELDS/>
                    <CollabText doc=id key=SYSTEMIC_DESCRIPTION.key label=SYSTEMIC_DESCRIPTION.label multiline=true placeholder="What is broken underneath, what the fix is, who owns it."/>
                </Section>
                <Section anchor="customers" title="Customers affected">
                    <ul class="customer-list" role="list" data-testid="rollup-customers">
                        {move || rollup.get().customers.into_iter().map(|c| view! { <li class="tag">{c}</li> }).collect_view()}
                    </ul>
                    <Show when=move || rollup.get().customers.is_empty()>
                        <p class="empty-list">"No linked escalation names a customer yet."</p>
                    </Show>
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
