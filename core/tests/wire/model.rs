//! The session model: SPEC M1-M3.

use crate::support;
use crate::support::fixture;
use proptest::prelude::*;
use serde_json::{Value, json};
use sessionkit::{DeliveryMethod, FactorDetail, FactorType, Session, SessionTokens};

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
    for entry in std::fs::read_dir(support::stytch_fixtures_dir()).unwrap() {
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
fn m2_null_collections_read_as_empty_and_are_written_back_as_null() {
    let mut wire = fixture_session();
    wire["custom_claims"] = Value::Null;
    wire["roles"] = Value::Null;
    wire["attributes"] = Value::Null;
    let session: Session = serde_json::from_value(wire.clone()).unwrap();
    assert!(session.custom_claims.is_empty());
    assert!(session.roles.is_empty());
    assert_eq!(
        serde_json::to_value(&session).unwrap(),
        wire,
        "a null stays null"
    );
}

#[test]
fn m2_a_field_changed_after_reading_wins_and_the_rest_is_written_as_it_came() {
    let mut wire = fixture_session();
    wire["custom_claims"] = Value::Null;
    wire["expires_at"] = json!("2021-08-10T07:41:52.000Z");
    let mut session: Session = serde_json::from_value(wire.clone()).unwrap();
    session.roles.push("admin".into());
    let written = serde_json::to_value(&session).unwrap();
    assert_eq!(written["custom_claims"], Value::Null);
    assert_eq!(
        written["expires_at"], "2021-08-10T07:41:52.000Z",
        "spelling kept"
    );
    assert_eq!(
        written["roles"].as_array().unwrap().last().unwrap(),
        "admin"
    );
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

use crate::support::strategies::session;

/// Any JSON value, floats and deep nesting included.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any JSON object.
fn any_object() -> impl Strategy<Value = serde_json::Map<String, Value>> {
    prop::collection::btree_map(".{0,6}", any_json(), 0..4).prop_map(|m| m.into_iter().collect())
}

/// An optional wire field: absent, `null`, or `value`.
#[derive(Clone, Debug)]
enum Slot {
    Absent,
    Null,
    Present(Value),
}

fn slot(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Slot> {
    prop_oneof![
        Just(Slot::Absent),
        Just(Slot::Null),
        value.prop_map(Slot::Present),
    ]
}

fn put(object: &mut serde_json::Map<String, Value>, key: &str, slot: Slot) {
    match slot {
        Slot::Absent => {}
        Slot::Null => {
            object.insert(key.into(), Value::Null);
        }
        Slot::Present(value) => {
            object.insert(key.into(), value);
        }
    }
}

fn timestamp_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("2026-01-01T00:00:00Z")),
        Just(json!("2026-01-01T00:00:00.123Z")),
        Just(json!("2026-01-01T00:00:00.123456+00:00")),
        Just(json!("2025-12-31T23:00:00-01:00")),
    ]
}

/// A factor as a server might send it: every optional field absent, null or set, a
/// sub-object of any JSON under a `*_factor` key, and unknown fields of any JSON.
fn wire_factor() -> impl Strategy<Value = Value> {
    (
        slot(".{0,8}".prop_map(Value::from)),
        slot(".{0,8}".prop_map(Value::from)),
        timestamp_text(),
        slot(timestamp_text()),
        slot(timestamp_text()),
        prop::option::of((".{0,6}", any_json())),
        prop::collection::btree_map("x_.{0,6}", any_json(), 0..3),
    )
        .prop_map(|(kind, delivery, last, created, updated, detail, extra)| {
            let mut object = serde_json::Map::new();
            put(&mut object, "type", kind);
            put(&mut object, "delivery_method", delivery);
            object.insert("last_authenticated_at".into(), last);
            put(&mut object, "created_at", created);
            put(&mut object, "updated_at", updated);
            if let Some((name, value)) = detail {
                object.insert(format!("{name}_factor"), value);
            }
            object.extend(extra);
            Value::Object(object)
        })
}

/// A session object as a server might send it: the required fields, every optional field
/// absent, null or set, every field that holds JSON (custom claims, attributes, factor
/// sub-objects, unknown fields) holding any JSON.
fn wire_session() -> impl Strategy<Value = Value> {
    (
        (timestamp_text(), timestamp_text(), timestamp_text()),
        slot(
            (
                slot(".{0,10}".prop_map(Value::from)),
                slot(".{0,10}".prop_map(Value::from)),
                prop::collection::btree_map("x_.{0,6}", any_json(), 0..3),
            )
                .prop_map(|(ip, agent, extra)| {
                    let mut object = serde_json::Map::new();
                    put(&mut object, "ip_address", ip);
                    put(&mut object, "user_agent", agent);
                    object.extend(extra);
                    Value::Object(object)
                }),
        ),
        slot(prop::collection::vec(wire_factor(), 0..3).prop_map(Value::Array)),
        slot(any_object().prop_map(Value::Object)),
        slot(prop::collection::vec(".{0,8}".prop_map(Value::from), 0..3).prop_map(Value::Array)),
        prop::collection::btree_map("zz_.{0,6}", any_json(), 0..3),
    )
        .prop_map(
            |((started, accessed, expires), attributes, factors, claims, roles, extra)| {
                let mut object = serde_json::Map::new();
                object.insert("session_id".into(), json!("session-test-1"));
                object.insert("user_id".into(), json!("user-test-1"));
                object.insert("started_at".into(), started);
                object.insert("last_accessed_at".into(), accessed);
                object.insert("expires_at".into(), expires);
                put(&mut object, "attributes", attributes);
                put(&mut object, "authentication_factors", factors);
                put(&mut object, "custom_claims", claims);
                put(&mut object, "roles", roles);
                object.extend(extra);
                Value::Object(object)
            },
        )
}

proptest! {
    /// M2: whatever the server sends, parsing and writing back gives the same JSON value:
    /// null stays null, absent stays absent, any JSON in any JSON field is kept exactly.
    #[test]
    fn m2_any_wire_session_is_written_back_as_the_same_json_value(wire in wire_session()) {
        let session: Session = serde_json::from_value(wire.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&session).unwrap(), wire.clone());
        // And through the text the store keeps.
        let text = serde_json::to_string(&session).unwrap();
        let again: Session = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(&again).unwrap(), wire);
    }

    #[test]
    fn m2_arbitrary_sessions_round_trip_through_serde(session in session()) {
        let json = serde_json::to_string(&session).unwrap();
        let back: Session = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &session);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
}
