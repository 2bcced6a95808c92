//! The escalations: a board by status and a sortable, filterable table,
//! with the overdue ones first.

use std::cmp::Reverse;

use leptos::prelude::*;
use model::escalation_schema::SEVERITIES;
use model::sort::{sort_by, sort_by_key};
use model::{Escalation, RecordKind, Status, Summary, Timer};

use super::chips::{sev_chip, status_pill, timer_chip, timer_state, title_or_untitled};
use super::data::{Row as EscRow, use_escalation_data};
use crate::ui::{
    BoardToggle, EmptyState, ListHead, Markup, MarkupView, SearchBox, When, list_shortcuts, memo,
    use_navigate, use_repo,
};
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

impl SortBy {
    const ALL: [SortBy; 5] = [
        SortBy::Urgency,
        SortBy::Severity,
        SortBy::Owner,
        SortBy::Age,
        SortBy::NextUpdate,
    ];

    /// How a sort button names it.
    fn key(self) -> &'static str {
        match self {
            SortBy::Urgency => "urgency",
            SortBy::Severity => "severity",
            SortBy::Owner => "owner",
            SortBy::Age => "age",
            SortBy::NextUpdate => "next-update",
        }
    }
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
    let filtered = memo(move || {
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

    let html = memo(move || {
        let now = data.now.get();
        let rows = filtered.read();
        if board.get() {
            board_markup(&rows, now)
        } else {
            table_markup(&rows, sort_by.get(), show_all.get(), now)
        }
    });
    // A table heading sorts by its column (again: the other way round);
    // "Show all" shows every row.
    let act = move |(action, key): (String, String)| match action.as_str() {
        "sort" => {
            if let Some(by) = SortBy::ALL.into_iter().find(|b| b.key() == key) {
                sort_by.update(|(b, d)| {
                    *d = *b == by && !*d;
                    *b = by;
                });
            }
        }
        _ => show_all.set(true),
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
            <When
                when=move || !data.escalations.get().is_empty()
                fallback=|| view! {
                    <EmptyState title="No escalations on this device" text="Open one with New escalation (or press N). Notes, timers and trends work offline; the team sees them when you sync."/>
                }
            >
                <div class="search toolbar">
                    <SearchBox query search=search_ref placeholder="Search title, customer or product  ( / )" label="Search escalations"/>
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
                    <BoardToggle board other="Table"/>
                </div>
                <MarkupView html on_action=Callback::new(act) class="esc-view"/>
            </When>
        </section>
    }
}

/// A column per status (the closed ones only when they hold any), overdue
/// escalations first in each.
fn board_markup(rows: &[EscRow], now: i64) -> String {
    let mut sorted = rows.to_vec();
    sort(&mut sorted, SortBy::Urgency, false, now);
    let mut m = Markup::default();
    m.open("div", &[("class", "board"), ("data-testid", "esc-board")]);
    for status in Status::ALL {
        let cards = || sorted.iter().filter(|(_, s)| s.status == status);
        let total = cards().count();
        if !status.is_open() && total == 0 {
            continue;
        }
        m.open(
            "section",
            &[
                ("class", "board-column"),
                ("data-status", status.value()),
                ("aria-label", status.label()),
            ],
        )
        .open("h2", &[("class", "board-title")])
        .text(status.label())
        .span("count", &total.to_string())
        .close("h2")
        .open("ul", &[("class", "board-cards"), ("role", "list")]);
        for (id, s) in cards().take(COLUMN) {
            let timer = s.timer(now);
            let who: Vec<&str> = [s.customer.as_str(), s.owner.as_str()]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect();
            m.open(
                "li",
                &[("class", "esc-card"), ("data-timer", timer_state(timer))],
            )
            .open("a", &[("href", &format!("/escalations/{id}"))])
            .open("span", &[("class", "esc-card-top")]);
            sev_chip(&mut m, s.severity);
            if s.status == Status::Awaiting {
                status_pill(&mut m, s.status, &s.hold_reason);
            }
            m.close("span")
                .span("esc-card-title", &title_or_untitled(&s.title))
                .span("esc-card-who", &who.join(" · "));
            timer_chip(&mut m, timer);
            m.close("a").close("li");
        }
        m.close("ul");
        if total > COLUMN {
            let more = format!("{} more — use the table to see them all", total - COLUMN);
            m.leaf("p", &[("class", "board-more")], &more);
        }
        m.close("section");
    }
    m.close("div").finish()
}

/// The table sorted as the person chose, its first [`PAGE`] rows unless
/// `show_all`.
fn table_markup(
    rows: &[EscRow],
    (by, descending): (SortBy, bool),
    show_all: bool,
    now: i64,
) -> String {
    let mut sorted = rows.to_vec();
    sort(&mut sorted, by, descending, now);
    let mut m = Markup::default();
    m.open("div", &[("class", "table-wrap")])
        .open(
            "table",
            &[("class", "esc-table"), ("data-testid", "esc-table")],
        )
        .open("thead", &[])
        .open("tr", &[]);
    for (column, label) in [
        (Some(SortBy::Severity), "Severity"),
        (None, "Escalation"),
        (None, "Status"),
        (Some(SortBy::Owner), "Owner"),
        (Some(SortBy::Age), "Age"),
        (Some(SortBy::NextUpdate), "Next update"),
        (Some(SortBy::Urgency), "Urgency"),
    ] {
        let Some(column) = column else {
            m.leaf("th", &[], label);
            continue;
        };
        let state = match (column == by, descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        m.open("th", &[("aria-sort", state)])
            .open(
                "button",
                &[
                    ("class", "th-sort"),
                    ("data-action", "sort"),
                    ("data-id", column.key()),
                ],
            )
            .text(label)
            .leaf(
                "span",
                &[("class", "sort-mark"), ("aria-hidden", "true")],
                "",
            )
            .close("button")
            .close("th");
    }
    m.close("tr").close("thead").open("tbody", &[]);
    let take = if show_all { sorted.len() } else { PAGE };
    for (id, s) in sorted.iter().take(take) {
        let timer = s.timer(now);
        m.open("tr", &[("data-timer", timer_state(timer))])
            .open("td", &[]);
        sev_chip(&mut m, s.severity);
        m.close("td")
            .open("td", &[("class", "esc-cell-title")])
            .leaf(
                "a",
                &[("href", &format!("/escalations/{id}"))],
                &title_or_untitled(&s.title),
            )
            .span("esc-cell-sub", &s.customer)
            .close("td")
            .open("td", &[]);
        status_pill(&mut m, s.status, &s.hold_reason);
        let next = s
            .next_update_due
            .filter(|_| s.status.is_open())
            .map(local_time_label)
            .unwrap_or_default();
        m.close("td")
            .leaf("td", &[], &s.owner)
            .leaf("td", &[], &format!("{} d", s.age_days(now)))
            .leaf("td", &[], &next)
            .open("td", &[]);
        timer_chip(&mut m, timer);
        m.close("td").close("tr");
    }
    m.close("tbody").close("table");
    if rows.is_empty() {
        m.leaf(
            "p",
            &[("class", "empty")],
            "No escalation matches these filters.",
        );
    }
    if sorted.len() > take {
        m.leaf(
            "button",
            &[("class", "button subtle"), ("data-action", "all")],
            &format!("Show all {}", sorted.len()),
        );
    }
    m.close("div").finish()
}
