//! Full local verification of the session JWT against the project's JWKS (J2).
//!
//! An app may want to know, without a round trip, whether its session JWT would pass its
//! backend's check: signed by one of the project's keys, not expired, meant for this
//! project. [`JwtVerifier`] answers that from a cached JWKS, with no I/O once the keys are
//! cached. It only ever says "valid", "try refresh" or "unauthorised": a token it cannot
//! verify is never a reason to sign out, because the server may still accept the session.
//!
//! The rules follow what a backend verifying Stytch session JWTs does: RS256 only (never
//! `none`, HMAC or another algorithm the token's header asks for), a `kid` naming a cached
//! key, `exp` and `nbf` against the engine's [`Clock`] (server time, R5) with 60 s leeway,
//! and optionally the issuer and audience. The token is attacker-controlled input: its size
//! is bounded before any decoding, the signature is checked before the payload is read,
//! nothing in it can make the check panic, and no answer quotes it.
//!
//! The signature is RSASSA-PKCS1-v1_5 with SHA-256, checked by `ring` (already linked for
//! TLS), which accepts 2048- to 8192-bit moduli; the JWKS parser keeps 2048 to 4096.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use serde::Deserialize;
use serde_json::Value;

use super::JwtError;
use super::claims::{SegmentError, read_object_segment};
use super::jwks::KeySet;
use super::numeric_date::numeric_date_millis;
use super::verified_session::VerifiedSession;
use crate::clock::Clock;
use crate::model::{JsonObject, SessionTokens};

/// Session JWTs longer than this are refused before any decoding.
const MAX_JWT_BYTES: usize = 16 * 1024;

/// A signature of a 4096-bit key is 512 bytes, 683 in base64url; anything longer is refused
/// before decoding.
const MAX_SIGNATURE_BASE64: usize = 688;

/// The default tolerance for clock skew on `exp` and `nbf`.
const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The answer of a local check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
pub enum JwtCheck {
    /// The JWT is valid now; the session it describes.
    Valid(#[cfg_attr(feature = "uniffi", uniffi(name = "session"))] Box<VerifiedSession>),
    /// The JWT is expired or could not be verified: refresh the session. The reason is for
    /// logs; it never contains the token.
    TryRefresh(#[cfg_attr(feature = "uniffi", uniffi(name = "reason"))] String),
    /// There are no tokens.
    Unauthorised,
}

impl fmt::Display for JwtCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid(session) => write!(
                f,
                "valid: session {} of user {}",
                session.session_id, session.user_id
            ),
            Self::TryRefresh(reason) => write!(f, "try refresh: {reason}"),
            Self::Unauthorised => f.write_str("unauthorised: no tokens"),
        }
    }
}

impl JwtCheck {
    /// Whether the JWT is valid now.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid(_))
    }

    /// The verified session, when the JWT is valid.
    pub fn session(&self) -> Option<&VerifiedSession> {
        match self {
            Self::Valid(session) => Some(session),
            _ => None,
        }
    }
}

/// Verifies session JWTs against a cached JWKS, without I/O.
///
/// Cache the project's JWKS with [`JwtVerifier::set_jwks`] (the engine fetches it from
/// `GET /v1/sessions/jwks/{project_id}`), then [`JwtVerifier::check`] the tokens as often
/// as needed. Checks never wait for [`JwtVerifier::set_jwks`]: the key set is swapped
/// atomically. A "try refresh" answer of [`JwtVerifier::REASON_NO_KEYS`] or
/// [`JwtVerifier::REASON_UNKNOWN_KID`] means the JWKS should be (re)fetched.
///
/// ```
/// use std::sync::Arc;
/// use sessionkit::jwt::{JwtCheck, JwtVerifier};
/// use sessionkit::SessionTokens;
/// use sessionkit::testing::ManualClock;
///
/// let verifier = JwtVerifier::for_project(Arc::new(ManualClock::at_millis(0)), "project-test-1");
/// let tokens = SessionTokens::new("opaque", "header.payload.signature");
///
/// // Nothing to check without tokens; nothing to check against without keys.
/// assert_eq!(verifier.check(None), JwtCheck::Unauthorised);
/// assert_eq!(
///     verifier.check(Some(&tokens)),
///     JwtCheck::TryRefresh(JwtVerifier::REASON_NO_KEYS.into())
/// );
///
/// // A JWKS without an RSA signing key is refused.
/// assert!(verifier.set_jwks(r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).is_err());
/// assert!(!verifier.has_keys());
/// ```
pub struct JwtVerifier {
    clock: Arc<dyn Clock>,
    keys: ArcSwap<KeySet>,
    /// The last payload read, and what it said: a JWT is checked many times between
    /// refreshes, and its JSON need not be read again each time. The signature is checked
    /// on every call, whatever this holds.
    last_read: ArcSwapOption<ReadPayload>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway_millis: i128,
}

impl JwtVerifier {
    /// The "try refresh" reason when no JWKS is cached yet: fetch it.
    pub const REASON_NO_KEYS: &'static str = "no keys cached: fetch the JWKS";

    /// The "try refresh" reason when the JWT names a key that is not cached: the project's
    /// keys may have rotated, so fetch the JWKS again.
    pub const REASON_UNKNOWN_KID: &'static str =
        "the JWT's kid is not among the cached keys: the keys may have rotated, fetch the JWKS";

    /// A verifier with no keys yet, checking signature, algorithm, `kid`, `exp` and `nbf`
    /// but neither issuer nor audience.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            keys: ArcSwap::from_pointee(KeySet::default()),
            last_read: ArcSwapOption::empty(),
            issuer: None,
            audience: None,
            leeway_millis: DEFAULT_LEEWAY.as_millis() as i128,
        }
    }

    /// A verifier with no keys yet that also requires Stytch's issuer
    /// (`stytch.com/{project_id}`) and audience (`project_id`).
    pub fn for_project(clock: Arc<dyn Clock>, project_id: &str) -> Self {
        Self::new(clock)
            .with_issuer(format!("stytch.com/{project_id}"))
            .with_audience(project_id)
    }

    /// Also requires the `iss` claim to be `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Also requires the `aud` claim to be, or to list, `audience`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Sets the tolerance for clock skew on `exp` and `nbf` (60 s by default).
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway_millis = leeway.as_millis().min(i64::MAX as u128) as i128;
        self
    }

    /// Replaces the cached keys with the RSA keys for RS256 signatures that `jwks_json`
    /// lists, by `kid`. Other keys in the document are skipped. A document that is not a
    /// JWKS, or that holds no usable key, is an error and leaves the cached keys unchanged.
    pub fn set_jwks(&self, jwks_json: &str) -> Result<(), JwtError> {
        let keys = KeySet::parse(jwks_json)?;
        self.keys.store(Arc::new(keys));
        Ok(())
    }

    /// Whether keys are cached.
    pub fn has_keys(&self) -> bool {
        !self.keys.load().is_empty()
    }

    /// The `kid`s of the cached keys, sorted.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys.load().kids()
    }

    /// Checks `tokens` locally, without I/O: no tokens is [`JwtCheck::Unauthorised`]; a
    /// session JWT that is signed with RS256 by a cached key and valid now (within the
    /// leeway) is [`JwtCheck::Valid`]; anything else is [`JwtCheck::TryRefresh`].
    pub fn check(&self, tokens: Option<&SessionTokens>) -> JwtCheck {
        let Some(tokens) = tokens else {
            return JwtCheck::Unauthorised;
        };
        match self.verify(tokens.session_jwt()) {
            Ok(session) => JwtCheck::Valid(Box::new(session)),
            Err(reason) => JwtCheck::TryRefresh(reason.to_owned()),
        }
    }

    /// The session `jwt` describes when it verifies now, or why not. Reasons are fixed
    /// strings, so they cannot quote the token.
    fn verify(&self, jwt: &str) -> Result<VerifiedSession, &'static str> {
        if jwt.is_empty() {
            return Err("no session JWT");
        }
        if jwt.len() > MAX_JWT_BYTES {
            return Err("the JWT is too large");
        }
        let keys = self.keys.load();
        if keys.is_empty() {
            return Err(Self::REASON_NO_KEYS);
        }
        let Some([header, payload, signature]) = super::claims::segments(jwt) else {
            return Err("the JWT is not three dot-separated segments");
        };
        // The signed input: the header and payload segments as sent, with the dot between.
        let signed = &jwt.as_bytes()[..header.len() + 1 + payload.len()];
        let header = read_header(header)?;
        if header.alg.as_deref() != Some("RS256") {
            return Err("the JWT's algorithm is not accepted (RS256 only)");
        }
        if header.crit.is_some() {
            return Err("the JWT has critical header extensions");
        }
        let kid = header.kid.ok_or("the JWT's header has no kid")?;
        let key = keys.get(&kid).ok_or(Self::REASON_UNKNOWN_KID)?;
        if signature.len() > MAX_SIGNATURE_BASE64 {
            return Err("the JWT's signature is too long");
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| "the JWT's signature is not base64url")?;
        key.verify(signed, &signature)
            .map_err(|_| "the JWT's signature does not verify")?;
        // Only now, signed by the project, is the payload read (or recalled).
        let read = self.read_payload(payload)?;
        self.check_times(read.exp_millis, read.nbf_millis)?;
        Ok(read.session.clone())
    }

    /// The payload's typed view and times, read once per distinct payload. Issuer and
    /// audience depend on the payload alone, so they are checked here, once.
    fn read_payload(&self, segment: &str) -> Result<Arc<ReadPayload>, &'static str> {
        if let Some(read) = self.last_read.load_full()
            && *read.segment == *segment
        {
            return Ok(read);
        }
        let (claims, payload): (JsonObject, _) =
            read_object_segment(segment).map_err(|error| match error {
                SegmentError::NotBase64 => "the JWT is not base64url",
                SegmentError::NotObject => "the JWT's payload is not a JSON object",
            })?;
        self.check_issuer_and_audience(&claims)?;
        let exp_millis = claims
            .get("exp")
            .and_then(numeric_date_millis)
            .ok_or("the JWT's exp is missing or invalid")?;
        let nbf_millis = match claims.get("nbf") {
            None => None,
            Some(nbf) => Some(numeric_date_millis(nbf).ok_or("the JWT's nbf is invalid")?),
        };
        let session = VerifiedSession::from_claims(&claims, &payload)
            .ok_or("the JWT is not a Stytch session JWT")?;
        let read = Arc::new(ReadPayload {
            segment: segment.into(),
            session,
            exp_millis,
            nbf_millis,
        });
        self.last_read.store(Some(Arc::clone(&read)));
        Ok(read)
    }

    /// `iss` and `aud`, when the verifier was given them.
    fn check_issuer_and_audience(&self, claims: &JsonObject) -> Result<(), &'static str> {
        if let Some(issuer) = &self.issuer {
            match claims.get("iss") {
                None => return Err("the JWT has no issuer"),
                Some(Value::String(iss)) if iss == issuer => {}
                Some(_) => return Err("the JWT's issuer is not the expected one"),
            }
        }
        if let Some(audience) = &self.audience {
            let listed = match claims.get("aud") {
                None => return Err("the JWT has no audience"),
                Some(Value::String(aud)) => aud == audience,
                Some(Value::Array(auds)) => auds.iter().any(|aud| aud.as_str() == Some(audience)),
                Some(_) => false,
            };
            if !listed {
                return Err("the JWT's audience is not the expected one");
            }
        }
        Ok(())
    }

    /// `exp` and `nbf` against the engine's clock, with leeway.
    fn check_times(&self, exp: i128, nbf: Option<i128>) -> Result<(), &'static str> {
        let now = i128::from(self.clock.unix_millis());
        // RFC 7519 4.1.4: valid only while now is before exp.
        if now >= exp.saturating_add(self.leeway_millis) {
            return Err("the JWT has expired");
        }
        // RFC 7519 4.1.5: valid from nbf on.
        if let Some(nbf) = nbf
            && now < nbf.saturating_sub(self.leeway_millis)
        {
            return Err("the JWT is not valid yet (nbf)");
        }
        Ok(())
    }
}

/// A payload read: its segment, its typed view, and its times in milliseconds.
struct ReadPayload {
    segment: Box<str>,
    session: VerifiedSession,
    exp_millis: i128,
    nbf_millis: Option<i128>,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("clock", &self.clock)
            .field("keys", &self.keys.load().kids())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway_millis", &self.leeway_millis)
            .finish()
    }
}

/// The JOSE header members the verifier decides on. Unknown members are ignored.
#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    crit: Option<Value>,
}

/// The JWT's header segment, decoded.
fn read_header(segment: &str) -> Result<Header, &'static str> {
    read_object_segment(segment)
        .map(|(header, _)| header)
        .map_err(|error| match error {
            SegmentError::NotBase64 => "the JWT's header is not base64url",
            SegmentError::NotObject => "the JWT's header is not a JSON object",
        })
}
