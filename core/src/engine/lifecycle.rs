//! The calls through which the app tells the engine about its life: foreground, background,
//! network and shutdown. They steer the refresh scheduler (S1, S4, S6, S8) and do no I/O, so
//! they are safe to call from the app's main thread. One exception, for stores shared with
//! other processes (C1): the foreground call reads the store's 16-byte stamp, and the store
//! itself when another process changed it, so that the next read shows that change.

use super::client::SessionClient;
use super::scheduler::SchedulerStats;

impl SessionClient {
    /// The app came to the foreground: refresh now (S4) and resume the schedule, but never
    /// before a backoff delay or a server-requested wait ends (S8). Only a return from the
    /// background counts; the engine starts in the foreground.
    ///
    /// With a store shared between processes
    /// ([`shared_between_processes`](crate::SessionClientBuilder::shared_between_processes)),
    /// it first looks whether another process changed the store and, if one did, reads and
    /// announces the change before it returns (C1): a few milliseconds, then.
    pub fn app_did_enter_foreground(&self) {
        self.engine().state.check_other_processes();
        self.scheduler().enter_foreground();
    }

    /// Reads a store shared between processes if another process changed it, and announces
    /// the change (C1). The engine does this by itself before every request, at the
    /// foreground and, on Linux and Android, whenever another process writes; call it when
    /// the app learns of a change some other way (a push, a notification of its own). Blocks
    /// on the store only when the stamp says it changed. Without a shared store it does
    /// nothing.
    pub fn check_shared_store(&self) {
        self.engine().state.check_other_processes();
    }

    /// What this engine did with the other processes sharing its store (C1-C3), or `None`
    /// when the store is not shared. For tests and diagnostics.
    pub fn cross_process_stats(&self) -> Option<crate::coordination::CrossProcessStats> {
        self.engine().state.shared().map(|shared| shared.stats())
    }

    /// The app went to the background: the scheduler stops its timer and nothing runs until
    /// the app returns (S1, S6). A refresh already in flight still completes.
    pub fn app_did_enter_background(&self) {
        self.scheduler().enter_background();
    }

    /// The network came back. Refreshes now if retries had stopped (the session expired
    /// while the network was down), and does nothing otherwise: a running backoff ends on
    /// its own time (S8), and a healthy schedule needs no extra request for every
    /// Wi-Fi/cellular hand-over (S4).
    pub fn network_became_available(&self) {
        self.scheduler().network_available();
    }

    /// Stops background work for good: the refresh scheduler ends and the lifecycle calls
    /// become no-ops. Reads, writes and explicit calls keep working, and a request in flight
    /// completes. Dropping the last clone of the client does the same and also stops the
    /// engine's own runtime. Idempotent.
    pub fn shutdown(&self) {
        self.scheduler().shutdown();
    }

    /// Diagnostics about the refresh scheduler: where it stands (a pause is always visible),
    /// wake-ups, refreshes and failures. Meant for tests and battery investigations, not for
    /// app logic.
    pub fn scheduler_stats(&self) -> SchedulerStats {
        self.scheduler().stats()
    }
}
