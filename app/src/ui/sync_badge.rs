use leptos::prelude::*;

use crate::sync::SyncStatus;

/// Synced / syncing / offline / error, with the count of changes the relay
/// has not confirmed. Announced politely to screen readers.
#[component]
pub fn SyncBadge(status: SyncStatus) -> impl IntoView {
    let badge = Memo::new(move |_| status.badge());
    let title = move || {
        let saving = status.unsaved.get();
        if saving > 0 {
            format!("Saving {saving} change(s) on this device")
        } else {
            "Everything is saved on this device".to_owned()
        }
    };
    view! {
        <div
            class="sync-badge"
            data-state=move || badge.get().0
            role="status"
            aria-live="polite"
            title=title
            data-testid="sync-badge"
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-label">{move || badge.get().1}</span>
        </div>
    }
}
