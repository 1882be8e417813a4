//! How the model crosses the FFI (feature `uniffi`): [`Session`] and [`SessionTokens`] as
//! objects (shared, never copied: an `Arc` held by the engine is handed out as it is), the
//! factor types as records, and the bridges for types UniFFI does not know: dates, the open
//! string enums, and JSON as [`JsonValue`], so Kotlin and Swift read custom claims, unknown
//! fields and factor details without a JSON library (the raw JSON stays available as
//! `to_json()`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::factor::{AuthenticationFactor, DeliveryMethod, FactorType};
use super::json::JsonObject;
use super::session::{Session, SessionAttributes};
use super::tokens::SessionTokens;

/// A JSON value, for Kotlin and Swift: custom claims, unknown fields, factor details. It
/// prints as JSON text.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` or `false`
    Bool {
        /// The value.
        value: bool,
    },
    /// A number that is a whole number within 64 bits.
    Integer {
        /// The value.
        value: i64,
    },
    /// Any other number.
    Number {
        /// The value.
        value: f64,
    },
    /// A string.
    Text {
        /// The value.
        value: String,
    },
    /// An array.
    Array {
        /// The elements, in order.
        items: Vec<JsonValue>,
    },
    /// An object.
    Object {
        /// The members, by key.
        members: HashMap<String, JsonValue>,
    },
}

impl From<Value> for JsonValue {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(value) => Self::Bool { value },
            Value::Number(number) => match number.as_i64() {
                Some(value) => Self::Integer { value },
                None => Self::Number {
                    value: number.as_f64().unwrap_or(f64::NAN),
                },
            },
            Value::String(value) => Self::Text { value },
            Value::Array(items) => Self::Array {
                items: items.into_iter().map(Self::from).collect(),
            },
            Value::Object(members) => Self::Object {
                members: object_to_ffi(members),
            },
        }
    }
}

impl From<JsonValue> for Value {
    fn from(value: JsonValue) -> Self {
        match value {
            JsonValue::Null => Value::Null,
            JsonValue::Bool { value } => Value::Bool(value),
            JsonValue::Integer { value } => Value::from(value),
            // NaN and infinities have no JSON form.
            JsonValue::Number { value } => {
                serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
            }
            JsonValue::Text { value } => Value::String(value),
            JsonValue::Array { items } => {
                Value::Array(items.into_iter().map(Value::from).collect())
            }
            JsonValue::Object { members } => Value::Object(object_from_ffi(members)),
        }
    }
}

impl std::fmt::Display for JsonValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Value::from(self.clone()))
    }
}

fn object_to_ffi(object: JsonObject) -> HashMap<String, JsonValue> {
    object
        .into_iter()
        .map(|(key, value)| (key, JsonValue::from(value)))
        .collect()
}

fn object_from_ffi(members: HashMap<String, JsonValue>) -> JsonObject {
    members
        .into_iter()
        .map(|(key, value)| (key, Value::from(value)))
        .collect()
}

uniffi::custom_type!(Value, JsonValue, {
    remote,
    lower: |value| JsonValue::from(value),
    try_lift: |value| Ok(Value::from(value)),
});

uniffi::custom_type!(JsonObject, HashMap<String, JsonValue>, {
    remote,
    lower: |object| object_to_ffi(object),
    try_lift: |members| Ok(object_from_ffi(members)),
});

/// `DateTime<Utc>` by one name, as `custom_type!` wants.
type UtcDateTime = DateTime<Utc>;

uniffi::custom_type!(UtcDateTime, SystemTime, {
    remote,
    lower: |date| date.into(),
    try_lift: |time| Ok(time.into()),
});

uniffi::custom_type!(FactorType, String, {
    lower: |factor_type| factor_type.as_str().to_owned(),
    try_lift: |wire| Ok(FactorType::from(wire.as_str())),
});

uniffi::custom_type!(DeliveryMethod, String, {
    lower: |method| method.as_str().to_owned(),
    try_lift: |wire| Ok(DeliveryMethod::from(wire.as_str())),
});

/// Every field of a [`Session`] in one value, so that a wrapper copies a session into its own
/// language's value with one call across the FFI instead of one per field.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SessionFields {
    /// The server's identifier of this session.
    pub session_id: String,
    /// The user the session belongs to.
    pub user_id: String,
    /// When the user signed in.
    pub started_at: DateTime<Utc>,
    /// When the session was last authenticated against the server.
    pub last_accessed_at: DateTime<Utc>,
    /// After this instant (server time) the session is no longer valid.
    pub expires_at: DateTime<Utc>,
    /// Where the session was created from.
    pub attributes: SessionAttributes,
    /// How the user proved who they are.
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// Claims the app's backend attached to the session.
    pub custom_claims: JsonObject,
    /// Roles granted to the user for this session.
    pub roles: Vec<String>,
    /// Fields this version of SessionKit does not know.
    pub unknown_fields: JsonObject,
    /// The session object as JSON, as the server sent it (M2).
    pub json: String,
}

impl From<&Session> for SessionFields {
    fn from(session: &Session) -> Self {
        Self {
            session_id: session.session_id.clone(),
            user_id: session.user_id.clone(),
            started_at: session.started_at,
            last_accessed_at: session.last_accessed_at,
            expires_at: session.expires_at,
            attributes: session.attributes.clone(),
            authentication_factors: session.authentication_factors.clone(),
            custom_claims: session.custom_claims.clone(),
            roles: session.roles.clone(),
            unknown_fields: session.extra.clone(),
            json: session.to_json(),
        }
    }
}

#[uniffi::export]
impl Session {
    /// Every field at once (one call across the FFI).
    #[uniffi::method(name = "fields")]
    fn ffi_fields(&self) -> SessionFields {
        SessionFields::from(self)
    }

    /// The server's identifier of this session.
    #[uniffi::method(name = "session_id")]
    fn ffi_session_id(&self) -> String {
        self.session_id.clone()
    }

    /// The user the session belongs to.
    #[uniffi::method(name = "user_id")]
    fn ffi_user_id(&self) -> String {
        self.user_id.clone()
    }

    /// When the user signed in.
    #[uniffi::method(name = "started_at")]
    fn ffi_started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// When the session was last authenticated against the server.
    #[uniffi::method(name = "last_accessed_at")]
    fn ffi_last_accessed_at(&self) -> DateTime<Utc> {
        self.last_accessed_at
    }

    /// After this instant (server time) the session is no longer valid.
    #[uniffi::method(name = "expires_at")]
    fn ffi_expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Where the session was created from.
    #[uniffi::method(name = "attributes")]
    fn ffi_attributes(&self) -> SessionAttributes {
        self.attributes.clone()
    }

    /// How the user proved who they are, in the order the server lists them.
    #[uniffi::method(name = "authentication_factors")]
    fn ffi_authentication_factors(&self) -> Vec<AuthenticationFactor> {
        self.authentication_factors.clone()
    }

    /// Claims the app's backend attached to the session.
    #[uniffi::method(name = "custom_claims")]
    fn ffi_custom_claims(&self) -> JsonObject {
        self.custom_claims.clone()
    }

    /// Roles granted to the user for this session.
    #[uniffi::method(name = "roles")]
    fn ffi_roles(&self) -> Vec<String> {
        self.roles.clone()
    }

    /// Fields this version of SessionKit does not know.
    #[uniffi::method(name = "unknown_fields")]
    fn ffi_unknown_fields(&self) -> JsonObject {
        self.extra.clone()
    }

    /// The session object as JSON, as the server sent it (M2).
    #[uniffi::method(name = "to_json")]
    fn ffi_to_json(&self) -> String {
        self.to_json()
    }

    /// Reads a Stytch session object, for an app-supplied session and for tests.
    #[uniffi::constructor(name = "from_json")]
    fn ffi_from_json(json: String) -> Result<Arc<Self>, crate::session_error::SessionError> {
        serde_json::from_str(&json).map(Arc::new).map_err(|error| {
            crate::session_error::SessionError::InvalidArgument {
                detail: format!(
                    "not a Stytch session object: {}",
                    super::json::describe_json_error(&error)
                ),
            }
        })
    }
}

#[uniffi::export]
impl SessionTokens {
    /// The opaque session token. A bearer credential: hand it only to the app's backend.
    #[uniffi::method(name = "session_token")]
    fn ffi_session_token(&self) -> String {
        self.session_token().to_owned()
    }

    /// The session JWT. A bearer credential: hand it only to the app's backend.
    #[uniffi::method(name = "session_jwt")]
    fn ffi_session_jwt(&self) -> String {
        self.session_jwt().to_owned()
    }
}
