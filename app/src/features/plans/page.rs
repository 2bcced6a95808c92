//! One account plan: every section of it on one page, with a section
//! navigation, co-edited live.

use leptos::prelude::*;
use model::PlanField;
use model::plan_schema::{
    ACTIONS, CADENCE, ESCALATIONS, HEADER, INSTALLED_BASE, METRICS, OBJECTIVES, OPPORTUNITIES,
    RISKS, SERVICE, STAKEHOLDERS, SWOT, TARGETS, TEAM,
};
use protocol::DocumentId;

use super::export::ExportButtons;
use super::history::History;
use super::pipeline::PipelineChart;
use super::stakeholders::StakeholderMap;
use crate::features::agreements::PlanAgreements;
use crate::features::escalations::PlanEscalations;
use crate::ui::{
    CollabText, FieldGrid, ItemList, RecordGate, RecordPage, Section, ShareLink, use_repo,
};

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
    view! {
        <RecordPage
            class="page plan"
            back=("/", "← All plans")
            noun="a plan"
            editor=|id| view! { <PlanEditor id/> }.into_any()
        />
    }
}

#[component]
fn PlanEditor(id: DocumentId) -> impl IntoView {
    let repo = use_repo();
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
        <RecordGate doc=id noun="plan">
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
                        <h3>"Agreements for this plan"</h3>
                        <PlanAgreements plan=id/>
                        <h3>{INSTALLED_BASE.title}</h3>
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
                        <h3>"Escalations for this plan"</h3>
                        <PlanEscalations plan=id/>
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
        </RecordGate>
    }
}

#[component]
fn Prose(doc: DocumentId, field: PlanField, placeholder: &'static str) -> impl IntoView {
    view! { <CollabText doc key=field.key() label=field.label() placeholder multiline=true/> }
}
