//! Errors, in two tiers.
//!
//! Inside the engine every failure is an [`Error`], which keeps what a maintainer needs: the
//! transport's, the store's, the envelope's or the JWKS's own error. At the API boundary it
//! becomes a [`SessionError`] (in `session_error.rs`, a leaf the lowest floor can use), whose few variants each say what the caller should do next:
//! sign the user in, retry later, wait for storage, fix the call. The conversion is one
//! table, [`Error::public`], which also decides the level it is logged at: converting an
//! [`Error`] into a [`SessionError`] (`From`) logs it once, at a level that matches what it
//! means, so every error a caller sees has been logged. Code that needs the public form
//! without handing it to a caller (a message inside an outcome) calls `public` and does not
//! log it again.
//!
//! No message of either tier contains a token (SPEC E6): they are built from error
//! categories, server error types and store descriptions, never from request or response
//! bodies.

use crate::envelope::EnvelopeError;
use crate::jwt::JwtError;
pub(crate) use crate::session_error::SessionError;
use crate::store::StoreError;
use crate::transport::{ErrorClass, TransportError};

/// The engine's internal error, with the detail a maintainer needs.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("JWKS: {0}")]
    Jwks(#[from] JwtError),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("there is no session to {0}")]
    NoSession(&'static str),
    #[error("the identity changed while the request was in flight")]
    Superseded,
    #[error("{0}")]
    Internal(String),
}

/// How loudly an error is logged when it reaches the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogLevel {
    /// Expected in normal operation (a race lost, no session).
    Debug,
    /// Worth knowing, handled (offline, a locked device).
    Info,
    /// Something is off but the engine carries on (a rejected request, a corrupt blob).
    Warn,
    /// A bug or a misconfiguration that needs fixing.
    Error,
}

/// Logs at a level chosen at run time (tracing fixes a callsite's level, hence one arm each):
/// how the engine's own log lines about an error follow the one table ([`Error::public`]).
macro_rules! log_at {
    ($level:expr, $($arg:tt)+) => {
        match $level {
            $crate::error::LogLevel::Debug => ::tracing::debug!($($arg)+),
            $crate::error::LogLevel::Info => ::tracing::info!($($arg)+),
            $crate::error::LogLevel::Warn => ::tracing::warn!($($arg)+),
            $crate::error::LogLevel::Error => ::tracing::error!($($arg)+),
        }
    };
}
pub(crate) use log_at;

impl StoreError {
    /// The level the table gives this store error (E4 info, E5 warn, E7 error).
    pub(crate) fn log_level(&self) -> LogLevel {
        match self {
            StoreError::Unavailable { .. } => LogLevel::Info,
            StoreError::Corrupted { .. } => LogLevel::Warn,
            StoreError::Failed { .. } => LogLevel::Error,
        }
    }
}

impl TransportError {
    /// The level the table gives this transport error.
    pub(crate) fn log_level(&self) -> LogLevel {
        match self.class() {
            ErrorClass::Definitive | ErrorClass::Transient { .. } => LogLevel::Info,
            ErrorClass::Rejected => match self {
                TransportError::Api { .. } => LogLevel::Warn,
                _ => LogLevel::Error,
            },
        }
    }
}

impl Error {
    /// The one table from internal to public errors, with the level each is logged at.
    pub(crate) fn public(self) -> (SessionError, LogLevel) {
        match self {
            Error::Transport(error) => match error.class() {
                ErrorClass::Definitive => (
                    SessionError::SignedOut {
                        reason: error.to_string(),
                    },
                    LogLevel::Info,
                ),
                ErrorClass::Transient { retry_after } => (
                    SessionError::Network {
                        detail: error.to_string(),
                        retry_after,
                    },
                    LogLevel::Info,
                ),
                ErrorClass::Rejected => match error {
                    TransportError::Api {
                        status,
                        error_type,
                        message,
                        ..
                    } => (
                        SessionError::ServerRejected {
                            status,
                            error_type,
                            error_message: message,
                        },
                        LogLevel::Warn,
                    ),
                    other => (
                        SessionError::InvalidArgument {
                            detail: other.to_string(),
                        },
                        LogLevel::Error,
                    ),
                },
            },
            Error::Store(error) => {
                let level = error.log_level();
                let public = match error {
                    StoreError::Unavailable { detail } => {
                        SessionError::StorageUnavailable { detail }
                    }
                    StoreError::Corrupted { detail } => SessionError::StorageCorrupted { detail },
                    StoreError::Failed { detail } => SessionError::StorageFailed { detail },
                };
                (public, level)
            }
            Error::Envelope(error) => (
                SessionError::StorageCorrupted {
                    detail: error.to_string(),
                },
                LogLevel::Warn,
            ),
            Error::Jwks(error) => (
                SessionError::JwksUnusable {
                    detail: error.to_string(),
                },
                LogLevel::Warn,
            ),
            Error::InvalidArgument(detail) => {
                (SessionError::InvalidArgument { detail }, LogLevel::Warn)
            }
            Error::NoSession(action) => (
                SessionError::SignedOut {
                    reason: format!("there is no session to {action}"),
                },
                LogLevel::Debug,
            ),
            Error::Superseded => (SessionError::Superseded, LogLevel::Debug),
            Error::Internal(detail) => (SessionError::Internal { detail }, LogLevel::Error),
        }
    }
}

impl From<Error> for SessionError {
    /// Converts through [`Error::public`] and logs the error once, at its level.
    fn from(error: Error) -> Self {
        let (public, level) = error.public();
        log_at!(level, error = %public, "sessionkit call failed");
        public
    }
}

impl From<StoreError> for SessionError {
    fn from(error: StoreError) -> Self {
        Error::Store(error).into()
    }
}

impl From<TransportError> for SessionError {
    fn from(error: TransportError) -> Self {
        Error::Transport(error).into()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn api(status: u16, error_type: &str) -> Error {
        Error::Transport(TransportError::Api {
            status,
            error_type: error_type.into(),
            message: "m".into(),
            request_id: None,
            retry_after: Some(Duration::from_secs(7)),
        })
    }

    #[test]
    fn e1_e2_e3_the_table_maps_transport_errors_by_class() {
        assert!(matches!(
            api(404, "session_not_found").public(),
            (SessionError::SignedOut { .. }, LogLevel::Info)
        ));
        assert_eq!(
            api(429, "too_many_requests").public().0,
            SessionError::Network {
                detail: "server error too_many_requests (HTTP 429): m".into(),
                retry_after: Some(Duration::from_secs(7)),
            }
        );
        assert!(matches!(
            api(400, "invalid_session_duration").public(),
            (
                SessionError::ServerRejected { status: 400, .. },
                LogLevel::Warn
            )
        ));
    }

    #[test]
    fn e4_e5_e7_store_errors_keep_their_meaning() {
        let table = [
            (
                StoreError::Unavailable { detail: "d".into() },
                LogLevel::Info,
            ),
            (StoreError::Corrupted { detail: "d".into() }, LogLevel::Warn),
            (StoreError::Failed { detail: "d".into() }, LogLevel::Error),
        ];
        let public: Vec<_> = table
            .into_iter()
            .map(|(error, level)| {
                let (public, logged) = Error::Store(error).public();
                assert_eq!(logged, level);
                public
            })
            .collect();
        assert!(matches!(public[0], SessionError::StorageUnavailable { .. }));
        assert!(matches!(public[1], SessionError::StorageCorrupted { .. }));
        assert!(matches!(public[2], SessionError::StorageFailed { .. }));
    }

    #[test]
    fn j2_a_malformed_jwks_is_not_a_network_error() {
        let (public, _) = Error::Jwks(JwtError::Jwks("not a JWKS".into())).public();
        assert!(matches!(public, SessionError::JwksUnusable { .. }));
    }
}
