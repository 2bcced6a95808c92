//! The relay's memory bound: a task that, every so often, drops documents
//! nobody is syncing from memory (see [`Hub::evict_idle`]).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::hub::Hub;

/// How long a document nobody syncs stays in memory unless told otherwise.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How often to look for idle documents: often enough that one leaves
/// memory within about one and a half `idle` of its last use.
fn sweep_every(idle: Duration) -> Duration {
    (idle / 2).clamp(Duration::from_millis(10), Duration::from_secs(30))
}

/// Evict documents idle for `idle` until `shutdown` turns true.
pub async fn sweep(hub: Arc<Hub>, idle: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(sweep_every(idle));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let evicted = hub.evict_idle(idle).await;
                if evicted > 0 {
                    tracing::debug!(evicted, resident = hub.resident(), "evicted idle documents");
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_are_frequent_but_bounded() {
        assert_eq!(
            sweep_every(Duration::from_secs(60)),
            Duration::from_secs(30)
        );
        assert_eq!(
            sweep_every(Duration::from_millis(200)),
            Duration::from_millis(100)
        );
        assert_eq!(
            sweep_every(Duration::from_secs(3600)),
            Duration::from_secs(30)
        );
        assert_eq!(sweep_every(Duration::ZERO), Duration::from_millis(10));
    }
}
