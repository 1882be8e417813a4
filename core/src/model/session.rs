//! The Stytch session object (SPEC M1, M2).
//!
//! The typed fields are what SessionKit reads. Next to them a session keeps the object
//! exactly as the server sent it, so that writing it back (to storage, to an app) gives the
//! same JSON value: a `null` stays `null`, an absent field stays absent, a timestamp keeps
//! its spelling, unknown fields keep their values (M2). A typed field changed since the
//! session was read wins over what the server sent; everything else is written as it came.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::factor::AuthenticationFactor;
use super::json::{JsonObject, null_as_default};

/// A signed-in user's session, exactly as the auth server last described it.
///
/// Timestamps are UTC. Unknown fields sent by the server are kept in [`Session::extra`] and,
/// like every field, serialised back as they came.
///
/// ```
/// let json = r#"{
///   "session_id": "session-test-1", "user_id": "user-test-1",
///   "started_at": "2026-01-01T00:00:00Z", "last_accessed_at": "2026-01-01T00:00:00Z",
///   "expires_at": "2026-01-01T01:00:00Z",
///   "attributes": {"ip_address": "203.0.113.1", "user_agent": "demo"},
///   "authentication_factors": [], "custom_claims": null, "roles": [],
///   "a_field_from_the_future": 42
/// }"#;
/// let session: sessionkit::Session = serde_json::from_str(json).unwrap();
/// assert!(session.custom_claims.is_empty());
/// assert_eq!(session.extra["a_field_from_the_future"], 42);
/// let again: serde_json::Value = serde_json::to_value(&session).unwrap();
/// assert_eq!(again["custom_claims"], serde_json::Value::Null, "null stays null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "JsonObject")]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Object),
    uniffi::export(Display, Eq)
)]
pub struct Session {
    /// The server's identifier of this session.
    pub session_id: String,
    /// The user the session belongs to.
    pub user_id: String,
    /// When the user signed in.
    pub started_at: DateTime<Utc>,
    /// When the session was last authenticated against the server.
    pub last_accessed_at: DateTime<Utc>,
    /// After this instant (server time) the session is no longer valid (SPEC R1).
    pub expires_at: DateTime<Utc>,
    /// Where the session was created from.
    pub attributes: SessionAttributes,
    /// How the user proved who they are, in the order the server lists them.
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// Claims the app's backend attached to the session: any JSON object (empty when the
    /// server sent `null` or nothing).
    pub custom_claims: JsonObject,
    /// Roles granted to the user for this session.
    pub roles: Vec<String>,
    /// Fields this version of SessionKit does not know, kept verbatim.
    pub extra: JsonObject,
    /// The object as the server sent it.
    wire: Wire,
}

/// Where a session was created from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

impl Session {
    /// Whether the session's `expires_at` lies at or before `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }

    /// The session object as JSON: what the server sent, with any typed field changed since
    /// written over it (M2).
    pub fn to_json(&self) -> String {
        // A map of JSON values always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The typed fields as read from the wire (`null` and absence read as empty).
#[derive(Deserialize)]
struct Typed {
    session_id: String,
    user_id: String,
    started_at: DateTime<Utc>,
    last_accessed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "null_as_default")]
    attributes: SessionAttributes,
    #[serde(default, deserialize_with = "null_as_default")]
    authentication_factors: Vec<AuthenticationFactor>,
    #[serde(default, deserialize_with = "null_as_default")]
    custom_claims: JsonObject,
    #[serde(default, deserialize_with = "null_as_default")]
    roles: Vec<String>,
    #[serde(flatten)]
    extra: JsonObject,
}

/// The typed fields, borrowed, for writing a session that has no wire form.
#[derive(Serialize)]
struct TypedRef<'a> {
    session_id: &'a str,
    user_id: &'a str,
    started_at: &'a DateTime<Utc>,
    last_accessed_at: &'a DateTime<Utc>,
    expires_at: &'a DateTime<Utc>,
    attributes: &'a SessionAttributes,
    authentication_factors: &'a [AuthenticationFactor],
    custom_claims: &'a JsonObject,
    roles: &'a [String],
    #[serde(flatten)]
    extra: &'a JsonObject,
}

/// The keys of the typed fields.
const KNOWN: [&str; 9] = [
    "session_id",
    "user_id",
    "started_at",
    "last_accessed_at",
    "expires_at",
    "attributes",
    "authentication_factors",
    "custom_claims",
    "roles",
];

impl TryFrom<JsonObject> for Session {
    type Error = serde_json::Error;

    fn try_from(wire: JsonObject) -> Result<Self, Self::Error> {
        let typed: Typed = serde_json::from_value(serde_json::Value::Object(wire.clone()))?;
        Ok(Self {
            session_id: typed.session_id,
            user_id: typed.user_id,
            started_at: typed.started_at,
            last_accessed_at: typed.last_accessed_at,
            expires_at: typed.expires_at,
            attributes: typed.attributes,
            authentication_factors: typed.authentication_factors,
            custom_claims: typed.custom_claims,
            roles: typed.roles,
            extra: typed.extra,
            wire: Wire(Some(Arc::new(wire))),
        })
    }
}

impl Session {
    /// The typed fields as JSON values, by key, extra fields included.
    fn typed_json(&self) -> Result<JsonObject, serde_json::Error> {
        let typed = TypedRef {
            session_id: &self.session_id,
            user_id: &self.user_id,
            started_at: &self.started_at,
            last_accessed_at: &self.last_accessed_at,
            expires_at: &self.expires_at,
            attributes: &self.attributes,
            authentication_factors: &self.authentication_factors,
            custom_claims: &self.custom_claims,
            roles: &self.roles,
            extra: &self.extra,
        };
        match serde_json::to_value(typed)? {
            serde_json::Value::Object(object) => Ok(object),
            _ => Ok(JsonObject::new()),
        }
    }

    /// Whether the typed field `key` still holds what `original` read from the wire.
    fn unchanged(&self, original: &Typed, key: &str) -> bool {
        match key {
            "session_id" => self.session_id == original.session_id,
            "user_id" => self.user_id == original.user_id,
            "started_at" => self.started_at == original.started_at,
            "last_accessed_at" => self.last_accessed_at == original.last_accessed_at,
            "expires_at" => self.expires_at == original.expires_at,
            "attributes" => self.attributes == original.attributes,
            "authentication_factors" => {
                self.authentication_factors == original.authentication_factors
            }
            "custom_claims" => self.custom_claims == original.custom_claims,
            "roles" => self.roles == original.roles,
            _ => false,
        }
    }

    /// The wire object with every change since it was read written over it.
    fn merged(&self, wire: &JsonObject) -> Result<JsonObject, serde_json::Error> {
        let original: Typed = serde_json::from_value(serde_json::Value::Object(wire.clone()))?;
        // The typed fields are serialised only when one of them changed: usually none has,
        // and every save and every to_json comes through here.
        let typed = if KNOWN.iter().all(|key| self.unchanged(&original, key)) {
            JsonObject::new()
        } else {
            self.typed_json()?
        };
        let mut out = JsonObject::new();
        for (key, value) in wire {
            if KNOWN.contains(&key.as_str()) {
                if self.unchanged(&original, key) {
                    out.insert(key.clone(), value.clone());
                } else if let Some(value) = typed.get(key) {
                    out.insert(key.clone(), value.clone());
                }
            } else if let Some(value) = self.extra.get(key) {
                out.insert(key.clone(), value.clone());
            }
        }
        for key in KNOWN {
            if !wire.contains_key(key)
                && !self.unchanged(&original, key)
                && let Some(value) = typed.get(key)
            {
                out.insert(key.to_owned(), value.clone());
            }
        }
        for (key, value) in &self.extra {
            if !wire.contains_key(key) {
                out.insert(key.clone(), value.clone());
            }
        }
        Ok(out)
    }
}

impl Serialize for Session {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let object = match &self.wire.0 {
            Some(wire) => self.merged(wire),
            None => self.typed_json(),
        }
        .map_err(S::Error::custom)?;
        object.serialize(serializer)
    }
}

/// The session object as the server sent it. It takes no part in comparisons (two sessions
/// with the same fields are the same session) and prints as `..`.
#[derive(Clone, Default)]
struct Wire(Option<Arc<JsonObject>>);

impl PartialEq for Wire {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Wire {}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("..")
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Session {} of user {}, expires {}",
            self.session_id,
            self.user_id,
            self.expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )?;
        if !self.roles.is_empty() {
            write!(f, ", roles [{}]", self.roles.join(", "))?;
        }
        if !self.authentication_factors.is_empty() {
            let factors: Vec<&str> = self
                .authentication_factors
                .iter()
                .map(|factor| factor.factor_type.as_str())
                .collect();
            write!(f, ", factors [{}]", factors.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `merged` decides by `KNOWN` which wire keys the typed fields own: a typed field
    /// missing from it would be dropped from every saved session (M2).
    #[test]
    fn m2_the_known_keys_are_exactly_the_typed_fields() {
        let session: Session = serde_json::from_str(
            r#"{"session_id":"s","user_id":"u","started_at":"2026-01-01T00:00:00Z",
                "last_accessed_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-02T00:00:00Z",
                "attributes":{"ip_address":"","user_agent":""},"authentication_factors":[],
                "custom_claims":{},"roles":[]}"#,
        )
        .expect("a session");
        let mut typed: Vec<String> = session
            .typed_json()
            .expect("typed")
            .keys()
            .cloned()
            .collect();
        let mut known: Vec<String> = KNOWN.iter().map(|key| (*key).to_owned()).collect();
        typed.sort();
        known.sort();
        assert_eq!(typed, known);
    }
}
