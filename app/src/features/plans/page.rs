//! One account plan: every section of it on one page, with a section
//! navigation, co-edited live.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use model::PlanField;
use model::plan_schema::{
    ACTIONS, CADENCE, ESCALATIONS, HEADER, INSTALLED_BASE, METRICS, OBJECTIVES, OPPORTUNITIES,
    RISKS, SERVICE, STAKEHOLDERS, SWOT, TARGETS, TEAM,
};
use model::spec::Field;
use protocol::DocumentId;

use super::export::ExportButtons;
use super::history::History;
use super::pipeline::PipelineChart;
use super::stakeholders::StakeholderMap;
use crate::ui::{CollabText, ItemList, ScalarField, use_repo};

/// The page's sections: anchor id and name.
const SECTIONS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("stakeholders", "Stakeholders"),
    ("installed-base", "Installed base"),
    ("pipeline", "Pipeline"),
    ("swot", "SWOT"),
    ("objectives", "Objectives"),
    ("service", "Service delivery"),
    ("risks", "Risks"),
    ("metrics", "Metrics & ROI"),
    ("review", "Review & history"),
];

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| DocumentId::parse(&s).ok())
    };
    view! {
        <section class="page plan">
            <nav class="crumbs" aria-label="Breadcrumb">
                <A href="/">"← All plans"</A>
            </nav>
            {move || match id() {
                Some(id) => view! { <PlanEditor id/> }.into_any(),
                None => {
                    view! { <p class="banner banner-error" role="alert">"This link does not point to a plan."</p> }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PlanEditor(id: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let missing = move || repo.get().is_missing(id);
    let unavailable = move || repo.get().is_unavailable(id);
    // Focus the title only for a plan that has none yet (a new one). Asked
    // when the sheet appears, not before: a plan opened by link on a new
    // device is empty until the relay sends it, and is not untitled then.
    let untitled = move || {
        repo.get()
            .read_untracked(id, |d| model::AccountPlan::text(d, PlanField::Title).ok())
            .flatten()
            .is_none_or(|t| t.is_empty())
    };
    view! {
        <Show
            when=move || !missing()
            fallback=move || {
                view! {
                    <div class="empty-state" role="status">
                        <h2>"Waiting for this plan"</h2>
                        <p>
                            {move || {
                                if unavailable() {
                                    "The relay does not have this plan yet. It appears here as soon as whoever created it comes online."
                                } else {
                                    "Fetching it from the relay…"
                                }
                            }}
                        </p>
                    </div>
                }
            }
        >
            <div class="plan-layout">
                <nav class="plan-nav" aria-label="Plan sections">
                    <ul role="list">
                        {SECTIONS
                            .iter()
                            .map(|(anchor, name)| view! { <li><a href=format!("#{anchor}")>{*name}</a></li> })
                            .collect_view()}
                    </ul>
                </nav>
                <article class="plan-sheet">
                    <header class="plan-head">
                        <CollabText
                            doc=id
                            key=PlanField::Title.key()
                            label="Plan title"
                            placeholder="Customer or plan name"
                            autofocus=untitled()
                        />
                        <ExportButtons doc=id/>
                    </header>
                    <Section anchor="overview" title="Overview">
                        <FieldGrid doc=id fields=HEADER/>
                        <Prose doc=id field=PlanField::Vision placeholder="Where is the customer going? Their strategy, in their words — goals, constraints, what success looks like."/>
                        <Prose doc=id field=PlanField::Priorities placeholder="The business priorities this year, most important first."/>
                        <Prose doc=id field=PlanField::ItObjectives placeholder="What IT must deliver for those priorities."/>
                        <h3>{TEAM.title}</h3>
                        <ItemList doc=id spec=TEAM/>
                    </Section>
                    <Section anchor="stakeholders" title="Stakeholder map">
                        <StakeholderMap doc=id/>
                        <ItemList doc=id spec=STAKEHOLDERS/>
                    </Section>
                    <Section anchor="installed-base" title="Installed base and agreements">
                        <ItemList doc=id spec=INSTALLED_BASE/>
                    </Section>
                    <Section anchor="pipeline" title="Pipeline">
                        <FieldGrid doc=id fields=TARGETS/>
                        <PipelineChart doc=id/>
                        <h3>{OPPORTUNITIES.title}</h3>
                        <ItemList doc=id spec=OPPORTUNITIES/>
                    </Section>
                    <Section anchor="swot" title="SWOT">
                        <div class="swot">
                            {SWOT
                                .into_iter()
                                .map(|list| view! {
                                    <div class="swot-cell" data-swot=list.key>
                                        <h3>{list.title}</h3>
                                        <ItemList doc=id spec=list/>
                                    </div>
                                })
                                .collect_view()}
                        </div>
                    </Section>
                    <Section anchor="objectives" title="Objectives and actions">
                        <ItemList doc=id spec=OBJECTIVES nested=ACTIONS/>
                    </Section>
                    <Section anchor="service" title="Service delivery">
                        <FieldGrid doc=id fields=SERVICE/>
                        <Prose doc=id field=PlanField::Remediation placeholder="Proactive remediation under way or planned."/>
                        <h3>{ESCALATIONS.title}</h3>
                        <ItemList doc=id spec=ESCALATIONS/>
                    </Section>
                    <Section anchor="risks" title="Risks and mitigations">
                        <ItemList doc=id spec=RISKS/>
                    </Section>
                    <Section anchor="metrics" title="Metrics and ROI">
                        <ItemList doc=id spec=METRICS/>
                        <Prose doc=id field=PlanField::Roi placeholder="The return the customer sees, in their numbers."/>
                    </Section>
                    <Section anchor="review" title="Review cadence and history">
                        <FieldGrid doc=id fields=CADENCE/>
                        <History doc=id/>
                    </Section>
                    <footer class="plan-foot">
                        <span class="hint">"Saved on this device as you type."</span>
                        <ShareLink doc=id/>
                    </footer>
                </article>
            </div>
        </Show>
    }
}

#[component]
fn Section(anchor: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let heading = format!("{anchor}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="plan-section" id=anchor aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {children()}
        </section>
    }
}

#[component]
fn FieldGrid(doc: DocumentId, fields: &'static [Field]) -> impl IntoView {
    view! {
        <div class="field-grid">
            {fields.iter().map(|f| view! { <ScalarField doc field=*f/> }).collect_view()}
        </div>
    }
}

#[component]
fn Prose(doc: DocumentId, field: PlanField, placeholder: &'static str) -> impl IntoView {
    view! { <CollabText doc key=field.key() label=field.label() placeholder multiline=true/> }
}

#[component]
fn ShareLink(doc: DocumentId) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&doc.url());
            copied.set(true);
        }
    };
    view! {
        <span class="share">
            <code class="doc-url" data-testid="doc-url">{doc.url()}</code>
            <button class="button subtle" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy link" }}
            </button>
        </span>
    }
}
