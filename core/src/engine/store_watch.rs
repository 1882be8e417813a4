//! The task that hears another process write a shared store (SPEC C1, "sooner where the
//! platform notifies"): on Linux and Android it waits on an inotify watch of the store's
//! stamp and runs the same check the engine makes before every request. Elsewhere, and when
//! the watch cannot be set up, there is no task: engines still see every change at the
//! foreground and before their next request.

use std::sync::Arc;

use super::concurrency::TaskHandle;
use super::session_engine::SessionEngine;

/// The watch task, stopped when the last client is dropped.
pub(crate) struct StoreWatch {
    task: Option<TaskHandle>,
}

impl StoreWatch {
    /// Starts the watch for `engine`'s shared store, if it has one and the platform can.
    pub(crate) fn start(engine: &Arc<SessionEngine>) -> Self {
        Self {
            task: start_task(engine),
        }
    }
}

impl Drop for StoreWatch {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(feature = "model-check")
))]
fn start_task(engine: &Arc<SessionEngine>) -> Option<TaskHandle> {
    use crate::coordination::StampWatch;

    let stamp = engine.state.shared()?.stamp_path().to_owned();
    // Set up before the client is handed out, inside the runtime whose reactor polls it, so
    // that no write after the build goes unheard.
    let watch = {
        let _entered = engine.runtime.handle().enter();
        match StampWatch::new(&stamp) {
            Ok(watch) => watch,
            Err(error) => {
                tracing::info!(%error, "no change notifications for the shared store");
                return None;
            }
        }
    };
    let weak = Arc::downgrade(engine);
    let task = async move {
        loop {
            // Only a weak reference between events: the watch never keeps the engine alive.
            let Some(engine) = weak.upgrade() else {
                return;
            };
            let checking = Arc::clone(&engine);
            let checked = super::concurrency::blocking(&engine.runtime, move || {
                checking.state.check_other_processes();
            });
            drop(engine);
            let _ = checked.await;
            if let Err(error) = watch.changed().await {
                tracing::info!(%error, "the shared store's watch ended");
                return;
            }
        }
    };
    Some(super::concurrency::spawn_detached(&engine.runtime, task))
}

#[cfg(not(all(
    any(target_os = "linux", target_os = "android"),
    not(feature = "model-check")
)))]
fn start_task(_: &Arc<SessionEngine>) -> Option<TaskHandle> {
    None
}
