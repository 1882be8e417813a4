//! The records that carry the session across the FFI: [`Session`] with every field of
//! Stytch's session object (M1, M2), [`SessionInfo`] (R2) and [`SessionTokens`] (R3, M3).
//!
//! They are plain copies of the core's model, built when a read crosses the boundary.
//! Timestamps become `java.time.Instant` / `Date`; JSON-shaped parts (custom claims, factor
//! sub-objects, fields this version does not know) travel as JSON text, so nothing the server
//! sent is lost. The tokens record prints itself redacted on every side (M3).

use std::fmt;
use std::time::SystemTime;

use serde_json::Value;

/// A signed-in user's session, as the auth server last described it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Session {
    /// The server's identifier of this session.
    pub session_id: String,
    /// The user the session belongs to.
    pub user_id: String,
    /// When the user signed in.
    pub started_at: SystemTime,
    /// When the session was last authenticated against the server.
    pub last_accessed_at: SystemTime,
    /// After this instant the session is no longer valid; reads never return it (R1).
    pub expires_at: SystemTime,
    /// Where the session was created from.
    pub attributes: SessionAttributes,
    /// How the user proved who they are, in the order the server lists them.
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// Claims the app's backend attached to the session, as a JSON object in text.
    pub custom_claims: String,
    /// Roles granted to the user for this session.
    pub roles: Vec<String>,
    /// Fields of the session object this version of SessionKit does not know, as a JSON
    /// object in text (`{}` when there are none).
    pub unknown_fields: String,
}

/// Where a session was created from.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SessionAttributes {
    /// The IP address the session was created from, as the server saw it.
    pub ip_address: String,
    /// The user agent that created the session.
    pub user_agent: String,
}

/// One way the user proved who they are.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct AuthenticationFactor {
    /// How the factor was satisfied, as on the wire (`magic_link`, `otp`, `oauth`, ...).
    pub factor_type: String,
    /// Through what channel, as on the wire (`email`, `sms`, `oauth_google`, ...).
    pub delivery_method: String,
    /// When the user last satisfied this factor.
    pub last_authenticated_at: SystemTime,
    /// When the factor was first used, if the server said.
    pub created_at: Option<SystemTime>,
    /// When the factor last changed, if the server said.
    pub updated_at: Option<SystemTime>,
    /// The key of the credential sub-object (`email_factor`, `google_oauth_factor`, ...).
    pub detail_key: Option<String>,
    /// The credential sub-object itself, as a JSON object in text.
    pub detail: Option<String>,
}

/// The session and where it came from (`getInfo`, R2).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SessionInfo {
    /// The cached session, unless there is none or it has expired.
    pub session: Option<Session>,
    /// True from the moment the state was loaded from storage until the first successful
    /// authenticate in this process.
    pub from_cache: bool,
}

/// The opaque `session_token` and the short-lived `session_jwt`. Bearer credentials: its
/// `toString()` / `description` print them redacted (M3); hand them only to the app's backend.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct SessionTokens {
    /// The opaque session token.
    pub session_token: String,
    /// The session JWT, which the app's backend can verify without calling the server.
    pub session_jwt: String,
}

impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionTokens([redacted])")
    }
}

impl fmt::Display for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted session tokens]")
    }
}

impl From<&sessionkit::Session> for Session {
    fn from(session: &sessionkit::Session) -> Self {
        Self {
            session_id: session.session_id.clone(),
            user_id: session.user_id.clone(),
            started_at: session.started_at.into(),
            last_accessed_at: session.last_accessed_at.into(),
            expires_at: session.expires_at.into(),
            attributes: SessionAttributes {
                ip_address: session.attributes.ip_address.clone(),
                user_agent: session.attributes.user_agent.clone(),
            },
            authentication_factors: session
                .authentication_factors
                .iter()
                .map(AuthenticationFactor::from)
                .collect(),
            custom_claims: json_text(&session.custom_claims),
            roles: session.roles.clone(),
            unknown_fields: json_text(&session.extra),
        }
    }
}

impl From<&sessionkit::AuthenticationFactor> for AuthenticationFactor {
    fn from(factor: &sessionkit::AuthenticationFactor) -> Self {
        let detail_key = factor.detail.as_ref().map(sessionkit::FactorDetail::key);
        // The core writes the sub-object back under its wire key; read it from there so
        // typed and unknown sub-objects come out alike.
        let detail = detail_key.as_ref().and_then(|key| {
            let wire = serde_json::to_value(factor).ok()?;
            wire.get(key).map(Value::to_string)
        });
        Self {
            factor_type: factor.factor_type.as_str().to_owned(),
            delivery_method: factor.delivery_method.as_str().to_owned(),
            last_authenticated_at: factor.last_authenticated_at.into(),
            created_at: factor.created_at.map(Into::into),
            updated_at: factor.updated_at.map(Into::into),
            detail_key,
            detail,
        }
    }
}

impl From<sessionkit::SessionInfo> for SessionInfo {
    fn from(info: sessionkit::SessionInfo) -> Self {
        Self {
            session: info.session.as_deref().map(Session::from),
            from_cache: info.from_cache,
        }
    }
}

impl From<&sessionkit::SessionTokens> for SessionTokens {
    fn from(tokens: &sessionkit::SessionTokens) -> Self {
        Self {
            session_token: tokens.session_token().to_owned(),
            session_jwt: tokens.session_jwt().to_owned(),
        }
    }
}

fn json_text(object: &sessionkit::JsonObject) -> String {
    // A map of JSON values always serialises.
    serde_json::to_string(object).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> sessionkit::Session {
        let body: Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/fixtures/stytch/sessions_authenticate_200.json"
            ))
            .unwrap(),
        )
        .unwrap();
        serde_json::from_value(body["data"]["session"].clone()).unwrap()
    }

    #[test]
    fn m1_every_session_field_crosses_the_ffi() {
        let core = sample();
        let ffi = Session::from(&core);
        assert_eq!(ffi.session_id, core.session_id);
        assert_eq!(ffi.user_id, core.user_id);
        assert_eq!(ffi.expires_at, SystemTime::from(core.expires_at));
        assert_eq!(ffi.attributes.ip_address, core.attributes.ip_address);
        assert_eq!(ffi.roles, core.roles);
        assert_eq!(
            ffi.authentication_factors.len(),
            core.authentication_factors.len()
        );
        let claims: sessionkit::JsonObject = serde_json::from_str(&ffi.custom_claims).unwrap();
        assert_eq!(claims, core.custom_claims);
    }

    #[test]
    fn m2_a_factor_sub_object_travels_under_its_wire_key() {
        let mut core = sample();
        let wire = serde_json::json!({
            "type": "magic_link", "delivery_method": "email",
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "email_factor": {"email_id": "email-1", "email_address": "ada@example.com"}
        });
        core.authentication_factors = vec![serde_json::from_value(wire).unwrap()];
        let factor = &Session::from(&core).authentication_factors[0];
        assert_eq!(factor.factor_type, "magic_link");
        assert_eq!(factor.detail_key.as_deref(), Some("email_factor"));
        let detail: Value = serde_json::from_str(factor.detail.as_deref().unwrap()).unwrap();
        assert_eq!(detail["email_address"], "ada@example.com");
    }

    #[test]
    fn m3_tokens_print_redacted() {
        let tokens = SessionTokens {
            session_token: "secret-token".into(),
            session_jwt: "a.b.c".into(),
        };
        assert!(!format!("{tokens:?}{tokens}").contains("secret-token"));
    }
}
