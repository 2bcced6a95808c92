//! The list of account plans: search, create, open.

use automerge::ROOT;
use leptos::prelude::*;
use model::fields::read_string;
use model::plan_schema::STATUSES;
use model::{AccountPlan, RecordKind};
use protocol::DocumentId;

use crate::sync::Repo;
use crate::ui::{
    EmptyState, ListHead, Markup, MarkupView, SearchBox, When, list_shortcuts, memo, use_navigate,
    use_repo,
};
use crate::util::{now_ms, relative_time};

#[component]
pub fn PlanList() -> impl IntoView {
    let repo = use_repo();
    let query = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let search_ref = NodeRef::<leptos::html::Input>::new();

    let create = move || match repo
        .get()
        .create(RecordKind::AccountPlan, |d| AccountPlan::create(d, ""))
    {
        Ok(id) => navigate(&format!("/plans/{id}")),
        Err(e) => error.set(Some(format!("Could not create a plan: {e}"))),
    };

    list_shortcuts(create, search_ref);

    let plans = memo(move || {
        let repo = repo.get();
        repo.records()
            .iter()
            .filter(|r| r.kind == RecordKind::AccountPlan)
            .filter_map(|r| DocumentId::parse(&r.id).ok().map(|id| (id, r.created_at)))
            .collect::<Vec<_>>()
    });
    let owner = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    // What the list filters on, per plan: title, customer, owner, status.
    let facts = move |id: DocumentId| {
        repo.get()
            .read(id, |d| {
                let get = |k| read_string(d, &ROOT, k).unwrap_or_default();
                [get("title"), get("customer"), get("owner"), get("status")]
            })
            .unwrap_or_default()
    };
    let owners = move || {
        let mut all: Vec<String> = plans
            .get()
            .into_iter()
            .map(|(id, _)| facts(id)[2].clone())
            .filter(|o| !o.is_empty())
            .collect();
        model::sort::sort(&mut all);
        all.dedup();
        all
    };
    let visible = move || {
        let q = query.get().to_lowercase();
        let (owner, status) = (owner.get(), status.get());
        plans
            .get()
            .into_iter()
            .filter(|(id, _)| {
                let [title, customer, o, s] = facts(*id);
                (q.is_empty()
                    || title.to_lowercase().contains(&q)
                    || customer.to_lowercase().contains(&q))
                    && (owner.is_empty() || o == owner)
                    && (status.is_empty() || s == status)
            })
            .collect::<Vec<_>>()
    };
    let count = move || plans.get().len();

    view! {
        <section class="page plans" aria-labelledby="plans-heading">
            <ListHead
                id="plans-heading"
                title="Account plans"
                new_label="New plan"
                sub=Signal::derive(move || match count() {
                    0 => "No plans yet".to_owned(),
                    1 => "1 plan in this workspace".to_owned(),
                    n => format!("{n} plans in this workspace"),
                })
                on_new=Callback::new(move |()| create())
                error
            />
            <When
                when=move || { count() > 0 }
                fallback=|| {
                    view! {
                        <EmptyState title="Start your first account plan" text="Plans are saved on this device as you type and shared with your team through the relay — online or not."/>
                    }
                }
            >
                <div class="search">
                    <SearchBox query search=search_ref placeholder="Search by plan or customer  ( / )" label="Search plans by title or customer"/>
                    <select class="filter" aria-label="Filter by owner" bind:value=owner data-testid="filter-owner">
                        <option value="">"All owners"</option>
                        {move || owners().into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                    </select>
                    <select class="filter" aria-label="Filter by status" bind:value=status data-testid="filter-status">
                        <option value="">"All statuses"</option>
                        {STATUSES.iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                    </select>
                </div>
                <MarkupView html=memo(move || rows_markup(&repo.get(), &visible())) class="plans-drawn"/>
                <When when=move || visible().is_empty()>
                    <p class="empty">"No plan matches these filters."</p>
                </When>
            </When>
        </section>
    }
}

/// A row per plan: title with its status, customer and owner, the first
/// line of the customer's vision, when it was created.
fn rows_markup(repo: &Repo, plans: &[(DocumentId, i64)]) -> String {
    let now = now_ms();
    let mut m = Markup::default();
    m.open("ul", &[("class", "plan-list"), ("role", "list")]);
    for (id, created_at) in plans {
        let missing = repo.is_missing(*id);
        let (title, vision, who, status) = repo
            .read(*id, |d| {
                let get = |k| read_string(d, &ROOT, k).unwrap_or_default();
                let who: Vec<String> = [get("customer"), get("owner")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect();
                let status = STATUSES.iter().find(|c| c.value == get("status"));
                (get("title"), get("vision"), who.join(" · "), status)
            })
            .unwrap_or_default();
        let title = match title.trim() {
            _ if missing => "Waiting for this plan from the relay…",
            "" => "Untitled plan",
            _ => &title,
        };
        let first = vision.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let mut excerpt: String = first.chars().take(140).collect();
        if first.chars().count() > 140 {
            excerpt.push('…');
        }
        let class = if missing {
            "plan-row plan-row-missing"
        } else {
            "plan-row"
        };
        m.open("li", &[("class", class)])
            .open("a", &[("href", &format!("/plans/{id}"))])
            .open("span", &[("class", "plan-row-title")])
            .text(title);
        if let Some(status) = status {
            m.leaf(
                "span",
                &[("class", "status-tag"), ("data-status", status.value)],
                status.label,
            );
        }
        m.close("span")
            .span("plan-row-who", &who)
            .span("plan-row-excerpt", &excerpt)
            .span(
                "plan-row-meta",
                &format!("Created {}", relative_time(*created_at, now)),
            )
            .close("a")
            .close("li");
    }
    m.close("ul").finish()
}
