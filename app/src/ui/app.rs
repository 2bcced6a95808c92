use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use super::RepoHandle;
use super::sync_badge::SyncBadge;
use super::who_am_i::WhoAmI;
use crate::features::escalations::{
    EscalationList, EscalationPage, SystemicList, SystemicPage, TrendsPage, provide_escalation_data,
};
use crate::features::plans::{PlanList, PlanPage};
use crate::store::Store;
use crate::sync::Repo;
use crate::workspace;

const DATABASE: &str = "fieldbook";

async fn boot() -> Result<Rc<Repo>, String> {
    let store = Store::open(DATABASE).await.map_err(|e| e.to_string())?;
    let index = workspace::resolve(&store).await?;
    Repo::open(store, index).await.map_err(|e| e.to_string())
}

#[component]
pub fn App() -> impl IntoView {
    let booted = LocalResource::new(boot);
    view! {
        <Suspense fallback=|| view! { <Splash message="Opening your workspace…"/> }>
            {move || {
                booted
                    .get()
                    .map(|result| match result {
                        Ok(repo) => view! { <Shell repo/> }.into_any(),
                        Err(e) => view! { <Splash message=e error=true/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Splash(#[prop(into)] message: String, #[prop(optional)] error: bool) -> impl IntoView {
    view! {
        <div class="splash" class:splash-error=error role=if error { "alert" } else { "status" }>
            <div class="brand-mark" aria-hidden="true">"F"</div>
            <p>{message}</p>
        </div>
    }
}

#[component]
fn Shell(repo: Rc<Repo>) -> impl IntoView {
    let status = repo.status;
    provide_context(RepoHandle(StoredValue::new_local(repo)));
    provide_escalation_data();
    view! {
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    <span class="brand-name">"Fieldbook"</span>
                </A>
                <nav class="topnav" aria-label="Records">
                    <A href="/" exact=true>"Account plans"</A>
                    <A href="/escalations">"Escalations"</A>
                    <A href="/systemic">"Systemic issues"</A>
                    <A href="/trends">"Trends"</A>
                </nav>
                <WhoAmI/>
                <SyncBadge status/>
            </header>
            <main class="content">
                <Routes fallback=|| view! { <p class="empty">"There is nothing at this address."</p> }>
                    <Route path=path!("/") view=PlanList/>
                    <Route path=path!("/plans/:id") view=PlanPage/>
                    <Route path=path!("/escalations") view=EscalationList/>
                    <Route path=path!("/escalations/:id") view=EscalationPage/>
                    <Route path=path!("/systemic") view=SystemicList/>
                    <Route path=path!("/systemic/:id") view=SystemicPage/>
                    <Route path=path!("/trends") view=TrendsPage/>
                </Routes>
            </main>
        </Router>
    }
}
