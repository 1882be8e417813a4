//! The Stytch session object (SPEC M1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::factor::AuthenticationFactor;
use super::json::{JsonObject, null_as_default};

/// A signed-in user's session, exactly as the auth server last described it.
///
/// Timestamps are UTC. Unknown fields sent by the server are kept in [`Session::extra`] and
/// serialised back unchanged.
///
/// ```
/// let json = r#"{
///   "session_id": "session-test-1", "user_id": "user-test-1",
///   "started_at": "2026-01-01T00:00:00Z", "last_accessed_at": "2026-01-01T00:00:00Z",
///   "expires_at": "2026-01-01T01:00:00Z",
///   "attributes": {"ip_address": "203.0.113.1", "user_agent": "demo"},
///   "authentication_factors": [], "custom_claims": {"plan": "pro"}, "roles": [],
///   "a_field_from_the_future": 42
/// }"#;
/// let session: sessionkit::Session = serde_json::from_str(json).unwrap();
/// assert_eq!(session.custom_claims["plan"], "pro");
/// assert_eq!(session.extra["a_field_from_the_future"], 42);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The server's identifier of this session.
    pub session_id: String,
    /// The user the session belongs to.
    pub user_id: String,
    /// When the user signed in.
    pub started_at: DateTime<Utc>,
    /// When the session was last authenticated against the server.
    pub last_accessed_at: DateTime<Utc>,
    /// After this instant the session is no longer valid (SPEC R1).
    pub expires_at: DateTime<Utc>,
    /// Where the session was created from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub attributes: SessionAttributes,
    /// How the user proved who they are, in the order the server lists them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// Claims the app's backend attached to the session: any JSON object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_claims: JsonObject,
    /// Roles granted to the user for this session.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// Fields this version of SessionKit does not know, kept verbatim.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Session {
    /// Whether the session's `expires_at` lies at or before `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}

/// Where a session was created from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAttributes {
    /// The IP address the session was created from, as the server saw it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_address: String,
    /// The user agent that created the session.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_agent: String,
    /// Fields this version of SessionKit does not know, kept verbatim.
    #[serde(flatten)]
    pub extra: JsonObject,
}
