//! Reading a JWT's claims without verifying it (J1).
//!
//! The scheduler reads the expiry to decide *when* to ask the server, server time reads
//! `iat` (R5), and an answer's identity claims are compared with its session object (V2).
//! What is read grants nothing, so an unverified read is safe here.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::numeric_date::numeric_date_millis;

/// Payloads larger than this are not a session JWT; refusing them bounds the work.
const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// Why a JWT could not be read or verified. Messages never quote the token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three dot-separated base64url segments, or a segment is too large.
    #[error("not a well-formed JWT: {0}")]
    Malformed(&'static str),
    /// The payload lacks a usable claim.
    #[error("JWT claim missing or invalid: {0}")]
    Claim(&'static str),
    /// The JWKS could not be parsed or holds no usable key.
    #[error("unusable JWKS: {0}")]
    Jwks(String),
}

/// The header, payload and signature of a compact JWT; `None` unless exactly three.
pub(crate) fn segments(jwt: &str) -> Option<[&str; 3]> {
    let mut parts = jwt.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Some([header, payload, signature]),
        _ => None,
    }
}

/// The time claims SessionKit reads without verification.
#[derive(Deserialize)]
struct Times {
    exp: Option<serde_json::Value>,
    iat: Option<serde_json::Value>,
}

/// The `exp` claim of `jwt`, read without checking the signature.
///
/// ```
/// # use base64::Engine as _;
/// let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"exp":1767225600}"#);
/// let jwt = format!("e30.{payload}.c2ln");
/// let exp = sessionkit::jwt::read_expiry(&jwt).unwrap();
/// assert_eq!(exp.to_rfc3339(), "2026-01-01T00:00:00+00:00");
/// ```
pub fn read_expiry(jwt: &str) -> Result<DateTime<Utc>, JwtError> {
    let times = read_times(jwt)?;
    numeric_date(times.exp.as_ref(), "exp")
}

/// The `iat` claim of `jwt`, read without checking the signature: when the server minted it,
/// on the server's clock (R5).
pub(crate) fn read_issued_at(jwt: &str) -> Result<DateTime<Utc>, JwtError> {
    let times = read_times(jwt)?;
    numeric_date(times.iat.as_ref(), "iat")
}

/// Whose session a JWT says it is: `sub` and the id in Stytch's session claim.
#[derive(Deserialize)]
pub(crate) struct JwtIdentity {
    pub(crate) sub: Option<String>,
    #[serde(rename = "https://stytch.com/session")]
    pub(crate) session: Option<SessionClaimId>,
}

/// The part of Stytch's session claim that names the session.
#[derive(Deserialize)]
pub(crate) struct SessionClaimId {
    pub(crate) id: Option<String>,
}

/// The identity claims of `jwt`, read without checking the signature: used only to refuse an
/// answer whose parts disagree (V2), never to grant anything.
pub(crate) fn read_identity(jwt: &str) -> Result<JwtIdentity, JwtError> {
    read_payload(jwt)
}

fn read_times(jwt: &str) -> Result<Times, JwtError> {
    read_payload(jwt)
}

fn read_payload<T: DeserializeOwned>(jwt: &str) -> Result<T, JwtError> {
    let [_header, payload, _signature] =
        segments(jwt).ok_or(JwtError::Malformed("expected three segments"))?;
    if payload.len() > MAX_PAYLOAD_BYTES * 4 / 3 + 4 {
        return Err(JwtError::Malformed("payload too large"));
    }
    read_object_segment(payload)
        .map(|(times, _)| times)
        .map_err(|error| {
            JwtError::Malformed(match error {
                SegmentError::NotBase64 => "payload is not base64url",
                SegmentError::NotObject => "payload is not a JSON object",
            })
        })
}

/// Why a JWT segment could not be read.
pub(super) enum SegmentError {
    NotBase64,
    NotObject,
}

/// A header or payload segment: base64url, then a JSON object (RFC 7515/7519: both are
/// objects), read as `T`, with its decoded bytes. The one decoder of J1 and J2.
pub(super) fn read_object_segment<T: DeserializeOwned>(
    segment: &str,
) -> Result<(T, Vec<u8>), SegmentError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| SegmentError::NotBase64)?;
    if !crate::model::starts_as_object(&bytes) {
        return Err(SegmentError::NotObject);
    }
    let value = serde_json::from_slice(&bytes).map_err(|_| SegmentError::NotObject)?;
    Ok((value, bytes))
}

/// A NumericDate claim, to the whole second (a fraction is dropped).
fn numeric_date(
    value: Option<&serde_json::Value>,
    name: &'static str,
) -> Result<DateTime<Utc>, JwtError> {
    value
        .and_then(numeric_date_millis)
        .and_then(|millis| i64::try_from(millis.div_euclid(1000)).ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or(JwtError::Claim(name))
}
