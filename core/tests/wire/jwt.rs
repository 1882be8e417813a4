//! Local JWT checks (SPEC J1, J2): reading `exp` without verification, and full RS256
//! verification against a cached JWKS. Tokens are minted with the sandbox's signing key; the
//! clock is a `ManualClock`, so nothing depends on the time the tests run.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use proptest::prelude::*;
use serde_json::{Value, json};
use sessionkit::SessionTokens;
use sessionkit::jwt::{JwtCheck, JwtError, JwtVerifier, read_expiry};
use sessionkit::testing::ManualClock;
use sessionkit_sandbox::jwt::{KID, jwk, public_key_components, sign, signing_key_pem};

/// 2026-01-01T00:00:00Z, in seconds.
const NOW: i64 = 1_767_225_600;
const PROJECT: &str = "project-test-11111111-2222-3333-4444-555555555555";

fn jwks() -> String {
    json!({ "keys": [jwk()], "request_id": "request-id-test-1", "status_code": 200 }).to_string()
}

fn clock_at(seconds: i64) -> Arc<ManualClock> {
    Arc::new(ManualClock::at_millis(seconds * 1000))
}

/// A verifier at `NOW` with the sandbox key cached.
fn verifier() -> JwtVerifier {
    let verifier = JwtVerifier::new(clock_at(NOW));
    verifier.set_jwks(&jwks()).unwrap();
    verifier
}

/// Stytch-shaped claims minted at `NOW`, expiring at `exp`.
fn claims_expiring(exp: i64) -> Value {
    json!({
        "sub": "user-test-1",
        "iss": format!("stytch.com/{PROJECT}"),
        "aud": [PROJECT],
        "iat": NOW,
        "nbf": NOW,
        "exp": exp,
        "https://stytch.com/session": {
            "id": "session-test-1",
            "started_at": "2026-01-01T00:00:00Z",
            "last_accessed_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-01-01T01:00:00Z",
            "attributes": {"ip_address": "", "user_agent": ""},
            "authentication_factors": [],
            "roles": ["stytch_user"],
        },
    })
}

fn tokens(jwt: &str) -> SessionTokens {
    SessionTokens::new("opaque-session-token", jwt)
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `claims` with the sandbox key under `header`.
fn sign_with(header: &Header, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(signing_key_pem().as_bytes()).unwrap();
    jsonwebtoken::encode(header, claims, &key).unwrap()
}

/// Asserts `jwt` answers "try refresh" and returns the reason, which must not quote the
/// token or any of its segments.
fn assert_try_refresh(verifier: &JwtVerifier, jwt: &str) -> String {
    match verifier.check(Some(&tokens(jwt))) {
        JwtCheck::TryRefresh(reason) => {
            // Short inputs ("a", "...") may occur in any sentence; real tokens cannot.
            assert!(
                jwt.len() <= 8 || !reason.contains(jwt),
                "reason quotes the token"
            );
            for segment in jwt.split('.').filter(|segment| segment.len() > 8) {
                assert!(!reason.contains(segment), "reason quotes the token");
            }
            assert!(!reason.contains("opaque-session-token"));
            reason
        }
        other => panic!("expected TryRefresh, got {other:?}"),
    }
}

fn assert_valid(verifier: &JwtVerifier, jwt: &str) -> sessionkit::jwt::VerifiedSession {
    match verifier.check(Some(&tokens(jwt))) {
        JwtCheck::Valid(claims) => *claims,
        other => panic!("expected Valid, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// J2: verification
// ---------------------------------------------------------------------------------------

#[test]
fn j2_valid_token_is_valid_with_its_claims() {
    let verifier = verifier();
    let check = verifier.check(Some(&tokens(&sign(&claims_expiring(NOW + 300)))));
    assert!(check.is_valid());
    let session = check.session().unwrap();
    assert_eq!(session.user_id, "user-test-1");
    assert_eq!(session.session_id, "session-test-1");
    assert_eq!(
        session.issuer.as_deref(),
        Some(format!("stytch.com/{PROJECT}").as_str())
    );
    assert_eq!(session.audience, vec![PROJECT]);
    assert_eq!(session.jwt_expires_at.timestamp(), NOW + 300);
    assert_eq!(session.issued_at.unwrap().timestamp(), NOW);
    assert_eq!(session.not_before.unwrap().timestamp(), NOW);
    assert_eq!(session.expires_at.to_rfc3339(), "2026-01-01T01:00:00+00:00");
    assert_eq!(
        serde_json::Value::Object(session.claims()),
        claims_expiring(NOW + 300)
    );
}

#[test]
fn j2_no_tokens_is_unauthorised() {
    assert_eq!(verifier().check(None), JwtCheck::Unauthorised);
    // Even without keys: there is nothing to refresh.
    assert_eq!(
        JwtVerifier::new(clock_at(NOW)).check(None),
        JwtCheck::Unauthorised
    );
}

#[test]
fn j2_no_keys_cached_is_try_refresh() {
    let verifier = JwtVerifier::new(clock_at(NOW));
    assert!(!verifier.has_keys());
    let reason = assert_try_refresh(&verifier, &sign(&claims_expiring(NOW + 300)));
    assert_eq!(reason, JwtVerifier::REASON_NO_KEYS);
    assert!(reason.contains("no keys"));
}

#[test]
fn j2_expired_beyond_leeway_is_try_refresh() {
    let verifier = verifier();
    let reason = assert_try_refresh(&verifier, &sign(&claims_expiring(NOW - 61)));
    assert!(reason.contains("expired"), "{reason}");
    // The boundary: exactly exp + 60 s is already too late.
    assert_try_refresh(&verifier, &sign(&claims_expiring(NOW - 60)));
}

#[test]
fn j2_expired_within_leeway_is_valid() {
    let verifier = verifier();
    assert_valid(&verifier, &sign(&claims_expiring(NOW - 30)));
    assert_valid(&verifier, &sign(&claims_expiring(NOW - 59)));
}

#[test]
fn j2_expiry_follows_the_injected_clock() {
    let clock = clock_at(NOW);
    let verifier = JwtVerifier::new(clock.clone());
    verifier.set_jwks(&jwks()).unwrap();
    let jwt = sign(&claims_expiring(NOW + 300));
    assert_valid(&verifier, &jwt);
    clock.advance_millis((300 + 59) * 1000);
    assert_valid(&verifier, &jwt);
    clock.advance_millis(1000);
    assert_try_refresh(&verifier, &jwt);
    // A token from the real "now" is judged on the manual clock: far in the past here.
    let past = JwtVerifier::new(clock_at(1_000_000));
    past.set_jwks(&jwks()).unwrap();
    assert_try_refresh(&past, &jwt);
}

#[test]
fn j2_leeway_is_configurable() {
    let verifier = JwtVerifier::new(clock_at(NOW)).with_leeway(Duration::ZERO);
    verifier.set_jwks(&jwks()).unwrap();
    assert_try_refresh(&verifier, &sign(&claims_expiring(NOW)));
    assert_try_refresh(&verifier, &sign(&claims_expiring(NOW - 1)));
    assert_valid(&verifier, &sign(&claims_expiring(NOW + 1)));
}

#[test]
fn j2_nbf_in_the_future_is_try_refresh() {
    let verifier = verifier();
    let mut claims = claims_expiring(NOW + 600);
    claims["nbf"] = json!(NOW + 61);
    let reason = assert_try_refresh(&verifier, &sign(&claims));
    assert!(reason.contains("nbf"), "{reason}");
    // Within the leeway it is accepted (clock skew).
    claims["nbf"] = json!(NOW + 30);
    assert_valid(&verifier, &sign(&claims));
    // A non-numeric nbf is not ignored.
    claims["nbf"] = json!("soon");
    assert_try_refresh(&verifier, &sign(&claims));
}

#[test]
fn j2_missing_or_invalid_exp_is_try_refresh() {
    let verifier = verifier();
    let mut claims = claims_expiring(NOW + 300);
    claims.as_object_mut().unwrap().remove("exp");
    assert_try_refresh(&verifier, &sign(&claims));
    claims["exp"] = json!("tomorrow");
    assert_try_refresh(&verifier, &sign(&claims));
    claims["exp"] = json!(-5);
    assert_try_refresh(&verifier, &sign(&claims));
    claims["exp"] = json!(1e300);
    // Absurd but well-formed: far future. Must not overflow.
    let _ = verifier.check(Some(&tokens(&sign(&claims))));
}

#[test]
fn j2_fractional_exp_is_accepted() {
    let verifier = verifier();
    let mut claims = claims_expiring(0);
    claims["exp"] = json!(NOW as f64 + 120.5);
    assert_valid(&verifier, &sign(&claims));
}

#[test]
fn j2_tampered_payload_is_try_refresh() {
    let verifier = verifier();
    let jwt = sign(&claims_expiring(NOW + 300));
    let segments: Vec<&str> = jwt.split('.').collect();
    let mut forged = claims_expiring(NOW + 300);
    forged["sub"] = json!("user-test-attacker");
    let tampered = format!(
        "{}.{}.{}",
        segments[0],
        b64(forged.to_string()),
        segments[2]
    );
    let reason = assert_try_refresh(&verifier, &tampered);
    assert!(reason.contains("signature"), "{reason}");
}

#[test]
fn j2_tampered_signature_is_try_refresh() {
    let verifier = verifier();
    let jwt = sign(&claims_expiring(NOW + 300));
    let (message, signature) = jwt.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[10] ^= 0x01;
    assert_try_refresh(&verifier, &format!("{message}.{}", b64(&bytes)));
    // A truncated signature and an empty one.
    assert_try_refresh(&verifier, &format!("{message}.{}", b64(&bytes[..64])));
    assert_try_refresh(&verifier, &format!("{message}."));
}

#[test]
fn j2_alg_none_is_try_refresh() {
    let verifier = verifier();
    let payload = b64(claims_expiring(NOW + 300).to_string());
    for alg in ["none", "None", "NONE", ""] {
        let header = b64(json!({"alg": alg, "typ": "JWT", "kid": KID}).to_string());
        let reason = assert_try_refresh(&verifier, &format!("{header}.{payload}."));
        assert!(reason.contains("algorithm"), "{reason}");
        // With the genuine signature of another token attached.
        let genuine = sign(&claims_expiring(NOW + 300));
        let signature = genuine.rsplit_once('.').unwrap().1;
        assert_try_refresh(&verifier, &format!("{header}.{payload}.{signature}"));
    }
    // No alg at all.
    let header = b64(json!({"typ": "JWT", "kid": KID}).to_string());
    assert_try_refresh(&verifier, &format!("{header}.{payload}.c2ln"));
}

#[test]
fn j2_hs256_signed_with_the_public_key_is_try_refresh() {
    let verifier = verifier();
    let (n, e) = public_key_components();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(KID.to_owned());
    // Whatever form of the public key an attacker uses as the HMAC secret.
    let secrets: Vec<Vec<u8>> = vec![
        n.as_bytes().to_vec(),
        URL_SAFE_NO_PAD.decode(n).unwrap(),
        jwk().to_string().into_bytes(),
        format!("{n}.{e}").into_bytes(),
    ];
    for secret in secrets {
        let jwt = jsonwebtoken::encode(
            &header,
            &claims_expiring(NOW + 300),
            &EncodingKey::from_secret(&secret),
        )
        .unwrap();
        let reason = assert_try_refresh(&verifier, &jwt);
        assert!(reason.contains("algorithm"), "{reason}");
    }
}

#[test]
fn j2_rs384_and_other_algorithms_are_try_refresh() {
    let verifier = verifier();
    for alg in [Algorithm::RS384, Algorithm::RS512, Algorithm::PS256] {
        let mut header = Header::new(alg);
        header.kid = Some(KID.to_owned());
        let jwt = sign_with(&header, &claims_expiring(NOW + 300));
        let reason = assert_try_refresh(&verifier, &jwt);
        assert!(reason.contains("algorithm"), "{alg:?}: {reason}");
    }
    // An RS256 signature relabelled as another algorithm, and the reverse.
    let payload = b64(claims_expiring(NOW + 300).to_string());
    for alg in ["ES256", "EdDSA", "HS512", "RS256 "] {
        let header = b64(json!({"alg": alg, "kid": KID}).to_string());
        assert_try_refresh(&verifier, &format!("{header}.{payload}.c2ln"));
    }
}

#[test]
fn j2_missing_kid_is_try_refresh() {
    let verifier = verifier();
    let jwt = sign_with(&Header::new(Algorithm::RS256), &claims_expiring(NOW + 300));
    let reason = assert_try_refresh(&verifier, &jwt);
    assert!(reason.contains("kid"), "{reason}");
}

#[test]
fn j2_unknown_kid_is_try_refresh_saying_keys_may_have_rotated() {
    let verifier = verifier();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("jwk-test-rotated-away".to_owned());
    let jwt = sign_with(&header, &claims_expiring(NOW + 300));
    let reason = assert_try_refresh(&verifier, &jwt);
    assert_eq!(reason, JwtVerifier::REASON_UNKNOWN_KID);
    assert!(reason.contains("rotated"));
}

#[test]
fn j2_critical_header_extensions_are_try_refresh() {
    let verifier = verifier();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    header.crit = Some(vec!["exp".to_owned()]);
    assert_try_refresh(&verifier, &sign_with(&header, &claims_expiring(NOW + 300)));
}

#[test]
fn j2_oversized_token_is_try_refresh_without_decoding() {
    let verifier = verifier();
    let mut claims = claims_expiring(NOW + 300);
    claims["padding"] = json!("x".repeat(20 * 1024));
    let reason = assert_try_refresh(&verifier, &sign(&claims));
    assert!(reason.contains("too large"), "{reason}");
    let huge = format!("{}.{}.{}", "a".repeat(1 << 20), "b".repeat(1 << 20), "c");
    assert_try_refresh(&verifier, &huge);
}

#[test]
fn j2_malformed_tokens_are_try_refresh() {
    let verifier = verifier();
    let jwt = sign(&claims_expiring(NOW + 300));
    let header = jwt.split('.').next().unwrap();
    for bad in [
        "a",
        "a.b",
        "a.b.c.d",
        "...",
        "!!!.???.***",
        &format!("{jwt}.extra"),
        &format!("{header}.!!!.c2ln"),
        &format!("{header}.{}.c2ln", b64("not json")),
        &format!("{header}.{}.c2ln", b64("[1,2,3]")),
        &format!("{}.e30.c2ln", b64("{\"alg\":\"RS256\",\"kid\":42}")),
        &format!("{}.e30.c2ln", b64("{\"alg\":\"RS256\"")),
        &format!("{}.e30.c2ln", b64([0xff, 0xfe, 0x00])),
    ] {
        assert_try_refresh(&verifier, bad);
    }
    // An empty JWT is not "no tokens": refreshing may repair it.
    assert!(matches!(
        verifier.check(Some(&tokens(""))),
        JwtCheck::TryRefresh(_)
    ));
}

#[test]
fn j2_issuer_and_audience_are_checked_when_configured() {
    let verifier = JwtVerifier::for_project(clock_at(NOW), PROJECT);
    verifier.set_jwks(&jwks()).unwrap();
    assert_valid(&verifier, &sign(&claims_expiring(NOW + 300)));

    let other = JwtVerifier::for_project(clock_at(NOW), "project-test-other");
    other.set_jwks(&jwks()).unwrap();
    let reason = assert_try_refresh(&other, &sign(&claims_expiring(NOW + 300)));
    assert!(reason.contains("issuer"), "{reason}");

    let mut claims = claims_expiring(NOW + 300);
    claims["aud"] = json!(["project-test-other"]);
    let reason = assert_try_refresh(&verifier, &sign(&claims));
    assert!(reason.contains("audience"), "{reason}");
    // A single-string audience is accepted too.
    claims["aud"] = json!(PROJECT);
    assert_valid(&verifier, &sign(&claims));
    // Required when configured.
    claims.as_object_mut().unwrap().remove("aud");
    assert_try_refresh(&verifier, &sign(&claims));
    let mut claims = claims_expiring(NOW + 300);
    claims.as_object_mut().unwrap().remove("iss");
    assert_try_refresh(&verifier, &sign(&claims));

    // Unconfigured, any issuer and audience pass.
    let mut claims = claims_expiring(NOW + 300);
    claims["iss"] = json!("somewhere.else");
    claims["aud"] = json!(["someone-else"]);
    assert_valid(&self::verifier(), &sign(&claims));
}

#[test]
fn j2_jwks_with_no_rsa_key_is_an_error_and_keeps_previous_keys() {
    let verifier = verifier();
    let jwt = sign(&claims_expiring(NOW + 300));
    assert_valid(&verifier, &jwt);
    let (n, e) = public_key_components();
    for unusable in [
        json!({"keys": []}).to_string(),
        json!({"keys": [{"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}]})
            .to_string(),
        json!({"keys": [{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}]}).to_string(),
        // RSA, but not for RS256 signatures, or without a kid.
        json!({"keys": [{"kty": "RSA", "kid": "enc", "n": n, "e": e, "use": "enc"}]}).to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "rs384", "n": n, "e": e, "alg": "RS384"}]})
            .to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "ops", "n": n, "e": e, "key_ops": ["encrypt"]}]})
            .to_string(),
        json!({"keys": [{"kty": "RSA", "n": n, "e": e, "alg": "RS256"}]}).to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "", "n": n, "e": e}]}).to_string(),
        // RSA with unusable parameters.
        json!({"keys": [{"kty": "RSA", "kid": "short", "n": b64([0xc5; 128]), "e": e}]})
            .to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "bad-n", "n": "!!", "e": e}]}).to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "e-one", "n": n, "e": b64([1])}]}).to_string(),
        json!({"keys": [{"kty": "RSA", "kid": "no-e", "n": n}]}).to_string(),
        // Not a JWKS at all.
        "not json".to_owned(),
        "{}".to_owned(),
        json!({"keys": {"kty": "RSA"}}).to_string(),
        "[]".to_owned(),
        String::new(),
    ] {
        let error = verifier.set_jwks(&unusable).unwrap_err();
        assert!(matches!(error, JwtError::Jwks(_)), "{error:?}");
        assert_eq!(verifier.key_ids(), vec![KID.to_owned()]);
        assert_valid(&verifier, &jwt);
    }
    // A fresh verifier stays without keys.
    let fresh = JwtVerifier::new(clock_at(NOW));
    assert!(fresh.set_jwks(r#"{"keys": []}"#).is_err());
    assert!(!fresh.has_keys());
}

#[test]
fn j2_jwks_keeps_only_rsa_signature_keys_among_others() {
    let (n, e) = public_key_components();
    let document = json!({
        "keys": [
            {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "AA", "y": "AA", "alg": "ES256"},
            {"kty": "RSA", "kid": "enc-1", "n": n, "e": e, "use": "enc"},
            "not an object",
            {"kty": "RSA", "kid": "padded", "n": format!("{n}=="), "e": format!("{e}=")},
            jwk(),
            {"kty": "RSA", "kid": "bare", "n": n, "e": e},
        ],
    });
    let verifier = JwtVerifier::new(clock_at(NOW));
    verifier.set_jwks(&document.to_string()).unwrap();
    assert!(verifier.has_keys());
    assert_eq!(verifier.key_ids(), vec!["bare", KID, "padded"]);
    assert_valid(&verifier, &sign(&claims_expiring(NOW + 300)));
}

#[test]
fn j2_a_new_jwks_replaces_the_keys() {
    let verifier = verifier();
    let jwt = sign(&claims_expiring(NOW + 300));
    let (n, e) = public_key_components();
    let rotated = json!({"keys": [{"kty": "RSA", "kid": "jwk-test-next", "n": n, "e": e}]});
    verifier.set_jwks(&rotated.to_string()).unwrap();
    assert_eq!(verifier.key_ids(), vec!["jwk-test-next"]);
    assert_eq!(
        assert_try_refresh(&verifier, &jwt),
        JwtVerifier::REASON_UNKNOWN_KID
    );
    verifier.set_jwks(&jwks()).unwrap();
    assert_valid(&verifier, &jwt);
}

#[test]
fn j2_a_key_under_the_right_kid_but_the_wrong_modulus_is_try_refresh() {
    let (_, e) = public_key_components();
    let mut other_modulus = vec![0xc5_u8; 256];
    other_modulus[255] |= 1;
    let impostor = json!({"keys": [{"kty": "RSA", "kid": KID, "n": b64(&other_modulus), "e": e}]});
    let verifier = JwtVerifier::new(clock_at(NOW));
    verifier.set_jwks(&impostor.to_string()).unwrap();
    assert_try_refresh(&verifier, &sign(&claims_expiring(NOW + 300)));
}

#[test]
fn j2_checks_run_while_keys_are_swapped() {
    let verifier = Arc::new(verifier());
    let jwt = sign(&claims_expiring(NOW + 300));
    let (n, e) = public_key_components();
    let rotated = json!({"keys": [{"kty": "RSA", "kid": "jwk-test-next", "n": n, "e": e}]});
    let writer = {
        let verifier = verifier.clone();
        std::thread::spawn(move || {
            for round in 0..50 {
                let document = if round % 2 == 0 {
                    rotated.to_string()
                } else {
                    jwks()
                };
                verifier.set_jwks(&document).unwrap();
            }
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let verifier = verifier.clone();
            let jwt = jwt.clone();
            std::thread::spawn(move || {
                for _ in 0..20 {
                    match verifier.check(Some(&tokens(&jwt))) {
                        JwtCheck::Valid(_) => {}
                        JwtCheck::TryRefresh(reason) => {
                            assert_eq!(reason, JwtVerifier::REASON_UNKNOWN_KID)
                        }
                        JwtCheck::Unauthorised => panic!("tokens were given"),
                    }
                }
            })
        })
        .collect();
    writer.join().unwrap();
    for reader in readers {
        reader.join().unwrap();
    }
    assert!(verifier.has_keys());
}

#[test]
fn j2_debug_shows_no_key_material() {
    let verifier = verifier();
    let debug = format!("{verifier:?}");
    let (n, _) = public_key_components();
    assert!(debug.contains(KID));
    assert!(!debug.contains(&n[..32]));
}

#[tokio::test]
async fn j2_sandbox_session_jwt_verifies_against_sandbox_jwks() {
    let sandbox = sessionkit_sandbox::Sandbox::start().await.unwrap();
    let signed_in = sandbox
        .sign_in("jwt-test@example.com", "correct horse battery staple")
        .await;
    let clock = Arc::new(ManualClock::at(sandbox.now()));
    let verifier = JwtVerifier::for_project(clock.clone(), sandbox.project_id());
    verifier.set_jwks(&sandbox.jwks().to_string()).unwrap();
    let tokens = SessionTokens::new(&signed_in.session_token, &signed_in.session_jwt);
    let session = match verifier.check(Some(&tokens)) {
        JwtCheck::Valid(session) => session,
        other => panic!("expected Valid, got {other:?}"),
    };
    assert_eq!(session.user_id, signed_in.user_id());
    assert_eq!(session.session_id, signed_in.session_id());
    // Five minutes later, plus the leeway, the JWT has lapsed: refresh.
    clock.advance_millis((5 * 60 + 61) * 1000);
    assert!(matches!(
        verifier.check(Some(&tokens)),
        JwtCheck::TryRefresh(_)
    ));
    sandbox.shutdown();
}

fn arbitrary_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(b64),
        "[A-Za-z0-9_=+/-]{0,64}",
        Just(b64(json!({"alg": "RS256", "kid": KID}).to_string())),
        any_json().prop_map(|value| b64(value.to_string())),
    ]
}

/// Arbitrary JSON values, shallow enough to generate quickly.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        ".{0,16}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("exp".to_owned()),
                    Just("nbf".to_owned()),
                    Just("alg".to_owned()),
                    Just("kid".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn j2_arbitrary_strings_never_panic(jwt in ".{0,400}") {
        let verifier = verifier();
        prop_assert!(!matches!(verifier.check(Some(&tokens(&jwt))), JwtCheck::Valid(_)));
    }

    #[test]
    fn j2_arbitrary_base64url_segments_never_panic(
        segments in proptest::collection::vec(arbitrary_segment(), 0..5),
    ) {
        let verifier = verifier();
        let jwt = segments.join(".");
        prop_assert!(!matches!(verifier.check(Some(&tokens(&jwt))), JwtCheck::Valid(_)));
    }

    #[test]
    fn j2_arbitrary_signed_claims_never_panic(claims in any_json(), offset in -1000_i64..1000) {
        // Correctly signed, arbitrary payload: must answer, never panic.
        let verifier = JwtVerifier::for_project(clock_at(NOW + offset), PROJECT);
        verifier.set_jwks(&jwks()).unwrap();
        let _ = verifier.check(Some(&tokens(&sign(&claims))));
    }

    #[test]
    fn j2_arbitrary_jwks_never_panics(document in any_json(), text in ".{0,200}") {
        let verifier = verifier();
        let _ = verifier.set_jwks(&document.to_string());
        let _ = verifier.set_jwks(&json!({"keys": [document]}).to_string());
        let _ = verifier.set_jwks(&text);
        prop_assert!(verifier.has_keys());
    }
}

// ---------------------------------------------------------------------------------------
// J1: reading exp without verification
// ---------------------------------------------------------------------------------------

#[test]
fn j1_exp_is_read_without_verification() {
    let jwt = sign(&claims_expiring(NOW + 300));
    assert_eq!(read_expiry(&jwt).unwrap().timestamp(), NOW + 300);
    // Not verified: a forged signature still yields the (untrusted) expiry.
    let (message, _) = jwt.rsplit_once('.').unwrap();
    assert_eq!(
        read_expiry(&format!("{message}.Zm9yZ2Vk"))
            .unwrap()
            .timestamp(),
        NOW + 300
    );
    let unsigned = format!("e30.{}.", b64(json!({"exp": NOW}).to_string()));
    assert_eq!(read_expiry(&unsigned).unwrap().timestamp(), NOW);
}

#[test]
fn j1_garbage_is_malformed() {
    for garbage in [
        "",
        "a",
        "a.b",
        "a.b.c.d",
        "e30.!!!.c2ln",
        &format!("e30.{}.c2ln", b64("not json")),
        &format!("e30.{}.c2ln", "A".repeat(64 * 1024)),
    ] {
        assert!(
            matches!(read_expiry(garbage), Err(JwtError::Malformed(_))),
            "{garbage:.20}"
        );
    }
}

#[test]
fn j1_missing_or_unusable_exp_is_a_claim_error() {
    for claims in [
        json!({"sub": "user-test-1"}),
        json!({"exp": null}),
        json!({"exp": 1.5e300}),
        json!({"exp": i64::MAX}),
    ] {
        let jwt = format!("e30.{}.c2ln", b64(claims.to_string()));
        assert!(
            matches!(read_expiry(&jwt), Err(JwtError::Claim(_))),
            "{claims}"
        );
    }
}

#[test]
fn j1_non_numeric_exp_is_an_error() {
    let jwt = format!("e30.{}.c2ln", b64(json!({"exp": "tomorrow"}).to_string()));
    assert!(read_expiry(&jwt).is_err());
}

#[test]
fn j1_errors_never_quote_the_token() {
    let jwt = format!("e30.{}.c2ln", b64(json!({"secret": "sk"}).to_string()));
    let message = read_expiry(&jwt).unwrap_err().to_string();
    assert!(!message.contains(&jwt) && !message.contains("c2ln"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn j1_read_expiry_never_panics(jwt in ".{0,400}") {
        let _ = read_expiry(&jwt);
    }

    #[test]
    fn j1_read_expiry_of_arbitrary_segments_never_panics(
        segments in proptest::collection::vec(arbitrary_segment(), 0..5),
    ) {
        let _ = read_expiry(&segments.join("."));
    }

    #[test]
    fn j1_read_expiry_reads_any_sane_exp(exp in 0_i64..253_402_300_799) {
        let jwt = format!("e30.{}.c2ln", b64(json!({"exp": exp}).to_string()));
        prop_assert_eq!(read_expiry(&jwt).unwrap().timestamp(), exp);
    }
}
