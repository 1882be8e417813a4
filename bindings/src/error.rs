//! The one error type every fallible call of the surface throws (`SessionKitException` in
//! Kotlin, `SessionKitError` in Swift).
//!
//! It is the core's [`sessionkit::SessionError`] flattened to one level, one variant per thing
//! the app should do next: sign the user in again, retry later, wait for storage, fix the
//! call. It also stands for a foreign listener that threw (`From<UnexpectedUniFFICallbackError>`),
//! so a Kotlin or Swift exception never turns into a Rust panic. Messages come from the core,
//! which never puts a token in one (E6).

use std::time::Duration;

use sessionkit::SessionError;
use uniffi::UnexpectedUniFFICallbackError;

/// What went wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SessionKitError {
    /// There is no session, or the server said it is gone. Sign the user in again.
    #[error("signed out: {reason}")]
    SignedOut {
        /// Why, in words for a log.
        reason: String,
    },
    /// The server could not be reached or answered unusably. The session is kept; retry
    /// later (the refresh scheduler does so by itself).
    #[error("network problem, session kept: {detail}")]
    Network {
        /// What failed, in words for a log.
        detail: String,
        /// How long the server asked the client to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// The server refused the request for a reason that does not end the session (an invalid
    /// `session_duration_minutes`, for example). The session is kept; fix the request.
    #[error(
        "server rejected the request ({error_type}, HTTP {status}), session kept: {error_message}"
    )]
    ServerRejected {
        /// The HTTP status.
        status: u16,
        /// The server's `error_type`.
        error_type: String,
        /// The server's `error_message` (named so that it does not hide the exception's own
        /// `message` in Kotlin).
        error_message: String,
    },
    /// Secure storage cannot be reached right now (a locked device, a busy key store). The
    /// session is not lost; call `storage_became_available` once it is back (E4).
    #[error("storage unavailable, session kept: {detail}")]
    StorageUnavailable {
        /// What the store reported.
        detail: String,
    },
    /// Stored state was unreadable and has been wiped (E5). Sign the user in again.
    #[error("stored session was corrupted and has been wiped: {detail}")]
    StorageCorrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage failed for another reason (a full disk, a permission error). The in-memory
    /// state is current; the write is retried with the next change.
    #[error("storage failed: {detail}")]
    StorageFailed {
        /// What the store reported.
        detail: String,
    },
    /// The signed-in identity changed while the request was in flight, so its answer was
    /// discarded. Read the current state instead.
    #[error("the session changed while the request was in flight; its answer was discarded")]
    Superseded,
    /// An argument or the configuration was not acceptable. Fix the call.
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// Which argument, and why.
        detail: String,
    },
    /// A bug in SessionKit, or an exception thrown by app code it called. Report it.
    #[error("internal error: {detail}")]
    Internal {
        /// What happened.
        detail: String,
    },
}

impl From<SessionError> for SessionKitError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::SignedOut { reason } => Self::SignedOut { reason },
            SessionError::Network {
                detail,
                retry_after,
            } => Self::Network {
                detail,
                retry_after,
            },
            SessionError::ServerRejected {
                status,
                error_type,
                message,
            } => Self::ServerRejected {
                status,
                error_type,
                error_message: message,
            },
            SessionError::StorageUnavailable { detail } => Self::StorageUnavailable { detail },
            SessionError::StorageCorrupted { detail } => Self::StorageCorrupted { detail },
            SessionError::StorageFailed { detail } => Self::StorageFailed { detail },
            SessionError::Superseded => Self::Superseded,
            SessionError::InvalidArgument { detail } => Self::InvalidArgument { detail },
            SessionError::Internal { detail } => Self::Internal { detail },
        }
    }
}

impl From<UnexpectedUniFFICallbackError> for SessionKitError {
    fn from(error: UnexpectedUniFFICallbackError) -> Self {
        Self::Internal {
            detail: format!("foreign callback failed: {}", error.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_keeps_its_meaning_across_the_ffi() {
        let cases = [
            (
                SessionError::SignedOut { reason: "r".into() },
                SessionKitError::SignedOut { reason: "r".into() },
            ),
            (
                SessionError::Network {
                    detail: "d".into(),
                    retry_after: Some(Duration::from_secs(2)),
                },
                SessionKitError::Network {
                    detail: "d".into(),
                    retry_after: Some(Duration::from_secs(2)),
                },
            ),
            (
                SessionError::StorageUnavailable { detail: "d".into() },
                SessionKitError::StorageUnavailable { detail: "d".into() },
            ),
            (
                SessionError::StorageCorrupted { detail: "d".into() },
                SessionKitError::StorageCorrupted { detail: "d".into() },
            ),
            (SessionError::Superseded, SessionKitError::Superseded),
        ];
        for (core, ffi) in cases {
            assert_eq!(SessionKitError::from(core), ffi);
        }
    }

    #[test]
    fn e6_a_throwing_callback_becomes_an_internal_error() {
        let error = SessionKitError::from(UnexpectedUniFFICallbackError::new("boom"));
        assert!(
            matches!(error, SessionKitError::Internal { ref detail } if detail.contains("boom"))
        );
    }
}
