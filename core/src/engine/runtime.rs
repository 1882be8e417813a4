//! Who runs SessionKit's asynchronous work.
//!
//! Network calls (reqwest on hyper) and the refresh scheduler need a tokio runtime. A Rust
//! app that has one hands in its [`Handle`]; everyone else (and every mobile app, whose code
//! calls in from Kotlin or Swift threads) gets a small runtime the engine owns: one worker
//! thread, at most two blocking threads started on demand, timers and I/O enabled. The engine
//! spawns on it only short-lived request tasks and one scheduler task that sleeps on a single
//! timer between deadlines. When a request's answer is committed, the store call (an app's
//! Kotlin or Swift store, the Keystore, a file) runs on a blocking thread, so a slow store
//! never holds up the worker.
//!
//! Shutting down leaks nothing: dropping the engine aborts the scheduler task (it holds only
//! a weak reference to the engine, so it never keeps it alive) and shuts its own runtime down
//! without blocking, so it is safe to drop from inside async code. On a host's runtime the
//! request tasks in flight finish and end on their own.

use tokio::runtime::{Builder, Handle, Runtime};

#[cfg_attr(
    feature = "model-check",
    allow(dead_code, reason = "under the model, shuttle runs every task")
)]
pub(crate) struct EngineRuntime {
    handle: Handle,
    owned: Option<Runtime>,
}

impl EngineRuntime {
    /// Runs on the caller's runtime.
    pub(crate) fn shared(handle: Handle) -> Self {
        Self {
            handle,
            owned: None,
        }
    }

    /// Starts a runtime of the engine's own.
    pub(crate) fn owned() -> std::io::Result<Self> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(2)
            .thread_name("sessionkit-runtime")
            .enable_all()
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            owned: Some(runtime),
        })
    }

    #[cfg_attr(
        feature = "model-check",
        allow(dead_code, reason = "under the model, shuttle runs every task")
    )]
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }
}

impl Drop for EngineRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.owned.take() {
            runtime.shutdown_background();
        }
    }
}
