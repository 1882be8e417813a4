//! Who runs SessionKit's asynchronous work.
//!
//! Network calls (hyper) and the refresh scheduler need a tokio runtime. A Rust
//! app that has one hands in its [`Handle`]; everyone else (and every mobile app, whose code
//! calls in from Kotlin or Swift threads) gets a small runtime the engine owns: a
//! current-thread runtime driven by one thread of its own (`sessionkit-runtime`), at most two
//! blocking threads started on demand, timers and I/O enabled. (A multi-thread runtime with
//! one worker would do the same work and add tokio's work-stealing scheduler, about 50 KiB,
//! to every app.) The engine
//! spawns on it only short-lived request tasks and one scheduler task that sleeps on a single
//! timer between deadlines. When a request's answer is committed, the store call (an app's
//! Kotlin or Swift store, the Keystore, a file) runs on a blocking thread, so a slow store
//! never holds up the worker.
//!
//! Shutting down leaks nothing: dropping the engine aborts the scheduler task (it holds only
//! a weak reference to the engine, so it never keeps it alive) and shuts its own runtime down
//! without blocking, so it is safe to drop from inside async code. On a host's runtime the
//! request tasks in flight finish and end on their own.

use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

#[cfg_attr(
    feature = "model-check",
    allow(dead_code, reason = "under the model, shuttle runs every task")
)]
pub(crate) struct EngineRuntime {
    handle: Handle,
    /// For an owned runtime: dropping it lets the runtime's thread return and shut down.
    stop: Option<oneshot::Sender<()>>,
}

impl EngineRuntime {
    /// Runs on the caller's runtime.
    pub(crate) fn shared(handle: Handle) -> Self {
        Self { handle, stop: None }
    }

    /// Starts a runtime of the engine's own.
    pub(crate) fn owned() -> std::io::Result<Self> {
        let runtime = Builder::new_current_thread()
            .max_blocking_threads(2)
            .thread_name("sessionkit-blocking")
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("sessionkit-runtime".into())
            .spawn(move || {
                // Drives every task, timer and socket until the engine drops `stop`.
                let _ = runtime.block_on(stopped);
                runtime.shutdown_background();
            })?;
        Ok(Self {
            handle,
            stop: Some(stop),
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
        // Never blocks: the runtime's own thread notices and shuts it down.
        drop(self.stop.take());
    }
}
