//! The refresh scheduler (SPEC S1-S7, E4): keeps the session fresh without draining the
//! battery.
//!
//! One tokio task per engine, on the engine's runtime. It computes the next deadline, sleeps
//! on a single timer until then and refreshes through the engine's single-flight
//! `authenticate` (W3), so a scheduled refresh and an explicit one share a request. Between
//! deadlines nothing runs (S6): the task is woken early only by a poke (a state change, a
//! lifecycle call, storage coming back) and, in the background or without a session, waits
//! with no timer at all (S1).
//!
//! The task holds only a `Weak` reference to the engine while it waits, so it never keeps
//! the engine alive; dropping the engine aborts it (and drops the poke sender, which would
//! end it anyway).

mod backoff;
mod policy;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;
use tokio::sync::watch;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::client::{Inner, SessionClient};
use super::event::ChangeCause;
use crate::error::SessionError;

pub use policy::RefreshPolicy;

/// Diagnostics: what the refresh scheduler has done since the engine started.
///
/// For tests, logs and battery investigations; the numbers carry no behaviour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchedulerStats {
    /// Times the scheduler task resumed from waiting (its timer fired or it was poked).
    /// Between deadlines this does not grow (S6).
    pub wakeups: u64,
    /// Scheduled refreshes the server confirmed.
    pub refreshes: u64,
    /// Scheduled refreshes that failed, for whatever reason.
    pub failures: u64,
    /// Whether the scheduler task is running (it is not when automatic refresh is off, no
    /// transport is configured, or after [`SessionClient::shutdown`]).
    pub running: bool,
}

/// The app's lifecycle and the triggers waiting for the task; guarded by one mutex that is
/// never held across an await or while calling into the engine.
#[derive(Debug)]
struct Control {
    foreground: bool,
    /// Storage is unavailable (E4): refreshing would rotate tokens that cannot be saved.
    storage_paused: bool,
    /// A trigger asked for a refresh now (S4).
    refresh_now: bool,
    /// The last scheduled attempt failed transiently (for `network_became_available`).
    failing: bool,
    shutdown: bool,
}

#[derive(Default)]
struct Counters {
    wakeups: AtomicU64,
    refreshes: AtomicU64,
    failures: AtomicU64,
}

/// The engine's part of the scheduler: configuration, controls, and the task's handle.
pub(crate) struct Scheduler {
    policy: Option<RefreshPolicy>,
    control: Mutex<Control>,
    pokes: watch::Sender<()>,
    counters: Arc<Counters>,
    task: Mutex<Option<AbortHandle>>,
}

impl Scheduler {
    /// A scheduler that will run with `policy` (none: automatic refresh is off).
    pub fn new(policy: Option<RefreshPolicy>) -> Self {
        Self {
            policy,
            control: Mutex::new(Control {
                foreground: true,
                storage_paused: false,
                refresh_now: false,
                failing: false,
                shutdown: false,
            }),
            pokes: watch::Sender::new(()),
            counters: Arc::default(),
            task: Mutex::new(None),
        }
    }

    /// Starts the task for `inner`, if automatic refresh is on and a transport exists.
    pub fn start(inner: &Arc<Inner>) {
        let scheduler = &inner.scheduler;
        let Some(policy) = scheduler.policy.clone() else {
            return;
        };
        if inner.transport.is_none() {
            return;
        }
        let task = Task {
            engine: Arc::downgrade(inner),
            pokes: scheduler.pokes.subscribe(),
            counters: Arc::clone(&scheduler.counters),
            policy,
            local: Local::default(),
        };
        let handle = inner.runtime.handle().spawn(task.run());
        *scheduler.task.lock() = Some(handle.abort_handle());
    }

    fn poke(&self) {
        self.pokes.send_modify(|_| {});
    }

    fn update(&self, change: impl FnOnce(&mut Control) -> bool) {
        let poke = change(&mut self.control.lock());
        if poke {
            self.poke();
        }
    }

    /// A state change was announced. A new identity is refreshed at once (S4: start-up with
    /// a stored session, after `update_session`); a sign-out stops the timer (S1). The
    /// scheduler's own refreshes (`Authenticated`) change no plan and wake nobody.
    pub fn state_changed(&self, cause: &ChangeCause) {
        match cause {
            ChangeCause::Restored | ChangeCause::Hydrated => self.update(|c| {
                c.refresh_now = true;
                true
            }),
            ChangeCause::SignedOut(_) => self.update(|c| {
                c.refresh_now = false;
                c.failing = false;
                true
            }),
            _ => {}
        }
    }

    /// Storage reported unavailable (E4): no refresh until it is back.
    pub fn storage_unavailable(&self) {
        self.update(|c| !std::mem::replace(&mut c.storage_paused, true));
    }

    /// Storage worked again: resume if paused for E4.
    pub fn storage_available(&self) {
        self.update(|c| std::mem::replace(&mut c.storage_paused, false));
    }

    pub fn enter_foreground(&self) {
        self.update(|c| {
            let was_background = !std::mem::replace(&mut c.foreground, true);
            c.refresh_now |= was_background;
            was_background
        });
    }

    pub fn enter_background(&self) {
        self.update(|c| std::mem::replace(&mut c.foreground, false));
    }

    pub fn network_available(&self) {
        self.update(|c| {
            c.refresh_now |= c.failing;
            c.failing
        });
    }

    pub fn shutdown(&self) {
        self.control.lock().shutdown = true;
        if let Some(task) = self.task.lock().take() {
            task.abort();
        }
    }

    pub fn stats(&self) -> SchedulerStats {
        let running = self
            .task
            .lock()
            .as_ref()
            .is_some_and(|task| !task.is_finished());
        SchedulerStats {
            wakeups: self.counters.wakeups.load(Ordering::Relaxed),
            refreshes: self.counters.refreshes.load(Ordering::Relaxed),
            failures: self.counters.failures.load(Ordering::Relaxed),
            running,
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // On a host's runtime nothing else would stop the task; on the engine's own runtime
        // this is belt and braces.
        if let Some(task) = self.task.get_mut().take() {
            task.abort();
        }
    }
}

/// What the task does next.
enum Step {
    Refresh,
    Wait(Option<Instant>),
    Stop,
}

/// The task's own memory of past attempts, for the identity it last saw.
#[derive(Default)]
struct Local {
    generation: Option<super::state::Generation>,
    /// Consecutive transient failures (S5).
    failures: u32,
    retry_at: Option<Instant>,
    /// Retries stopped because the session expired while failing; a trigger restarts them.
    gave_up: bool,
    /// When the last attempt ended (wall-clock ms): anchors the heartbeat after a failure.
    last_attempt: Option<i64>,
}

struct Task {
    engine: Weak<Inner>,
    pokes: watch::Receiver<()>,
    counters: Arc<Counters>,
    policy: RefreshPolicy,
    local: Local,
}

impl Task {
    async fn run(mut self) {
        loop {
            // Pokes before this point are reflected in what `plan` reads.
            self.pokes.borrow_and_update();
            let step = {
                let Some(inner) = self.engine.upgrade() else {
                    return;
                };
                let client = SessionClient { inner };
                match self.plan(&client) {
                    Step::Refresh => {
                        self.refresh(&client).await;
                        continue;
                    }
                    step => step,
                }
            }; // the engine is released before waiting
            let woke = match step {
                Step::Stop => return,
                Step::Refresh => unreachable!("handled above"),
                Step::Wait(None) => self.pokes.changed().await.is_ok(),
                Step::Wait(Some(deadline)) => tokio::select! {
                    () = tokio::time::sleep_until(deadline) => true,
                    poked = self.pokes.changed() => poked.is_ok(),
                },
            };
            if !woke {
                return; // the engine is gone
            }
            self.counters.wakeups.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn plan(&mut self, client: &SessionClient) -> Step {
        let snapshot = client.snapshot();
        let local = &mut self.local;
        if local.generation != Some(snapshot.generation) {
            *local = Local {
                generation: Some(snapshot.generation),
                ..Local::default()
            };
        }
        let mut control = client.inner.scheduler.control.lock();
        if control.shutdown {
            return Step::Stop;
        }
        if snapshot.tokens.is_none() {
            control.refresh_now = false;
            return Step::Wait(None); // S1: signed out
        }
        if !control.foreground || control.storage_paused {
            return Step::Wait(None); // S1, S6, E4: no timer at all
        }
        if std::mem::take(&mut control.refresh_now) {
            local.gave_up = false;
            local.retry_at = None;
            return Step::Refresh;
        }
        drop(control);
        if let Some(retry_at) = local.retry_at {
            return if retry_at <= Instant::now() {
                Step::Refresh
            } else {
                Step::Wait(Some(retry_at))
            };
        }
        if local.gave_up {
            return Step::Wait(None);
        }
        let anchor = match (snapshot.last_validated_at, local.last_attempt) {
            (Some(validated), attempt) => Some(attempt.map_or(validated.timestamp_millis(), |a| {
                a.max(validated.timestamp_millis())
            })),
            (None, attempt) => attempt,
        };
        let now = client.inner.clock.unix_millis();
        match self.policy.next_due_millis(&snapshot, anchor) {
            Some(due) if due > now => {
                let wait = std::time::Duration::from_millis((due - now) as u64);
                Step::Wait(Some(Instant::now() + wait))
            }
            _ => Step::Refresh,
        }
    }

    async fn refresh(&mut self, client: &SessionClient) {
        let result = client
            .authenticate(self.policy.session_duration_minutes)
            .await;
        let local = &mut self.local;
        local.last_attempt = Some(client.inner.clock.unix_millis());
        let failing = match result {
            Ok(_) => {
                self.counters.refreshes.fetch_add(1, Ordering::Relaxed);
                local.failures = 0;
                local.retry_at = None;
                false
            }
            // The identity changed while the request was out: plan afresh for the new one.
            Err(SessionError::Superseded) => return,
            Err(SessionError::Network { retry_after, .. }) => {
                self.counters.failures.fetch_add(1, Ordering::Relaxed);
                local.failures = local.failures.saturating_add(1);
                let snapshot = client.snapshot();
                let expired = snapshot.session.is_some()
                    && snapshot
                        .live_session(client.inner.clock.unix_millis())
                        .is_none();
                if expired {
                    // S5: retries continue only while the session is valid.
                    local.retry_at = None;
                    local.gave_up = true;
                } else {
                    let delay = backoff::retry_delay(
                        self.policy.backoff_initial,
                        self.policy.backoff_max,
                        local.failures,
                        retry_after,
                        &mut rand::rng(),
                    );
                    tracing::debug!(
                        ?delay,
                        failures = local.failures,
                        "refresh failed; retrying"
                    );
                    local.retry_at = Some(Instant::now() + delay);
                }
                true
            }
            // E1 signed out already (the plan now waits without a timer); E3 and the rest
            // keep the session and go back to the normal schedule from this attempt, so a
            // rejected request is not retried in a loop.
            Err(error) => {
                tracing::info!(%error, "scheduled refresh failed; back to the normal schedule");
                self.counters.failures.fetch_add(1, Ordering::Relaxed);
                local.failures = 0;
                local.retry_at = None;
                false
            }
        };
        client.inner.scheduler.control.lock().failing = failing;
    }
}
