//! The records that report on the engine's life rather than on the session: what start-up
//! found in storage ([`RestoreOutcome`]) and what the refresh scheduler did
//! ([`SchedulerStats`]).

/// What the engine found in storage when it started.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RestoreOutcome {
    /// Nothing was stored.
    Empty,
    /// A session was restored; `get_info().from_cache` is true until it is confirmed.
    Restored,
    /// The stored state was unreadable and has been wiped (E5); signed out.
    Corrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage could not be read (E4); nothing was wiped. Call `storage_became_available`
    /// once it can be.
    Unavailable {
        /// What the store reported.
        detail: String,
    },
}

impl From<sessionkit::RestoreOutcome> for RestoreOutcome {
    fn from(outcome: sessionkit::RestoreOutcome) -> Self {
        match outcome {
            sessionkit::RestoreOutcome::Empty => Self::Empty,
            sessionkit::RestoreOutcome::Restored => Self::Restored,
            sessionkit::RestoreOutcome::Corrupted { detail } => Self::Corrupted { detail },
            sessionkit::RestoreOutcome::Unavailable { detail } => Self::Unavailable { detail },
        }
    }
}

/// Diagnostics: what the refresh scheduler has done since the engine started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SchedulerStats {
    /// Times the scheduler woke up; does not grow between deadlines (S6).
    pub wakeups: u64,
    /// Scheduled refreshes the server confirmed.
    pub refreshes: u64,
    /// Scheduled refreshes that failed.
    pub failures: u64,
    /// Whether the scheduler task runs.
    pub running: bool,
}

impl From<sessionkit::SchedulerStats> for SchedulerStats {
    fn from(stats: sessionkit::SchedulerStats) -> Self {
        Self {
            wakeups: stats.wakeups,
            refreshes: stats.refreshes,
            failures: stats.failures,
            running: stats.running,
        }
    }
}
