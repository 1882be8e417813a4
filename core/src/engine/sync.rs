//! The engine's synchronisation in one place: the writer and flight locks, the snapshot
//! cell, the spawning of request tasks, and the blocking pool that runs store calls.
//!
//! Normally these are `parking_lot`, `arc-swap` and tokio. With the test-only `model-check`
//! feature they are shuttle's, so that shuttle's schedulers can explore the interleavings
//! of the engine's real commit, generation-guard and single-flight code (see the
//! `model_check` tests). Under that feature the snapshot cell is a `RwLock<Arc<_>>`, which
//! keeps the cell's semantics (whole-snapshot swaps, readers see one snapshot or the next)
//! but not its lock-freedom; R4 is checked on the real cell by the concurrency suite.

use std::future::Future;

use super::runtime::EngineRuntime;

/// A spawned task did not finish: it panicked, or its runtime shut down first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskFailed {
    pub panicked: bool,
}

#[cfg(not(feature = "model-check"))]
mod imp {
    use super::*;

    pub(crate) use arc_swap::ArcSwap as SnapshotCell;
    pub(crate) use parking_lot::Mutex;

    /// What loading the cell gives: the snapshot, kept alive while held.
    pub(crate) type Loaded<T> = arc_swap::Guard<std::sync::Arc<T>>;

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

    /// Runs `work` on the runtime's blocking pool. Commits call the store, which may be an
    /// app's Kotlin or Swift code or the Keystore: it must never hold up the runtime's one
    /// worker, which also drives the scheduler and other requests.
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
}

#[cfg(feature = "model-check")]
mod imp {
    use std::ops::Deref;
    use std::sync::{Arc, PoisonError};

    use super::*;

    /// shuttle's mutex with `parking_lot`'s signature (no poisoning).
    #[derive(Default)]
    pub(crate) struct Mutex<T>(shuttle::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub fn new(value: T) -> Self {
            Self(shuttle::sync::Mutex::new(value))
        }

        pub fn lock(&self) -> shuttle::sync::MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
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
        pub fn from_pointee(value: T) -> Self {
            Self(shuttle::sync::RwLock::new(Arc::new(value)))
        }

        pub fn load(&self) -> Loaded<T> {
            Loaded(self.load_full())
        }

        pub fn load_full(&self) -> Arc<T> {
            Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
        }

        pub fn store(&self, value: Arc<T>) {
            *self.0.write().unwrap_or_else(PoisonError::into_inner) = value;
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

    /// Runs `work` in place: shuttle has no blocking pool, and the work's own locks are
    /// shuttle's, so its interleavings are explored all the same.
    pub(crate) fn blocking<T: Send + 'static>(
        _runtime: &EngineRuntime,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Result<T, TaskFailed>> + Send + 'static {
        std::future::ready(Ok(work()))
    }
}

pub(crate) use imp::{Loaded, Mutex, SnapshotCell, blocking, spawn};
