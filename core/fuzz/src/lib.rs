//! What the fuzz targets share: the oracles that tell a finding from a refusal.
//!
//! Each target feeds libFuzzer's bytes to one reader SessionKit exposes to hostile input and
//! panics (a finding) when a property fails. The main property besides "no panic" is that
//! no error message quotes a token: errors may describe what was wrong, never what was
//! received. Without a list of the input's secrets, a token is recognised by its shape.

use std::sync::{Arc, LazyLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sessionkit::testing::ManualClock;
use sessionkit::jwt::JwtVerifier;

/// The shortest run that counts as a quoted token: the leak check of the proptest harness
/// also flags 16-character prefixes.
pub const TOKEN_WINDOW: usize = 16;

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'=')
}

/// Lowercase words joined by `_` are SessionKit's own field names, which errors may name.
fn field_name_like(window: &[u8]) -> bool {
    window.iter().all(|&b| b.is_ascii_lowercase() || b == b'_')
}

/// A piece of `text` (an error's Display or Debug) that quotes `input`: 16 or more
/// characters of the base64url/JWT alphabet, not a plain field name, that also occur in
/// `input`. `None` when the text quotes nothing token-like.
pub fn quoted_token(text: &str, input: &[u8]) -> Option<String> {
    let text = text.as_bytes();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..]
            .iter()
            .position(|&b| !token_char(b))
            .map_or(text.len(), |n| start + n);
        for window in text[start..end].windows(TOKEN_WINDOW) {
            if !field_name_like(window) && contains(input, window) {
                return Some(String::from_utf8_lossy(window).into_owned());
            }
        }
        start = end + 1;
    }
    None
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Panics with `what` when `text` quotes a token-like piece of `input`.
pub fn assert_quotes_no_token(what: &str, text: &str, input: &[u8]) {
    if let Some(piece) = quoted_token(text, input) {
        panic!("{what} quotes the input ({piece:?}): {text}");
    }
}

/// `body` as JSON, to check what a parser returned against. `None` when serde_json refuses it
/// as a `Value` (too deep, or invalid UTF-8 in a member the parsers skip) although the
/// parsers may accept it: the oracle then cannot judge.
pub fn oracle(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

/// The sandbox's signing key (committed, no value outside tests): the key the verifier trusts.
pub const SANDBOX_KEY_PEM: &str =
    include_str!("../../../tests/sandbox/keys/sandbox-signing-key.pem");
/// The sandbox's `kid` (`sessionkit_sandbox::jwt::KID`).
pub const SANDBOX_KID: &str = "jwk-test-sessionkit-sandbox-1";
/// The project the verifier expects, as in the proptest targets.
pub const PROJECT: &str = "project-test-11111111-2222-3333-4444-555555555555";
/// 2026-01-01T00:00:00Z, the verifier's clock. The sandbox JWTs of the seed corpus are
/// genuine but all fail a claim at this instant, so no input may ever verify.
pub const NOW: i64 = 1_767_225_600;

/// The sandbox's public key, in the forms an attacker might use as an HMAC secret.
pub struct PublicKey {
    /// The JWKS the verifier loads: `{"keys": [jwk]}`.
    pub jwks: String,
    /// The JWK alone.
    pub jwk: String,
    /// The modulus, base64url.
    pub n: String,
    /// SPKI PEM, PKCS#1 PEM, and SPKI DER.
    pub spki_pem: String,
    pub pkcs1_pem: String,
    pub spki_der: Vec<u8>,
}

pub static PUBLIC_KEY: LazyLock<PublicKey> = LazyLock::new(|| {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(SANDBOX_KEY_PEM).expect("the sandbox key");
    let public = private.to_public_key();
    let n = URL_SAFE_NO_PAD.encode(public.n().to_bytes_be());
    let e = URL_SAFE_NO_PAD.encode(public.e().to_bytes_be());
    let jwk =
        json!({"kty": "RSA", "kid": SANDBOX_KID, "n": n, "e": e, "alg": "RS256", "use": "sig"});
    PublicKey {
        jwks: json!({ "keys": [jwk] }).to_string(),
        jwk: jwk.to_string(),
        n,
        spki_pem: public.to_public_key_pem(LineEnding::LF).unwrap(),
        pkcs1_pem: public.to_pkcs1_pem(LineEnding::LF).unwrap(),
        spki_der: public.to_public_key_der().unwrap().into_vec(),
    }
});

/// A verifier for [`PROJECT`] at [`NOW`], holding the sandbox's JWKS.
pub static VERIFIER: LazyLock<JwtVerifier> = LazyLock::new(|| {
    let clock = Arc::new(ManualClock::at_millis(NOW * 1000));
    let verifier = JwtVerifier::for_project(clock, PROJECT);
    verifier
        .set_jwks(&PUBLIC_KEY.jwks)
        .expect("the sandbox JWKS");
    verifier
});

/// Genuine JWTs minted with the sandbox key (`sessionkit_sandbox::jwt::sign`), one per line,
/// each failing one claim at [`NOW`] for [`PROJECT`]; see `seeds/README.md`.
pub const SANDBOX_JWTS: &str = include_str!("../seeds/sandbox_jwts.txt");
