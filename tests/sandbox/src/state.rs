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
}

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
    /// and starts a session of `minutes`. Returns the new session token too.
    pub(crate) fn sign_in(
        &mut self,
        email: &str,
        password: &str,
        minutes: i64,
        attributes: Attributes,
        now: DateTime<Utc>,
    ) -> Result<(String, Issued), ApiError> {
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
        let record = SessionRecord {
            session_id: format!("session-test-{}", uuid::Uuid::new_v4()),
            email: key,
            started_at: now,
            last_accessed_at: now,
            expires_at: now + TimeDelta::minutes(minutes),
            attributes,
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
        "authentication_factors": [{
            "type": "password",
            "delivery_method": "knowledge",
            "last_authenticated_at": started,
            "created_at": started,
            "updated_at": started,
            "email_factor": {
                "email_id": user.email_id,
                "email_address": user.email,
            },
        }],
        "custom_claims": {},
        "roles": ["stytch_user"],
    })
}

fn user_json(user: &User) -> Value {
    json!({
        "user_id": user.user_id,
        "created_at": rfc3339(user.created_at),
        "status": "active",
        "emails": [{
            "email_id": user.email_id,
            "email": user.email,
            "verified": true,
        }],
        "phone_numbers": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
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
            .sign_in("a@example.com", "pw", 60, Attributes::default(), now())
            .unwrap();
        let err = store
            .sign_in("A@example.com", "nope", 60, Attributes::default(), now())
            .unwrap_err();
        assert_eq!(err.error_type, "unauthorized_credentials");
    }

    #[test]
    fn expired_session_is_not_found() {
        let mut store = Store::default();
        let (token, _) = store
            .sign_in("a@example.com", "pw", 5, Attributes::default(), now())
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
