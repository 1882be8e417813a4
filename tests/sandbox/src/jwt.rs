//! Session JWTs: RS256 with a `kid`, signed by one fixed sandbox key and published as a JWKS.
//!
//! The key is committed (see `keys/README.md`) because generating RSA keys at run time is
//! slow; it protects nothing. The helpers here are public so tests can forge tokens that
//! are expired, badly signed or missing claims.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// The `kid` of the sandbox signing key, in every JWT header and in the JWKS.
pub const KID: &str = "jwk-test-sessionkit-sandbox-1";

/// The claim under which Stytch puts the session inside a session JWT.
pub const SESSION_CLAIM: &str = "https://stytch.com/session";

const SIGNING_KEY_PEM: &str = include_str!("../keys/sandbox-signing-key.pem");

struct Keys {
    encoding: EncodingKey,
    n: String,
    e: String,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(SIGNING_KEY_PEM)
        .expect("the committed sandbox key is a valid PKCS#8 RSA key");
    Keys {
        encoding: EncodingKey::from_rsa_pem(SIGNING_KEY_PEM.as_bytes())
            .expect("the committed sandbox key is a valid RSA PEM"),
        n: URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
        e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
    }
});

/// The sandbox's private signing key (PKCS#8 PEM). Sandbox only: it has no value anywhere else.
pub fn signing_key_pem() -> &'static str {
    SIGNING_KEY_PEM
}

/// The public key as JWK components `(n, e)`, base64url without padding.
pub fn public_key_components() -> (&'static str, &'static str) {
    (&KEYS.n, &KEYS.e)
}

/// The JWK of the signing key, as listed by the JWKS endpoint.
pub fn jwk() -> Value {
    json!({
        "kty": "RSA",
        "kid": KID,
        "n": KEYS.n,
        "e": KEYS.e,
        "alg": "RS256",
        "use": "sig",
    })
}

/// Signs `claims` with the sandbox key: RS256, `typ: JWT`, `kid: KID`.
pub fn sign(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    jsonwebtoken::encode(&header, claims, &KEYS.encoding).expect("RS256 signing cannot fail")
}

/// Stytch-shaped claims for a session JWT minted at `now` and living `lifetime`.
/// `session` is the wire session object.
pub(crate) fn session_claims(
    project_id: &str,
    session: &Value,
    now: DateTime<Utc>,
    lifetime: std::time::Duration,
) -> Value {
    let iat = now.timestamp();
    let exp = iat.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    json!({
        "sub": session["user_id"],
        "iss": format!("stytch.com/{project_id}"),
        "aud": [project_id],
        "iat": iat,
        "nbf": iat,
        "exp": exp,
        SESSION_CLAIM: {
            "id": session["session_id"],
            "started_at": session["started_at"],
            "last_accessed_at": session["last_accessed_at"],
            "expires_at": session["expires_at"],
            "attributes": session["attributes"],
            "authentication_factors": session["authentication_factors"],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_token_has_kid_and_verifies() {
        let token = sign(&json!({"sub": "user-test-1", "exp": 4_000_000_000_i64}));
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.kid.as_deref(), Some(KID));
        let (n, e) = public_key_components();
        let key = jsonwebtoken::DecodingKey::from_rsa_components(n, e).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Value>(&token, &key, &validation).unwrap();
        assert_eq!(data.claims["sub"], "user-test-1");
    }
}
