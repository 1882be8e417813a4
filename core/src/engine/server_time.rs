//! Server time (SPEC R5): the device clock corrected by an estimate of how far the server's
//! clock is from it.
//!
//! Phone clocks are often wrong by minutes, hours or days, while every expiry the engine
//! judges (`expires_at`, the JWT's `exp`, the scheduler's deadlines) is a server timestamp.
//! Each server answer carries the server's time twice, with one-second resolution: the HTTP
//! `Date` header and the fresh JWT's `iat`. Taking the later of the two, plus half a second
//! for their truncation, against the midpoint of the request on the device clock gives the
//! offset to within half the round trip and half a second. The latest sample wins: a user who
//! changes the device clock makes every older sample wrong.
//!
//! The offset is kept in one atomic, so reads pay a relaxed load for it, and persisted with
//! the state (envelope format 2), so a restart with the network down still judges expiry on
//! server time. Before any answer is known the device clock is used as it is.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};

use super::clock::{Clock, SystemClock};
use super::concurrency::{AtomicBool, AtomicI64};

/// The device clock plus the learnt offset. A [`Clock`] itself, so the JWT verifier judges
/// `exp` and `nbf` on server time too (J2).
#[derive(Debug)]
pub(crate) struct ServerClock {
    /// `None` for the system clock, read without a virtual call: `get_sync` reads this clock
    /// on every call, and the indirect call costs about as much as the coarse read itself.
    device: Option<Arc<dyn Clock>>,
    offset_millis: AtomicI64,
    known: AtomicBool,
}

/// When a request went out and came back, on the device clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RoundTrip {
    pub(crate) sent_millis: i64,
    pub(crate) received_millis: i64,
}

impl ServerClock {
    #[cfg(test)]
    pub(crate) fn new(device: Arc<dyn Clock>) -> Self {
        Self::with_device(Some(device))
    }

    /// On the system clock, or on `device` when the app or a test supplies one.
    pub(crate) fn with_device(device: Option<Arc<dyn Clock>>) -> Self {
        Self {
            device,
            offset_millis: AtomicI64::new(0),
            known: AtomicBool::new(false),
        }
    }

    /// Server time now, in Unix milliseconds.
    #[inline]
    pub(crate) fn now_millis(&self) -> i64 {
        self.device_millis()
            .saturating_add(self.offset_millis.load(Ordering::Relaxed))
    }

    /// Server time now.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.now_millis()).unwrap_or_default()
    }

    /// The device clock now, in Unix milliseconds (to time a request).
    #[inline]
    pub(crate) fn device_millis(&self) -> i64 {
        match &self.device {
            None => SystemClock.unix_millis(),
            Some(device) => device.unix_millis(),
        }
    }

    /// The offset (server minus device), once a server answer has taught one.
    pub(crate) fn offset_millis(&self) -> Option<i64> {
        self.known
            .load(Ordering::Acquire)
            .then(|| self.offset_millis.load(Ordering::Relaxed))
    }

    /// Adopts an offset persisted with the state, unless this process has learnt one itself.
    pub(crate) fn restore(&self, offset_millis: i64) {
        if !self.known.load(Ordering::Acquire) {
            self.set(offset_millis);
        }
    }

    /// Learns from a server answer: `server_times` are the times it stated (its `Date`
    /// header, the `iat` of the JWT it minted), `round_trip` when the request went out and
    /// came back on the device clock. Answers stating no time teach nothing.
    pub(crate) fn learn(
        &self,
        round_trip: RoundTrip,
        server_times: impl IntoIterator<Item = Option<DateTime<Utc>>>,
    ) {
        if let Some(offset) = estimate_offset(round_trip, server_times) {
            self.set(offset);
        }
    }

    fn set(&self, offset_millis: i64) {
        self.offset_millis.store(offset_millis, Ordering::Relaxed);
        self.known.store(true, Ordering::Release);
    }
}

impl Clock for ServerClock {
    fn unix_millis(&self) -> i64 {
        self.now_millis()
    }
}

/// Half a second: the server's stated times are truncated to whole seconds.
const TRUNCATION_MILLIS: i64 = 500;

/// The offset (server minus device) that an answer implies, or `None` if it stated no time.
pub(crate) fn estimate_offset(
    round_trip: RoundTrip,
    server_times: impl IntoIterator<Item = Option<DateTime<Utc>>>,
) -> Option<i64> {
    let server = server_times
        .into_iter()
        .flatten()
        .map(|t| t.timestamp_millis())
        .max()?;
    let midpoint = round_trip.sent_millis / 2 + round_trip.received_millis / 2;
    Some(server.saturating_add(TRUNCATION_MILLIS) - midpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ManualClock;

    fn at_secs(secs: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(secs, 0)
    }

    #[test]
    fn r5_before_any_answer_the_device_clock_is_used_as_it_is() {
        let clock = ServerClock::new(Arc::new(ManualClock::at_millis(5_000)));
        assert_eq!(clock.now_millis(), 5_000);
        assert_eq!(clock.offset_millis(), None);
    }

    #[test]
    fn r5_a_device_a_day_fast_reads_server_time_after_one_answer() {
        let day = 86_400_000;
        let device = Arc::new(ManualClock::at_millis(1_000_000_000 + day));
        let clock = ServerClock::new(device.clone());
        // Sent and answered within 200 ms; the server said 1_000_000 s.
        let round_trip = RoundTrip {
            sent_millis: device.unix_millis(),
            received_millis: device.unix_millis() + 200,
        };
        clock.learn(round_trip, [at_secs(1_000_000), None]);
        let error = clock.now_millis() - 1_000_000_000;
        assert!(error.abs() <= 600, "estimate off by {error} ms");
    }

    #[test]
    fn r5_the_later_of_date_and_iat_wins_and_an_answer_without_either_teaches_nothing() {
        let trip = RoundTrip {
            sent_millis: 0,
            received_millis: 0,
        };
        assert_eq!(
            estimate_offset(trip, [at_secs(10), at_secs(12)]),
            Some(12_500)
        );
        assert_eq!(estimate_offset(trip, [None, None]), None);
    }

    #[test]
    fn r5_a_persisted_offset_yields_to_one_learnt_in_this_process() {
        let clock = ServerClock::new(Arc::new(ManualClock::at_millis(0)));
        clock.restore(7_000);
        assert_eq!(clock.now_millis(), 7_000);
        let trip = RoundTrip {
            sent_millis: 0,
            received_millis: 0,
        };
        clock.learn(trip, [at_secs(100)]);
        clock.restore(7_000);
        assert_eq!(clock.offset_millis(), Some(100_500));
    }
}
