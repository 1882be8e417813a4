//! One authenticate round trip against the embedded sandbox over loopback, and a local JWT
//! check with cached keys (J2) against its floor: a bare `ring` RS256 verification of the same
//! token (split, base64-decode the signature, verify). Target: `check_jwt` within 1.2x of the
//! floor; the last line prints both from interleaved timed loops, and a check that cannot
//! reuse the previous call's parsed claims (two tokens alternating), which is what the
//! first check after each refresh costs.
//!
//! Run: `cargo bench -p sessionkit --bench network`

use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use sessionkit::jwt::JwtVerifier;
use sessionkit::transport::StytchConfig;
use sessionkit::{MemoryStore, SessionClient, SessionTokens, SystemClock};
use sessionkit_sandbox::Sandbox;

fn network(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (sandbox, client) = runtime.block_on(async {
        let sandbox = Sandbox::start().await.unwrap();
        let signed_in = sandbox.sign_in("bench@example.com", "bench-password").await;
        let client = SessionClient::builder()
            .store(MemoryStore::new())
            .stytch(
                StytchConfig::new(sandbox.public_token())
                    .with_base_url(sandbox.base_url())
                    .with_project_id(sandbox.project_id()),
            )
            .runtime(tokio::runtime::Handle::current())
            .manual_refresh()
            .build()
            .unwrap();
        client
            .update_session(&signed_in.session_token, &signed_in.session_jwt)
            .await
            .unwrap();
        client.authenticate(None).await.unwrap();
        client.refresh_jwks().await.unwrap();
        (sandbox, client)
    });

    c.bench_function(
        "authenticate round trip (loopback sandbox, persist, announce)",
        |b| b.iter(|| runtime.block_on(client.authenticate(None)).unwrap()),
    );
    let jwt = client.get_tokens().unwrap().session_jwt().to_owned();
    let (n, e) = sessionkit_sandbox::jwt::public_key_components();
    let (n, e) = (
        URL_SAFE_NO_PAD.decode(n).unwrap(),
        URL_SAFE_NO_PAD.decode(e).unwrap(),
    );
    let bare_ring = || {
        let (signed, signature) = jwt.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        RsaPublicKeyComponents { n: &n, e: &e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
            .is_ok()
    };
    c.bench_function("check_jwt (RS256, cached JWKS, no I/O)", |b| {
        b.iter(|| assert!(client.check_jwt().is_valid()))
    });
    c.bench_function(
        "floor: bare ring RS256 verification of the same token",
        |b| b.iter(|| assert!(bare_ring())),
    );

    // Two genuine tokens of the same session, alternating, so no call finds its claims
    // already parsed.
    let mut claims: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    claims["bench_variant"] = serde_json::json!(2);
    let alternating = [
        SessionTokens::new("bench-token", jwt.clone()),
        SessionTokens::new("bench-token", sessionkit_sandbox::jwt::sign(&claims)),
    ];
    let verifier = JwtVerifier::for_project(std::sync::Arc::new(SystemClock), sandbox.project_id());
    verifier.set_jwks(&sandbox.jwks().to_string()).unwrap();
    assert!(
        alternating
            .iter()
            .all(|t| verifier.check(Some(t)).is_valid())
    );

    const CALLS: u32 = 2_000;
    let (mut best_check, mut best_ring, mut best_fresh) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..15 {
        let started = Instant::now();
        for _ in 0..CALLS {
            assert!(std::hint::black_box(client.check_jwt()).is_valid());
        }
        best_check = best_check.min(started.elapsed().as_nanos() as f64 / f64::from(CALLS));
        let started = Instant::now();
        for _ in 0..CALLS {
            assert!(std::hint::black_box(bare_ring()));
        }
        best_ring = best_ring.min(started.elapsed().as_nanos() as f64 / f64::from(CALLS));
        let started = Instant::now();
        for call in 0..CALLS {
            let tokens = &alternating[call as usize % 2];
            assert!(std::hint::black_box(verifier.check(Some(tokens))).is_valid());
        }
        best_fresh = best_fresh.min(started.elapsed().as_nanos() as f64 / f64::from(CALLS));
    }
    println!(
        "check_jwt: {:.1} us, floor (bare ring RS256): {:.1} us, ratio: {:.2}; \
         a new token each call: {:.1} us, ratio: {:.2}",
        best_check / 1000.0,
        best_ring / 1000.0,
        best_check / best_ring,
        best_fresh / 1000.0,
        best_fresh / best_ring
    );
    drop(client);
    drop(sandbox);
}

criterion_group!(benches, network);
criterion_main!(benches);
