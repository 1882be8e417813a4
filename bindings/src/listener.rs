//! The listener interface an app implements in Kotlin or Swift (O1-O4). It differs from the
//! core's only in taking the event by value, as UniFFI hands it over.

use std::sync::Arc;

use sessionkit::{SessionError, SessionEvent};

/// Hears every change of the session, in order, on a SessionKit delivery thread.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    /// Called once per event. An exception thrown here is caught and logged without its
    /// text; the listener stays subscribed.
    fn on_event(&self, event: SessionEvent) -> Result<(), SessionError>;
}

/// Subscribes a foreign listener to the core.
pub(crate) struct CoreListener(pub(crate) Arc<dyn SessionListener>);

impl sessionkit::SessionListener for CoreListener {
    fn on_event(&self, event: &SessionEvent) {
        if self.0.on_event(event.clone()).is_err() {
            // The exception's text is app code's and could hold anything: not logged (E6).
            tracing::warn!("a session listener threw; it stays subscribed");
        }
    }
}
