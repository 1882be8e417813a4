//! Subscriptions to session changes (SPEC O1): a listener in, a handle out, and dropping the
//! handle unsubscribes.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use super::concurrency::{AtomicU64, Mutex};
use super::dispatch::{Dispatcher, Subscription};
use super::event::{SessionEvent, SessionListener};

/// The set of subscriptions of one engine.
pub(crate) struct Listeners {
    registry: Arc<Registry>,
    dispatcher: Dispatcher,
}

struct Registry {
    next_id: AtomicU64,
    subscriptions: Mutex<Vec<(u64, Arc<Subscription>)>>,
}

impl Registry {
    fn remove(&self, id: u64) {
        self.subscriptions
            .lock()
            .retain(|(sub_id, _)| *sub_id != id);
    }
}

impl Listeners {
    pub(crate) fn new() -> Self {
        Self {
            registry: Arc::new(Registry {
                next_id: AtomicU64::new(1),
                subscriptions: Mutex::default(),
            }),
            dispatcher: Dispatcher::new(),
        }
    }

    pub(crate) fn subscribe(&self, listener: Arc<dyn SessionListener>) -> ListenerHandle {
        let id = self.registry.next_id.fetch_add(1, Ordering::Relaxed);
        let subscription = Subscription::new(listener);
        self.registry
            .subscriptions
            .lock()
            .push((id, Arc::clone(&subscription)));
        ListenerHandle {
            id,
            subscription: Arc::downgrade(&subscription),
            registry: Arc::downgrade(&self.registry),
        }
    }

    /// Queues `event` for every current subscriber. Callers hold the engine's writer lock, so
    /// events are queued in the order the state changed; they call
    /// [`start_threads`](Self::start_threads) once they have released it.
    pub(crate) fn publish(&self, event: SessionEvent) {
        let subscriptions = self.registry.subscriptions.lock();
        self.dispatcher
            .publish(subscriptions.iter().map(|(_, sub)| sub), &event);
    }

    /// Starts delivery threads for what [`publish`](Self::publish) queued, if needed. Never
    /// call it with the writer lock held.
    pub(crate) fn start_threads(&self) {
        self.dispatcher.start_threads();
    }

    pub(crate) fn len(&self) -> usize {
        self.registry.subscriptions.lock().len()
    }

    pub(crate) fn delivery_threads(&self) -> usize {
        self.dispatcher.thread_count()
    }
}

/// Keeps a listener subscribed. Dropping it, or calling [`close`](Self::close), unsubscribes.
///
/// This is the one place a subscription ends: the FFI hands this same handle to Kotlin
/// (`close()`, `AutoCloseable`) and Swift (`cancel()`, deinit).
///
/// Closing stops delivery at once: an event already inside the listener's callback
/// finishes, events queued for it but not yet delivered are dropped, and nothing announced
/// later arrives.
#[must_use = "dropping the handle unsubscribes the listener at once"]
#[cfg_attr(feature = "uniffi", derive(uniffi::Object))]
pub struct ListenerHandle {
    id: u64,
    subscription: Weak<Subscription>,
    registry: Weak<Registry>,
}

impl ListenerHandle {
    /// Unsubscribes. Closing twice is harmless.
    pub fn close(&self) {
        if let Some(subscription) = self.subscription.upgrade() {
            subscription.deactivate();
        }
        if let Some(registry) = self.registry.upgrade() {
            registry.remove(self.id);
        }
    }

    /// Whether the listener is still subscribed through this handle.
    pub fn is_subscribed(&self) -> bool {
        self.subscription
            .upgrade()
            .is_some_and(|subscription| subscription.is_active())
    }
}

/// Kotlin's `close()` (UniFFI's `AutoCloseable`) releases the handle, which unsubscribes;
/// Swift, which releases objects only when the last reference goes, calls `unsubscribe()`.
/// Either ends in [`ListenerHandle::close`].
#[cfg(feature = "uniffi")]
#[uniffi::export]
impl ListenerHandle {
    /// Unsubscribes now. Calling it twice is harmless.
    #[uniffi::method(name = "unsubscribe")]
    fn ffi_unsubscribe(&self) {
        self.close();
    }

    /// Whether the listener is still subscribed through this handle.
    #[uniffi::method(name = "is_subscribed")]
    fn ffi_is_subscribed(&self) -> bool {
        self.is_subscribed()
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.close();
    }
}

impl std::fmt::Debug for ListenerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListenerHandle")
            .field("id", &self.id)
            .field("subscribed", &(self.subscription.strong_count() > 0))
            .finish()
    }
}
