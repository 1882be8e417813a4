//! What a verified session JWT says (J2): the session as a backend's local authentication
//! reads it, the way Stytch's own `authenticate_jwt_local` and SuperTokens' `getSession` do.
//!
//! Stytch puts the session under the claim `https://stytch.com/session` (its id, start, last
//! access, expiry, attributes, factors and roles), the user in `sub`, and the session's custom
//! claims at the top level beside the registered ones. The typed view below is read from
//! there; every claim stays available as it was verified.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::numeric_date::numeric_date_millis;
use crate::model::{AuthenticationFactor, JsonObject, SessionAttributes};

/// The claim under which Stytch puts the session in a session JWT.
pub(crate) const SESSION_CLAIM: &str = "https://stytch.com/session";

/// The registered claims (RFC 7519) that are never custom claims.
const REGISTERED: [&str; 7] = ["aud", "exp", "iat", "iss", "jti", "nbf", "sub"];

/// The session a verified JWT describes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VerifiedSession {
    /// The session's id.
    pub session_id: String,
    /// The user's id (`sub`).
    pub user_id: String,
    /// The roles granted for this session.
    pub roles: Vec<String>,
    /// How the user proved who they are.
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// The session's custom claims: every top-level claim that is neither registered nor
    /// the session claim, as JSON values.
    pub custom_claims: JsonObject,
    /// Where the session was created from.
    pub attributes: SessionAttributes,
    /// When the user signed in.
    pub started_at: DateTime<Utc>,
    /// When the session was last authenticated.
    pub last_accessed_at: DateTime<Utc>,
    /// When the session expires (the session claim's `expires_at`, else the JWT's `exp`).
    pub expires_at: DateTime<Utc>,
    /// The `iss` claim.
    pub issuer: Option<String>,
    /// The `aud` claim, as a list whether the token carries one string or an array.
    pub audience: Vec<String>,
    /// The `exp` claim: when the JWT itself stops being valid (before leeway).
    pub jwt_expires_at: DateTime<Utc>,
    /// The `iat` claim: when the server minted the JWT.
    pub issued_at: Option<DateTime<Utc>>,
    /// The `nbf` claim: when the JWT starts being valid (before leeway).
    pub not_before: Option<DateTime<Utc>>,
    /// Every claim, as verified: the JWT's payload, JSON text.
    pub claims_json: String,
}

/// The session claim's members.
#[derive(Deserialize)]
struct SessionClaim {
    id: String,
    started_at: DateTime<Utc>,
    #[serde(default)]
    last_accessed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::model::null_as_default")]
    attributes: SessionAttributes,
    #[serde(default, deserialize_with = "crate::model::null_as_default")]
    authentication_factors: Vec<AuthenticationFactor>,
    #[serde(default, deserialize_with = "crate::model::null_as_default")]
    roles: Vec<String>,
}

impl VerifiedSession {
    /// Reads the typed view from `claims`, which were verified, and `payload`, their text:
    /// `None` when they are not a Stytch session JWT's (no session claim, no `sub`, no
    /// `exp`).
    pub(crate) fn from_claims(claims: &JsonObject, payload: &[u8]) -> Option<Self> {
        let user_id = claims.get("sub")?.as_str()?.to_owned();
        // Read from the claim in place: no copy of it.
        let session = SessionClaim::deserialize(claims.get(SESSION_CLAIM)?).ok()?;
        let jwt_expires_at = date_claim(claims, "exp")?;
        let custom_claims = claims
            .iter()
            .filter(|(name, _)| !REGISTERED.contains(&name.as_str()) && *name != SESSION_CLAIM)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let audience = match claims.get("aud") {
            Some(Value::String(aud)) => vec![aud.clone()],
            Some(Value::Array(auds)) => auds
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Some(Self {
            session_id: session.id,
            user_id,
            roles: session.roles,
            authentication_factors: session.authentication_factors,
            custom_claims,
            attributes: session.attributes,
            started_at: session.started_at,
            last_accessed_at: session.last_accessed_at.unwrap_or(session.started_at),
            expires_at: session.expires_at.unwrap_or(jwt_expires_at),
            issuer: claims.get("iss").and_then(Value::as_str).map(str::to_owned),
            audience,
            jwt_expires_at,
            issued_at: date_claim(claims, "iat"),
            not_before: date_claim(claims, "nbf"),
            claims_json: String::from_utf8_lossy(payload).into_owned(),
        })
    }

    /// Every claim, as verified, parsed.
    pub fn claims(&self) -> JsonObject {
        serde_json::from_str(&self.claims_json).unwrap_or_default()
    }
}

fn date_claim(claims: &JsonObject, name: &str) -> Option<DateTime<Utc>> {
    let millis = numeric_date_millis(claims.get(name)?)?;
    DateTime::from_timestamp_millis(i64::try_from(millis).ok()?)
}
