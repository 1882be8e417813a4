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
//! No single answer can move the offset far (V3): an answer whose stated time would make the
//! session it carries already expired is ignored, and once this process has learnt an offset,
//! a jump of more than [`PLAUSIBLE_JUMP_MILLIS`] is taken only when a second answer confirms
//! it. A device clock that is simply wrong is corrected by the first answer, as before.
//!
//! The offset is kept in one atomic, so reads pay a relaxed load for it, and persisted with
//! the state (envelope format 2), so a restart with the network down still judges expiry on
//! server time. Before any answer is known the device clock is used as it is.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};

use super::concurrency::{AtomicBool, AtomicI64};
use crate::clock::{Clock, SystemClock};

/// The device clock plus the learnt offset. A [`Clock`] itself, so the JWT verifier judges
/// `exp` and `nbf` on server time too (J2).
#[derive(Debug)]
pub(crate) struct ServerClock {
    /// `None` for the system clock, read without a virtual call: `get_sync` reads this clock
    /// on every call, and the indirect call costs about as much as the coarse read itself.
    device: Option<Arc<dyn Clock>>,
    offset_millis: AtomicI64,
    known: AtomicBool,
    /// Whether an answer in this process taught the offset (a restored one may be stale).
    learnt: AtomicBool,
    /// A jump seen once and waiting for a second answer to confirm it; [`NO_JUMP`] if none.
    pending_jump: AtomicI64,
}

/// How far one answer may move an offset this process learnt (V3). Clock changes by the
/// user and network time corrections are larger and rare: two answers confirm them.
pub(crate) const PLAUSIBLE_JUMP_MILLIS: i64 = 60_000;
const NO_JUMP: i64 = i64::MIN;

/// What an answer's stated time did to the offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Learnt {
    /// Adopted.
    Adopted,
    /// The answer stated no time.
    Nothing,
    /// The stated time would make the answer's own session expired: ignored.
    Implausible,
    /// A jump beyond the bound, kept until a second answer confirms it.
    AwaitingConfirmation,
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
            learnt: AtomicBool::new(false),
            pending_jump: AtomicI64::new(NO_JUMP),
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
        if !self.learnt.load(Ordering::Acquire) {
            self.set(offset_millis);
        }
    }

    /// Learns from a server answer: `server_times` are the times it stated (its `Date`
    /// header, the `iat` of the JWT it minted), `round_trip` when the request went out and
    /// came back on the device clock, `valid_until` the expiries of what the answer carries
    /// (the session's `expires_at`, the JWT's `exp`): the server just called them valid, so an
    /// offset that makes them expired is implausible (V3). Answers stating no time teach
    /// nothing. Answers arrive one flight at a time; should two race, each step is atomic and the
    /// worst outcome is a jump waiting for one more answer.
    pub(crate) fn learn(
        &self,
        round_trip: RoundTrip,
        server_times: impl IntoIterator<Item = Option<DateTime<Utc>>>,
        valid_until: impl IntoIterator<Item = Option<DateTime<Utc>>>,
    ) -> Learnt {
        let Some(offset) = estimate_offset(round_trip, server_times) else {
            return Learnt::Nothing;
        };
        let server_now = round_trip.received_millis.saturating_add(offset);
        let expired = valid_until
            .into_iter()
            .flatten()
            .any(|until| until.timestamp_millis() <= server_now);
        if expired {
            return Learnt::Implausible;
        }
        if self.learnt.load(Ordering::Acquire) {
            let current = self.offset_millis.load(Ordering::Relaxed);
            if offset.abs_diff(current) > PLAUSIBLE_JUMP_MILLIS.unsigned_abs() {
                let pending = self.pending_jump.swap(offset, Ordering::Relaxed);
                let confirmed = pending != NO_JUMP
                    && offset.abs_diff(pending) <= PLAUSIBLE_JUMP_MILLIS.unsigned_abs();
                if !confirmed {
                    return Learnt::AwaitingConfirmation;
                }
            }
        }
        self.pending_jump.store(NO_JUMP, Ordering::Relaxed);
        self.learnt.store(true, Ordering::Release);
        self.set(offset);
        Learnt::Adopted
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
        clock.learn(round_trip, [at_secs(1_000_000), None], [None]);
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
        clock.learn(trip, [at_secs(100)], [None]);
        clock.restore(7_000);
        assert_eq!(clock.offset_millis(), Some(100_500));
    }

    fn trip_at(millis: i64) -> RoundTrip {
        RoundTrip {
            sent_millis: millis,
            received_millis: millis,
        }
    }

    #[test]
    fn v3_an_answer_whose_time_would_expire_its_own_session_teaches_nothing() {
        let clock = ServerClock::new(Arc::new(ManualClock::at_millis(1_000_000)));
        // A lying Date ten years ahead, beside a session valid for an hour on honest time.
        let ten_years = at_secs(1_000 + 10 * 365 * 86_400);
        let learnt = clock.learn(trip_at(1_000_000), [ten_years], [at_secs(1_000 + 3_600)]);
        assert_eq!(learnt, Learnt::Implausible);
        assert_eq!(clock.offset_millis(), None);
    }

    #[test]
    fn v3_once_learnt_a_jump_needs_a_second_answer_to_confirm_it() {
        let clock = ServerClock::new(Arc::new(ManualClock::at_millis(0)));
        assert_eq!(
            clock.learn(trip_at(0), [at_secs(100)], [None]),
            Learnt::Adopted
        );
        assert_eq!(clock.offset_millis(), Some(100_500));
        // 30 s of drift is plausible.
        assert_eq!(
            clock.learn(trip_at(0), [at_secs(130)], [None]),
            Learnt::Adopted
        );
        // A day back in one answer is not: it would revive expired sessions.
        let day_back = at_secs(130 - 86_400);
        assert_eq!(
            clock.learn(trip_at(0), [day_back], [None]),
            Learnt::AwaitingConfirmation
        );
        assert_eq!(clock.offset_millis(), Some(130_500));
        // An honest answer in between forgets nothing and keeps the offset.
        assert_eq!(
            clock.learn(trip_at(0), [at_secs(131)], [None]),
            Learnt::Adopted
        );
        assert_eq!(
            clock.learn(trip_at(0), [day_back], [None]),
            Learnt::AwaitingConfirmation
        );
        // A second answer stating the same time confirms a real change.
        assert_eq!(clock.learn(trip_at(0), [day_back], [None]), Learnt::Adopted);
        assert_eq!(clock.offset_millis(), Some((130 - 86_400) * 1_000 + 500));
    }

    #[test]
    fn v3_a_restored_offset_is_corrected_by_the_first_plausible_answer() {
        let clock = ServerClock::new(Arc::new(ManualClock::at_millis(0)));
        clock.restore(86_400_000);
        assert_eq!(
            clock.learn(trip_at(0), [at_secs(5)], [at_secs(3_600)]),
            Learnt::Adopted
        );
        assert_eq!(clock.offset_millis(), Some(5_500));
    }
}
