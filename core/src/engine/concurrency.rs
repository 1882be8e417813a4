//! Every synchronisation primitive the engine uses, in one place: locks, condition variables,
//! atomics, the snapshot cell, the wake-up [`Signal`], request tasks, the blocking pool that
//! runs store calls, timers and the listeners' delivery threads. No other file of the engine
//! names `parking_lot`, `arc-swap`, the atomic types or tokio's spawn and time functions
//! (others name only `Ordering`), and only `runtime.rs` starts an OS thread: the one that
//! drives the engine's own runtime, which exists only outside the model checker.
//!
//! Normally these are `parking_lot`, `arc-swap`, std and tokio. With the test-only
//! `model-check` feature they are shuttle's, so that shuttle's schedulers explore the
//! interleavings of the engine's real commit, single-flight and scheduler code (the
//! `model_check` tests). Under that feature:
//! - the snapshot cell is an `RwLock<Arc<_>>`: whole-snapshot swaps, readers see one snapshot
//!   or the next, but not lock-free (R4 is checked on the real cell by the concurrency suite);
//! - time is virtual ([`model_time`]): timers fire when a test moves the clock, never by
//!   themselves, so a schedule never depends on how fast the machine is;
//! - store calls run in place instead of on a blocking pool.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::runtime::EngineRuntime;

/// A spawned task did not finish: it panicked, or its runtime shut down first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskFailed {
    pub(crate) panicked: bool,
}

impl From<TaskFailed> for crate::error::SessionError {
    fn from(failed: TaskFailed) -> Self {
        let detail = if failed.panicked {
            "a SessionKit task panicked"
        } else {
            "the engine's runtime shut down before the call finished"
        };
        crate::error::Error::Internal(detail.into()).into()
    }
}

#[cfg(not(feature = "model-check"))]
mod imp {
    use super::*;

    pub(crate) use arc_swap::ArcSwap as SnapshotCell;
    pub(crate) use parking_lot::{Mutex, MutexGuard};
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize};

    /// What loading the cell gives: the snapshot, kept alive while held.
    pub(crate) type Loaded<T> = arc_swap::Guard<std::sync::Arc<T>>;

    /// A condition variable over [`Mutex`], with std's by-value `wait`.
    #[derive(Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(&mut guard);
            guard
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }
    }

    /// A handle that stops a spawned task.
    pub(crate) struct TaskHandle(tokio::task::AbortHandle);

    impl TaskHandle {
        pub(crate) fn abort(&self) {
            self.0.abort();
        }

        pub(crate) fn is_finished(&self) -> bool {
            self.0.is_finished()
        }
    }

    /// Starts `task` now on the engine's runtime; the result resolves with its output.
    pub(crate) fn spawn<T: Send + 'static>(
        runtime: &EngineRuntime,
        task: impl Future<Output = T> + Send + 'static,
    ) -> impl Future<Output = Result<T, TaskFailed>> + Send + 'static {
        let handle = runtime.handle().spawn(task);
        async move {
            handle.await.map_err(|e| TaskFailed {
                panicked: e.is_panic(),
            })
        }
    }

    /// Starts a long-lived task on the engine's runtime that nobody awaits.
    pub(crate) fn spawn_detached(
        runtime: &EngineRuntime,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> TaskHandle {
        TaskHandle(runtime.handle().spawn(task).abort_handle())
    }

    /// Runs `work` on the runtime's blocking pool. Store calls may be an app's Kotlin or
    /// Swift code or the Keystore: they must never hold up the runtime's one worker, which
    /// also drives the scheduler and other requests.
    pub(crate) fn blocking<T: Send + 'static>(
        runtime: &EngineRuntime,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Result<T, TaskFailed>> + Send + 'static {
        let handle = runtime.handle().spawn_blocking(work);
        async move {
            handle.await.map_err(|e| TaskFailed {
                panicked: e.is_panic(),
            })
        }
    }

    /// Starts an OS thread (the listeners' delivery threads).
    pub(crate) fn spawn_thread(
        name: String,
        body: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<()> {
        std::thread::Builder::new().name(name).spawn(body).map(drop)
    }

    /// Waits `duration` on the runtime's clock (tokio's: paused in tests).
    pub(crate) async fn sleep(duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    /// A uniform random number in `[0, 1)`: the backoff's jitter.
    pub(crate) fn random_unit() -> f64 {
        use ring::rand::{SecureRandom, SystemRandom};
        let mut bytes = [0u8; 8];
        // The OS generator does not fail once booted; if it ever did, no jitter is harmless.
        if SystemRandom::new().fill(&mut bytes).is_err() {
            return 0.5;
        }
        (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(feature = "model-check")]
mod imp {
    use std::ops::Deref;
    use std::sync::{Arc, PoisonError};

    use super::*;

    pub(crate) use shuttle::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize};

    /// shuttle's mutex with `parking_lot`'s signature (no poisoning).
    #[derive(Default)]
    pub(crate) struct Mutex<T>(shuttle::sync::Mutex<T>);

    pub(crate) type MutexGuard<'a, T> = shuttle::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(shuttle::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// shuttle's condition variable.
    #[derive(Default)]
    pub(crate) struct Condvar(shuttle::sync::Condvar);

    impl Condvar {
        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).unwrap_or_else(PoisonError::into_inner)
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }
    }

    /// `ArcSwap`'s operations on a shuttle `RwLock`.
    pub(crate) struct SnapshotCell<T>(shuttle::sync::RwLock<Arc<T>>);

    /// What loading the cell gives: the snapshot, kept alive while held.
    pub(crate) struct Loaded<T>(Arc<T>);

    impl<T> Deref for Loaded<T> {
        type Target = Arc<T>;
        fn deref(&self) -> &Arc<T> {
            &self.0
        }
    }

    impl<T> SnapshotCell<T> {
        pub(crate) fn from_pointee(value: T) -> Self {
            Self(shuttle::sync::RwLock::new(Arc::new(value)))
        }

        pub(crate) fn load(&self) -> Loaded<T> {
            Loaded(self.load_full())
        }

        pub(crate) fn load_full(&self) -> Arc<T> {
            Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
        }

        pub(crate) fn store(&self, value: Arc<T>) {
            *self.0.write().unwrap_or_else(PoisonError::into_inner) = value;
        }
    }

    /// A handle that stops a spawned task.
    pub(crate) struct TaskHandle(shuttle::future::AbortHandle);

    impl TaskHandle {
        pub(crate) fn abort(&self) {
            self.0.abort();
        }

        pub(crate) fn is_finished(&self) -> bool {
            self.0.is_finished()
        }
    }

    /// Starts `task` now as a shuttle task; the result resolves with its output.
    pub(crate) fn spawn<T: Send + 'static>(
        _runtime: &EngineRuntime,
        task: impl Future<Output = T> + Send + 'static,
    ) -> impl Future<Output = Result<T, TaskFailed>> + Send + 'static {
        let handle = shuttle::future::spawn(task);
        async move { handle.await.map_err(|_| TaskFailed { panicked: true }) }
    }

    /// Starts a long-lived shuttle task that nobody awaits (detached: an execution may end
    /// while it waits).
    pub(crate) fn spawn_detached(
        _runtime: &EngineRuntime,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> TaskHandle {
        TaskHandle(shuttle::future::spawn(task).abort_handle())
    }

    /// Runs `work` in place: shuttle has no blocking pool, and the work's own locks are
    /// shuttle's, so its interleavings are explored all the same.
    pub(crate) fn blocking<T: Send + 'static>(
        _runtime: &EngineRuntime,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Result<T, TaskFailed>> + Send + 'static {
        std::future::ready(Ok(work()))
    }

    /// Starts a shuttle thread.
    pub(crate) fn spawn_thread(
        _name: String,
        body: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<()> {
        drop(shuttle::thread::spawn(body));
        Ok(())
    }

    /// Waits until the virtual clock has moved `duration` on.
    pub(crate) async fn sleep(duration: Duration) {
        model_time::sleep(duration).await;
    }

    /// A uniform random number in `[0, 1)` from shuttle's generator, so that a schedule that
    /// found a violation replays with the same jitter.
    pub(crate) fn random_unit() -> f64 {
        use shuttle::rand::RngCore as _;
        (shuttle::rand::thread_rng().next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Virtual time for the model: it moves only when a test calls [`advance`], and every
    /// sleeper re-checks its deadline then. One clock per shuttle execution.
    pub(crate) mod model_time {
        use super::super::Signal;
        use super::*;

        struct VirtualClock {
            now: Mutex<Duration>,
            moved: Signal,
        }

        shuttle::lazy_static! {
            static ref CLOCK: VirtualClock = VirtualClock {
                now: Mutex::new(Duration::ZERO),
                moved: Signal::new(),
            };
        }

        /// Virtual time since the execution started.
        pub(crate) fn now() -> Duration {
            *CLOCK.now.lock()
        }

        /// Moves virtual time forward and wakes every sleeper.
        #[cfg_attr(not(test), allow(dead_code, reason = "used by the model-check tests"))]
        pub(crate) fn advance(by: Duration) {
            *CLOCK.now.lock() += by;
            CLOCK.moved.notify();
        }

        pub(super) async fn sleep(duration: Duration) {
            let deadline = now() + duration;
            let mut seen = CLOCK.moved.version();
            while now() < deadline {
                seen = CLOCK.moved.changed(seen).await;
            }
        }
    }
}

pub(crate) use imp::*;

/// A wake-up counter: [`notify`](Signal::notify) bumps it, and a waiter that last saw
/// version `v` wakes once it differs. Level-triggered, so a waiter never misses a
/// notification that came between its last look and its wait, and several notifications
/// before it looks again count as one. Built on [`Mutex`] and wakers, so it is the same code
/// under tokio and under shuttle.
pub(crate) struct Signal {
    state: Mutex<SignalState>,
}

#[derive(Default)]
struct SignalState {
    version: u64,
    waiters: Vec<Waker>,
}

impl Signal {
    pub(crate) fn new() -> Self {
        Self {
            state: Mutex::new(SignalState::default()),
        }
    }

    /// The current version.
    pub(crate) fn version(&self) -> u64 {
        self.state.lock().version
    }

    /// Bumps the version and wakes every waiter.
    pub(crate) fn notify(&self) {
        let waiters = {
            let mut state = self.state.lock();
            state.version += 1;
            std::mem::take(&mut state.waiters)
        };
        for waiter in waiters {
            waiter.wake();
        }
    }

    /// Resolves with the current version as soon as it differs from `seen`.
    pub(crate) fn changed(&self, seen: u64) -> Changed<'_> {
        Changed { signal: self, seen }
    }
}

/// The future of [`Signal::changed`].
pub(crate) struct Changed<'a> {
    signal: &'a Signal,
    seen: u64,
}

impl Future for Changed<'_> {
    type Output = u64;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        let mut state = self.signal.state.lock();
        if state.version != self.seen {
            return Poll::Ready(state.version);
        }
        if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            state.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
