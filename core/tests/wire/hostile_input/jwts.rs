//! Hostile session JWTs, each with what a correct verifier must answer.
//!
//! A token is built from a header, a payload and a signature chosen from the attacks a JWT
//! verifier must withstand (`alg: none`, HS256 keyed with the RS256 public key, RS384, an
//! attacker's key embedded in the header, missing or unknown `kid`, duplicate members,
//! non-JSON headers, huge segments, bad base64, extra segments), then optionally damaged as
//! a whole. The generator knows which tokens are genuine: signed with RS256 by the sandbox
//! key under its `kid`, intact, with usable claims. Only those may ever verify.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use proptest::prelude::*;
use proptest::sample::Index;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use sessionkit::test_support;
use sessionkit_sandbox::jwt::{KID, public_key_components, signing_key_pem};

/// 2026-01-01T00:00:00Z, the verifier's clock.
pub const NOW: i64 = 1_767_225_600;
pub const PROJECT: &str = "project-test-11111111-2222-3333-4444-555555555555";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Header {
    Rs256,
    Rs256WithoutTyp,
    /// RS256 and the right kid, plus an attacker's key offered in `jwk`, `jku` and `x5u`.
    Rs256OfferingAttackerKey,
    Rs256WithoutKid,
    Rs256UnknownKid,
    Rs256KidNumber,
    Rs256KidNull,
    Rs256KidEmpty,
    Rs256KidHuge,
    Rs256KidOtherCase,
    Rs256KidWithNul,
    Rs256Critical,
    Alg(&'static str),
    AlgMissing,
    AlgNumber,
    AlgArray,
    DuplicateAlgNoneFirst,
    DuplicateAlgNoneLast,
    DuplicateKid,
    NotJson,
    JsonArray,
    JsonString,
    Empty,
    Utf16,
    Bom,
}

impl Header {
    /// Whether the header asks for exactly what the verifier accepts: RS256 under the
    /// sandbox's kid, unambiguously, with no critical extensions.
    fn acceptable(self) -> bool {
        matches!(
            self,
            Self::Rs256 | Self::Rs256WithoutTyp | Self::Rs256OfferingAttackerKey
        )
    }

    fn bytes(self) -> Vec<u8> {
        let json = |value: Value| value.to_string().into_bytes();
        match self {
            Self::Rs256 => json(json!({"alg": "RS256", "typ": "JWT", "kid": KID})),
            Self::Rs256WithoutTyp => json(json!({"alg": "RS256", "kid": KID})),
            Self::Rs256OfferingAttackerKey => json(json!({
                "alg": "RS256", "typ": "JWT", "kid": KID,
                "jwk": attacker().jwk, "jku": "https://attacker.invalid/jwks.json",
                "x5u": "https://attacker.invalid/cert.pem",
            })),
            Self::Rs256WithoutKid => json(json!({"alg": "RS256", "typ": "JWT"})),
            Self::Rs256UnknownKid => json(json!({"alg": "RS256", "kid": "jwk-test-rotated-away"})),
            Self::Rs256KidNumber => json(json!({"alg": "RS256", "kid": 1})),
            Self::Rs256KidNull => json(json!({"alg": "RS256", "kid": null})),
            Self::Rs256KidEmpty => json(json!({"alg": "RS256", "kid": ""})),
            Self::Rs256KidHuge => json(json!({"alg": "RS256", "kid": "k".repeat(64 * 1024)})),
            Self::Rs256KidOtherCase => json(json!({"alg": "RS256", "kid": KID.to_uppercase()})),
            Self::Rs256KidWithNul => json(json!({"alg": "RS256", "kid": format!("{KID}\u{0}")})),
            Self::Rs256Critical => json(json!({"alg": "RS256", "kid": KID, "crit": ["exp"]})),
            Self::Alg(alg) => json(json!({"alg": alg, "typ": "JWT", "kid": KID})),
            Self::AlgMissing => json(json!({"typ": "JWT", "kid": KID})),
            Self::AlgNumber => json(json!({"alg": 256, "kid": KID})),
            Self::AlgArray => json(json!({"alg": ["RS256"], "kid": KID})),
            Self::DuplicateAlgNoneFirst => {
                format!(r#"{{"alg":"none","alg":"RS256","kid":"{KID}"}}"#).into_bytes()
            }
            Self::DuplicateAlgNoneLast => {
                format!(r#"{{"alg":"RS256","alg":"none","kid":"{KID}"}}"#).into_bytes()
            }
            Self::DuplicateKid => {
                format!(r#"{{"alg":"RS256","kid":"other","kid":"{KID}"}}"#).into_bytes()
            }
            Self::NotJson => b"alg=RS256;kid=sandbox".to_vec(),
            Self::JsonArray => json(json!(["RS256", KID])),
            Self::JsonString => json(json!("RS256")),
            Self::Empty => Vec::new(),
            Self::Utf16 => format!(r#"{{"alg":"RS256","kid":"{KID}"}}"#)
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            Self::Bom => {
                let mut bytes = vec![0xef, 0xbb, 0xbf];
                bytes.extend(json(json!({"alg": "RS256", "kid": KID})));
                bytes
            }
        }
    }
}

fn header() -> impl Strategy<Value = Header> {
    prop_oneof![
        12 => Just(Header::Rs256),
        2 => Just(Header::Rs256WithoutTyp),
        2 => Just(Header::Rs256OfferingAttackerKey),
        1 => Just(Header::Rs256WithoutKid),
        1 => Just(Header::Rs256UnknownKid),
        1 => Just(Header::Rs256KidNumber),
        1 => Just(Header::Rs256KidNull),
        1 => Just(Header::Rs256KidEmpty),
        1 => Just(Header::Rs256KidHuge),
        1 => Just(Header::Rs256KidOtherCase),
        1 => Just(Header::Rs256KidWithNul),
        1 => Just(Header::Rs256Critical),
        6 => prop::sample::select(&test_support::REFUSED_ALGS[..]).prop_map(Header::Alg),
        1 => Just(Header::AlgMissing),
        1 => Just(Header::AlgNumber),
        1 => Just(Header::AlgArray),
        1 => Just(Header::DuplicateAlgNoneFirst),
        1 => Just(Header::DuplicateAlgNoneLast),
        1 => Just(Header::DuplicateKid),
        1 => Just(Header::NotJson),
        1 => Just(Header::JsonArray),
        1 => Just(Header::JsonString),
        1 => Just(Header::Empty),
        1 => Just(Header::Utf16),
        1 => Just(Header::Bom),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Payload {
    Valid,
    ExpiredWithinLeeway,
    Expired,
    NotYetValid,
    NotYetValidWithinLeeway,
    FractionalExp,
    HugeExp,
    U64MaxExp,
    NegativeExp,
    NoExp,
    StringExp,
    NullExp,
    DuplicateExp,
    WrongIssuer,
    WrongAudience,
    ClaimsArray,
    NotJson,
    Empty,
    /// Valid claims padded past the verifier's size bound.
    Padded(usize),
}

impl Payload {
    /// Claims that a correct verifier accepts from a genuine token.
    fn usable(self) -> bool {
        matches!(
            self,
            Self::Valid
                | Self::ExpiredWithinLeeway
                | Self::NotYetValidWithinLeeway
                | Self::FractionalExp
        )
    }

    /// Claims whose validity is arguable but that do not make a forged token valid.
    fn arguable(self) -> bool {
        self.usable() || matches!(self, Self::HugeExp | Self::U64MaxExp | Self::DuplicateExp)
    }

    fn bytes(self) -> Vec<u8> {
        let claims = |exp: Value, nbf: Value| {
            json!({
                "sub": "user-test-1",
                "iss": format!("stytch.com/{PROJECT}"),
                "aud": [PROJECT],
                "iat": NOW,
                "nbf": nbf,
                "exp": exp,
                "https://stytch.com/session": {
                    "id": "session-test-1",
                    "started_at": "2026-01-01T00:00:00Z",
                    "last_accessed_at": "2026-01-01T00:00:00Z",
                    "attributes": {"ip_address": "", "user_agent": ""},
                    "authentication_factors": [],
                    "roles": ["stytch_user"],
                },
            })
        };
        let text = |value: Value| value.to_string().into_bytes();
        let now = json!(NOW);
        match self {
            Self::Valid => text(claims(json!(NOW + 300), now)),
            Self::ExpiredWithinLeeway => text(claims(json!(NOW - 30), now)),
            Self::Expired => text(claims(json!(NOW - 3600), now)),
            Self::NotYetValid => text(claims(json!(NOW + 7200), json!(NOW + 3600))),
            Self::NotYetValidWithinLeeway => text(claims(json!(NOW + 300), json!(NOW + 30))),
            Self::FractionalExp => text(claims(json!(NOW as f64 + 300.5), now)),
            Self::HugeExp => text(claims(json!(1e300), now)),
            Self::U64MaxExp => text(claims(json!(u64::MAX), now)),
            Self::NegativeExp => text(claims(json!(-1), now)),
            Self::NoExp => {
                let mut value = claims(Value::Null, now);
                value.as_object_mut().unwrap().remove("exp");
                text(value)
            }
            Self::StringExp => text(claims(json!((NOW + 300).to_string()), now)),
            Self::NullExp => text(claims(Value::Null, now)),
            Self::DuplicateExp => format!(
                r#"{{"exp":{},"exp":{},"iss":"stytch.com/{PROJECT}","aud":"{PROJECT}"}}"#,
                NOW - 3600,
                NOW + 300
            )
            .into_bytes(),
            Self::WrongIssuer => {
                let mut value = claims(json!(NOW + 300), now);
                value["iss"] = json!("stytch.com/project-test-someone-else");
                text(value)
            }
            Self::WrongAudience => {
                let mut value = claims(json!(NOW + 300), now);
                value["aud"] = json!(["project-test-someone-else"]);
                text(value)
            }
            Self::ClaimsArray => text(json!([NOW + 300])),
            Self::NotJson => b"exp=tomorrow".to_vec(),
            Self::Empty => Vec::new(),
            Self::Padded(len) => {
                let mut value = claims(json!(NOW + 300), now);
                value["padding"] = json!("p".repeat(len));
                text(value)
            }
        }
    }
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        12 => Just(Payload::Valid),
        2 => Just(Payload::ExpiredWithinLeeway),
        2 => Just(Payload::Expired),
        1 => Just(Payload::NotYetValid),
        1 => Just(Payload::NotYetValidWithinLeeway),
        1 => Just(Payload::FractionalExp),
        1 => Just(Payload::HugeExp),
        1 => Just(Payload::U64MaxExp),
        1 => Just(Payload::NegativeExp),
        1 => Just(Payload::NoExp),
        1 => Just(Payload::StringExp),
        1 => Just(Payload::NullExp),
        1 => Just(Payload::DuplicateExp),
        1 => Just(Payload::WrongIssuer),
        1 => Just(Payload::WrongAudience),
        1 => Just(Payload::ClaimsArray),
        1 => Just(Payload::NotJson),
        1 => Just(Payload::Empty),
        1 => prop_oneof![Just(20 * 1024), Just(1 << 20), Just(3 << 20)].prop_map(Payload::Padded),
    ]
}

#[derive(Clone, Debug, PartialEq)]
pub enum Signature {
    /// RS256 by the sandbox key over this token's header and payload.
    Genuine,
    /// The sandbox key, another algorithm.
    SandboxRs384,
    SandboxPs256,
    /// HMAC keyed with the public key (PEM text, DER bytes, the modulus as base64url).
    Hs256PublicPem,
    Hs256PublicDer,
    Hs256Modulus,
    /// RS256 by the attacker's key (the one offered in the header).
    AttackerRs256,
    /// The genuine signature of another token.
    Transplanted,
    Empty,
    Random(Vec<u8>),
    Huge(usize),
    /// The genuine signature in standard base64 with padding.
    GenuineStandardBase64,
    /// The genuine signature with one more character, or one fewer.
    GenuineLonger,
    GenuineShorter,
}

fn signature() -> impl Strategy<Value = Signature> {
    prop_oneof![
        12 => Just(Signature::Genuine),
        1 => Just(Signature::SandboxRs384),
        1 => Just(Signature::SandboxPs256),
        2 => Just(Signature::Hs256PublicPem),
        1 => Just(Signature::Hs256PublicDer),
        1 => Just(Signature::Hs256Modulus),
        2 => Just(Signature::AttackerRs256),
        1 => Just(Signature::Transplanted),
        1 => Just(Signature::Empty),
        2 => prop::collection::vec(any::<u8>(), 0..600).prop_map(Signature::Random),
        1 => prop_oneof![Just(1 << 20), Just(4 << 20)].prop_map(Signature::Huge),
        1 => Just(Signature::GenuineStandardBase64),
        1 => Just(Signature::GenuineLonger),
        1 => Just(Signature::GenuineShorter),
    ]
}

/// Damage to the assembled token.
#[derive(Clone, Debug)]
pub enum Damage {
    None,
    ExtraSegment,
    TrailingDot,
    LeadingDot,
    WithoutSignatureSegment,
    HeaderPadded,
    /// A character outside base64url put into segment `segment` at `at`.
    BadCharacter {
        segment: usize,
        at: Index,
        character: char,
    },
    /// One character of the token with its ASCII case flipped.
    CaseFlip(Index),
    /// A segment replaced by megabytes of base64url.
    HugeSegment {
        segment: usize,
        len: usize,
    },
    Whitespace,
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        20 => Just(Damage::None),
        1 => Just(Damage::ExtraSegment),
        1 => Just(Damage::TrailingDot),
        1 => Just(Damage::LeadingDot),
        1 => Just(Damage::WithoutSignatureSegment),
        1 => Just(Damage::HeaderPadded),
        3 => (0_usize..3, any::<Index>(), prop::sample::select(&['+', '/', '=', '*', ' ', '\n', '%', '\u{e9}', '\u{0}'][..]))
            .prop_map(|(segment, at, character)| Damage::BadCharacter { segment, at, character }),
        3 => any::<Index>().prop_map(Damage::CaseFlip),
        1 => (0_usize..3, prop_oneof![Just(64 * 1024), Just(1 << 20), Just(4 << 20)])
            .prop_map(|(segment, len)| Damage::HugeSegment { segment, len }),
        1 => Just(Damage::Whitespace),
    ]
}

#[derive(Clone, Debug)]
pub struct HostileJwt {
    pub header: Header,
    pub payload: Payload,
    pub signature: Signature,
    pub damage: Damage,
}

pub fn hostile_jwt() -> impl Strategy<Value = HostileJwt> {
    (header(), payload(), signature(), damage()).prop_map(|(header, payload, signature, damage)| {
        HostileJwt {
            header,
            payload,
            signature,
            damage,
        }
    })
}

/// A token and what the verifier may answer for it.
pub struct Built {
    pub jwt: String,
    /// Genuine with claims a correct verifier must accept: these must verify.
    pub must_verify: bool,
    /// Genuine with claims whose acceptance is arguable.
    pub may_verify: bool,
}

impl HostileJwt {
    pub fn build(&self) -> Built {
        let header = URL_SAFE_NO_PAD.encode(self.header.bytes());
        let payload = URL_SAFE_NO_PAD.encode(self.payload.bytes());
        let input = format!("{header}.{payload}");
        let genuine_signature = || sign(&input, Signer::Sandbox(Algorithm::RS256));
        let signature = match &self.signature {
            Signature::Genuine => genuine_signature(),
            Signature::SandboxRs384 => sign(&input, Signer::Sandbox(Algorithm::RS384)),
            Signature::SandboxPs256 => sign(&input, Signer::Sandbox(Algorithm::PS256)),
            Signature::Hs256PublicPem => sign(&input, Signer::Hmac(Secret::PublicPem)),
            Signature::Hs256PublicDer => sign(&input, Signer::Hmac(Secret::PublicDer)),
            Signature::Hs256Modulus => sign(&input, Signer::Hmac(Secret::Modulus)),
            Signature::AttackerRs256 => sign(&input, Signer::Attacker),
            Signature::Transplanted => sign(
                "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9",
                Signer::Sandbox(Algorithm::RS256),
            ),
            Signature::Empty => String::new(),
            Signature::Random(bytes) => URL_SAFE_NO_PAD.encode(bytes),
            Signature::Huge(len) => "A".repeat(*len),
            Signature::GenuineStandardBase64 => {
                STANDARD.encode(URL_SAFE_NO_PAD.decode(genuine_signature()).unwrap())
            }
            Signature::GenuineLonger => format!("{}A", genuine_signature()),
            Signature::GenuineShorter => {
                let mut signature = genuine_signature();
                signature.pop();
                signature
            }
        };
        let intact = format!("{input}.{signature}");
        let jwt = self.damaged(&intact);
        let genuine = jwt == intact
            && self.header.acceptable()
            && (self.signature == Signature::Genuine
                // Standard base64 of a signature without '+', '/' or padding is the same text.
                || signature == genuine_signature());
        let small = jwt.len() <= 16 * 1024;
        // Signed with RS256 by the sandbox key under its kid, intact: the only tokens that may
        // ever verify.
        Built {
            must_verify: genuine && small && self.payload.usable(),
            may_verify: genuine && small && self.payload.arguable(),
            jwt,
        }
    }

    fn damaged(&self, jwt: &str) -> String {
        let mut segments: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        match &self.damage {
            Damage::None => return jwt.to_owned(),
            Damage::ExtraSegment => return format!("{jwt}.e30"),
            Damage::TrailingDot => return format!("{jwt}."),
            Damage::LeadingDot => return format!(".{jwt}"),
            Damage::WithoutSignatureSegment => segments.truncate(2),
            Damage::HeaderPadded => segments[0].push_str("=="),
            Damage::BadCharacter {
                segment,
                at,
                character,
            } => {
                let target = &mut segments[*segment];
                let mut chars: Vec<char> = target.chars().collect();
                chars.insert(at.index(chars.len() + 1), *character);
                *target = chars.into_iter().collect();
            }
            Damage::CaseFlip(at) => {
                let mut chars: Vec<char> = jwt.chars().collect();
                let at = at.index(chars.len());
                let c = chars[at];
                chars[at] = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                return chars.into_iter().collect();
            }
            Damage::HugeSegment { segment, len } => segments[*segment] = "e".repeat(*len),
            Damage::Whitespace => return format!(" {jwt}\n"),
        }
        segments.join(".")
    }
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum Secret {
    PublicPem,
    PublicDer,
    Modulus,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum Signer {
    Sandbox(Algorithm),
    Hmac(Secret),
    Attacker,
}

struct Attacker {
    encoding: EncodingKey,
    jwk: Value,
}

/// A second RSA key, the attacker's, made once per run.
fn attacker() -> &'static Attacker {
    static ATTACKER: LazyLock<Attacker> = LazyLock::new(|| {
        use rsa::traits::PublicKeyParts;
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
            .expect("an RSA key can be generated");
        let pem = private.to_pkcs8_pem(LineEnding::LF).unwrap();
        Attacker {
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            jwk: json!({
                "kty": "RSA", "kid": KID, "alg": "RS256", "use": "sig",
                "n": URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
                "e": URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
            }),
        }
    });
    &ATTACKER
}

fn encoding_key(signer: Signer) -> EncodingKey {
    static PUBLIC: LazyLock<(String, Vec<u8>)> = LazyLock::new(|| {
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(signing_key_pem()).unwrap();
        let public = private.to_public_key();
        (
            public.to_public_key_pem(LineEnding::LF).unwrap(),
            public.to_public_key_der().unwrap().into_vec(),
        )
    });
    match signer {
        Signer::Sandbox(_) => EncodingKey::from_rsa_pem(signing_key_pem().as_bytes()).unwrap(),
        Signer::Hmac(Secret::PublicPem) => EncodingKey::from_secret(PUBLIC.0.as_bytes()),
        Signer::Hmac(Secret::PublicDer) => EncodingKey::from_secret(&PUBLIC.1),
        Signer::Hmac(Secret::Modulus) => {
            EncodingKey::from_secret(public_key_components().0.as_bytes())
        }
        Signer::Attacker => attacker().encoding.clone(),
    }
}

/// Signs `input`; signatures over small inputs are cached, since RSA signing dominates the
/// cost of a case and the headers and payloads come from short lists.
fn sign(input: &str, signer: Signer) -> String {
    static CACHE: LazyLock<Mutex<HashMap<(Signer, String), String>>> =
        LazyLock::new(Mutex::default);
    let cacheable = input.len() <= 4096;
    if cacheable && let Some(hit) = CACHE.lock().unwrap().get(&(signer, input.to_owned())) {
        return hit.clone();
    }
    let algorithm = match signer {
        Signer::Sandbox(algorithm) => algorithm,
        Signer::Hmac(_) => Algorithm::HS256,
        Signer::Attacker => Algorithm::RS256,
    };
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &encoding_key(signer), algorithm)
        .expect("signing cannot fail");
    if cacheable {
        CACHE
            .lock()
            .unwrap()
            .insert((signer, input.to_owned()), signature.clone());
    }
    signature
}
