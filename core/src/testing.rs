//! Clocks for tests and previews: time that moves only when told to ([`ManualClock`]) or with
//! tokio's paused test clock ([`TokioClock`]). Hand either to
//! [`SessionClientBuilder::clock`](crate::SessionClientBuilder::clock) as the device clock.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

use crate::{Clock, SystemClock};

/// A clock that moves only when told to.
///
/// ```
/// use sessionkit::Clock;
/// use sessionkit::testing::ManualClock;
/// let clock = ManualClock::at_millis(1_000);
/// clock.advance_millis(500);
/// assert_eq!(clock.unix_millis(), 1_500);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    /// A clock stopped at `millis` since the Unix epoch.
    pub fn at_millis(millis: i64) -> Self {
        Self {
            millis: AtomicI64::new(millis),
        }
    }

    /// A clock stopped at `instant`.
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self::at_millis(instant.timestamp_millis())
    }

    /// Moves the clock forward (or back, for a negative amount).
    pub fn advance_millis(&self, millis: i64) {
        self.millis.fetch_add(millis, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set(&self, instant: DateTime<Utc>) {
        self.millis
            .store(instant.timestamp_millis(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn unix_millis(&self) -> i64 {
        self.millis.load(Ordering::SeqCst)
    }
}

/// Wall-clock time that moves with tokio's clock: a base date plus the
/// [`tokio::time::Instant`] time elapsed since the clock was made.
///
/// Under tokio's paused test clock (`#[tokio::test(start_paused = true)]`), expiry dates and
/// JWT `exp` then advance together with the scheduler's timers, so tests simulate hours
/// without waiting (S7). Outside a paused runtime it tracks the monotonic clock. Read it from
/// the runtime's threads: elsewhere tokio's paused clock is not visible and it falls back to
/// the real monotonic clock.
///
/// ```
/// use sessionkit::Clock;
/// use sessionkit::testing::TokioClock;
/// let clock = TokioClock::at_millis(1_000);
/// assert!(clock.unix_millis() >= 1_000);
/// ```
#[derive(Debug)]
pub struct TokioClock {
    base_millis: i64,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock that starts at the system's current time.
    pub fn new() -> Self {
        Self::at_millis(SystemClock.unix_millis())
    }

    /// A clock that starts at `millis` since the Unix epoch.
    pub fn at_millis(millis: i64) -> Self {
        Self {
            base_millis: millis,
            start: tokio::time::Instant::now(),
        }
    }

    /// A clock that starts at `instant`.
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self::at_millis(instant.timestamp_millis())
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    fn unix_millis(&self) -> i64 {
        let elapsed = i64::try_from(self.start.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.base_millis.saturating_add(elapsed)
    }
}
