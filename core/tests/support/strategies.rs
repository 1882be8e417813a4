//! proptest strategies for arbitrary sessions.

use proptest::prelude::*;
use serde_json::Value;
use sessionkit::{AuthenticationFactor, DeliveryMethod, FactorDetail, FactorType, Session};

fn timestamp() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    (0i64..4_102_444_800, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| chrono::DateTime::from_timestamp(secs, nanos).unwrap())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9 ]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn extra() -> impl Strategy<Value = sessionkit::JsonObject> {
    // Prefixed so that generated keys never collide with known field names.
    prop::collection::btree_map("x_[a-z]{1,6}", json_value(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

fn factor() -> impl Strategy<Value = AuthenticationFactor> {
    let detail = prop_oneof![
        Just(None),
        ("[a-z0-9-]{1,10}", "[a-z@.]{1,12}").prop_map(|(id, address)| Some(FactorDetail::Email(
            sessionkit::EmailFactor {
                email_id: Some(id),
                email_address: Some(address),
                ..Default::default()
            }
        ))),
        ("[a-z]{2,8}", "[0-9]{1,8}").prop_map(|(provider, subject)| Some(FactorDetail::OAuth {
            provider,
            factor: sessionkit::OAuthFactor {
                provider_subject: Some(subject),
                ..Default::default()
            },
        })),
        // A null sub-object reads as "no detail", so generated ones are objects.
        ("[a-z]{1,8}", extra()).prop_map(|(name, fields)| Some(FactorDetail::Unknown {
            key: format!("zz{name}_factor"),
            value: Value::Object(fields),
        })),
    ];
    (
        "[a-z_]{1,12}",
        "[a-z_]{1,12}",
        timestamp(),
        prop::option::of(timestamp()),
        prop::option::of(timestamp()),
        detail,
        extra(),
    )
        .prop_map(|(kind, delivery, last, created, updated, detail, extra)| {
            AuthenticationFactor {
                factor_type: FactorType::from(kind.as_str()),
                delivery_method: DeliveryMethod::from(delivery.as_str()),
                last_authenticated_at: last,
                created_at: created,
                updated_at: updated,
                detail,
                extra,
            }
        })
}

pub fn session() -> impl Strategy<Value = Session> {
    (
        ("[a-z0-9-]{1,20}", "[a-z0-9-]{1,20}"),
        (timestamp(), timestamp(), timestamp()),
        ("[0-9.]{0,15}", "[ -~]{0,30}", extra()),
        prop::collection::vec(factor(), 0..5),
        prop::collection::btree_map("[a-z]{1,8}", json_value(), 0..4),
        prop::collection::vec("[a-z_]{1,10}", 0..3),
        extra(),
    )
        .prop_map(
            |(
                (sid, uid),
                (started, accessed, expires),
                (ip, ua, attr_extra),
                factors,
                claims,
                roles,
                extra,
            )| {
                // A session is read from its wire form, as the engine reads it.
                let wire = serde_json::json!({
                    "session_id": sid,
                    "user_id": uid,
                    "started_at": started,
                    "last_accessed_at": accessed,
                    "expires_at": expires,
                    "attributes": sessionkit::SessionAttributes {
                        ip_address: ip,
                        user_agent: ua,
                        extra: attr_extra,
                    },
                    "authentication_factors": factors,
                    "custom_claims": claims.into_iter().collect::<sessionkit::JsonObject>(),
                    "roles": roles,
                });
                let mut object = match wire {
                    Value::Object(object) => object,
                    _ => unreachable!("a JSON object literal"),
                };
                object.extend(extra);
                serde_json::from_value(Value::Object(object)).expect("a generated session parses")
            },
        )
}
