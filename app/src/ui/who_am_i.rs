//! The person's display name on this device, shown in the header and
//! recorded in the documents they change (conflicts and history say who).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{ErrorLine, use_repo};

#[component]
pub fn WhoAmI() -> impl IntoView {
    let repo = use_repo();
    let name = repo.get().name;
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());
    let save = move || {
        let value = draft.get_untracked();
        spawn_local(async move {
            match repo.get().set_name(&value).await {
                Ok(()) => {
                    error.set(None);
                    editing.set(false);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="who-am-i">
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <button
                        class="button subtle"
                        data-testid="who-am-i"
                        on:click=move |_| {
                            draft.set(name.get_untracked());
                            editing.set(true);
                        }
                        title="Your name, shown to others on what you change"
                    >
                        {move || {
                            let n = name.get();
                            if n.is_empty() { "Set your name".to_owned() } else { n }
                        }}
                    </button>
                }
            >
                <form class="who-form" on:submit=move |e| { e.prevent_default(); save(); }>
                    <label class="visually-hidden" for="who-name">"Your name"</label>
                    <input
                        id="who-name"
                        class="field-input who-input"
                        placeholder="Your name"
                        autofocus=true
                        bind:value=draft
                        on:keydown=move |e| if e.key() == "Escape" { editing.set(false) }
                    />
                    <button class="button subtle" type="submit">"Save"</button>
                </form>
            </Show>
            <ErrorLine error=error/>
        </div>
    }
}
