//! [`ListenerHandle`]: what `on_change` returns (O1). Closing it (`close()` in Kotlin,
//! dropping the last reference in Swift) or calling [`ListenerHandle::unsubscribe`] ends the
//! subscription; both are idempotent.

use parking_lot::Mutex;

/// Keeps a listener subscribed until it is closed or unsubscribed.
#[derive(uniffi::Object)]
pub struct ListenerHandle {
    subscription: Mutex<Option<sessionkit::ListenerHandle>>,
}

impl ListenerHandle {
    pub(crate) fn new(subscription: sessionkit::ListenerHandle) -> Self {
        Self {
            subscription: Mutex::new(Some(subscription)),
        }
    }
}

#[uniffi::export]
impl ListenerHandle {
    /// Unsubscribes now. Events already being delivered may still arrive; none queued after
    /// this call does. Calling it twice is harmless.
    pub fn unsubscribe(&self) {
        // Take it out first: the core handle unsubscribes on drop, outside this lock.
        let subscription = self.subscription.lock().take();
        if let Some(subscription) = subscription {
            subscription.close();
        }
    }

    /// Whether the listener is still subscribed through this handle.
    pub fn is_subscribed(&self) -> bool {
        self.subscription.lock().is_some()
    }
}
