//! What the benches share: the realistic session they read, restore and copy.

use serde_json::json;
use sessionkit::Session;

/// A session with five factors of different kinds and a nested custom-claims object.
pub fn realistic_session() -> Session {
    let factor = |kind: &str, delivery: &str, key: &str, detail: serde_json::Value| {
        let mut f = json!({
            "type": kind, "delivery_method": delivery,
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        });
        f[key] = detail;
        f
    };
    serde_json::from_value(json!({
        "session_id": "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509",
        "user_id": "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6",
        "started_at": "2026-01-01T00:00:00Z",
        "last_accessed_at": "2026-01-01T00:05:00Z",
        "expires_at": "2099-01-01T00:00:00Z",
        "attributes": {"ip_address": "203.0.113.1", "user_agent": "SessionKit/bench"},
        "authentication_factors": [
            factor("magic_link", "email", "email_factor", json!({"email_id": "e-1", "email_address": "a@example.com"})),
            factor("otp", "sms", "phone_number_factor", json!({"phone_id": "p-1", "phone_number": "+15555550100"})),
            factor("oauth", "oauth_google", "google_oauth_factor", json!({"id": "o-1", "email_id": "e-1", "provider_subject": "123"})),
            factor("webauthn", "webauthn_registration", "webauthn_factor", json!({"webauthn_registration_id": "w-1", "domain": "example.com", "user_agent": "ua"})),
            factor("totp", "authenticator_app", "authenticator_app_factor", json!({"totp_id": "t-1"})),
        ],
        "custom_claims": {"plan": "pro", "org": {"id": "org-1", "roles": ["admin", "billing"]}, "flags": [1, 2, 3]},
        "roles": ["stytch_user", "admin"],
    }))
    .expect("bench session parses")
}
