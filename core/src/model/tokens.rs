//! The token pair that proves the session (SPEC M3).
//!
//! Tokens are bearer credentials: whoever holds them is the user. So this type never shows
//! them (Debug and Display print `[redacted]`), has no serde impl that could leak them into
//! a log line by accident, and wipes its memory when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// The opaque `session_token` and the short-lived `session_jwt` of one session.
///
/// ```
/// let tokens = sessionkit::SessionTokens::new("opaque-token", "header.payload.signature");
/// assert_eq!(tokens.session_token(), "opaque-token");
/// assert!(!format!("{tokens:?}").contains("opaque-token"));
/// assert_eq!(tokens.to_string(), "[redacted session tokens]");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Object),
    uniffi::export(Debug, Display)
)]
pub struct SessionTokens {
    session_token: Zeroizing<String>,
    session_jwt: Zeroizing<String>,
}

impl SessionTokens {
    /// Wraps a token pair.
    pub fn new(session_token: impl Into<String>, session_jwt: impl Into<String>) -> Self {
        Self {
            session_token: Zeroizing::new(session_token.into()),
            session_jwt: Zeroizing::new(session_jwt.into()),
        }
    }

    /// The opaque session token, sent as the password of the Basic authorisation header.
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// The session JWT, which the app's backend can verify without calling the server.
    pub fn session_jwt(&self) -> &str {
        &self.session_jwt
    }
}

impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokens")
            .field("session_token", &"[redacted]")
            .field("session_jwt", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted session tokens]")
    }
}
