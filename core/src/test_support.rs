//! What this crate's own tests and the cargo-fuzz targets need from inside it, behind the
//! `test-support` feature and hidden from the documentation: entry points into the private
//! parsers, the expected answers both kinds of target check against, and the Stytch wire
//! samples beside the repository.
//!
//! The response parser and the envelope decoder are private: apps never call them, but they
//! read bytes an attacker (a hostile network, a tampered file) may choose. These thin
//! wrappers let the hostile-input tests and the optional `fuzz/` crate drive exactly the
//! code the engine runs, without widening the real API. Nothing here adds behaviour. The
//! expected answers ([`expected_error_class`], [`REFUSED_ALGS`]) are written here once, from
//! the SPEC and not from the code under test.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::envelope::{Envelope, EnvelopeError};
use crate::model::{Session, SessionTokens};
use crate::transport::{Authenticated, ErrorClass, TransportError, wire};

/// A sessions/authenticate success body, as the transport reads it.
pub fn authenticate_body(body: &[u8]) -> Result<Authenticated, TransportError> {
    wire::authenticated(body)
}

/// A sessions/revoke success body: its `request_id`.
pub fn revoke_body(body: &[u8]) -> Result<Option<String>, TransportError> {
    wire::acknowledged(body)
}

/// A JWKS body: the text and its `request_id`.
pub fn jwks_body(body: &[u8]) -> Result<(String, Option<String>), TransportError> {
    wire::jwks(body)
}

/// The error for a non-2xx answer with `body`.
pub fn error_body(
    status: u16,
    body: Option<&[u8]>,
    retry_after: Option<Duration>,
) -> TransportError {
    wire::api_error(status, body, retry_after)
}

/// A `Retry-After` header value read at `now`.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    wire::retry_after(value, now)
}

/// Whether a `Content-Type` value is accepted, and how it is shown in an error.
pub fn content_type(value: &str) -> (bool, String) {
    (wire::is_json(value), wire::media_type(Some(value)))
}

/// The newest envelope format: what `encode` writes; every format from 1 up to it is read.
pub const ENVELOPE_FORMAT: u32 = crate::envelope::CURRENT_FORMAT;

/// A stored envelope, decoded as the engine decodes it at start-up.
pub fn decode_envelope(bytes: &[u8]) -> Result<DecodedEnvelope, EnvelopeRejected> {
    Envelope::decode(bytes)
        .map(DecodedEnvelope)
        .map_err(EnvelopeRejected)
}

/// What [`decode_envelope`] read.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedEnvelope(Envelope);

impl DecodedEnvelope {
    /// The tokens.
    pub fn tokens(&self) -> &SessionTokens {
        &self.0.tokens
    }

    /// The last known session.
    pub fn session(&self) -> Option<&Session> {
        self.0.session.as_ref()
    }

    /// When the server last confirmed the session.
    pub fn last_validated_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_validated_at
    }

    /// Encodes it again in the current format.
    pub fn encode(&self) -> Vec<u8> {
        self.0.encode().to_vec()
    }
}

/// Why [`decode_envelope`] refused the bytes; Display and Debug are the engine's own.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvelopeRejected(EnvelopeError);

impl EnvelopeRejected {
    /// Whether the bytes were a well-formed envelope of a newer format.
    pub fn is_future_format(&self) -> bool {
        matches!(self.0, EnvelopeError::FutureFormat(_))
    }
}

impl std::fmt::Display for EnvelopeRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::fmt::Debug for EnvelopeRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

/// SPEC E1: the only `error_type`s that end a session.
pub const DEFINITIVE_ERROR_TYPES: [&str; 4] = [
    "unauthorized_credentials",
    "user_unauthenticated",
    "invalid_secret_authentication",
    "session_not_found",
];

/// What SPEC E1-E3 make of an API error with `status` and the body's own `error_type`:
/// definitive only for the E1 types, transient for 429 and 5xx, otherwise rejected.
pub fn expected_error_class(status: u16, error_type: &str) -> ErrorClass {
    if DEFINITIVE_ERROR_TYPES.contains(&error_type) {
        ErrorClass::Definitive
    } else if status == 429 || status >= 500 {
        ErrorClass::Transient { retry_after: None }
    } else {
        ErrorClass::Rejected
    }
}

/// `alg` header values the verifier must refuse (J3): `none` in any case, HS256 (keyed
/// with the public key by an attacker), other algorithms, and near misses of RS256.
pub const REFUSED_ALGS: [&str; 17] = [
    "none",
    "None",
    "NONE",
    "nOnE",
    "",
    "HS256",
    "HS384",
    "HS512",
    "RS384",
    "RS512",
    "PS256",
    "ES256",
    "EdDSA",
    "RS256 ",
    " RS256",
    "rs256",
    "RS256\u{0}",
];

/// The folder of Stytch wire samples: `SESSIONKIT_STYTCH_FIXTURES` when set, otherwise
/// `shared/fixtures/stytch/` beside the repository.
pub fn stytch_fixtures_dir() -> PathBuf {
    std::env::var_os("SESSIONKIT_STYTCH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/stytch")
        })
}

/// The Stytch wire sample `name` (for example `sessions_authenticate_200.json`).
///
/// # Panics
/// When the sample cannot be read, naming the path and the variable that moves it.
pub fn stytch_fixture(name: &str) -> String {
    let path = stytch_fixtures_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read the Stytch sample {} ({error}); set SESSIONKIT_STYTCH_FIXTURES",
            path.display()
        )
    })
}
