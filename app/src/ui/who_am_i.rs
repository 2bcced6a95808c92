//! Who the person is on this device: the name recorded in the documents
//! they change (conflicts and history say who) and, with their colour, shown
//! to the others on the same record. The header button changes both; on a
//! first visit, with no name yet, a welcome card at the top of the page asks
//! for them — without getting in the way: the app works before it is
//! answered, and "Not now" puts it away until the next visit.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{ErrorLine, When, use_repo};
use crate::presence::{PALETTE, color_or_default, initials};

#[component]
pub fn WhoAmI() -> impl IntoView {
    let repo = use_repo();
    let name = repo.get().name;
    let editing = RwSignal::new(false);
    let close = Callback::new(move |()| editing.set(false));
    view! {
        <div class="who-am-i">
            <button
                class="button subtle"
                data-testid="who-am-i"
                aria-expanded=move || editing.get().to_string()
                on:click=move |_| editing.update(|e| *e = !*e)
                title="Your name and colour, shown to others on what you change and where you are"
            >
                {move || {
                    let n = name.get();
                    if n.is_empty() { "Set your name".to_owned() } else { n }
                }}
            </button>
            <When when=move || editing.get()>
                <div class="who-pop">
                    <IdentityForm label="Your name" id="who" on_done=close on_cancel=close cancel="Cancel" autofocus=true/>
                </div>
            </When>
        </div>
    }
}

/// The first-visit welcome: name and colour, or "Not now".
#[component]
pub fn Welcome() -> impl IntoView {
    let repo = use_repo();
    let name = repo.get().name;
    let dismissed = RwSignal::new(false);
    let done = Callback::new(move |()| dismissed.set(true));
    view! {
        <section
            class="welcome"
            role="dialog"
            aria-labelledby="welcome-title"
            data-testid="welcome"
            hidden=move || !name.get().is_empty() || dismissed.get()
        >
                <h2 id="welcome-title">"Welcome to Fieldbook"</h2>
                <p>"Choose the name and colour others see when you work on a record together. They stay on this device."</p>
                <IdentityForm label="Display name" id="welcome" on_done=done on_cancel=done cancel="Not now"/>
        </section>
    }
}

/// A name box and a palette of colours, saved together on this device.
#[component]
fn IdentityForm(
    /// The name box's label.
    label: &'static str,
    /// Prefix of the element ids (two forms can be on the page at once).
    id: &'static str,
    on_done: Callback<()>,
    /// Escape, or the "Not now" button.
    on_cancel: Callback<()>,
    /// What the cancel button says.
    cancel: &'static str,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let repo = use_repo();
    let draft = RwSignal::new(repo.get().name.get_untracked());
    let color = RwSignal::new(
        color_or_default(&repo.get().color.get_untracked(), &draft.get_untracked()).to_owned(),
    );
    let error = RwSignal::new(None::<String>);
    let save = move || {
        let (name, color) = (draft.get_untracked(), color.get_untracked());
        spawn_local(async move {
            let repo = repo.get();
            let saved = match repo.set_name(&name).await {
                Ok(()) => repo.set_color(&color).await,
                Err(e) => Err(e),
            };
            match saved {
                Ok(()) => on_done.run(()),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let name_id = format!("{id}-name");
    view! {
        <form class="identity-form" on:submit=move |e| { e.prevent_default(); save(); }>
            <label class="field-label" for=name_id.clone()>{label}</label>
            <div class="identity-name">
            <input
                id=name_id
                class="field-input who-input"
                placeholder="Your name"
                autocomplete="name"
                autofocus=autofocus
                bind:value=draft
                on:keydown=move |e| if e.key() == "Escape" { on_cancel.run(()) }
            />
            <span class="peer-avatar" aria-hidden="true" style=move || format!("background:{}", color.get())>
                {move || initials(&draft.get())}
            </span>
            </div>
            <span class="field-label" aria-hidden="true">"Colour"</span>
            <div class="color-choices" role="radiogroup" aria-label="Your colour">
                {PALETTE
                    .iter()
                    .map(|(label, hex)| view! {
                        <label class="color-choice" title=*label style=format!("--choice:{hex}")>
                            <input
                                type="radio"
                                name=format!("{id}-color")
                                aria-label=*label
                                prop:checked=move || color.get() == *hex
                                on:change=move |_| color.set((*hex).to_owned())
                            />
                        </label>
                    })
                    .collect_view()}
            </div>
            <div class="identity-actions">
                <button class="button primary" type="submit">"Save"</button>
                <button class="button" type="button" on:click=move |_| on_cancel.run(())>
                    {cancel}
                </button>
            </div>
            <ErrorLine error=error/>
        </form>
    }
}
