//! One agreement: its header with the countdown, the stage control, what
//! blocks it, notes, the stage history, the details, who owns each stage,
//! and the link to an account plan.

use std::sync::Arc;

use leptos::prelude::*;
use model::Agreement;
use model::agreement_schema::{DETAILS, NOTES, PLAN, STAGE_OWNERS, TITLE};
use protocol::DocumentId;

use super::chips::stage_pill;
use super::data::use_agreement_data;
use super::stages::{Blockers, StageControl, StageHistory};
use crate::features::records::{plan_titles, summary_of};
use crate::ui::{
    CollabText, FieldGrid, LinkSelect, Markup, MarkupView, RecordGate, RecordPage, Section,
    ShareLink, memo,
};
use crate::util::relative_time;

#[component]
pub fn AgreementPage() -> impl IntoView {
    view! {
        <RecordPage
            class="page agreement"
            back=("/agreements", "← All agreements")
            noun="an agreement"
            editor=|id| view! { <AgreementEditor id/> }.into_any()
        />
    }
}

#[component]
fn AgreementEditor(id: DocumentId) -> impl IntoView {
    let data = use_agreement_data();
    let summary = summary_of(id, Agreement::summary);
    let untitled = move || summary.get_untracked().title.is_empty();
    // The stage, the countdown, blocked and stuck.
    let flags = memo(move || {
        let s = summary.get();
        let mut m = Markup::default();
        stage_pill(&mut m, s.stage);
        data.show(id, Arc::new(s)).flags(&mut m);
        m.finish()
    });
    // How long since the stage changed (what "stuck" counts) and since it
    // was opened.
    let since = move || {
        let s = summary.get();
        let now = data.now.get();
        let stage = match s.days_in_stage(now) {
            0 => "Stage changed today".to_owned(),
            1 => "No stage change for 1 day".to_owned(),
            days => format!("No stage change for {days} days"),
        };
        format!("{stage} · opened {}", relative_time(s.created_at, now))
    };
    view! {
        <RecordGate doc=id noun="agreement">
            <article class="esc-sheet agr-sheet">
                <header class="esc-head">
                    <CollabText doc=id key=TITLE.key label="Agreement title" placeholder="Customer, agreement and period, e.g. Contoso EA renewal FY27" autofocus=untitled() quiet_label=true/>
                    <div class="esc-head-meta">
                        <MarkupView html=flags class="agr-head-flags"/>
                        <span class="hint">{since}</span>
                    </div>
                </header>
                <StageControl doc=id summary/>
                <div class="esc-columns">
                    <div class="esc-main">
                        <Section anchor="blockers" title="Blocked by">
                            <Blockers doc=id stage=memo(move || summary.get().stage)/>
                        </Section>
                        <Section anchor="notes" title="Notes">
                            <CollabText doc=id key=NOTES.key label=NOTES.label multiline=true quiet_label=true placeholder="Terms agreed, contacts at the licensing desk, what the customer's procurement needs."/>
                        </Section>
                        <Section anchor="history" title="Stage history">
                            <StageHistory doc=id/>
                        </Section>
                    </div>
                    <aside class="esc-side" aria-label="Details">
                        <Section anchor="details" title="Details">
                            <FieldGrid doc=id fields=DETAILS/>
                        </Section>
                        <Section anchor="owners" title="Stage owners">
                            <FieldGrid doc=id fields=STAGE_OWNERS/>
                        </Section>
                        <Section anchor="links" title="Links">
                            <LinkSelect doc=id field=PLAN options=plan_titles() noun="plan" base="/plans"/>
                        </Section>
                    </aside>
                </div>
                <footer class="plan-foot">
                    <span class="hint">"Saved on this device as you type."</span>
                    <ShareLink doc=id/>
                </footer>
            </article>
        </RecordGate>
    }
}
