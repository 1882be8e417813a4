//! Users and sessions held by the sandbox, and the rules that change them.
//!
//! Plain data behind one mutex: sign-in creates a user on first use, authenticate touches
//! and optionally extends a session, revoke forgets it. No I/O and no signing happens here,
//! so the lock is only ever held for a few map operations.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore as _;
use serde_json::{Value, json};

use crate::clock::rfc3339;
use crate::envelope::ApiError;

/// Stytch's bounds for `session_duration_minutes` (5 minutes to 366 days).
pub(crate) const MIN_SESSION_MINUTES: i64 = 5;
pub(crate) const MAX_SESSION_MINUTES: i64 = 527_040;

/// Checks a requested session lifetime against Stytch's bounds.
pub(crate) fn check_duration(minutes: i64) -> Result<i64, ApiError> {
    if (MIN_SESSION_MINUTES..=MAX_SESSION_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(ApiError::invalid_session_duration())
    }
}

/// Where a sign-in came from, echoed in the session's `attributes`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attributes {
    pub(crate) ip_address: String,
    pub(crate) user_agent: String,
}

#[derive(Debug, Clone)]
struct User {
    user_id: String,
    email_id: String,
    email: String,
    // Sandbox only: kept in clear, compared in clear.
    password: String,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct SessionRecord {
    session_id: String,
    email: String,
    started_at: DateTime<Utc>,
    last_accessed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    attributes: Attributes,
    custom_claims: serde_json::Map<String, Value>,
    roles: Vec<String>,
    extra_factors: Vec<String>,
}

/// What a sign-in asks for beyond the email and password (see `SignInOptions`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionRequest {
    pub(crate) minutes: i64,
    pub(crate) custom_claims: serde_json::Map<String, Value>,
    pub(crate) roles: Vec<String>,
    pub(crate) extra_factors: Vec<String>,
}

/// The factor kinds a sandbox sign-in can add beside the password, as Stytch would list a
/// session that passed several factors.
pub(crate) const FACTOR_KINDS: [&str; 5] =
    ["email_otp", "sms_otp", "google_oauth", "webauthn", "totp"];

/// What a successful sign-in or authenticate hands back, as wire JSON.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) session: Value,
    pub(crate) user: Value,
}

/// All users (by lower-cased email) and live sessions (by session token).
#[derive(Debug, Default)]
pub(crate) struct Store {
    users: HashMap<String, User>,
    sessions: HashMap<String, SessionRecord>,
}

impl Store {
    /// Password sign-in: creates the user on first use, checks the password afterwards,
    /// and starts a session as `request` says. Returns the new session token too.
    pub(crate) fn sign_in(
        &mut self,
        email: &str,
        password: &str,
        request: SessionRequest,
        attributes: Attributes,
        now: DateTime<Utc>,
    ) -> Result<(String, Issued), ApiError> {
        if let Some(kind) = request
            .extra_factors
            .iter()
            .find(|kind| !FACTOR_KINDS.contains(&kind.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "unknown sandbox factor {kind:?}; known: {FACTOR_KINDS:?}"
            )));
        }
        let key = email.trim().to_ascii_lowercase();
        let user = self.users.entry(key.clone()).or_insert_with(|| User {
            user_id: format!("user-test-{}", uuid::Uuid::new_v4()),
            email_id: format!("email-test-{}", uuid::Uuid::new_v4()),
            email: key.clone(),
            password: password.to_owned(),
            created_at: now,
        });
        if user.password != password {
            return Err(ApiError::unauthorized_credentials());
        }
        let mut roles = vec!["stytch_user".to_owned()];
        roles.extend(
            request
                .roles
                .into_iter()
                .filter(|role| role != "stytch_user"),
        );
        let record = SessionRecord {
            session_id: format!("session-test-{}", uuid::Uuid::new_v4()),
            email: key,
            started_at: now,
            last_accessed_at: now,
            expires_at: now + TimeDelta::minutes(request.minutes),
            attributes,
            custom_claims: request.custom_claims,
            roles,
            extra_factors: request.extra_factors,
        };
        let token = new_session_token();
        let issued = self.issue(&record);
        self.sessions.insert(token.clone(), record);
        Ok((token, issued))
    }

    /// Touches a live session and, when `minutes` is given, sets it to expire that long
    /// from now. Unknown, revoked and expired sessions are `session_not_found`.
    pub(crate) fn authenticate(
        &mut self,
        token: &str,
        minutes: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Issued, ApiError> {
        self.drop_if_expired(token, now);
        let record = self
            .sessions
            .get_mut(token)
            .ok_or_else(ApiError::session_not_found)?;
        // Strictly later than the last touch, so every answer (and its JWT) differs.
        record.last_accessed_at = now.max(record.last_accessed_at + TimeDelta::microseconds(1));
        if let Some(minutes) = minutes {
            record.expires_at = record.last_accessed_at + TimeDelta::minutes(minutes);
        }
        let record = record.clone();
        Ok(self.issue(&record))
    }

    /// Forgets a live session.
    pub(crate) fn revoke(&mut self, token: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        self.drop_if_expired(token, now);
        self.sessions
            .remove(token)
            .map(|_| ())
            .ok_or_else(ApiError::session_not_found)
    }

    /// Makes a session expire at `now`. Returns whether it existed.
    pub(crate) fn expire(&mut self, token: &str, now: DateTime<Utc>) -> bool {
        match self.sessions.get_mut(token) {
            Some(record) => {
                record.expires_at = record.expires_at.min(now);
                true
            }
            None => false,
        }
    }

    /// Forgets every session (users stay).
    pub(crate) fn revoke_all(&mut self) {
        self.sessions.clear();
    }

    /// Whether `token` names a session that authenticate would accept at `now`.
    pub(crate) fn is_active(&self, token: &str, now: DateTime<Utc>) -> bool {
        self.sessions.get(token).is_some_and(|s| s.expires_at > now)
    }

    fn drop_if_expired(&mut self, token: &str, now: DateTime<Utc>) {
        if self
            .sessions
            .get(token)
            .is_some_and(|s| s.expires_at <= now)
        {
            self.sessions.remove(token);
        }
    }

    fn issue(&self, record: &SessionRecord) -> Issued {
        let user = &self.users[&record.email];
        Issued {
            session: session_json(record, user),
            user: user_json(user),
        }
    }
}

/// 33 random bytes: a 44-character base64url token, like Stytch's.
fn new_session_token() -> String {
    let mut bytes = [0u8; 33];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn session_json(record: &SessionRecord, user: &User) -> Value {
    let started = rfc3339(record.started_at);
    let mut factors = vec![json!({
        "type": "password",
        "delivery_method": "knowledge",
        "last_authenticated_at": started,
        "created_at": started,
        "updated_at": started,
        "email_factor": {
            "email_id": user.email_id,
            "email_address": user.email,
        },
    })];
    factors.extend(
        record
            .extra_factors
            .iter()
            .map(|kind| factor_json(kind, user, &started)),
    );
    json!({
        "session_id": record.session_id,
        "user_id": user.user_id,
        "started_at": started,
        "last_accessed_at": rfc3339(record.last_accessed_at),
        "expires_at": rfc3339(record.expires_at),
        "attributes": {
            "ip_address": record.attributes.ip_address,
            "user_agent": record.attributes.user_agent,
        },
        "authentication_factors": factors,
        "custom_claims": record.custom_claims,
        "roles": record.roles,
    })
}

/// A factor of `kind` (one of [`FACTOR_KINDS`]) as Stytch lists it, satisfied at `at`.
fn factor_json(kind: &str, user: &User, at: &str) -> Value {
    let (factor_type, delivery, key, detail) = match kind {
        "email_otp" => (
            "otp",
            "email",
            "email_factor",
            json!({"email_id": user.email_id, "email_address": user.email}),
        ),
        "sms_otp" => (
            "otp",
            "sms",
            "phone_number_factor",
            json!({"phone_id": format!("phone-number-test-{}", user.user_id), "phone_number": "+15555550100"}),
        ),
        "google_oauth" => (
            "oauth",
            "oauth_google",
            "google_oauth_factor",
            json!({
                "id": format!("oauth-user-test-{}", user.user_id),
                "email_id": user.email_id,
                "provider_subject": "100000000000000000001",
            }),
        ),
        "webauthn" => (
            "webauthn",
            "webauthn_registration",
            "webauthn_factor",
            json!({
                "webauthn_registration_id": format!("webauthn-registration-test-{}", user.user_id),
                "domain": "example.com",
                "user_agent": "sessionkit-sandbox",
            }),
        ),
        _ => (
            "totp",
            "authenticator_app",
            "authenticator_app_factor",
            json!({"totp_id": format!("totp-test-{}", user.user_id)}),
        ),
    };
    let mut factor = json!({
        "type": factor_type,
        "delivery_method": delivery,
        "last_authenticated_at": at,
        "created_at": at,
        "updated_at": at,
    });
    factor[key] = detail;
    factor
}

/// The user object as Stytch's `User` model has it: every list present (empty where the
/// sandbox has nothing), the password and lock state.
fn user_json(user: &User) -> Value {
    json!({
        "user_id": user.user_id,
        "created_at": rfc3339(user.created_at),
        "status": "active",
        "name": {"first_name": "", "middle_name": "", "last_name": ""},
        "emails": [{
            "email_id": user.email_id,
            "email": user.email,
            "verified": true,
        }],
        "phone_numbers": [],
        "webauthn_registrations": [],
        "providers": [],
        "totps": [],
        "crypto_wallets": [],
        "biometric_registrations": [],
        "password": {
            "password_id": format!("password-test-{}", user.user_id),
            "requires_reset": false,
        },
        "trusted_metadata": {},
        "untrusted_metadata": {},
        "is_locked": false,
        "roles": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn minutes(minutes: i64) -> SessionRequest {
        SessionRequest {
            minutes,
            ..SessionRequest::default()
        }
    }

    #[test]
    fn tokens_are_44_base64url_chars() {
        let token = new_session_token();
        assert_eq!(token.len(), 44);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }

    #[test]
    fn sign_in_creates_then_checks_password() {
        let mut store = Store::default();
        store
            .sign_in(
                "a@example.com",
                "pw",
                minutes(60),
                Attributes::default(),
                now(),
            )
            .unwrap();
        let err = store
            .sign_in(
                "A@example.com",
                "nope",
                minutes(60),
                Attributes::default(),
                now(),
            )
            .unwrap_err();
        assert_eq!(err.error_type, "unauthorized_credentials");
    }

    #[test]
    fn expired_session_is_not_found() {
        let mut store = Store::default();
        let (token, _) = store
            .sign_in(
                "a@example.com",
                "pw",
                minutes(5),
                Attributes::default(),
                now(),
            )
            .unwrap();
        let later = now() + TimeDelta::minutes(5);
        let err = store.authenticate(&token, None, later).unwrap_err();
        assert_eq!(err.error_type, "session_not_found");
    }

    #[test]
    fn duration_bounds() {
        assert!(check_duration(4).is_err());
        assert!(check_duration(5).is_ok());
        assert!(check_duration(527_040).is_ok());
        assert!(check_duration(527_041).is_err());
    }
}
