//! The agreements: a pipeline board by stage and a list, both in order of
//! days to fiscal close (past close first), with stuck ones flagged after a
//! number of days the person chooses.

use automerge::ROOT;
use leptos::prelude::*;
use model::agreement_schema::{OWNER, TYPES};
use model::spec::choice_label;
use model::{Agreement, Money, RecordKind, Stage};

use super::chips::{Shown, date_label, stage_pill};
use super::data::use_agreement_data;
use crate::ui::{
    BoardToggle, EmptyState, ErrorLine, ListHead, Markup, MarkupView, SearchBox, When,
    list_shortcuts, memo, use_navigate, use_repo,
};
use crate::util::now_ms;

/// Cards per board column before "n more".
const COLUMN: usize = 40;

/// The total value of `rows`, per currency in the currencies' order:
/// "80,000.00 EUR + 1,250,000.00 USD".
fn total<'a>(rows: impl Iterator<Item = &'a Shown>) -> String {
    let mut sums: Vec<Money> = Vec::new();
    for value in rows.filter_map(|a| a.summary.value.as_ref()) {
        match sums.iter_mut().find(|m| m.currency == value.currency) {
            Some(sum) => sum.minor = sum.minor.saturating_add(value.minor),
            None => sums.push(value.clone()),
        }
    }
    model::sort::sort_by(&mut sums, |a, b| a.currency.cmp(&b.currency));
    sums.iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
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
        let count = |state: &str| open.iter().filter(|a| a.close_state() == state).count();
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
    let html = memo(move || {
        let rows = filtered.read();
        if board.get() {
            board_markup(&rows)
        } else {
            table_markup(&rows)
        }
    });

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
            <When
                when=move || !all.read().is_empty()
                fallback=|| view! {
                    <EmptyState title="No agreements on this device" text="Open one with New agreement (or press N) and take it from validation to processed. Everything works offline; the team sees it when you sync."/>
                }
            >
                <div class="search toolbar">
                    <SearchBox query search=search_ref placeholder="Search title, customer or owner  ( / )" label="Search agreements"/>
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
                    <BoardToggle board other="List"/>
                </div>
                <ErrorLine error=setting_error/>
                <MarkupView html class="agr-view"/>
            </When>
        </section>
    }
}

/// A column per stage, with its count and total value.
fn board_markup(rows: &[Shown]) -> String {
    let mut m = Markup::default();
    m.open(
        "div",
        &[("class", "board agr-board"), ("data-testid", "agr-board")],
    );
    for stage in Stage::ALL {
        let cards = || rows.iter().filter(|a| a.summary.stage == stage);
        let count = cards().count();
        m.open(
            "section",
            &[
                ("class", "board-column"),
                ("data-stage", stage.value()),
                ("aria-label", stage.label()),
            ],
        )
        .open("h2", &[("class", "board-title")])
        .text(stage.label())
        .span("count", &count.to_string())
        .close("h2")
        .leaf("p", &[("class", "board-sum")], &total(cards()))
        .open("ul", &[("class", "board-cards"), ("role", "list")]);
        for a in cards().take(COLUMN) {
            let stuck = if a.stuck.is_some() { "true" } else { "" };
            let who: Vec<&str> = [a.summary.customer.as_str(), a.holder()]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect();
            m.open(
                "li",
                &[
                    ("class", "esc-card agr-card"),
                    ("data-close", a.close_state()),
                    ("data-stuck", stuck),
                ],
            );
            m.open("a", &[("href", &a.href())])
                .span("esc-card-title", a.title())
                .span("esc-card-who", &who.join(" · "))
                .span("agr-value", &a.value());
            a.flags(&mut m);
            m.close("a").close("li");
        }
        m.close("ul");
        if count > COLUMN {
            let more = format!("{} more — use the list to see them all", count - COLUMN);
            m.leaf("p", &[("class", "board-more")], &more);
        }
        m.close("section");
    }
    m.close("div").finish()
}

/// Every agreement as a row, soonest fiscal close first.
fn table_markup(rows: &[Shown]) -> String {
    let mut m = Markup::default();
    m.open("div", &[("class", "table-wrap")])
        .open(
            "table",
            &[
                ("class", "esc-table agr-table"),
                ("data-testid", "agr-table"),
            ],
        )
        .open("thead", &[])
        .open("tr", &[]);
    for (head, class) in [
        ("Agreement", ""),
        ("Type", ""),
        ("Stage", ""),
        ("Stage owner", ""),
        ("Value", "num"),
        ("Fiscal close", ""),
        ("Countdown", ""),
    ] {
        m.leaf("th", &[("class", class)], head);
    }
    m.close("tr").close("thead").open("tbody", &[]);
    for a in rows {
        let s = &a.summary;
        m.open("tr", &[("data-close", a.close_state())])
            .open("td", &[("class", "esc-cell-title")]);
        a.link(&mut m);
        m.span("esc-cell-sub", &s.customer)
            .close("td")
            .leaf("td", &[], &choice_label(TYPES, &s.agreement_type))
            .open("td", &[]);
        stage_pill(&mut m, s.stage);
        m.close("td")
            .leaf("td", &[], a.holder())
            .leaf("td", &[("class", "num")], &a.value())
            .leaf(
                "td",
                &[],
                &s.fiscal_close.map(date_label).unwrap_or_default(),
            )
            .open("td", &[]);
        a.flags(&mut m);
        m.close("td").close("tr");
    }
    m.close("tbody").close("table");
    if rows.is_empty() {
        m.leaf(
            "p",
            &[("class", "empty")],
            "No agreement matches these filters.",
        );
    }
    m.close("div").finish()
}
