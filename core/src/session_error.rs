//! The public error (the second tier of `error.rs`): what went wrong, and what the caller
//! should do. A leaf: the stores and the model return it, so it imports nothing of the crate.

use std::time::Duration;

/// What went wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi::export(Display))]
#[non_exhaustive]
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
    #[error(
        "server rejected the request ({error_type}, HTTP {status}), session kept: {error_message}"
    )]
    ServerRejected {
        /// The HTTP status.
        status: u16,
        /// The server's `error_type`.
        error_type: String,
        /// The server's `error_message` (named as on the wire: in Kotlin and Swift,
        /// `message` is the exception's own).
        error_message: String,
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
    /// Storage failed for a reason that will not pass by itself (a path that cannot exist, a
    /// permission that will not change, a missing entitlement: E7). The state in memory is
    /// current; fix the configuration. Writes are retried with the next change.
    #[error("storage failed: {detail}")]
    StorageFailed {
        /// What the store reported.
        detail: String,
    },
    /// The signed-in identity changed (sign-out, new tokens) while this request was in
    /// flight, so its answer was discarded (W8). Read the current state instead.
    #[error("the session changed while the request was in flight; its answer was discarded")]
    Superseded,
    /// The project's JSON Web Key Set could not be used for local JWT checks (not a JWKS,
    /// no RS256 key). Check the project id; the session itself is unaffected.
    #[error("the project's JWKS is unusable: {detail}")]
    JwksUnusable {
        /// What was wrong with it.
        detail: String,
    },
    /// An argument or the configuration was not acceptable. Fix the call.
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
