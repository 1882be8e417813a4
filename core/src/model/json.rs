//! JSON helpers shared by the model types.
//!
//! Stytch sometimes sends `null` where an empty value is meant (`custom_claims`, `roles`);
//! treating both alike keeps the typed fields plain instead of `Option` everywhere.

use serde::{Deserialize, Deserializer};

/// Any JSON object, in the order the server wrote its keys.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Deserialises `null` as the type's default value.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Describes a JSON error by category and position only. serde_json's own messages can quote
/// the input, and the input may hold tokens (SPEC E6).
pub(crate) fn describe_json_error(error: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        error.classify(),
        error.line(),
        error.column()
    )
}

/// Whether `bytes` start as a JSON object. serde's derived structs also read a JSON array
/// positionally (`["session_not_found"]` as an error envelope, `[1767225600]` as JWT claims),
/// and none of the documents SessionKit reads is ever an array.
pub(crate) fn starts_as_object(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().first() == Some(&b'{')
}

/// Declares an enum over a string-valued wire field whose unknown values survive as
/// `Unknown(String)` and are written back as they came.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of SessionKit does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(wire: &str) -> Self {
                match wire {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from(wire.as_ref()))
            }
        }
    };
}
pub(crate) use open_string_enum;
