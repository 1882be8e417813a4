//! Transport failures and how each is classified (SPEC E1-E3).
//!
//! Classification looks at Stytch's `error_type`, never at the HTTP status alone: a 404 means
//! "session gone" only when the body says `session_not_found`, while the same status from a
//! misconfigured proxy is just a failed request.

use std::time::Duration;

/// The `error_type`s that mean the session is over (E1).
pub(crate) const DEFINITIVE_ERROR_TYPES: [&str; 4] = [
    "unauthorized_credentials",
    "user_unauthenticated",
    "invalid_secret_authentication",
    "session_not_found",
];

/// What a failure means for the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The server says the session is over: clear it (E1).
    Definitive,
    /// Worth retrying with backoff; the session is kept (E2). `retry_after` is the server's
    /// `Retry-After`, when it sent one.
    Transient {
        /// How long the server asked the client to wait.
        retry_after: Option<Duration>,
    },
    /// The server refused this request; the session is kept and the caller hears why,
    /// without a retry loop (E3).
    Rejected,
}

/// Why a request to the auth server failed. Messages never contain tokens or bodies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The server answered with a Stytch error envelope.
    #[error("server error {error_type} (HTTP {status}): {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// Stytch's `error_type`.
        error_type: String,
        /// Stytch's `error_message`.
        message: String,
        /// Stytch's `request_id`.
        request_id: Option<String>,
        /// The `Retry-After` header, if any.
        retry_after: Option<Duration>,
    },
    /// An error status without a readable Stytch envelope (a proxy page, an empty body).
    #[error("HTTP {status} without a Stytch error body")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, if any.
        retry_after: Option<Duration>,
    },
    /// The connection could not be made or broke: DNS, connect, TLS, reset.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server's certificate passed the platform's checks, but its public key matches
    /// none of the configured pins (V7). Transient like any TLS failure: the session is kept
    /// (E2). An interception, or a key rotation whose backup pin is missing.
    #[error("certificate pin mismatch: {0}")]
    PinMismatch(String),
    /// The connect or request timeout passed.
    #[error("request timed out")]
    Timeout,
    /// The body was cut short.
    #[error("response body truncated: {0}")]
    Truncated(String),
    /// The body was not the JSON expected.
    #[error("malformed response body: {0}")]
    Malformed(String),
    /// The response was not `application/json`.
    #[error("unexpected content type {0:?}")]
    WrongContentType(String),
    /// The body exceeded the configured cap.
    #[error("response body larger than {limit} bytes")]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The transport was misconfigured (an unusable base URL, a bad public token).
    #[error("transport misconfigured: {0}")]
    Config(String),
}

impl TransportError {
    /// What this failure means for the session.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Api {
                status,
                error_type,
                retry_after,
                ..
            } => {
                if DEFINITIVE_ERROR_TYPES.contains(&error_type.as_str()) {
                    ErrorClass::Definitive
                } else if *status == 429 || *status >= 500 {
                    ErrorClass::Transient {
                        retry_after: *retry_after,
                    }
                } else {
                    ErrorClass::Rejected
                }
            }
            Self::Status { retry_after, .. } => ErrorClass::Transient {
                retry_after: *retry_after,
            },
            Self::Connect(_)
            | Self::PinMismatch(_)
            | Self::Timeout
            | Self::Truncated(_)
            | Self::Malformed(_)
            | Self::WrongContentType(_)
            | Self::TooLarge { .. } => ErrorClass::Transient { retry_after: None },
            Self::Config(_) => ErrorClass::Rejected,
        }
    }
}
