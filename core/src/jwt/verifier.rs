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
//! key, `exp` and `nbf` against the engine's [`Clock`] with 60 s leeway, and optionally the
//! issuer and audience. The token is attacker-controlled input: its size is bounded before
//! any decoding, nothing in it can make the check panic, and no answer quotes it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::JwtError;
use super::jwks::KeySet;
use super::verified_session::{VerifiedSession, numeric_date_millis};
use crate::engine::Clock;
use crate::model::SessionTokens;

/// Session JWTs longer than this are refused before any decoding.
const MAX_JWT_BYTES: usize = 16 * 1024;

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
    validation: Validation,
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
        let mut validation = Validation::new(Algorithm::RS256);
        // Times are checked against the injected clock, not jsonwebtoken's system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        // jsonwebtoken rejects any `aud` when none is expected; Stytch tokens carry one.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        Self {
            clock,
            keys: ArcSwap::from_pointee(KeySet::default()),
            validation,
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
        self.validation.set_issuer(&[issuer.into()]);
        self.validation.required_spec_claims.insert("iss".into());
        self
    }

    /// Also requires the `aud` claim to be, or to list, `audience`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.validation.set_audience(&[audience.into()]);
        self.validation.validate_aud = true;
        self.validation.required_spec_claims.insert("aud".into());
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

    /// The claims of `jwt` when it verifies now, or why not. Reasons are fixed strings, so
    /// they cannot quote the token.
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
        let header = read_header(jwt)?;
        if header.alg.as_deref() != Some("RS256") {
            return Err("the JWT's algorithm is not accepted (RS256 only)");
        }
        if header.crit.is_some() {
            return Err("the JWT has critical header extensions");
        }
        let kid = header.kid.ok_or("the JWT's header has no kid")?;
        let key = keys.get(&kid).ok_or(Self::REASON_UNKNOWN_KID)?;
        let data = jsonwebtoken::decode::<Value>(jwt, key, &self.validation)
            .map_err(|error| rejection(error.kind()))?;
        let claims = data.claims;
        self.check_times(&claims)?;
        let Value::Object(claims) = claims else {
            return Err("the JWT's payload is not a JSON object");
        };
        VerifiedSession::from_claims(claims).ok_or("the JWT is not a Stytch session JWT")
    }

    /// `exp` and `nbf` against the engine's clock, with leeway.
    fn check_times(&self, claims: &Value) -> Result<(), &'static str> {
        let now = i128::from(self.clock.unix_millis());
        let exp = claims
            .get("exp")
            .and_then(numeric_date_millis)
            .ok_or("the JWT's exp is missing or invalid")?;
        // RFC 7519 4.1.4: valid only while now is before exp.
        if now >= exp.saturating_add(self.leeway_millis) {
            return Err("the JWT has expired");
        }
        if let Some(nbf) = claims.get("nbf") {
            let nbf = numeric_date_millis(nbf).ok_or("the JWT's nbf is invalid")?;
            // RFC 7519 4.1.5: valid from nbf on.
            if now < nbf.saturating_sub(self.leeway_millis) {
                return Err("the JWT is not valid yet (nbf)");
            }
        }
        Ok(())
    }
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("clock", &self.clock)
            .field("keys", &self.keys.load().kids())
            .field("issuer", &self.validation.iss)
            .field("audience", &self.validation.aud)
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

/// The header of `jwt`, which must be three dot-separated segments.
fn read_header(jwt: &str) -> Result<Header, &'static str> {
    let Some([header, _payload, _signature]) = super::claims::segments(jwt) else {
        return Err("the JWT is not three dot-separated segments");
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| "the JWT's header is not base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| "the JWT's header is not a JSON object")
}

/// Why jsonwebtoken refused a token, without its error's text (which may quote the token).
fn rejection(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidSignature => "the JWT's signature does not verify",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            "the JWT's algorithm is not accepted (RS256 only)"
        }
        ErrorKind::InvalidIssuer => "the JWT's issuer is not the expected one",
        ErrorKind::InvalidAudience => "the JWT's audience is not the expected one",
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "exp" => "the JWT's exp is missing or invalid",
            "iss" => "the JWT has no issuer",
            "aud" => "the JWT has no audience",
            _ => "the JWT lacks a required claim",
        },
        ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => {
            "the cached key cannot verify RS256 signatures"
        }
        ErrorKind::Base64(_) | ErrorKind::Utf8(_) => "the JWT is not base64url",
        ErrorKind::Json(_) => "the JWT's payload is not a JSON object",
        _ => "the JWT could not be verified",
    }
}
