//! What listeners hear (SPEC O1-O4).

use std::sync::Arc;

use super::state::Generation;
use crate::model::Session;

/// Something a listener should know about.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// The session or its tokens changed. Announced once per distinct change, in order,
    /// after the new state was written to storage (or the write was attempted, see O2).
    Changed(SessionChange),
    /// Storage had a problem that did not change the session in memory.
    Storage(StorageIssue),
}

/// A new session state.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionChange {
    /// The session now cached, if the engine knows one. `None` with `has_tokens` true means
    /// tokens were hydrated and the session object is unknown until the next authenticate.
    pub session: Option<Arc<Session>>,
    /// Whether the engine now holds tokens.
    pub has_tokens: bool,
    /// Why the state changed.
    pub cause: ChangeCause,
    /// The identity generation of the new state.
    pub generation: Generation,
}

/// Why the session state changed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeCause {
    /// Read back from storage.
    Restored,
    /// `update_session` installed tokens from the app's backend.
    Hydrated,
    /// The server confirmed or refreshed the session.
    Authenticated,
    /// The user is signed out.
    SignedOut(SignOutReason),
}

/// Why the user is signed out.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// retried with the next change or when storage is reported available (SPEC O2).
    WriteFailed {
        /// What the store reported.
        detail: String,
    },
}
