//! The refresh scheduler (SPEC S1-S8, E4): keeps the session fresh without draining the
//! battery.
//!
//! One task per engine (`task.rs`) runs a state machine (`machine.rs`): it reads the engine's
//! facts (identity, tokens, expiries, storage) from the snapshot, hears the app's lifecycle
//! calls through a small inbox, learns how every authenticate ended (the scheduler's own and
//! the app's), and sleeps on one timer until the next deadline. Every refresh goes through
//! the single flight (W3), checked under the flight lock against the last answer, so one
//! deadline never causes two requests and no scheduled request goes out before a backoff or
//! a server-requested wait ends (S8). All times are server time (R5).
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> SignedOut
//!     SignedOut --> Waiting: new identity (due now, S4)
//!     Waiting --> Refreshing: deadline reached
//!     BackingOff --> Refreshing: wait over
//!     Refreshing --> Waiting: confirmed / rejected (next deadline, S2)
//!     Refreshing --> BackingOff: transient failure (2-32 s or Retry-After, S5)
//!     Refreshing --> GaveUp: transient failure, session expired (S5)
//!     GaveUp --> Waiting: network back / foreground
//!     Waiting --> InBackground: background
//!     BackingOff --> InBackground: background
//!     GaveUp --> InBackground: background
//!     InBackground --> Waiting: foreground (due now, S4)
//!     InBackground --> BackingOff: foreground during a wait (S8)
//!     Waiting --> PausedForStorage: storage unavailable (E4)
//!     BackingOff --> PausedForStorage: storage unavailable (E4)
//!     PausedForStorage --> Waiting: storage available
//!     PausedForStorage --> BackingOff: storage available during a wait
//!     Waiting --> SignedOut: no tokens (S1)
//!     Refreshing --> SignedOut: no tokens (E1)
//!     Waiting --> Stopped: shutdown
//!     Stopped --> [*]
//! ```
//!
//! Any state goes to `SignedOut` when the tokens go, to `Waiting` (due now) when a new
//! identity's tokens arrive, and to `Stopped` on shutdown; a refresh in flight completes
//! before background or storage changes take effect. Between deadlines nothing runs (S6):
//! in the background, paused or signed out the task waits with no timer at all.
//!
//! The task holds only a `Weak` reference to the engine while it waits, so it never keeps
//! the engine alive; dropping the client aborts it.

mod backoff;
mod facts;
mod machine;
mod policy;
mod task;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::concurrency::{self, AtomicBool, AtomicU64, Mutex, Signal, TaskHandle};
use super::session_engine::SessionEngine;

pub use machine::SchedulerState;
pub use policy::RefreshPolicy;

pub(crate) use machine::Input;

/// Diagnostics: what the refresh scheduler has done since the engine started, and where it
/// stands now.
///
/// For tests, logs and battery investigations; the numbers carry no behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct SchedulerStats {
    /// Times the scheduler task resumed from waiting (its timer fired or it was woken).
    /// Between deadlines this does not grow (S6).
    pub wakeups: u64,
    /// Scheduled refreshes the server confirmed.
    pub refreshes: u64,
    /// Scheduled refreshes that failed, for whatever reason.
    pub failures: u64,
    /// Where the scheduler stands: waiting, refreshing, backing off, paused for storage, in
    /// the background, stopped. A pause is always visible here.
    pub state: SchedulerState,
}

impl SchedulerStats {
    /// Whether the scheduler's task is running: it is not when automatic refresh is off, no
    /// transport is configured, or after shutdown.
    pub fn running(&self) -> bool {
        !matches!(self.state, SchedulerState::Off | SchedulerState::Stopped)
    }
}

/// The counters, shared with the task.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) wakeups: AtomicU64,
    pub(crate) refreshes: AtomicU64,
    pub(crate) failures: AtomicU64,
}

/// What the task shares with the client: the app's lifecycle calls waiting to be read, the
/// state it is in, and the counters.
pub(crate) struct Shared {
    pub(crate) inbox: Mutex<VecDeque<Input>>,
    pub(crate) state: Mutex<SchedulerState>,
    pub(crate) counters: Counters,
}

/// The client's side of the scheduler.
pub(crate) struct Scheduler {
    shared: Arc<Shared>,
    /// The engine's wake-up, also used for lifecycle calls.
    wake: Arc<Signal>,
    task: Option<TaskHandle>,
    /// Set by `shutdown`: later lifecycle calls are no-ops.
    stopped: AtomicBool,
}

impl Scheduler {
    /// Starts the task for `engine` with `policy`, if automatic refresh is on (`Some`) and a
    /// transport exists.
    pub(crate) fn start(engine: &Arc<SessionEngine>, policy: Option<RefreshPolicy>) -> Self {
        let running = policy.is_some() && engine.transport.is_some();
        let shared = Arc::new(Shared {
            inbox: Mutex::new(VecDeque::new()),
            state: Mutex::new(SchedulerState::SignedOut),
            counters: Counters::default(),
        });
        let task = match policy.filter(|_| running) {
            Some(policy) => {
                let task = task::SchedulerTask::new(engine, Arc::clone(&shared), policy);
                Some(concurrency::spawn_detached(&engine.runtime, task.run()))
            }
            None => None,
        };
        Self {
            shared,
            wake: Arc::clone(&engine.changed),
            task,
            stopped: AtomicBool::new(false),
        }
    }

    /// Hands `input` to the task and wakes it.
    fn tell(&self, input: Input) {
        if self.task.is_none() || self.stopped.load(Ordering::Acquire) {
            return;
        }
        self.shared.inbox.lock().push_back(input);
        self.wake.notify();
    }

    pub(crate) fn enter_foreground(&self) {
        self.tell(Input::Foreground);
    }

    pub(crate) fn enter_background(&self) {
        self.tell(Input::Background);
    }

    pub(crate) fn network_available(&self) {
        self.tell(Input::NetworkBack);
    }

    /// Stops the task once it has finished what it is doing (a request in flight
    /// completes); later lifecycle calls are no-ops.
    pub(crate) fn shutdown(&self) {
        self.tell(Input::Shutdown);
        self.stopped.store(true, Ordering::Release);
    }

    pub(crate) fn stats(&self) -> SchedulerStats {
        let counters = &self.shared.counters;
        let state = match &self.task {
            None => SchedulerState::Off,
            Some(task) if task.is_finished() || self.stopped.load(Ordering::Acquire) => {
                SchedulerState::Stopped
            }
            Some(_) => *self.shared.state.lock(),
        };
        SchedulerStats {
            wakeups: counters.wakeups.load(Ordering::Relaxed),
            refreshes: counters.refreshes.load(Ordering::Relaxed),
            failures: counters.failures.load(Ordering::Relaxed),
            state,
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // On a host's runtime nothing else would stop the task; on the engine's own runtime
        // this is belt and braces.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
