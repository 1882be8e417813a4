//! The scheduler's task: reads the engine, feeds the state machine, does what it says.
//!
//! Each turn it reads one snapshot (the facts), the last flight's report and the lifecycle
//! inbox, hands what changed to the machine, then acts: refresh (through the single flight,
//! S8), sleep until a deadline, or sleep until woken. It wakes on the engine's one signal
//! (a state swap, a flight's end, a lifecycle call) or its timer; a wake-up that changed
//! nothing just plans again, so a spurious one costs a turn and never a request.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::future::{Either, select};

use super::Shared;
use super::facts::Facts;
use super::machine::{Action, Input, Machine, SchedulerState};
use super::policy::RefreshPolicy;
use crate::engine::authenticate::ScheduledRefresh;
use crate::engine::concurrency::{self, Signal};
use crate::engine::session_engine::SessionEngine;

pub(super) struct SchedulerTask {
    engine: Weak<SessionEngine>,
    wake: Arc<Signal>,
    shared: Arc<Shared>,
    machine: Machine,
    session_duration_minutes: Option<u32>,
    /// The id of the last flight report the machine has heard.
    heard_report: u64,
}

impl SchedulerTask {
    pub(super) fn new(
        engine: &Arc<SessionEngine>,
        shared: Arc<Shared>,
        policy: RefreshPolicy,
    ) -> Self {
        Self {
            engine: Arc::downgrade(engine),
            wake: Arc::clone(&engine.changed),
            shared,
            session_duration_minutes: policy.session_duration_minutes,
            machine: Machine::new(policy),
            heard_report: 0,
        }
    }

    pub(super) async fn run(mut self) {
        loop {
            // Read the signal's version first: a notification after this point wakes the
            // wait below, so nothing that happens during the turn is missed.
            let seen = self.wake.version();
            let Some(engine) = self.engine.upgrade() else {
                return;
            };
            let now = engine.clock.now_millis();
            let facts = Facts::of(&engine.state.load());
            let before = self.machine.state();
            self.hear(&engine, &facts, now);
            log_decision(before, self.machine.state());
            *self.shared.state.lock() = self.machine.state();
            let action = self.machine.action(now);
            let wait = match action {
                Action::Stop => return,
                Action::Refresh => {
                    self.refresh(&engine, &facts, now).await;
                    continue;
                }
                Action::WaitUntil(due) => Some(Duration::from_millis(
                    u64::try_from(due.saturating_sub(now)).unwrap_or(0),
                )),
                Action::WaitForInput => None,
            };
            drop(engine); // the engine is released while waiting
            let woken = self.wake.changed(seen);
            match wait {
                None => {
                    woken.await;
                }
                Some(delay) => {
                    let timer = concurrency::sleep(delay);
                    futures_util::pin_mut!(woken, timer);
                    match select(woken, timer).await {
                        Either::Left(_) | Either::Right(_) => {}
                    }
                }
            }
            self.shared.counters.wakeups.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Hands the machine what changed since its last turn: the engine's facts, the flight
    /// reports it has not heard, the app's lifecycle calls.
    fn hear(&mut self, engine: &SessionEngine, facts: &Facts, now: i64) {
        self.machine.observe(facts, now);
        if let Some(report) = engine.flights.last_report()
            && report.id > self.heard_report
        {
            self.heard_report = report.id;
            let jitter = concurrency::random_unit();
            self.machine
                .on(Input::FlightEnded { report, jitter }, facts, now);
        }
        let inputs: Vec<Input> = self.shared.inbox.lock().drain(..).collect();
        for input in inputs {
            self.machine.on(input, facts, now);
        }
    }

    /// Sends or joins a refresh for the identity the machine planned for, and waits for it;
    /// its report reaches the machine on the next turn.
    async fn refresh(&mut self, engine: &Arc<SessionEngine>, facts: &Facts, now: i64) {
        let Some(planned) = self.machine.identity() else {
            return;
        };
        let flight = match engine.scheduled_refresh(
            planned,
            self.heard_report,
            self.session_duration_minutes,
        ) {
            ScheduledRefresh::Replan => return,
            ScheduledRefresh::Joined(flight) | ScheduledRefresh::Started(flight) => flight,
        };
        self.machine.on(Input::RefreshStarted, facts, now);
        *self.shared.state.lock() = self.machine.state();
        let counters = &self.shared.counters;
        match flight.await {
            Ok(_) => counters.refreshes.fetch_add(1, Ordering::Relaxed),
            Err(_) => counters.failures.fetch_add(1, Ordering::Relaxed),
        };
    }
}

/// Logs what the scheduler decided, when its state changes kind: a backoff (info), giving up
/// (warn), a pause for storage (info), and resuming (debug). Times are server time.
fn log_decision(before: SchedulerState, after: SchedulerState) {
    use SchedulerState as S;
    if std::mem::discriminant(&before) == std::mem::discriminant(&after)
        && !matches!(after, S::BackingOff { .. })
    {
        return;
    }
    match after {
        S::BackingOff { until, failures } if before != after => tracing::info!(
            %until,
            failures,
            "refresh failed; the scheduler retries after a backoff"
        ),
        S::GaveUp => tracing::warn!(
            "refresh gave up: the session expired while the server could not be reached"
        ),
        S::PausedForStorage => {
            tracing::info!(
                "refresh paused: storage is unavailable (E4) until the app says it is back"
            )
        }
        S::Waiting { due } => tracing::debug!(%due, "next refresh scheduled"),
        _ => {}
    }
}
