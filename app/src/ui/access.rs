//! Getting into a workspace: the sign-in screen (no token that works), the
//! invitation screen (join, or not now) and the signed-out notice above an
//! open workspace whose token the relay refused.

use leptos::prelude::*;

use crate::sign_in;
use crate::util::local_time_label;
use crate::workspace::Invitation;

/// Paste a sign-in or invitation link (or a bare token) to sign in.
#[component]
fn SignInForm() -> impl IntoView {
    let link = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match sign_in::token_in_link(&link.get_untracked()) {
            Some(token) => sign_in::open_with(&token),
            None => error.set(Some(
                "That is not a sign-in link: it should end in #token=fb_…".into(),
            )),
        }
    };
    view! {
        <form class="access-form" on:submit=submit>
            <label for="sign-in-link">"Sign-in or invitation link"</label>
            <div class="access-row">
                <input
                    id="sign-in-link"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="http://…/#token=fb_…"
                    prop:value=move || link.get()
                    on:input=move |ev| {
                        link.set(event_target_value(&ev));
                        error.set(None);
                    }
                />
                <button class="button primary" type="submit">"Sign in"</button>
            </div>
            <p class="access-error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </form>
    }
}

/// No workspace on this device and no token that works.
#[component]
pub fn SignInScreen(reason: Option<String>) -> impl IntoView {
    view! {
        <main class="access" data-testid="sign-in">
            <div class="access-card">
                <div class="brand-mark" aria-hidden="true">"F"</div>
                <h1>"Sign in to Fieldbook"</h1>
                {reason.map(|r| view! { <p class="access-error" role="alert">{r}</p> })}
                <p>
                    "Open the sign-in link the relay printed when it started, or an invitation link someone sent you. Or paste it here:"
                </p>
                <SignInForm/>
            </div>
        </main>
    }
}

/// What each role may do, in words.
fn role_words(role: &str) -> &'static str {
    match role {
        "owner" => "You can read and change every record, and manage the workspace.",
        "viewer" => "You can read every record; changes made on this device are not shared.",
        _ => "You can read and change every record.",
    }
}

/// An invitation link was opened: join, or not now.
#[component]
pub fn InvitationScreen(invitation: Invitation, on_join: Callback<Invitation>) -> impl IntoView {
    let Invitation { to, current, .. } = invitation.clone();
    let joining = RwSignal::new(false);
    let join = move |_| {
        joining.set(true);
        on_join.run(invitation.clone());
    };
    // The address bar no longer has the link: a reload opens as before.
    let not_now = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    let switching = current.filter(|c| *c != to.workspace).map(|c| {
        view! {
            <p class="access-warn">
                "This device uses the workspace “" {c} "” now; joining switches it to “"
                {to.workspace.clone()} "”."
            </p>
        }
    });
    view! {
        <main class="access" data-testid="invitation">
            <div class="access-card">
                <div class="brand-mark" aria-hidden="true">"F"</div>
                <h1>"You’re invited to " {to.workspace.clone()}</h1>
                <p>
                    "Join as " <strong>{to.member.clone()}</strong> ", with the role "
                    <strong>{to.role.clone()}</strong> ". " {role_words(&to.role)}
                </p>
                <p class="access-muted">
                    "The invitation works until " {local_time_label(to.expires_ms)} "."
                </p>
                {switching}
                <div class="access-row">
                    <button
                        class="button primary"
                        autofocus=true
                        disabled=move || joining.get()
                        on:click=join
                    >
                        {format!("Join {}", to.workspace)}
                    </button>
                    <button class="button subtle" on:click=not_now>"Not now"</button>
                </div>
            </div>
        </main>
    }
}

/// The relay refused this device's token: the records still open.
#[component]
pub fn SignedOutNotice(notice: String) -> impl IntoView {
    view! {
        <section class="signed-out" role="alert" data-testid="signed-out">
            <p>{notice}</p>
            <SignInForm/>
        </section>
    }
}
