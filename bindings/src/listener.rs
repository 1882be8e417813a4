//! Observation across the FFI (O1-O4): the [`SessionListener`] foreign trait, the events it
//! hears, and the adapter that subscribes it to the core.
//!
//! The core calls listeners on its own delivery threads, never on the runtime's workers and
//! never with an engine lock held (`core/src/engine/dispatch.rs`), and this adapter calls the
//! foreign listener right there, so Kotlin or Swift code runs outside every lock and may call
//! back into the client. A listener that throws is caught: UniFFI turns the exception into
//! [`SessionKitError::Internal`], which is logged (without its text, which is app code's) and
//! changes nothing; the listener stays subscribed (O4).

use std::sync::Arc;

use crate::error::SessionKitError;
use crate::session::Session;

/// Receives every change of the session. Called on a SessionKit delivery thread, once per
/// event, in order; not on the app's main thread.
#[uniffi::export(foreign)]
pub trait SessionListener: Send + Sync {
    /// Called once per event. An exception thrown here is caught and logged; the listener
    /// stays subscribed.
    fn on_event(&self, event: SessionEvent) -> Result<(), SessionKitError>;
}

/// Something a listener should know about.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
#[expect(
    clippy::large_enum_variant,
    reason = "a transfer value, built once per event and lowered into a buffer at once"
)]
pub enum SessionEvent {
    /// The session or its tokens changed; announced after the new state was persisted (or
    /// the write was attempted, O2).
    Changed {
        /// The session now cached, if the engine knows one. `None` with `has_tokens` means
        /// tokens were installed and the session is unknown until the next authenticate.
        session: Option<Session>,
        /// Whether the engine now holds tokens.
        has_tokens: bool,
        /// Why the state changed.
        cause: ChangeCause,
        /// The identity generation of the new state (W4); grows with every identity change.
        generation: u64,
    },
    /// Storage had a problem that did not change the session in memory.
    Storage {
        /// What happened.
        issue: StorageIssue,
    },
}

/// Why the session state changed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ChangeCause {
    /// Read back from storage.
    Restored,
    /// `update_session` installed tokens from the app's backend.
    Hydrated,
    /// The server confirmed or refreshed the session.
    Authenticated,
    /// The user is signed out.
    SignedOut {
        /// Why.
        reason: SignOutReason,
    },
    /// A cause this version of the bindings does not know.
    Other,
}

/// Why the user is signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SignOutReason {
    /// The app called `clear`.
    Cleared,
    /// The app called `revoke`.
    Revoked,
    /// The server said the session is no longer valid (E1).
    Rejected,
    /// The stored state was corrupt and was wiped (E5).
    StorageCorrupted,
    /// A reason this version of the bindings does not know.
    Other,
}

/// A storage problem listeners are told about.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum StorageIssue {
    /// Stored state could not be read and was wiped (E5).
    Corrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage cannot be reached right now; the state in memory is kept (E4).
    Unavailable {
        /// What the store reported.
        detail: String,
    },
    /// Writing the new state failed; it holds in memory and the write is retried (O2).
    WriteFailed {
        /// What the store reported.
        detail: String,
    },
    /// An issue this version of the bindings does not know.
    Other,
}

impl From<&sessionkit::SessionEvent> for SessionEvent {
    fn from(event: &sessionkit::SessionEvent) -> Self {
        match event {
            sessionkit::SessionEvent::Changed(change) => Self::Changed {
                session: change.session.as_deref().map(Session::from),
                has_tokens: change.has_tokens,
                cause: ChangeCause::from(&change.cause),
                generation: change.generation.get(),
            },
            sessionkit::SessionEvent::Storage(issue) => Self::Storage {
                issue: StorageIssue::from(issue),
            },
            _ => Self::Storage {
                issue: StorageIssue::Other,
            },
        }
    }
}

impl From<&sessionkit::ChangeCause> for ChangeCause {
    fn from(cause: &sessionkit::ChangeCause) -> Self {
        match cause {
            sessionkit::ChangeCause::Restored => Self::Restored,
            sessionkit::ChangeCause::Hydrated => Self::Hydrated,
            sessionkit::ChangeCause::Authenticated => Self::Authenticated,
            sessionkit::ChangeCause::SignedOut(reason) => Self::SignedOut {
                reason: SignOutReason::from(reason),
            },
            _ => Self::Other,
        }
    }
}

impl From<&sessionkit::SignOutReason> for SignOutReason {
    fn from(reason: &sessionkit::SignOutReason) -> Self {
        match reason {
            sessionkit::SignOutReason::Cleared => Self::Cleared,
            sessionkit::SignOutReason::Revoked => Self::Revoked,
            sessionkit::SignOutReason::Rejected => Self::Rejected,
            sessionkit::SignOutReason::StorageCorrupted => Self::StorageCorrupted,
            _ => Self::Other,
        }
    }
}

impl From<&sessionkit::StorageIssue> for StorageIssue {
    fn from(issue: &sessionkit::StorageIssue) -> Self {
        match issue {
            sessionkit::StorageIssue::Corrupted { detail } => Self::Corrupted {
                detail: detail.clone(),
            },
            sessionkit::StorageIssue::Unavailable { detail } => Self::Unavailable {
                detail: detail.clone(),
            },
            sessionkit::StorageIssue::WriteFailed { detail } => Self::WriteFailed {
                detail: detail.clone(),
            },
            _ => Self::Other,
        }
    }
}

/// Subscribes a foreign listener to the core.
pub(crate) struct CoreListener(pub(crate) Arc<dyn SessionListener>);

impl sessionkit::SessionListener for CoreListener {
    fn on_event(&self, event: &sessionkit::SessionEvent) {
        if self.0.on_event(SessionEvent::from(event)).is_err() {
            // The exception's text is app code's and could hold anything: not logged (E6).
            tracing::warn!("a session listener threw; it stays subscribed");
        }
    }
}
