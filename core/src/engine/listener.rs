//! Subscriptions to session changes (SPEC O1): a listener in, a handle out, and dropping the
//! handle unsubscribes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use super::dispatch::{Dispatcher, Subscription};
use super::event::SessionEvent;

/// Receives [`SessionEvent`]s.
///
/// Called on a SessionKit delivery thread, never with an engine lock held, so a listener
/// may call back into the engine. A listener that panics is caught and stays subscribed;
/// one that blocks delays only its own later events. Any `Fn(&SessionEvent)` closure that is
/// `Send + Sync` is a listener.
pub trait SessionListener: Send + Sync + 'static {
    /// Called once per event, in order.
    fn on_event(&self, event: &SessionEvent);
}

impl<F> SessionListener for F
where
    F: Fn(&SessionEvent) + Send + Sync + 'static,
{
    fn on_event(&self, event: &SessionEvent) {
        self(event)
    }
}

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
    pub fn new() -> Self {
        Self {
            registry: Arc::new(Registry {
                next_id: AtomicU64::new(1),
                subscriptions: Mutex::default(),
            }),
            dispatcher: Dispatcher::new(),
        }
    }

    pub fn subscribe(&self, listener: Arc<dyn SessionListener>) -> ListenerHandle {
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

    /// Queues `event` for every current subscriber. Callers hold the engine's write lock, so
    /// events are queued in the order the state changed.
    pub fn publish(&self, event: SessionEvent) {
        let subscriptions = self.registry.subscriptions.lock();
        self.dispatcher
            .publish(subscriptions.iter().map(|(_, sub)| sub), &event);
    }

    pub fn len(&self) -> usize {
        self.registry.subscriptions.lock().len()
    }

    pub fn delivery_threads(&self) -> usize {
        self.dispatcher.thread_count()
    }
}

/// Keeps a listener subscribed. Dropping it, or calling [`close`](Self::close), unsubscribes.
///
/// Closing stops delivery at once: an event already inside the listener's callback
/// finishes, events queued for it but not yet delivered are dropped, and nothing announced
/// later arrives.
#[must_use = "dropping the handle unsubscribes the listener at once"]
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
