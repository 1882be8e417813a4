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

    /// What is wrong with the pair's shape, if anything (V4): a `session_token` is visible
    /// ASCII without whitespace, a `session_jwt` three non-empty base64url segments. Tokens
    /// end up in HTTP headers, the app's own included: a CR or LF there is header injection.
    /// Never names the tokens' text.
    pub(crate) fn shape_problem(&self) -> Option<&'static str> {
        if self.session_token.is_empty() {
            return Some("the session_token is empty");
        }
        if !self.session_token.bytes().all(|b| b.is_ascii_graphic()) {
            return Some("the session_token is not visible ASCII without whitespace");
        }
        if self.session_token.len() > MAX_TOKEN_BYTES || self.session_jwt.len() > MAX_TOKEN_BYTES {
            return Some("a token is longer than 16 KiB");
        }
        let mut segments = 0;
        for segment in self.session_jwt.split('.') {
            segments += 1;
            let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            if segment.is_empty() || !segment.bytes().all(base64url) {
                return Some("the session_jwt is not three base64url segments");
            }
        }
        (segments != 3).then_some("the session_jwt is not three base64url segments")
    }
}

/// Far above any real token (Stytch's JWTs are about 1 KiB with custom claims), far below
/// what would hurt a header.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

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

#[cfg(test)]
mod tests {
    use super::SessionTokens;

    #[test]
    fn v4_well_formed_tokens_pass() {
        let tokens = SessionTokens::new("tok_ABC-123.x~", "eyJh.eyJz_-.c2ln");
        assert_eq!(tokens.shape_problem(), None);
    }

    #[test]
    fn v4_a_header_injection_or_a_malformed_jwt_is_named_without_the_tokens() {
        for (token, jwt) in [
            ("", "a.b.c"),
            ("tok en", "a.b.c"),
            ("tok\r\nX-Injected: 1", "a.b.c"),
            ("tok\u{e9}", "a.b.c"),
            ("token", "x\r\nX-Injected: 1"),
            ("token", "a.b"),
            ("token", "a.b.c.d"),
            ("token", "a..c"),
            ("token", "a.b=.c"),
            ("token", ""),
        ] {
            let problem = SessionTokens::new(token, jwt).shape_problem();
            let problem = problem.unwrap_or_else(|| panic!("{token:?}/{jwt:?} passed"));
            assert!(!problem.contains("Injected"));
        }
        let long = "a".repeat(16 * 1024 + 1);
        assert!(
            SessionTokens::new(long.as_str(), "a.b.c")
                .shape_problem()
                .is_some()
        );
    }
}
