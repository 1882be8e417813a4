//! Foreign listeners (O1-O4): the core's [`ForeignSessionListener`], adapted to the core's
//! listener trait.

use std::sync::Arc;

use sessionkit::{ForeignSessionListener, SessionEvent};

/// Subscribes a foreign listener to the core.
pub(crate) struct CoreListener(pub(crate) Arc<dyn ForeignSessionListener>);

impl sessionkit::SessionListener for CoreListener {
    fn on_event(&self, event: &SessionEvent) {
        self.0.on_event(event.clone());
    }
}
