//! What listeners hear, and the listener trait (SPEC O1-O4).

use std::fmt;
use std::sync::Arc;

use super::snapshot::Generation;
use super::status::SessionStatus;
use crate::model::Session;

/// Something a listener should know about.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum SessionEvent {
    /// The session or its tokens changed. Announced once per distinct change, in order,
    /// after the new state was written to storage (or the write was attempted, see O2).
    Changed(#[cfg_attr(feature = "uniffi", uniffi(name = "change"))] SessionChange),
    /// Storage had a problem that did not change the session in memory.
    Storage(#[cfg_attr(feature = "uniffi", uniffi(name = "issue"))] StorageIssue),
}

/// A new session state.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionChange {
    /// The session now cached, if the engine knows one. `None` with `has_tokens` true means
    /// tokens were hydrated and the session object is unknown until the next authenticate.
    pub session: Option<Arc<Session>>,
    /// Whether the engine now holds tokens.
    pub has_tokens: bool,
    /// Whether the state came from storage and the server has not confirmed it since (R2).
    pub from_cache: bool,
    /// Where the engine stands after the change (R6).
    pub status: SessionStatus,
    /// Why the state changed.
    pub cause: ChangeCause,
    /// The identity generation of the new state (W4).
    pub generation: Generation,
    /// The change's place in the engine's sequence of announced changes: larger for every
    /// later change. A copy of the state at least this new shows this change (O2).
    pub revision: u64,
}

/// Why the session state changed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum ChangeCause {
    /// Read back from storage.
    Restored,
    /// `update_session` installed tokens from the app's backend.
    Hydrated,
    /// The server confirmed or refreshed the session.
    Authenticated,
    /// The user is signed out.
    SignedOut(#[cfg_attr(feature = "uniffi", uniffi(name = "reason"))] SignOutReason),
    /// Another process sharing the store (an app extension, another app process) changed
    /// it: signed in, refreshed or signed out there (C1). The status says which.
    OtherProcess,
}

/// Why the user is signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum SignOutReason {
    /// The app called `clear`.
    Cleared,
    /// The app called `revoke`.
    Revoked,
    /// The server said the session is no longer valid (SPEC E1).
    Rejected,
    /// The stored state was corrupt and was wiped (SPEC E5).
    StorageCorrupted,
}

/// A storage problem that listeners are told about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum StorageIssue {
    /// Stored state could not be read and was wiped (SPEC E5).
    Corrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage cannot be reached right now; the state in memory is kept and is written once
    /// the app reports storage available again (SPEC E4).
    Unavailable {
        /// What the store reported.
        detail: String,
    },
    /// Writing the new state failed. The new state still holds in memory and the write is
    /// retried with the next change or when storage is reported available (SPEC O2, E7).
    WriteFailed {
        /// What the store reported.
        detail: String,
    },
    /// The stored state could not be read for a reason that will not pass by itself (a path
    /// that cannot exist, a permission that will not change, a missing entitlement: E7).
    /// The engine runs signed out in memory; nothing waits for storage to come back.
    ReadFailed {
        /// What the store reported.
        detail: String,
    },
}

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

/// [`SessionListener`] as Kotlin and Swift implement it (feature `uniffi`): it takes the event
/// by value, as the FFI hands it over; the bindings crate adapts it. The wrappers catch what
/// their listener blocks throw.
#[cfg(feature = "uniffi")]
#[uniffi::export(with_foreign)]
pub trait ForeignSessionListener: Send + Sync {
    /// Called once per event, in order, on a SessionKit delivery thread.
    fn on_event(&self, event: SessionEvent);
}

impl fmt::Display for SessionEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed(change) => write!(f, "{change}"),
            Self::Storage(issue) => write!(f, "storage: {issue}"),
        }
    }
}

impl fmt::Display for SessionChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({}", self.cause, self.status, self.generation)?;
        match &self.session {
            Some(session) => write!(f, ", session {}", session.session_id)?,
            None if self.has_tokens => f.write_str(", tokens, session unknown")?,
            None => f.write_str(", no session")?,
        }
        if self.from_cache {
            f.write_str(", from cache")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for ChangeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Restored => f.write_str("restored from storage"),
            Self::Hydrated => f.write_str("tokens installed"),
            Self::Authenticated => f.write_str("confirmed by the server"),
            Self::SignedOut(reason) => write!(f, "signed out: {reason}"),
            Self::OtherProcess => f.write_str("changed by another process"),
        }
    }
}

impl fmt::Display for SignOutReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cleared => "cleared by the app",
            Self::Revoked => "revoked",
            Self::Rejected => "the server no longer knows the session",
            Self::StorageCorrupted => "the stored session was corrupted",
        })
    }
}

impl fmt::Display for StorageIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Corrupted { detail } => write!(f, "stored session corrupted and wiped: {detail}"),
            Self::Unavailable { detail } => write!(f, "unavailable, session kept: {detail}"),
            Self::WriteFailed { detail } => write!(f, "write failed, will retry: {detail}"),
            Self::ReadFailed { detail } => write!(f, "read failed: {detail}"),
        }
    }
}
