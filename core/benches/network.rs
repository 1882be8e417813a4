//! One authenticate round trip against the embedded sandbox over loopback, and a local JWT
//! verification with cached keys (J2).
//!
//! Run: `cargo bench -p sessionkit --bench network`

use criterion::{Criterion, criterion_group, criterion_main};
use sessionkit::transport::StytchConfig;
use sessionkit::{MemoryStore, SessionClient};
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
            .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
            .unwrap();
        client.authenticate(None).await.unwrap();
        client.refresh_jwks().await.unwrap();
        (sandbox, client)
    });

    c.bench_function(
        "authenticate round trip (loopback sandbox, persist, announce)",
        |b| b.iter(|| runtime.block_on(client.authenticate(None)).unwrap()),
    );
    c.bench_function("check_jwt (RS256, cached JWKS, no I/O)", |b| {
        b.iter(|| assert!(client.check_jwt().is_valid()))
    });
    drop(client);
    drop(sandbox);
}

criterion_group!(benches, network);
criterion_main!(benches);
