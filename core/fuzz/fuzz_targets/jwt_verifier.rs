//! Hostile JWTs for the signature verifier (SPEC J2): `JwtVerifier` for the test project,
//! holding the sandbox's JWKS, checks tokens that libFuzzer either writes out raw or builds
//! from a structure (`arbitrary`): the header's `alg` (none in any case, HS256, RS384, ...),
//! `kid` (missing, unknown, null, a number), `typ`, `crit` and offered keys; the claims;
//! the signature (empty, random, huge, HS256 keyed with the sandbox's public key as PEM, DER,
//! modulus or JWK, or transplanted from a genuine sandbox JWT); then damage to the whole
//! (bad base64, padding, extra or missing segments).
//!
//! Proves: the answer is never "valid", since nothing here can sign with the sandbox's
//! private key and the genuine sandbox JWTs the target knows all fail a claim at the
//! verifier's clock; never a panic; reasons never quote the token.

#![no_main]

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use sessionkit::SessionTokens;
use sessionkit::test_support;
use sessionkit::jwt::JwtCheck;
use sessionkit_fuzz::{
    NOW, PROJECT, PUBLIC_KEY, SANDBOX_JWTS, SANDBOX_KID, VERIFIER, assert_quotes_no_token,
};

const OPAQUE: &str = "opaque-session-token-7c1d9e";

#[derive(Arbitrary, Debug)]
enum Alg {
    Rs256,
    None,
    NoneCased(u8),
    Hs256,
    /// Any value the verifier must refuse, from [`test_support::REFUSED_ALGS`].
    Other(u8),
    Text(String),
    Missing,
    Number(i64),
    Array,
}

#[derive(Arbitrary, Debug)]
enum Kid {
    Sandbox,
    Missing,
    Null,
    Empty,
    Number(i64),
    OtherCase,
    Suffixed(String),
    Text(String),
    /// Two `kid` members: the sandbox's, and this one after it.
    Duplicate(String),
}

#[derive(Arbitrary, Debug)]
struct HeaderShape {
    alg: Alg,
    kid: Kid,
    typ: Option<String>,
    crit: bool,
    /// Offers the sandbox's own JWK, or an `x5u`/`jku` URL, in the header.
    offered_jwk: bool,
    jku: bool,
    extra: Vec<(String, String)>,
    /// Replaces the JSON header with these bytes.
    raw: Option<Vec<u8>>,
}

#[derive(Arbitrary, Debug)]
enum Time {
    Offset(i32),
    Fraction(i32, u16),
    Float(f64),
    Huge(u64),
    Text(i32),
    Null,
    Missing,
}

#[derive(Arbitrary, Debug)]
enum Iss {
    Project,
    Text(String),
    Number(i64),
    Missing,
}

#[derive(Arbitrary, Debug)]
enum Aud {
    Project,
    List(Vec<bool>),
    Text(String),
    Missing,
}

#[derive(Arbitrary, Debug)]
struct ClaimsShape {
    exp: Time,
    nbf: Time,
    iat: Time,
    iss: Iss,
    aud: Aud,
    sub: Option<String>,
    extra: Vec<(String, i64)>,
    /// Replaces the JSON claims with these bytes.
    raw: Option<Vec<u8>>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Secret {
    SpkiPem,
    Pkcs1Pem,
    SpkiDer,
    Modulus,
    Jwk,
    Kid,
    Empty,
}

#[derive(Arbitrary, Debug)]
enum Signature {
    Empty,
    Bytes(Vec<u8>),
    /// 16 to 128 KiB of base64url: past the verifier's size bound, cheaply.
    Huge(u8),
    Hmac(Secret, HmacAlg),
    /// The signature of the n-th genuine sandbox JWT.
    Transplanted(u8),
    Text(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum HmacAlg {
    Hs256,
    Hs384,
    Hs512,
}

#[derive(Arbitrary, Debug)]
enum Damage {
    None,
    StandardBase64,
    Padded(u8),
    ExtraSegment,
    TrailingDot,
    LeadingDot,
    WithoutSignature,
    Whitespace,
    Insert(u16, char),
    /// A whole genuine sandbox JWT with its header or payload swapped for the built one.
    Spliced(u8, bool),
}

#[derive(Arbitrary, Debug)]
struct Token {
    header: HeaderShape,
    claims: ClaimsShape,
    signature: Signature,
    damage: Damage,
}

/// The genuine sandbox JWTs of the seed corpus, one per line (comments start with `#`).
static GENUINE: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    SANDBOX_JWTS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

fn pick<T: Copy>(items: &[T], n: usize) -> T {
    items[n % items.len()]
}

fn time(time: &Time) -> Option<Value> {
    Some(match *time {
        Time::Offset(offset) => json!(NOW + i64::from(offset)),
        Time::Fraction(offset, frac) => {
            json!(NOW as f64 + f64::from(offset) + f64::from(frac) / 65536.0)
        }
        Time::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Time::Huge(n) => json!(n),
        Time::Text(offset) => json!((NOW + i64::from(offset)).to_string()),
        Time::Null => Value::Null,
        Time::Missing => return None,
    })
}

fn header_bytes(shape: &HeaderShape) -> Vec<u8> {
    if let Some(raw) = &shape.raw {
        return raw.clone();
    }
    let mut header = Map::new();
    let alg = match &shape.alg {
        Alg::Rs256 => Some(json!("RS256")),
        Alg::None => Some(json!("none")),
        Alg::NoneCased(n) => Some(json!(pick(
            &["None", "NONE", "nOnE", "noNe"],
            usize::from(*n)
        ))),
        Alg::Hs256 => Some(json!("HS256")),
        Alg::Other(n) => Some(json!(pick(&test_support::REFUSED_ALGS, usize::from(*n)))),
        Alg::Text(text) => Some(json!(text)),
        Alg::Missing => None,
        Alg::Number(n) => Some(json!(n)),
        Alg::Array => Some(json!(["RS256"])),
    };
    if let Some(alg) = alg {
        header.insert("alg".into(), alg);
    }
    let mut text_suffix = String::new();
    match &shape.kid {
        Kid::Sandbox => {
            header.insert("kid".into(), json!(SANDBOX_KID));
        }
        Kid::Missing => {}
        Kid::Null => {
            header.insert("kid".into(), Value::Null);
        }
        Kid::Empty => {
            header.insert("kid".into(), json!(""));
        }
        Kid::Number(n) => {
            header.insert("kid".into(), json!(n));
        }
        Kid::OtherCase => {
            header.insert("kid".into(), json!(SANDBOX_KID.to_uppercase()));
        }
        Kid::Suffixed(suffix) => {
            header.insert("kid".into(), json!(format!("{SANDBOX_KID}{suffix}")));
        }
        Kid::Text(text) => {
            header.insert("kid".into(), json!(text));
        }
        Kid::Duplicate(other) => {
            header.insert("kid".into(), json!(SANDBOX_KID));
            text_suffix = format!(",\"kid\":{}", json!(other));
        }
    }
    if let Some(typ) = &shape.typ {
        header.insert("typ".into(), json!(typ));
    }
    if shape.crit {
        header.insert("crit".into(), json!(["exp"]));
    }
    if shape.offered_jwk {
        header.insert("jwk".into(), serde_json::from_str(&PUBLIC_KEY.jwk).unwrap());
    }
    if shape.jku {
        header.insert("jku".into(), json!("https://attacker.invalid/jwks.json"));
        header.insert("x5u".into(), json!("https://attacker.invalid/cert.pem"));
    }
    for (name, value) in &shape.extra {
        header.insert(name.clone(), json!(value));
    }
    let mut text = Value::Object(header).to_string();
    if !text_suffix.is_empty() {
        text.pop();
        text.push_str(&text_suffix);
        text.push('}');
    }
    text.into_bytes()
}

fn claims_bytes(shape: &ClaimsShape) -> Vec<u8> {
    if let Some(raw) = &shape.raw {
        return raw.clone();
    }
    let mut claims = Map::new();
    for (name, value) in [
        ("exp", &shape.exp),
        ("nbf", &shape.nbf),
        ("iat", &shape.iat),
    ] {
        if let Some(value) = time(value) {
            claims.insert(name.into(), value);
        }
    }
    match &shape.iss {
        Iss::Project => {
            claims.insert("iss".into(), json!(format!("stytch.com/{PROJECT}")));
        }
        Iss::Text(text) => {
            claims.insert("iss".into(), json!(text));
        }
        Iss::Number(n) => {
            claims.insert("iss".into(), json!(n));
        }
        Iss::Missing => {}
    }
    match &shape.aud {
        Aud::Project => {
            claims.insert("aud".into(), json!([PROJECT]));
        }
        Aud::List(which) => {
            let list: Vec<&str> = which
                .iter()
                .map(|&ours| {
                    if ours {
                        PROJECT
                    } else {
                        "project-test-someone-else"
                    }
                })
                .collect();
            claims.insert("aud".into(), json!(list));
        }
        Aud::Text(text) => {
            claims.insert("aud".into(), json!(text));
        }
        Aud::Missing => {}
    }
    if let Some(sub) = &shape.sub {
        claims.insert("sub".into(), json!(sub));
    }
    for (name, value) in &shape.extra {
        claims.insert(name.clone(), json!(value));
    }
    Value::Object(claims).to_string().into_bytes()
}

fn secret(secret: Secret) -> Vec<u8> {
    let key = &*PUBLIC_KEY;
    match secret {
        Secret::SpkiPem => key.spki_pem.clone().into_bytes(),
        Secret::Pkcs1Pem => key.pkcs1_pem.clone().into_bytes(),
        Secret::SpkiDer => key.spki_der.clone(),
        Secret::Modulus => key.n.clone().into_bytes(),
        Secret::Jwk => key.jwk.clone().into_bytes(),
        Secret::Kid => SANDBOX_KID.as_bytes().to_vec(),
        Secret::Empty => Vec::new(),
    }
}

fn signature(signature: &Signature, input: &str) -> String {
    match signature {
        Signature::Empty => String::new(),
        Signature::Bytes(bytes) => URL_SAFE_NO_PAD.encode(bytes),
        Signature::Huge(n) => "A".repeat((usize::from(*n % 8) + 1) * 16 * 1024),
        Signature::Hmac(which, alg) => {
            let alg = match alg {
                HmacAlg::Hs256 => Algorithm::HS256,
                HmacAlg::Hs384 => Algorithm::HS384,
                HmacAlg::Hs512 => Algorithm::HS512,
            };
            let key = EncodingKey::from_secret(&secret(*which));
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, alg).expect("HMAC cannot fail")
        }
        Signature::Transplanted(n) => genuine(*n).rsplit('.').next().unwrap().to_owned(),
        Signature::Text(text) => text.clone(),
    }
}

fn genuine(n: u8) -> &'static str {
    GENUINE[usize::from(n) % GENUINE.len()]
}

impl Token {
    fn build(&self) -> String {
        let header_json = header_bytes(&self.header);
        let claims_json = claims_bytes(&self.claims);
        let (header, payload) = match self.damage {
            Damage::StandardBase64 => {
                (STANDARD.encode(&header_json), STANDARD.encode(&claims_json))
            }
            _ => (
                URL_SAFE_NO_PAD.encode(&header_json),
                URL_SAFE_NO_PAD.encode(&claims_json),
            ),
        };
        let input = format!("{header}.{payload}");
        let signature = signature(&self.signature, &input);
        let jwt = format!("{input}.{signature}");
        match &self.damage {
            Damage::None | Damage::StandardBase64 => jwt,
            Damage::Padded(n) => {
                let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
                let at = usize::from(*n) % parts.len();
                parts[at].push_str(&"=".repeat(usize::from(*n) % 3 + 1));
                parts.join(".")
            }
            Damage::ExtraSegment => format!("{jwt}.e30"),
            Damage::TrailingDot => format!("{jwt}."),
            Damage::LeadingDot => format!(".{jwt}"),
            Damage::WithoutSignature => input,
            Damage::Whitespace => format!(" {jwt}\n"),
            Damage::Insert(at, c) => {
                let mut chars: Vec<char> = jwt.chars().collect();
                chars.insert(usize::from(*at) % (chars.len() + 1), *c);
                chars.into_iter().collect()
            }
            Damage::Spliced(n, keep_header) => {
                let original: Vec<&str> = genuine(*n).split('.').collect();
                if *keep_header {
                    format!("{}.{payload}.{}", original[0], original[2])
                } else {
                    format!("{header}.{}.{}", original[1], original[2])
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let jwt = if mode % 2 == 0 {
        // Raw: the rest of the input is the token (the seeds hold genuine sandbox JWTs).
        String::from_utf8_lossy(rest).into_owned()
    } else {
        match Token::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(token) => token.build(),
            Err(_) => return,
        }
    };
    let tokens = SessionTokens::new(OPAQUE, jwt.as_str());
    match VERIFIER.check(Some(&tokens)) {
        JwtCheck::Valid(claims) => panic!("a JWT nobody here could sign verified: {claims:?}"),
        JwtCheck::TryRefresh(reason) => {
            assert!(
                !reason.contains(OPAQUE),
                "the reason quotes the session token"
            );
            assert_quotes_no_token("the reason", &reason, jwt.as_bytes());
        }
        JwtCheck::Unauthorised => panic!("Unauthorised although tokens were given"),
    }
});
