//! Parsing a JWKS document into the keys the verifier trusts (J2).
//!
//! A JWKS may list keys of any type and purpose; only RSA keys that can check RS256
//! signatures are worth caching. Everything else is skipped rather than rejected, so a new
//! key type published next to the RSA key never breaks verification. The document comes from
//! the server, but it is parsed defensively anyway: its size and the number of keys kept are
//! bounded, and the RSA parameters are sanity-checked here so a bad key fails at load time
//! rather than on every check.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::Deserialize;

use super::JwtError;

/// A JWKS larger than this is not a session-key set; refusing it bounds the work.
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// At most this many usable keys are kept; any further ones are ignored.
const MAX_KEYS: usize = 64;

/// The accepted RSA modulus sizes, in bits. Below 2048 is too weak to trust; 4096 is the
/// largest any JWKS publishes for session keys, and bounds the work per check.
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=4096;

/// An RSA public key for RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as its big-endian
/// modulus and exponent.
#[derive(Clone)]
pub(crate) struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaKey {
    /// Checks `signature` over `message` with `ring`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), ()> {
        RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(&RSA_PKCS1_2048_8192_SHA256, message, signature)
        .map_err(drop)
    }
}

/// RSA verification keys by `kid`, as cached by the verifier.
#[derive(Clone, Default)]
pub(crate) struct KeySet {
    keys: HashMap<String, RsaKey>,
}

impl KeySet {
    /// The key published under `kid`.
    pub(crate) fn get(&self, kid: &str) -> Option<&RsaKey> {
        self.keys.get(kid)
    }

    /// Whether no key is cached.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The cached key ids, sorted.
    pub(crate) fn kids(&self) -> Vec<String> {
        let mut kids: Vec<String> = self.keys.keys().cloned().collect();
        kids.sort();
        kids
    }

    /// Parses `json`, keeping the RSA keys usable for RS256 signatures. A document that is
    /// not a JWKS, or that holds no usable key, is an error.
    pub(crate) fn parse(json: &str) -> Result<Self, JwtError> {
        if json.len() > MAX_JWKS_BYTES {
            return Err(JwtError::Jwks("document too large".into()));
        }
        let document: Document = serde_json::from_str(json)
            .map_err(|_| JwtError::Jwks("not a JSON object with a `keys` array".into()))?;
        let mut keys = HashMap::new();
        let mut skipped = 0_usize;
        for candidate in document.keys {
            if keys.len() == MAX_KEYS {
                break;
            }
            match usable_key(candidate) {
                // The first key published under a kid wins; a duplicate is ignored.
                Some((kid, key)) if !keys.contains_key(&kid) => {
                    keys.insert(kid, key);
                }
                _ => skipped += 1,
            }
        }
        if keys.is_empty() {
            return Err(JwtError::Jwks(format!(
                "no RSA key usable for RS256 signatures ({skipped} key(s) skipped)"
            )));
        }
        Ok(Self { keys })
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("kids", &self.kids())
            .finish()
    }
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<serde_json::Value>,
}

/// The JWK members that decide whether a key is usable. Unknown members are ignored.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    key_ops: Option<Vec<String>>,
    n: Option<String>,
    e: Option<String>,
}

/// The `kid` and verification key of `candidate`, when it is an RSA key for RS256 signatures.
fn usable_key(candidate: serde_json::Value) -> Option<(String, RsaKey)> {
    let jwk: Jwk = serde_json::from_value(candidate).ok()?;
    if jwk.kty != "RSA" {
        return None;
    }
    if jwk.alg.as_deref().is_some_and(|alg| alg != "RS256") {
        return None;
    }
    if jwk.usage.as_deref().is_some_and(|usage| usage != "sig") {
        return None;
    }
    if jwk
        .key_ops
        .as_ref()
        .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
    {
        return None;
    }
    let kid = jwk.kid.filter(|kid| !kid.is_empty())?;
    let n = unsigned_integer(jwk.n.as_deref()?)?;
    let e = unsigned_integer(jwk.e.as_deref()?)?;
    let modulus_bits = n.len() * 8 - n[0].leading_zeros() as usize;
    if !MODULUS_BITS.contains(&modulus_bits) || !is_plausible_exponent(&e) {
        return None;
    }
    Some((kid, RsaKey { n, e }))
}

/// A JWK big-endian integer (base64url, padding tolerated) without leading zero bytes;
/// `None` when it is not base64url or is zero.
fn unsigned_integer(encoded: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
    let first = bytes.iter().position(|&byte| byte != 0)?;
    Some(bytes[first..].to_vec())
}

/// An odd public exponent of at least 3 and at most 33 bits, the range the RSA backend
/// accepts.
fn is_plausible_exponent(e: &[u8]) -> bool {
    if e.len() > 5 {
        return false;
    }
    let value = e
        .iter()
        .fold(0_u64, |acc, &byte| (acc << 8) | u64::from(byte));
    value >= 3 && value % 2 == 1 && value < (1 << 33)
}
