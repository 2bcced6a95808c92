//! What went wrong with the last thing a person did, where they did it:
//! one line, announced to screen readers, gone once the next try works.

use leptos::prelude::*;

#[component]
pub fn ErrorLine(
    error: RwSignal<Option<String>>,
    /// A page-wide banner rather than a line under a control.
    #[prop(optional)]
    banner: bool,
    /// A test id for the line.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let class = if banner {
        "banner banner-error"
    } else {
        "field-error"
    };
    let testid = (!testid.is_empty()).then_some(testid);
    move || {
        error
            .get()
            .map(|e| view! { <p class=class role="alert" data-testid=testid>{e}</p> })
    }
}
