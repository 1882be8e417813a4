//! Errors, in two tiers.
//!
//! Inside the engine, [`Error`] keeps every detail a maintainer needs. At the API boundary it
//! becomes a [`SessionError`], whose few variants each say what the caller should do next:
//! sign the user in, retry later, wait for storage, or fix the request. No message of either
//! tier ever contains a token (SPEC E6): they are built from error categories, server error
//! types and store descriptions, never from request or response bodies.

use std::time::Duration;

use crate::envelope::EnvelopeError;
use crate::store::StoreError;
use crate::transport::{ErrorClass, TransportError};

/// What went wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
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
    #[error("server rejected the request ({error_type}, HTTP {status}), session kept: {message}")]
    ServerRejected {
        /// The HTTP status.
        status: u16,
        /// The server's `error_type`.
        error_type: String,
        /// The server's `error_message`.
        message: String,
    },
    /// Secure storage cannot be reached right now (a locked device, a busy key store). The
    /// session is not lost; call `storage_became_available` when the app knows it is back.
    #[error("storage unavailable, session kept: {detail}")]
    StorageUnavailable {
        /// What the store reported.
        detail: String,
    },
    /// Stored state was unreadable and has been wiped. Sign the user in again.
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
    /// The signed-in identity changed (sign-out, new tokens) while this request was in
    /// flight, so its answer was discarded. Read the current state instead.
    #[error("the session changed while the request was in flight; its answer was discarded")]
    Superseded,
    /// An argument was not acceptable. Fix the call.
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// Which argument, and why.
        detail: String,
    },
    /// A bug in SessionKit or in app code it called. Report it.
    #[error("internal error: {detail}")]
    Internal {
        /// What happened.
        detail: String,
    },
}

/// The engine's internal error, with the detail a maintainer needs.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("{0}")]
    InvalidArgument(String),
}

impl From<Error> for SessionError {
    fn from(error: Error) -> Self {
        match error {
            Error::Store(store) => store.into(),
            Error::Envelope(envelope) => SessionError::StorageCorrupted {
                detail: envelope.to_string(),
            },
            Error::InvalidArgument(detail) => SessionError::InvalidArgument { detail },
        }
    }
}

impl From<StoreError> for SessionError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(detail) => SessionError::StorageUnavailable { detail },
            StoreError::Corrupted(detail) => SessionError::StorageCorrupted { detail },
            StoreError::Failed(detail) => SessionError::StorageFailed { detail },
        }
    }
}

impl From<TransportError> for SessionError {
    fn from(error: TransportError) -> Self {
        match (error.class(), error) {
            (ErrorClass::Definitive, error) => SessionError::SignedOut {
                reason: error.to_string(),
            },
            (ErrorClass::Transient { retry_after }, error) => SessionError::Network {
                detail: error.to_string(),
                retry_after,
            },
            (
                ErrorClass::Rejected,
                TransportError::Api {
                    status,
                    error_type,
                    message,
                    ..
                },
            ) => SessionError::ServerRejected {
                status,
                error_type,
                message,
            },
            (ErrorClass::Rejected, error) => SessionError::InvalidArgument {
                detail: error.to_string(),
            },
        }
    }
}
