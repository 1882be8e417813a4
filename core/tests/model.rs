//! The session model: SPEC M1-M3.

mod support;

use proptest::prelude::*;
use serde_json::{Value, json};
use sessionkit::{DeliveryMethod, FactorDetail, FactorType, Session, SessionTokens};
use support::fixture;

fn fixture_session() -> Value {
    let body: Value = serde_json::from_str(&fixture("sessions_authenticate_200.json")).unwrap();
    body["data"]["session"].clone()
}

#[test]
fn m1_every_field_of_the_stytch_sample_is_parsed() {
    let session: Session = serde_json::from_value(fixture_session()).unwrap();
    assert_eq!(
        session.session_id,
        "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509"
    );
    assert_eq!(
        session.user_id,
        "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6"
    );
    assert_eq!(session.started_at, support::at("2021-08-09T07:41:52Z"));
    assert_eq!(
        session.last_accessed_at,
        support::at("2021-08-09T07:41:52Z")
    );
    assert_eq!(session.expires_at, support::at("2021-08-10T07:41:52Z"));
    assert_eq!(session.attributes.ip_address, "203.0.113.1");
    assert!(session.attributes.user_agent.starts_with("Mozilla/5.0"));
    assert_eq!(session.custom_claims["claim1"], "value1");
    assert_eq!(session.roles, ["stytch_user"]);
    assert!(session.extra.is_empty(), "nothing unknown in the sample");

    let factor = &session.authentication_factors[0];
    assert_eq!(factor.factor_type, FactorType::MagicLink);
    assert_eq!(factor.delivery_method, DeliveryMethod::Email);
    assert_eq!(factor.created_at, Some(support::at("2021-08-09T07:41:52Z")));
    match &factor.detail {
        Some(FactorDetail::Email(email)) => {
            assert_eq!(email.email_address.as_deref(), Some("sandbox@stytch.com"))
        }
        other => panic!("expected an email factor, got {other:?}"),
    }
}

#[test]
fn m1_every_stytch_fixture_parses_as_a_response_or_an_error_envelope() {
    for entry in std::fs::read_dir(support::FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let body: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        match body.get("data") {
            Some(data) => {
                if let Some(session) = data.get("session") {
                    let parsed: Session = serde_json::from_value(session.clone())
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    assert_eq!(serde_json::to_value(&parsed).unwrap(), *session);
                }
                assert_eq!(data["status_code"], 200, "{}", path.display());
            }
            None => {
                for field in ["status_code", "request_id", "error_type", "error_message"] {
                    assert!(
                        body.get(field).is_some(),
                        "{} lacks {field}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn m2_unknown_fields_factor_kinds_and_sub_objects_survive_a_round_trip() {
    let mut wire = fixture_session();
    wire["a_new_top_level_field"] = json!({"nested": [1, 2, 3]});
    wire["attributes"]["device_fingerprint"] = json!("abc");
    wire["custom_claims"] = json!({"deep": {"list": [true, null, 1.5]}, "n": 7});
    wire["authentication_factors"] = json!([
        {
            "type": "teleportation",
            "delivery_method": "quantum_link",
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "teleporter_factor": {"pad_id": "pad-1"},
            "confidence": 0.99
        },
        {
            "type": "oauth",
            "delivery_method": "oauth_gitlab",
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "gitlab_oauth_factor": {"id": "o-1", "provider_subject": "42", "avatar": "x.png"}
        },
        {
            "type": "webauthn",
            "delivery_method": "webauthn_registration",
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "webauthn_factor": {"webauthn_registration_id": "w-1", "domain": "example.com", "user_agent": "ua"}
        },
        {
            "type": "otp",
            "delivery_method": "sms",
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "phone_number_factor": "a string where an object was expected"
        }
    ]);

    let session: Session = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(session.extra["a_new_top_level_field"]["nested"][2], 3);
    assert_eq!(session.attributes.extra["device_fingerprint"], json!("abc"));

    let [teleport, gitlab, webauthn, odd] = &session.authentication_factors[..] else {
        panic!("four factors expected");
    };
    assert_eq!(
        teleport.factor_type,
        FactorType::Unknown("teleportation".into())
    );
    assert!(
        matches!(&teleport.detail, Some(FactorDetail::Unknown { key, .. }) if key == "teleporter_factor")
    );
    assert_eq!(teleport.extra["confidence"], json!(0.99));
    assert!(
        matches!(&gitlab.detail, Some(FactorDetail::OAuth { provider, factor })
        if provider == "gitlab" && factor.extra["avatar"] == "x.png")
    );
    assert!(
        matches!(&webauthn.detail, Some(FactorDetail::WebAuthn(w)) if w.domain.as_deref() == Some("example.com"))
    );
    assert!(
        matches!(&odd.detail, Some(FactorDetail::Unknown { .. })),
        "a sub-object of the wrong shape is kept, not fatal"
    );

    assert_eq!(serde_json::to_value(&session).unwrap(), wire);
}

#[test]
fn m2_null_collections_read_as_empty() {
    let mut wire = fixture_session();
    wire["custom_claims"] = Value::Null;
    wire["roles"] = Value::Null;
    let session: Session = serde_json::from_value(wire).unwrap();
    assert!(session.custom_claims.is_empty());
    assert!(session.roles.is_empty());
}

#[test]
fn m3_tokens_never_print_their_values() {
    let tokens = SessionTokens::new("opaque-secret-123", "jwt.secret.456");
    for shown in [
        format!("{tokens:?}"),
        format!("{tokens:#?}"),
        tokens.to_string(),
    ] {
        assert!(!shown.contains("secret"), "{shown}");
    }
    assert_eq!(tokens.session_token(), "opaque-secret-123");
    assert_eq!(tokens.session_jwt(), "jwt.secret.456");
}

// ----- Property tests: arbitrary sessions round-trip through serde -----

use support::strategies::session;

proptest! {
    #[test]
    fn m2_arbitrary_sessions_round_trip_through_serde(session in session()) {
        let json = serde_json::to_string(&session).unwrap();
        let back: Session = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &session);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
}
