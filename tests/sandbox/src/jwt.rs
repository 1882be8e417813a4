//! Session JWTs: RS256 with a `kid`, signed by one fixed sandbox key and published as a JWKS.
//!
//! The key is committed (see `keys/README.md`) because generating RSA keys at run time is
//! slow; it protects nothing. The helpers here are public so tests can forge tokens that
//! are expired, badly signed or missing claims.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::Digest as _;

/// The `kid` of the sandbox signing key, in every JWT header and in the JWKS.
pub const KID: &str = "jwk-test-sessionkit-sandbox-1";

/// The claim under which Stytch puts the session inside a session JWT.
pub const SESSION_CLAIM: &str = "https://stytch.com/session";

const SIGNING_KEY_PEM: &str = include_str!("../keys/sandbox-signing-key.pem");
/// A self-signed certificate for the key, published as the JWK's `x5c` as Stytch does.
const SIGNING_CERT_PEM: &str = include_str!("../keys/sandbox-signing-cert.pem");

/// The claims a JWT registers (RFC 7519), which custom claims never overwrite.
const REGISTERED_CLAIMS: [&str; 7] = ["aud", "exp", "iat", "iss", "jti", "nbf", "sub"];

struct Keys {
    encoding: EncodingKey,
    n: String,
    e: String,
    /// The certificate, DER, standard base64 (`x5c`).
    x5c: String,
    /// Its SHA-256 thumbprint, base64url (`x5t#S256`).
    x5t_s256: String,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(SIGNING_KEY_PEM)
        .expect("the committed sandbox key is a valid PKCS#8 RSA key");
    let der: String = SIGNING_CERT_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der_bytes = STANDARD
        .decode(&der)
        .expect("the committed certificate is PEM");
    Keys {
        encoding: EncodingKey::from_rsa_pem(SIGNING_KEY_PEM.as_bytes())
            .expect("the committed sandbox key is a valid RSA PEM"),
        n: URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
        e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
        x5c: der,
        x5t_s256: URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&der_bytes)),
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

/// The JWK of the signing key, as listed by the JWKS endpoint, with every member Stytch's
/// JWKS carries (its SDK's `JWK` model requires them all).
pub fn jwk() -> Value {
    json!({
        "kty": "RSA",
        "use": "sig",
        "key_ops": ["verify"],
        "alg": "RS256",
        "kid": KID,
        "x5c": [KEYS.x5c],
        "x5tS256": KEYS.x5t_s256,
        "n": KEYS.n,
        "e": KEYS.e,
    })
}

/// Signs `claims` with the sandbox key: RS256, `typ: JWT`, `kid: KID`.
pub fn sign(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    jsonwebtoken::encode(&header, claims, &KEYS.encoding).expect("RS256 signing cannot fail")
}

/// Stytch-shaped claims for a session JWT minted at `now` and living `lifetime`: the session
/// under [`SESSION_CLAIM`] (id, times, attributes, factors, roles), the user in `sub`, and the
/// session's custom claims at the top level, as Stytch puts them. `session` is the wire
/// session object.
pub(crate) fn session_claims(
    project_id: &str,
    session: &Value,
    now: DateTime<Utc>,
    lifetime: std::time::Duration,
) -> Value {
    let iat = now.timestamp();
    let exp = iat.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    let mut claims = serde_json::Map::new();
    if let Some(custom) = session["custom_claims"].as_object() {
        for (name, value) in custom {
            if !REGISTERED_CLAIMS.contains(&name.as_str()) && name != SESSION_CLAIM {
                claims.insert(name.clone(), value.clone());
            }
        }
    }
    let registered = json!({
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
            "roles": session["roles"],
        },
    });
    if let Value::Object(registered) = registered {
        claims.extend(registered);
    }
    Value::Object(claims)
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
