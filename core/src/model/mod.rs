//! The session as the server describes it (SPEC M1-M3).
//!
//! These types mirror Stytch's session object field for field. Everything the server sends
//! that SessionKit does not know about is kept in an `extra` map and written back unchanged,
//! so a field added on the server never breaks, nor is silently dropped by, an app already in
//! the store (M2).

mod factor;
#[cfg(feature = "uniffi")]
mod ffi;
mod json;
mod session;
mod tokens;

pub use factor::{
    AuthenticationFactor, AuthenticatorAppFactor, BiometricFactor, CryptoWalletFactor,
    DeliveryMethod, EmailFactor, FactorDetail, FactorType, OAuthFactor, PhoneNumberFactor,
    RecoveryCodeFactor, WebAuthnFactor,
};
#[cfg(feature = "uniffi")]
pub use ffi::{JsonValue, SessionFields};
pub use json::JsonObject;
pub(crate) use json::{describe_json_error, null_as_default, starts_as_object};
pub use session::{Session, SessionAttributes};
pub use tokens::SessionTokens;
