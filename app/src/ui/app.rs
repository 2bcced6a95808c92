use std::rc::Rc;

use leptos::prelude::*;

use super::access::{InvitationScreen, SignInScreen, SignedOutNotice};
use super::away::AwayCard;
use super::collab_text::refit_text_areas_on_resize;
use super::route::{Link, provide_location};
use super::sync_badge::SyncBadge;
use super::update::UpdateBanner;
use super::who_am_i::{Welcome, WhoAmI};
use super::{RepoHandle, memo};
use crate::features::agreements::{AgreementList, AgreementPage, provide_agreement_data};
use crate::features::escalations::{
    EscalationList, EscalationPage, SystemicList, SystemicPage, TrendsPage, provide_escalation_data,
};
use crate::features::forums::{ForumHome, ThreadPage, provide_forum_data};
use crate::features::plans::{PlanList, PlanPage};
use crate::features::records::clock;
use crate::presence::provide_presence;
use crate::store::Store;
use crate::sync::Repo;
use crate::workspace::{self, Invitation, Opening};
use protocol::DocumentId;

const DATABASE: &str = "fieldbook";

/// Where start-up ends.
#[derive(Clone)]
enum Stage {
    /// The workspace, with a notice when the relay refused the token.
    Open(Rc<Repo>, Option<String>),
    Invited(Store, Invitation),
    SignIn(Option<String>),
}

/// How many of the device's documents start-up has loaded, of how many.
type Progress = RwSignal<Option<(usize, usize)>>;

async fn boot(progress: Progress) -> Result<Stage, String> {
    let store = Store::open(DATABASE).await.map_err(|e| e.to_string())?;
    Ok(match workspace::resolve(&store).await? {
        Opening::Ready {
            index,
            notice,
            signed_in,
        } => {
            // A refused token's notice is the signed-out state itself.
            let (notice, signed_out) = if signed_in {
                (notice, None)
            } else {
                (None, notice)
            };
            Stage::Open(open(store, index, signed_out, progress).await?, notice)
        }
        Opening::Invited(invitation) => Stage::Invited(store, invitation),
        Opening::SignIn { reason } => Stage::SignIn(reason),
    })
}

async fn open(
    store: Store,
    index: DocumentId,
    signed_out: Option<String>,
    progress: Progress,
) -> Result<Rc<Repo>, String> {
    let viewer = workspace::viewer(&store).await;
    let loaded = move |done, total| progress.set(Some((done, total)));
    Repo::open(store, index, signed_out, viewer, loaded)
        .await
        .map_err(|e| e.to_string())
}

/// Yes to an invitation: sign in with its token and open its workspace.
async fn accept(store: Store, invitation: Invitation, progress: Progress) -> Result<Stage, String> {
    let index = workspace::join(&store, &invitation.token, &invitation.to).await?;
    Ok(Stage::Open(open(store, index, None, progress).await?, None))
}

#[component]
pub fn App() -> impl IntoView {
    // Start-up runs once; a plain signal and a task are all it needs (no
    // resource and `<Suspense>` machinery in the app).
    let booted = RwSignal::new_local(None::<Result<Stage, String>>);
    let progress: Progress = RwSignal::new(None);
    leptos::task::spawn_local(async move { booted.set(Some(boot(progress).await)) });
    let opening = Signal::derive(move || match progress.get() {
        Some((done, total)) => format!("Opening your workspace… {done} of {total} documents"),
        None => "Opening your workspace…".to_owned(),
    });
    let bar = move || {
        progress
            .get()
            .map(|(done, total)| view! { <progress class="splash-progress" max=total value=done></progress> })
    };
    view! {
        <UpdateBanner/>
        {move || match booted.get() {
            None => view! { <Splash message=opening>{bar}</Splash> }.into_any(),
            Some(Ok(Stage::Open(repo, notice))) => view! { <Shell repo notice/> }.into_any(),
            Some(Ok(Stage::Invited(store, invitation))) => {
                let on_join = Callback::new(move |invitation| {
                    let store = store.clone();
                    leptos::task::spawn_local(async move {
                        booted.set(Some(accept(store, invitation, progress).await))
                    });
                });
                view! { <InvitationScreen invitation on_join/> }.into_any()
            }
            Some(Ok(Stage::SignIn(reason))) => view! { <SignInScreen reason/> }.into_any(),
            Some(Err(e)) => view! { <Splash message=e error=true/> }.into_any(),
        }}
    }
}

#[component]
fn Splash(
    #[prop(into)] message: Signal<String>,
    #[prop(optional)] error: bool,
    /// Shown under the message (start-up's progress bar).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="splash" class:splash-error=error role=if error { "alert" } else { "status" }>
            <div class="brand-mark" aria-hidden="true">"F"</div>
            <p>{message}</p>
            {children.map(|c| c())}
        </div>
    }
}

/// The pages of the app, by path.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    Plans,
    Plan,
    Escalations,
    Escalation,
    Systemic,
    SystemicIssue,
    Trends,
    Forums,
    Mentions,
    Thread,
    Agreements,
    Agreement,
    Nowhere,
}

impl Page {
    /// The page at `path`: `/`, `/plans/:id`, `/escalations`,
    /// `/escalations/:id`, `/systemic`, `/systemic/:id`, `/trends`,
    /// `/forums`, `/forums/:category`, `/mentions`, `/threads/:id`,
    /// `/agreements`, `/agreements/:id` (a trailing slash does not matter).
    fn at(path: &str) -> Page {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] => Page::Plans,
            ["plans", id] if !id.is_empty() => Page::Plan,
            ["escalations"] => Page::Escalations,
            ["escalations", id] if !id.is_empty() => Page::Escalation,
            ["systemic"] => Page::Systemic,
            ["systemic", id] if !id.is_empty() => Page::SystemicIssue,
            ["trends"] => Page::Trends,
            ["forums"] | ["forums", _] => Page::Forums,
            ["mentions"] => Page::Mentions,
            ["threads", id] if !id.is_empty() => Page::Thread,
            ["agreements"] => Page::Agreements,
            ["agreements", id] if !id.is_empty() => Page::Agreement,
            _ => Page::Nowhere,
        }
    }
}

#[component]
fn Shell(repo: Rc<Repo>, notice: Option<String>) -> impl IntoView {
    let status = repo.status;
    let read_only = repo.read_only;
    let signed_out = repo.signed_out;
    provide_presence(repo.clone());
    let handle = RepoHandle(StoredValue::new_local(repo));
    provide_context(handle);
    let hide = window_event_listener(leptos::ev::pagehide, move |_| {
        handle.get().set_leaving(true)
    });
    let show = window_event_listener(leptos::ev::pageshow, move |_| {
        handle.get().set_leaving(false)
    });
    on_cleanup(move || {
        hide.remove();
        show.remove();
    });
    refit_text_areas_on_resize();
    let now = clock();
    provide_escalation_data(now);
    provide_agreement_data(now);
    provide_forum_data(now);
    let path = provide_location();
    let page = memo(move || path.with(|p| Page::at(p)));
    view! {
        <header class="topbar">
            <Link href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"F"</span>
                <span class="brand-name">"Fieldbook"</span>
            </Link>
            <nav class="topnav" aria-label="Records">
                <Link href="/" exact=true>"Account plans"</Link>
                <Link href="/escalations">"Escalations"</Link>
                <Link href="/systemic">"Systemic issues"</Link>
                <Link href="/trends">"Trends"</Link>
                <Link href="/forums">"Forums"</Link>
                <Link href="/agreements">"Agreements"</Link>
            </nav>
            {read_only.then(|| view! {
                <span class="tag view-only" title="You are a viewer in this workspace: you can read every record but not change it">
                    "View only"
                </span>
            })}
            <WhoAmI/>
            <SyncBadge status/>
        </header>
        <main class="content">
            {notice.map(|notice| view! { <SignedOutNotice notice/> })}
            {move || signed_out.get().map(|notice| view! { <SignedOutNotice notice/> })}
            <AwayCard/>
            <Welcome/>
            {move || match page.get() {
                Page::Plans => view! { <PlanList/> }.into_any(),
                Page::Plan => view! { <PlanPage/> }.into_any(),
                Page::Escalations => view! { <EscalationList/> }.into_any(),
                Page::Escalation => view! { <EscalationPage/> }.into_any(),
                Page::Systemic => view! { <SystemicList/> }.into_any(),
                Page::SystemicIssue => view! { <SystemicPage/> }.into_any(),
                Page::Trends => view! { <TrendsPage/> }.into_any(),
                Page::Forums => view! { <ForumHome/> }.into_any(),
                Page::Mentions => view! { <ForumHome mentions=true/> }.into_any(),
                Page::Thread => view! { <ThreadPage/> }.into_any(),
                Page::Agreements => view! { <AgreementList/> }.into_any(),
                Page::Agreement => view! { <AgreementPage/> }.into_any(),
                Page::Nowhere => {
                    view! { <p class="empty">"There is nothing at this address."</p> }.into_any()
                }
            }}
        </main>
    }
}
