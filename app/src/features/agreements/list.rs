//! The agreements: a pipeline board by stage and a list, both in order of
//! days to fiscal close (past close first), with stuck ones flagged after a
//! number of days the person chooses.

use automerge::ROOT;
use leptos::prelude::*;
use model::agreement_schema::{OWNER, TYPES};
use model::spec::choice_label;
use model::{Agreement, Money, RecordKind, Stage};

use super::chips::{Shown, date_label, flags, stage_pill};
use super::data::use_agreement_data;
use crate::ui::{ErrorLine, Link, ListHead, list_shortcuts, use_navigate, use_repo};
use crate::util::now_ms;

/// Cards per board column before "n more".
const COLUMN: usize = 40;

/// The total value of `rows`, per currency: "1,250,000.00 USD + 80,000.00 EUR".
fn total<'a>(rows: impl Iterator<Item = &'a Shown>) -> String {
    let mut sums: Vec<Money> = Vec::new();
    for value in rows.filter_map(|a| a.summary.value.as_ref()) {
        match sums.iter_mut().find(|m| m.currency == value.currency) {
            Some(sum) => sum.minor = sum.minor.saturating_add(value.minor),
            None => sums.push(value.clone()),
        }
    }
    sums.iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Who has the agreement now: its stage's owner, else its owner.
fn holder(a: &Shown) -> &str {
    let s = &a.summary;
    if s.stage_owner.is_empty() {
        &s.owner
    } else {
        &s.stage_owner
    }
}

#[component]
pub fn AgreementList() -> impl IntoView {
    let repo = use_repo();
    let data = use_agreement_data();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let setting_error = RwSignal::new(None::<String>);
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let query = RwSignal::new(String::new());
    let scope = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let board = RwSignal::new(true);

    let create = move || {
        let repo = repo.get();
        let me = repo.name.get_untracked();
        let made = repo.create(RecordKind::Agreement, |d| {
            Agreement::create(d, "", now_ms())?;
            OWNER.write(d, &ROOT, &me, "")?;
            Ok(())
        });
        match made {
            Ok(id) => navigate(&format!("/agreements/{id}")),
            Err(e) => error.set(Some(format!("Could not open an agreement: {e}"))),
        }
    };
    list_shortcuts(create, search_ref);

    let all = data.shown(Box::new(|_| true));
    let filtered = data.shown(Box::new(move |a| {
        let s = &a.summary;
        let q = query.get().to_lowercase();
        (q.is_empty()
            || [&s.title, &s.customer, &s.owner, &s.stage_owner]
                .iter()
                .any(|f| f.to_lowercase().contains(&q)))
            && kind.with(|k| k.is_empty() || s.agreement_type == *k)
            && scope.with(|scope| match scope.as_str() {
                "" => true,
                "open" => s.stage != Stage::Processed,
                "stuck" => a.stuck.is_some(),
                stage => s.stage.value() == stage,
            })
    }));
    let counts = move || {
        let all = all.read();
        if all.is_empty() {
            return "No agreements yet".to_owned();
        }
        let open: Vec<&Shown> = all
            .iter()
            .filter(|a| a.summary.stage != Stage::Processed)
            .collect();
        let count = |state: &str| {
            open.iter()
                .filter(|a| a.close_state() == Some(state))
                .count()
        };
        format!(
            "{} open of {} · {} past fiscal close · {} closing within {} days · {} stuck",
            open.len(),
            all.len(),
            count("overdue"),
            count("soon"),
            model::CLOSE_SOON_DAYS,
            open.iter().filter(|a| a.stuck.is_some()).count()
        )
    };

    view! {
        <section class="page agreements" aria-labelledby="agr-heading">
            <ListHead
                id="agr-heading"
                title="Agreements"
                new_label="New agreement"
                sub=Signal::derive(counts)
                sub_testid="agr-counts"
                on_new=Callback::new(move |()| create())
                error
            />
            <Show
                when=move || !all.read().is_empty()
                fallback=|| view! {
                    <div class="empty-state">
                        <h2>"No agreements on this device"</h2>
                        <p>"Open one with New agreement (or press N) and take it from validation to processed. Everything works offline; the team sees it when you sync."</p>
                    </div>
                }
            >
                <div class="search toolbar">
                    <input
                        type="search"
                        class="search-input"
                        placeholder="Search title, customer or owner  ( / )"
                        aria-label="Search agreements"
                        node_ref=search_ref
                        bind:value=query
                    />
                    <select class="filter" aria-label="Which agreements" bind:value=scope data-testid="filter-scope">
                        <option value="">"All stages"</option>
                        <option value="open">"Open"</option>
                        <option value="stuck">"Stuck"</option>
                        {Stage::ALL.iter().map(|s| view! { <option value=s.value()>{s.label()}</option> }).collect_view()}
                    </select>
                    <select class="filter" aria-label="Filter by agreement type" bind:value=kind data-testid="filter-type">
                        <option value="">"Any type"</option>
                        {TYPES.iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                    </select>
                    <label class="inline-field">
                        "Stuck after"
                        <input
                            type="number"
                            min="1"
                            max="365"
                            class="filter stuck-days"
                            data-testid="stuck-days"
                            prop:value=move || data.stuck_days.get().to_string()
                            on:change=move |e| data.choose_stuck_days(&event_target_value(&e), setting_error)
                        />
                        "days"
                    </label>
                    <div class="segmented" role="group" aria-label="View">
                        <button class="button subtle" aria-pressed=move || board.get().to_string() on:click=move |_| board.set(true)>"Board"</button>
                        <button class="button subtle" aria-pressed=move || (!board.get()).to_string() on:click=move |_| board.set(false)>"List"</button>
                    </div>
                </div>
                <ErrorLine error=setting_error/>
                {move || if board.get() { board_view(&filtered.read()).into_any() } else { table_view(&filtered.read()).into_any() }}
            </Show>
        </section>
    }
}

/// A column per stage, with its count and total value.
fn board_view(rows: &[Shown]) -> impl IntoView + use<> {
    let columns = Stage::ALL.iter().map(|stage| {
        let cards = || rows.iter().filter(|a| a.summary.stage == *stage);
        let count = cards().count();
        view! {
            <section class="board-column" data-stage=stage.value() aria-label=stage.label()>
                <h2 class="board-title">{stage.label()} <span class="count">{count}</span></h2>
                <p class="board-sum">{total(cards())}</p>
                <ul class="board-cards" role="list">
                    {cards().take(COLUMN).map(card).collect_view()}
                </ul>
                {(count > COLUMN).then(|| view! {
                    <p class="board-more">{format!("{} more — use the list to see them all", count - COLUMN)}</p>
                })}
            </section>
        }
    });
    view! { <div class="board agr-board" data-testid="agr-board">{columns.collect_view()}</div> }
}

fn card(a: &Shown) -> impl IntoView + use<> {
    let who: Vec<&str> = [a.summary.customer.as_str(), holder(a)]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    let inside = (a.title(), who.join(" · "), a.value(), flags(a));
    view! {
        <li class="esc-card agr-card" data-close=a.close_state() data-stuck=a.stuck.map(|_| "true")>
            <Link href=a.href()>
                <span class="esc-card-title">{inside.0}</span>
                <span class="esc-card-who">{inside.1}</span>
                <span class="agr-value">{inside.2}</span>
                {inside.3}
            </Link>
        </li>
    }
}

/// Every agreement as a row, soonest fiscal close first.
fn table_view(rows: &[Shown]) -> impl IntoView + use<> {
    view! {
        <div class="table-wrap">
            <table class="esc-table agr-table" data-testid="agr-table">
                <thead>
                    <tr>
                        <th>"Agreement"</th>
                        <th>"Type"</th>
                        <th>"Stage"</th>
                        <th>"Stage owner"</th>
                        <th class="num">"Value"</th>
                        <th aria-sort="ascending">"Fiscal close"</th>
                        <th>"Countdown"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.iter().map(|a| {
                        let title = a.title();
                        view! {
                        <tr data-close=a.close_state()>
                            <td class="esc-cell-title">
                                <Link href=a.href()>{title}</Link>
                                <span class="esc-cell-sub">{a.summary.customer.clone()}</span>
                            </td>
                            <td>{choice_label(TYPES, &a.summary.agreement_type)}</td>
                            <td>{stage_pill(a.summary.stage)}</td>
                            <td>{holder(a).to_owned()}</td>
                            <td class="num">{a.value()}</td>
                            <td>{a.summary.fiscal_close.map(date_label)}</td>
                            <td>{flags(a)}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
        {rows.is_empty().then(|| view! { <p class="empty">"No agreement matches these filters."</p> })}
    }
}
