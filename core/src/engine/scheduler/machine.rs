//! The scheduler's state machine (S1-S8): one enum of states, [`SchedulerState`], and every
//! transition in one function, [`Machine::on`]. It is pure: it reads the engine's [`Facts`]
//! and the server time it is handed, never a clock, a lock or a task, so each transition is
//! unit-tested below without timers.
//!
//! Besides its state the machine remembers, per identity, what the state alone cannot say:
//! how many transient failures came in a row (S5), the server time before which no scheduled
//! request may go out (S8: a backoff delay or the server's `Retry-After`), when the last
//! attempt ended (the heartbeat's anchor after a failure), and whether the app is in the
//! foreground. A new identity starts that memory afresh.

use chrono::{DateTime, Utc};

use super::backoff;
use super::facts::Facts;
use super::policy::{RefreshPolicy, millis};
use crate::engine::flight::{FlightOutcome, FlightReport};
use crate::engine::snapshot::Generation;

/// Where the refresh scheduler stands (S1-S8), for diagnostics: see
/// [`SchedulerStats`](super::SchedulerStats). Times are server time (R5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum SchedulerState {
    /// Automatic refresh is off, or no transport is configured: no scheduler runs.
    Off,
    /// No session: nothing to refresh (S1).
    SignedOut,
    /// Waiting for the next deadline (S2), or due now.
    Waiting {
        /// When the next refresh is due.
        due: DateTime<Utc>,
    },
    /// A refresh is in flight, the scheduler's own or one the app started that it joined.
    Refreshing,
    /// After a transient failure: no scheduled request goes out before `until` (S5, S8).
    BackingOff {
        /// When the retry is due.
        until: DateTime<Utc>,
        /// Transient failures in a row.
        failures: u32,
    },
    /// Retries stopped because the session expired while failing (S5); returning to the
    /// foreground or the network coming back restarts them.
    GaveUp,
    /// Storage is unavailable (E4): refreshing would rotate tokens that cannot be saved.
    /// Resumes once the app reports storage available.
    PausedForStorage,
    /// The app is in the background: no timer runs (S1, S6).
    InBackground,
    /// Shut down for good.
    Stopped,
}

impl std::fmt::Display for SchedulerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        match self {
            Self::Off => f.write_str("off"),
            Self::SignedOut => f.write_str("signed out: nothing to refresh"),
            Self::Waiting { due } => write!(f, "waiting until {}", time(due)),
            Self::Refreshing => f.write_str("refreshing"),
            Self::BackingOff { until, failures } => {
                write!(
                    f,
                    "backing off until {} after {failures} failure(s)",
                    time(until)
                )
            }
            Self::GaveUp => f.write_str("gave up: the session expired while failing"),
            Self::PausedForStorage => f.write_str("paused: storage unavailable"),
            Self::InBackground => f.write_str("in the background"),
            Self::Stopped => f.write_str("stopped"),
        }
    }
}

/// Something that happened, for [`Machine::on`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Input {
    /// The engine holds tokens of an identity the machine has not planned for (start-up with
    /// a stored session, `update_session`).
    NewIdentity,
    /// The engine holds no tokens.
    SignedOut,
    /// A storage write or read found storage unavailable (E4).
    StoragePaused,
    /// Storage works again.
    StorageResumed,
    /// The app came to the foreground.
    Foreground,
    /// The app went to the background.
    Background,
    /// The network came back.
    NetworkBack,
    /// The scheduler sent (or joined) a refresh.
    RefreshStarted,
    /// An authenticate request for this identity ended, the scheduler's or the app's.
    /// `jitter` is a uniform draw in `[0, 1)` for the backoff delay, so the machine itself
    /// stays free of randomness.
    FlightEnded { report: FlightReport, jitter: f64 },
    /// The scheduler stops for good.
    Shutdown,
}

/// What the scheduler's task should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Send (or join) a refresh now.
    Refresh,
    /// Sleep until this server time, unless woken earlier.
    WaitUntil(i64),
    /// Sleep until woken: no timer (S6).
    WaitForInput,
    /// End the task.
    Stop,
}

/// The scheduler's state and its memory of the current identity.
#[derive(Debug)]
pub(crate) struct Machine {
    policy: RefreshPolicy,
    state: SchedulerState,
    /// The identity the memory below belongs to.
    identity: Option<Generation>,
    /// Transient failures in a row (S5).
    failures: u32,
    /// No scheduled request before this server time (S8).
    not_before: Option<i64>,
    /// When the last attempt ended: anchors the heartbeat after a failure.
    last_attempt: Option<i64>,
    /// When the last request for this identity started: the next one waits at least
    /// [`RefreshPolicy::MIN_INTERVAL`] after it, whatever the policy (S9).
    last_started: Option<i64>,
    /// The confirmation time the facts held at the last turn: a later one that no flight
    /// of this engine brought moves the schedule.
    planned_from: Option<i64>,
    foreground: bool,
    storage_paused: bool,
}

impl Machine {
    pub(crate) fn new(policy: RefreshPolicy) -> Self {
        Self {
            policy,
            state: SchedulerState::SignedOut,
            identity: None,
            failures: 0,
            not_before: None,
            last_attempt: None,
            last_started: None,
            planned_from: None,
            foreground: true,
            storage_paused: false,
        }
    }

    pub(crate) fn state(&self) -> SchedulerState {
        self.state
    }

    pub(crate) fn identity(&self) -> Option<Generation> {
        self.identity
    }

    /// Turns what changed in the engine's facts since the last look into inputs.
    pub(crate) fn observe(&mut self, facts: &Facts, now: i64) {
        if !facts.has_tokens {
            if self.identity.is_some() || self.state != SchedulerState::SignedOut {
                self.on(Input::SignedOut, facts, now);
            }
        } else if self.identity != Some(facts.identity) {
            self.on(Input::NewIdentity, facts, now);
        } else if let SchedulerState::Waiting { due } = self.state
            && facts.last_validated_at != self.planned_from
        {
            // The session was confirmed without a flight of this engine: another process
            // sharing the store refreshed it and this engine adopted the answer (C3). That
            // moves the schedule as a confirmation does; a wait after a failure is kept (S8).
            let next = at(self.normal_due(facts, now));
            if next > due {
                self.state = self.gate(SchedulerState::Waiting { due: next });
            }
        }
        self.planned_from = facts.last_validated_at;
        if facts.storage_unavailable != self.storage_paused {
            let input = if facts.storage_unavailable {
                Input::StoragePaused
            } else {
                Input::StorageResumed
            };
            self.on(input, facts, now);
        }
    }

    /// Every transition of the scheduler. See the state diagram in `scheduler/mod.rs`.
    pub(crate) fn on(&mut self, input: Input, facts: &Facts, now: i64) {
        use SchedulerState as S;
        if self.state == S::Stopped {
            return;
        }
        // Facts about the app and storage hold whatever the state.
        match input {
            Input::Foreground => self.foreground = true,
            Input::Background => self.foreground = false,
            Input::StoragePaused => self.storage_paused = true,
            Input::StorageResumed => self.storage_paused = false,
            _ => {}
        }
        self.state = match (self.state, input) {
            (_, Input::Shutdown) => S::Stopped,
            (_, Input::SignedOut) => {
                self.forget(None);
                S::SignedOut
            }
            // S4: a stored session at start-up, or tokens from update_session, are
            // refreshed at once; the new identity's memory starts afresh.
            (_, Input::NewIdentity) => {
                self.forget(Some(facts.identity));
                self.gate(S::Waiting { due: at(now) })
            }
            (S::SignedOut, _) => S::SignedOut,
            // An answer for this identity, whoever asked and whatever the state: it moves
            // the schedule (a confirmation) or starts a wait (S8).
            (state, Input::FlightEnded { report, jitter }) => {
                if Some(report.generation) == self.identity {
                    self.after_flight(&report, jitter, facts, now)
                } else {
                    state // an older identity's answer: already planned afresh
                }
            }
            // A flight in progress completes whatever happens meanwhile; its end settles
            // the state through `gate`.
            (S::Refreshing, _) => S::Refreshing,
            (_, Input::Background) => S::InBackground,
            // S4: back in the foreground, refresh, but never before a wait the server asked
            // for or a backoff delay ends (S8).
            (S::InBackground, Input::Foreground) => self.resume(facts, now, true),
            (S::InBackground, _) => S::InBackground,
            (_, Input::StoragePaused) => S::PausedForStorage,
            (S::PausedForStorage, Input::StorageResumed) => self.resume(facts, now, false),
            (S::PausedForStorage, _) => S::PausedForStorage,
            // S4: the network is back after retries stopped; a running backoff is left to
            // end (S8), and a healthy schedule needs no extra request.
            (S::GaveUp, Input::NetworkBack) => self.gate(S::Waiting { due: at(now) }),
            (S::Waiting { .. } | S::BackingOff { .. }, Input::RefreshStarted) => {
                self.last_started = Some(now);
                S::Refreshing
            }
            (
                state,
                Input::Foreground
                | Input::NetworkBack
                | Input::StorageResumed
                | Input::RefreshStarted,
            ) => state,
        };
    }

    /// What to do now, in `state`.
    pub(crate) fn action(&self, now: i64) -> Action {
        use SchedulerState as S;
        match self.state {
            S::Waiting { due } | S::BackingOff { until: due, .. } => {
                let due = due.timestamp_millis();
                if due <= now {
                    Action::Refresh
                } else {
                    Action::WaitUntil(due)
                }
            }
            S::Refreshing | S::SignedOut | S::GaveUp | S::PausedForStorage | S::InBackground => {
                Action::WaitForInput
            }
            S::Off | S::Stopped => Action::Stop,
        }
    }

    /// The state after a flight of this identity ended with `report`.
    fn after_flight(
        &mut self,
        report: &FlightReport,
        jitter: f64,
        facts: &Facts,
        now: i64,
    ) -> SchedulerState {
        use SchedulerState as S;
        self.last_attempt = Some(report.ended_at);
        match &report.outcome {
            FlightOutcome::Confirmed => {
                self.failures = 0;
                self.not_before = None;
                self.gate(S::Waiting {
                    due: at(self.normal_due(facts, now)),
                })
            }
            FlightOutcome::Transient { retry_after } => {
                self.failures = self.failures.saturating_add(1);
                if facts.session_expired(now) {
                    // S5: retries continue only while the session is valid.
                    self.not_before = None;
                    return self.gate(S::GaveUp);
                }
                let delay = backoff::retry_delay(
                    self.policy.backoff_initial,
                    self.policy.backoff_max,
                    self.failures,
                    *retry_after,
                    jitter,
                );
                let until = report.ended_at.saturating_add(millis(delay));
                self.not_before = Some(until);
                self.gate(S::BackingOff {
                    until: at(until),
                    failures: self.failures,
                })
            }
            // E3 and the rest keep the session and go back to the normal schedule from this
            // attempt, so a rejected request is not retried in a loop. A definitive answer
            // (E1) signed out: the engine's facts say so next.
            FlightOutcome::Rejected | FlightOutcome::SignedOut | FlightOutcome::Superseded => {
                self.failures = 0;
                self.not_before = None;
                self.gate(S::Waiting {
                    due: at(self.normal_due(facts, now)),
                })
            }
        }
    }

    /// The state on resuming (from the background or a storage pause): a retry or the
    /// server's wait still running keeps its time (S8); otherwise refresh now when `refresh`
    /// (S4: return to the foreground), else keep to the normal schedule.
    fn resume(&self, facts: &Facts, now: i64, refresh: bool) -> SchedulerState {
        use SchedulerState as S;
        if let Some(until) = self.not_before {
            return self.gate(S::BackingOff {
                until: at(until.max(now)),
                failures: self.failures,
            });
        }
        let due = if refresh {
            now
        } else {
            self.normal_due(facts, now)
        };
        self.gate(S::Waiting { due: at(due) })
    }

    /// `wanted`, unless the app is in the background or storage is paused; a deadline never
    /// less than the floor after the last request started (S9).
    fn gate(&self, wanted: SchedulerState) -> SchedulerState {
        use SchedulerState as S;
        if !self.foreground {
            return S::InBackground;
        }
        if self.storage_paused {
            return S::PausedForStorage;
        }
        let spaced = |due: DateTime<Utc>| match self.last_started {
            Some(started) => at(due
                .timestamp_millis()
                .max(started.saturating_add(millis(RefreshPolicy::MIN_INTERVAL)))),
            None => due,
        };
        match wanted {
            S::Waiting { due } => S::Waiting { due: spaced(due) },
            S::BackingOff { until, failures } => S::BackingOff {
                until: spaced(until),
                failures,
            },
            other => other,
        }
    }

    /// The next deadline on the normal schedule (S2), anchored on the later of the last
    /// confirmation and the last attempt; due now when neither exists.
    fn normal_due(&self, facts: &Facts, now: i64) -> i64 {
        match (facts.last_validated_at, self.last_attempt) {
            (None, None) => now,
            (validated, attempt) => {
                let anchor = validated
                    .unwrap_or(i64::MIN)
                    .max(attempt.unwrap_or(i64::MIN));
                self.policy.next_due_millis(facts, anchor)
            }
        }
    }

    /// Starts the memory afresh for `identity`.
    fn forget(&mut self, identity: Option<Generation>) {
        self.identity = identity;
        self.failures = 0;
        self.not_before = None;
        self.last_attempt = None;
        self.last_started = None;
    }
}

fn at(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use SchedulerState as S;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const SEC: i64 = 1_000;

    fn facts() -> Facts {
        Facts {
            identity: Generation::default().next(),
            has_tokens: true,
            session_expires_at: Some(NOW + 3_600 * SEC),
            jwt_expires_at: Some(NOW + 300 * SEC),
            last_validated_at: None,
            storage_unavailable: false,
        }
    }

    fn report(facts: &Facts, outcome: FlightOutcome, ended_at: i64) -> FlightReport {
        FlightReport {
            id: 1,
            generation: facts.identity,
            outcome,
            ended_at,
        }
    }

    /// A machine planning for `facts`' identity, in the state `Waiting { due: NOW }`.
    fn fresh() -> (Machine, Facts) {
        let facts = facts();
        let mut machine = Machine::new(RefreshPolicy::default());
        machine.observe(&facts, NOW);
        (machine, facts)
    }

    fn waiting(due: i64) -> SchedulerState {
        S::Waiting { due: at(due) }
    }

    #[test]
    fn s4_a_new_identity_is_due_at_once() {
        let (machine, _) = fresh();
        assert_eq!(machine.state(), waiting(NOW));
        assert_eq!(machine.action(NOW), Action::Refresh);
    }

    #[test]
    fn s1_no_tokens_means_signed_out_with_no_timer() {
        let (mut machine, mut facts) = fresh();
        facts.has_tokens = false;
        machine.observe(&facts, NOW);
        assert_eq!(machine.state(), S::SignedOut);
        assert_eq!(machine.action(NOW), Action::WaitForInput);
        machine.on(Input::Foreground, &facts, NOW);
        assert_eq!(
            machine.state(),
            S::SignedOut,
            "nothing wakes a signed-out scheduler"
        );
    }

    #[test]
    fn s2_a_confirmed_refresh_waits_for_the_next_deadline() {
        let (mut machine, mut facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        assert_eq!(machine.state(), S::Refreshing);
        facts.last_validated_at = Some(NOW);
        machine.on(
            Input::FlightEnded {
                report: report(&facts, FlightOutcome::Confirmed, NOW),
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        assert_eq!(machine.state(), waiting(NOW + 180 * SEC));
        assert_eq!(machine.action(NOW), Action::WaitUntil(NOW + 180 * SEC));
    }

    #[test]
    fn c3_a_confirmation_adopted_from_another_process_moves_the_next_deadline() {
        let (mut machine, mut facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        facts.last_validated_at = Some(NOW);
        let confirmed = report(&facts, FlightOutcome::Confirmed, NOW);
        machine.on(
            Input::FlightEnded {
                report: confirmed,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        machine.observe(&facts, NOW);
        assert_eq!(machine.state(), waiting(NOW + 180 * SEC));

        // Another process refreshed 100 s later; this engine adopted its answer, with the
        // JWT it minted.
        facts.last_validated_at = Some(NOW + 100 * SEC);
        facts.jwt_expires_at = Some(NOW + 400 * SEC);
        machine.observe(&facts, NOW + 101 * SEC);
        assert_eq!(machine.state(), waiting(NOW + 280 * SEC));
    }

    #[test]
    fn s8_a_confirmation_from_elsewhere_never_shortens_a_wait_after_a_failure() {
        let (mut machine, mut facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let failed = report(
            &facts,
            FlightOutcome::Transient {
                retry_after: Some(Duration::from_secs(600)),
            },
            NOW,
        );
        machine.on(
            Input::FlightEnded {
                report: failed,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        let waiting_out = machine.state();
        facts.last_validated_at = Some(NOW + SEC);
        machine.observe(&facts, NOW + 2 * SEC);
        assert_eq!(machine.state(), waiting_out);
    }

    #[test]
    fn s5_s8_a_transient_failure_backs_off_and_retry_after_overrides_the_delay() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let retry_after = Some(Duration::from_secs(7));
        let ended = report(&facts, FlightOutcome::Transient { retry_after }, NOW);
        machine.on(
            Input::FlightEnded {
                report: ended,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        let until = NOW + 7 * SEC;
        assert_eq!(
            machine.state(),
            S::BackingOff {
                until: at(until),
                failures: 1
            }
        );
        assert_eq!(machine.action(until - 1), Action::WaitUntil(until));
        assert_eq!(machine.action(until), Action::Refresh);
    }

    #[test]
    fn s5_backoff_without_retry_after_draws_the_first_delay_around_two_seconds() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let ended = report(&facts, FlightOutcome::Transient { retry_after: None }, NOW);
        machine.on(
            Input::FlightEnded {
                report: ended,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        let Action::WaitUntil(until) = machine.action(NOW) else {
            panic!("{:?}", machine.state())
        };
        assert!(
            (NOW + 1_600..=NOW + 2_400).contains(&until),
            "{}",
            until - NOW
        );
    }

    #[test]
    fn s5_a_failure_after_the_session_expired_gives_up_until_a_trigger() {
        let (mut machine, mut facts) = fresh();
        facts.session_expires_at = Some(NOW - 1);
        machine.on(Input::RefreshStarted, &facts, NOW);
        let ended = report(&facts, FlightOutcome::Transient { retry_after: None }, NOW);
        machine.on(
            Input::FlightEnded {
                report: ended,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        assert_eq!(machine.state(), S::GaveUp);
        assert_eq!(machine.action(NOW), Action::WaitForInput);
        machine.on(Input::NetworkBack, &facts, NOW + SEC);
        assert_eq!(machine.state(), waiting(NOW + SEC));
    }

    #[test]
    fn e3_a_rejected_refresh_returns_to_the_normal_schedule_from_the_attempt() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        machine.on(
            Input::FlightEnded {
                report: report(&facts, FlightOutcome::Rejected, NOW),
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        assert_eq!(machine.state(), waiting(NOW + 180 * SEC));
    }

    #[test]
    fn s8_foreground_during_a_server_requested_wait_keeps_the_wait() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let retry_after = Some(Duration::from_secs(7));
        let ended = report(&facts, FlightOutcome::Transient { retry_after }, NOW);
        machine.on(
            Input::FlightEnded {
                report: ended,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        machine.on(Input::Background, &facts, NOW + SEC);
        assert_eq!(machine.state(), S::InBackground);
        machine.on(Input::Foreground, &facts, NOW + 2 * SEC);
        assert_eq!(
            machine.action(NOW + 2 * SEC),
            Action::WaitUntil(NOW + 7 * SEC)
        );
    }

    #[test]
    fn s8_network_back_during_a_backoff_sends_nothing_early() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let ended = report(&facts, FlightOutcome::Transient { retry_after: None }, NOW);
        machine.on(
            Input::FlightEnded {
                report: ended,
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        let before = machine.state();
        machine.on(Input::NetworkBack, &facts, NOW + 100);
        assert_eq!(machine.state(), before);
    }

    #[test]
    fn s4_returning_to_the_foreground_refreshes_at_once() {
        let (mut machine, mut facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        facts.last_validated_at = Some(NOW);
        machine.on(
            Input::FlightEnded {
                report: report(&facts, FlightOutcome::Confirmed, NOW),
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        machine.on(Input::Background, &facts, NOW + SEC);
        assert_eq!(
            machine.action(NOW + SEC),
            Action::WaitForInput,
            "S6: no timer"
        );
        machine.on(Input::Foreground, &facts, NOW + 10 * SEC);
        assert_eq!(machine.action(NOW + 10 * SEC), Action::Refresh);
    }

    #[test]
    fn s1_a_flight_that_ends_in_the_background_leaves_no_timer() {
        let (mut machine, mut facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        machine.on(Input::Background, &facts, NOW);
        assert_eq!(machine.state(), S::Refreshing);
        facts.last_validated_at = Some(NOW);
        machine.on(
            Input::FlightEnded {
                report: report(&facts, FlightOutcome::Confirmed, NOW),
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        assert_eq!(machine.state(), S::InBackground);
    }

    #[test]
    fn e4_storage_unavailable_pauses_and_its_return_resumes_the_schedule() {
        let (mut machine, mut facts) = fresh();
        facts.storage_unavailable = true;
        machine.observe(&facts, NOW);
        assert_eq!(machine.state(), S::PausedForStorage);
        assert_eq!(machine.action(NOW), Action::WaitForInput);
        facts.storage_unavailable = false;
        machine.observe(&facts, NOW + SEC);
        assert_eq!(
            machine.action(NOW + SEC),
            Action::Refresh,
            "never refreshed yet"
        );
    }

    #[test]
    fn w4_an_older_identitys_flight_changes_nothing() {
        let (mut machine, facts) = fresh();
        machine.on(Input::RefreshStarted, &facts, NOW);
        let mut newer = facts;
        newer.identity = facts.identity.next();
        machine.observe(&newer, NOW);
        assert_eq!(machine.state(), waiting(NOW));
        let old = report(&facts, FlightOutcome::Transient { retry_after: None }, NOW);
        machine.on(
            Input::FlightEnded {
                report: old,
                jitter: 0.5,
            },
            &newer,
            NOW,
        );
        assert_eq!(
            machine.state(),
            waiting(NOW),
            "the stale failure is ignored"
        );
    }

    #[test]
    fn w3_an_explicit_flight_of_this_identity_moves_the_schedule_too() {
        let (mut machine, mut facts) = fresh();
        // The app's own authenticate ended while the scheduler waited.
        facts.last_validated_at = Some(NOW);
        machine.on(
            Input::FlightEnded {
                report: report(&facts, FlightOutcome::Confirmed, NOW),
                jitter: 0.5,
            },
            &facts,
            NOW,
        );
        assert_eq!(machine.state(), waiting(NOW + 180 * SEC));
    }

    #[test]
    fn s9_a_margin_that_would_refresh_at_once_is_spaced_by_the_floor() {
        // A 300 s JWT with a 299.999 s margin: each refresh's JWT is due again 1 ms after
        // it was confirmed. Without the floor that is a request per millisecond.
        let policy = RefreshPolicy {
            refresh_margin: Duration::from_millis(299_999),
            ..RefreshPolicy::default()
        };
        let mut facts = facts();
        let mut machine = Machine::new(policy);
        machine.observe(&facts, NOW);
        let mut now = NOW;
        let mut starts = Vec::new();
        for id in 1..=5 {
            assert_eq!(machine.action(now), Action::Refresh, "due at {now}");
            machine.on(Input::RefreshStarted, &facts, now);
            starts.push(now);
            facts.last_validated_at = Some(now);
            facts.jwt_expires_at = Some(now + 300 * SEC);
            let mut ended = report(&facts, FlightOutcome::Confirmed, now);
            ended.id = id;
            machine.on(
                Input::FlightEnded {
                    report: ended,
                    jitter: 0.5,
                },
                &facts,
                now,
            );
            now = match machine.action(now) {
                Action::WaitUntil(due) => due,
                other => panic!("expected a wait, got {other:?}"),
            };
        }
        for pair in starts.windows(2) {
            assert_eq!(pair[1] - pair[0], SEC, "one request a second at most");
        }
    }

    #[test]
    fn shutdown_is_final() {
        let (mut machine, facts) = fresh();
        machine.on(Input::Shutdown, &facts, NOW);
        assert_eq!(machine.state(), S::Stopped);
        assert_eq!(machine.action(NOW), Action::Stop);
        machine.on(Input::NewIdentity, &facts, NOW);
        assert_eq!(machine.state(), S::Stopped);
    }
}
