//! The escalations: a board by status and a sortable, filterable table,
//! with the overdue ones first.

use std::cmp::Reverse;
use std::sync::Arc;

use leptos::prelude::*;
use model::escalation_schema::SEVERITIES;
use model::sort::{sort_by, sort_by_key};
use model::{Escalation, RecordKind, Status, Summary, Timer};
use protocol::DocumentId;

use super::chips::{SeverityChip, StatusPill, TimerChip, title_or_untitled};
use super::data::{Row as EscRow, use_escalation_data};
use crate::ui::{Link, ListHead, list_shortcuts, use_navigate, use_repo};
use crate::util::{local_time_label, now_ms};

/// Rows the table shows before "Show all".
const PAGE: usize = 200;
/// Cards per board column before "n more".
const COLUMN: usize = 40;

/// What the table is sorted by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Urgency,
    Severity,
    Owner,
    Age,
    NextUpdate,
}

/// Overdue first (most late first), then due soon, then the rest by due
/// time, then those with no timer; severity breaks ties.
fn urgency(s: &Summary, now: i64) -> (u8, i64, u8) {
    let sev = s.severity.unwrap_or(5);
    match s.timer(now) {
        Some(Timer::Overdue(by)) => (0, -by, sev),
        Some(Timer::DueSoon(left)) => (1, left, sev),
        Some(Timer::Due(left)) => (2, left, sev),
        None if s.status.is_open() => (3, 0, sev),
        None => (4, -s.resolved_at.unwrap_or(0), sev),
    }
}

fn sort(rows: &mut [EscRow], by: SortBy, descending: bool, now: i64) {
    match by {
        SortBy::Urgency => sort_by_key(rows, |(_, s)| urgency(s, now)),
        SortBy::Severity => sort_by_key(rows, |(_, s)| (s.severity.unwrap_or(5), urgency(s, now))),
        SortBy::Owner => sort_by(rows, |(_, a), (_, b)| {
            (a.owner.is_empty(), a.owner.to_lowercase())
                .cmp(&(b.owner.is_empty(), b.owner.to_lowercase()))
        }),
        SortBy::Age => sort_by_key(rows, |(_, s)| Reverse(s.age_days(now))),
        SortBy::NextUpdate => sort_by_key(rows, |(_, s)| {
            (
                s.next_update_due
                    .filter(|_| s.status.is_open())
                    .unwrap_or(i64::MAX),
                s.severity,
            )
        }),
    }
    if descending {
        rows.reverse();
    }
}

#[component]
pub fn EscalationList() -> impl IntoView {
    let repo = use_repo();
    let data = use_escalation_data();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let query = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let severity = RwSignal::new(String::new());
    let scope = RwSignal::new("open".to_owned());
    let board = RwSignal::new(true);
    let sort_by = RwSignal::new((SortBy::Urgency, false));
    let show_all = RwSignal::new(false);

    let create = move || {
        let repo = repo.get();
        let me = repo.name.get_untracked();
        let made = repo.create(RecordKind::Escalation, |d| {
            Escalation::create(d, "", now_ms())?;
            model::escalation_schema::OWNER.write(d, &automerge::ROOT, &me, "")?;
            Ok(())
        });
        match made {
            Ok(id) => navigate(&format!("/escalations/{id}")),
            Err(e) => error.set(Some(format!("Could not open an escalation: {e}"))),
        }
    };
    list_shortcuts(create, search_ref);

    let owners = move || {
        let mut all: Vec<String> = data
            .escalations
            .get()
            .iter()
            .map(|(_, s)| s.owner.clone())
            .filter(|o| !o.is_empty())
            .collect();
        sort_by_key(&mut all, |o| o.to_lowercase());
        all.dedup();
        all
    };
    let filtered = Memo::new(move |_| {
        let q = query.get().to_lowercase();
        let (owner, severity, scope) = (owner.get(), severity.get(), scope.get());
        data.escalations
            .get()
            .iter()
            .filter(|(_, s)| {
                (q.is_empty()
                    || s.title.to_lowercase().contains(&q)
                    || s.customer.to_lowercase().contains(&q)
                    || s.product_area.to_lowercase().contains(&q))
                    && (owner.is_empty() || s.owner == owner)
                    && (severity.is_empty()
                        || s.severity.map(|v| v.to_string()) == Some(severity.clone()))
                    && match scope.as_str() {
                        "open" => s.status.is_open(),
                        "" => true,
                        status => s.status.value() == status,
                    }
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    let counts = move || {
        let now = data.now.get();
        let all = data.escalations.get();
        let open = all.iter().filter(|(_, s)| s.status.is_open()).count();
        let (mut overdue, mut soon) = (0, 0);
        for (_, s) in all.iter() {
            match s.timer(now) {
                Some(Timer::Overdue(_)) => overdue += 1,
                Some(Timer::DueSoon(_)) => soon += 1,
                _ => {}
            }
        }
        (all.len(), open, overdue, soon)
    };

    view! {
        <section class="page escalations" aria-labelledby="esc-heading">
            <ListHead
                id="esc-heading"
                title="Escalations"
                new_label="New escalation"
                sub=Signal::derive(move || {
                    let (all, open, overdue, soon) = counts();
                    match all {
                        0 => "No escalations yet".to_owned(),
                        _ => format!("{open} open of {all} · {overdue} overdue · {soon} due soon"),
                    }
                })
                sub_testid="esc-counts"
                on_new=Callback::new(move |()| create())
                error
            />
            <Show
                when=move || !data.escalations.get().is_empty()
                fallback=|| view! {
                    <div class="empty-state">
                        <h2>"No escalations on this device"</h2>
                        <p>"Open one with New escalation (or press N). Notes, timers and trends work offline; the team sees them when you sync."</p>
                    </div>
                }
            >
                <div class="search toolbar">
                    <input
                        type="search"
                        class="search-input"
                        placeholder="Search title, customer or product  ( / )"
                        aria-label="Search escalations"
                        node_ref=search_ref
                        bind:value=query
                    />
                    <select class="filter" aria-label="Which escalations" bind:value=scope data-testid="filter-scope">
                        <option value="open">"Open"</option>
                        <option value="">"All"</option>
                        {Status::ALL.iter().map(|s| view! { <option value=s.value()>{s.label()}</option> }).collect_view()}
                    </select>
                    <select class="filter" aria-label="Filter by severity" bind:value=severity data-testid="filter-severity">
                        <option value="">"Any severity"</option>
                        {SEVERITIES.iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                    </select>
                    <select class="filter" aria-label="Filter by owner" bind:value=owner data-testid="filter-owner">
                        <option value="">"All owners"</option>
                        {move || owners().into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                    </select>
                    <div class="segmented" role="group" aria-label="View">
                        <button class="button subtle" aria-pressed=move || board.get().to_string() on:click=move |_| board.set(true)>"Board"</button>
                        <button class="button subtle" aria-pressed=move || (!board.get()).to_string() on:click=move |_| board.set(false)>"Table"</button>
                    </div>
                </div>
                <Show when=move || board.get() fallback=move || view! { <Table rows=filtered sort_by show_all/> }>
                    <Board rows=filtered/>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn Board(rows: Memo<Vec<EscRow>>) -> impl IntoView {
    let data = use_escalation_data();
    let columns = move || {
        let now = data.now.get();
        let mut sorted = rows.get();
        sort(&mut sorted, SortBy::Urgency, false, now);
        Status::ALL
            .iter()
            .map(|status| {
                let cards: Vec<_> = sorted
                    .iter()
                    .filter(|(_, s)| s.status == *status)
                    .cloned()
                    .collect();
                (*status, cards)
            })
            .filter(|(status, cards)| status.is_open() || !cards.is_empty())
            .collect::<Vec<_>>()
    };
    view! {
        <div class="board" data-testid="esc-board">
            {move || {
                columns()
                    .into_iter()
                    .map(|(status, cards)| {
                        let total = cards.len();
                        view! {
                            <section class="board-column" data-status=status.value() aria-label=status.label()>
                                <h2 class="board-title">{status.label()} <span class="count">{total}</span></h2>
                                <ul class="board-cards" role="list">
                                    {cards
                                        .into_iter()
                                        .take(COLUMN)
                                        .map(|(id, s)| view! { <Card id summary=s/> })
                                        .collect_view()}
                                </ul>
                                {(total > COLUMN).then(|| view! {
                                    <p class="board-more">{format!("{} more — use the table to see them all", total - COLUMN)}</p>
                                })}
                            </section>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn Card(id: DocumentId, summary: Arc<Summary>) -> impl IntoView {
    let data = use_escalation_data();
    let s = summary.clone();
    let timer = Signal::derive(move || s.timer(data.now.get()));
    let who: Vec<String> = [summary.customer.clone(), summary.owner.clone()]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    view! {
        <li class="esc-card" data-timer=move || timer.get().map(|t| super::chips::timer_words(t).0)>
            <Link href=format!("/escalations/{id}")>
                <span class="esc-card-top">
                    <SeverityChip severity=summary.severity/>
                    {(summary.status == Status::Awaiting).then(|| view! { <StatusPill status=summary.status hold=summary.hold_reason.clone()/> })}
                </span>
                <span class="esc-card-title">{title_or_untitled(&summary.title)}</span>
                <span class="esc-card-who">{who.join(" · ")}</span>
                <TimerChip timer/>
            </Link>
        </li>
    }
}

#[component]
fn Table(
    rows: Memo<Vec<EscRow>>,
    sort_by: RwSignal<(SortBy, bool)>,
    show_all: RwSignal<bool>,
) -> impl IntoView {
    let data = use_escalation_data();
    let sorted = Memo::new(move |_| {
        let (by, descending) = sort_by.get();
        let mut all = rows.get();
        sort(&mut all, by, descending, data.now.get());
        all
    });
    let header = move |by: SortBy, label: &'static str| {
        let state = move || match sort_by.get() {
            (b, false) if b == by => "ascending",
            (b, true) if b == by => "descending",
            _ => "none",
        };
        let click = move |_| {
            sort_by.update(|(b, d)| {
                if *b == by {
                    *d = !*d;
                } else {
                    *b = by;
                    *d = false;
                }
            })
        };
        view! {
            <th aria-sort=state>
                <button class="th-sort" on:click=click>{label}<span class="sort-mark" aria-hidden="true"></span></button>
            </th>
        }
    };
    let shown = move || {
        let all = sorted.get();
        let take = if show_all.get() { all.len() } else { PAGE };
        all.into_iter().take(take).collect::<Vec<_>>()
    };
    view! {
        <div class="table-wrap">
            <table class="esc-table" data-testid="esc-table">
                <thead>
                    <tr>
                        {header(SortBy::Severity, "Severity")}
                        <th>"Escalation"</th>
                        <th>"Status"</th>
                        {header(SortBy::Owner, "Owner")}
                        {header(SortBy::Age, "Age")}
                        {header(SortBy::NextUpdate, "Next update")}
                        {header(SortBy::Urgency, "Urgency")}
                    </tr>
                </thead>
                <tbody>
                    <For each=shown key=|(id, s)| (*id, s.clone()) let:row>
                        <Row id=row.0 summary=row.1/>
                    </For>
                </tbody>
            </table>
            <Show when=move || rows.get().is_empty()>
                <p class="empty">"No escalation matches these filters."</p>
            </Show>
            <Show when=move || { !show_all.get() && sorted.get().len() > PAGE }>
                <button class="button subtle" on:click=move |_| show_all.set(true)>
                    {move || format!("Show all {}", sorted.get().len())}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn Row(id: DocumentId, summary: Arc<Summary>) -> impl IntoView {
    let data = use_escalation_data();
    let s = summary.clone();
    let timer = Signal::derive(move || s.timer(data.now.get()));
    let age = summary.clone();
    let title = title_or_untitled(&summary.title);
    view! {
        <tr data-timer=move || timer.get().map(|t| super::chips::timer_words(t).0)>
            <td><SeverityChip severity=summary.severity/></td>
            <td class="esc-cell-title">
                <Link href=format!("/escalations/{id}")>{title}</Link>
                <span class="esc-cell-sub">{summary.customer.clone()}</span>
            </td>
            <td><StatusPill status=summary.status hold=summary.hold_reason.clone()/></td>
            <td>{summary.owner.clone()}</td>
            <td>{move || format!("{} d", age.age_days(data.now.get()))}</td>
            <td>{summary.next_update_due.filter(|_| summary.status.is_open()).map(local_time_label)}</td>
            <td><TimerChip timer/></td>
        </tr>
    }
}
