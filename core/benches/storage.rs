//! Cold start: what an app pays at launch before it can draw its first screen. The client is
//! built the way an app builds it (the encrypted file store holding a realistic session in
//! the current envelope format, the Stytch transport, the engine's own runtime), then the
//! first `get_sync` answers. Target: at most 2 ms.
//!
//! Measured in the same run, so the last line can say what dominates: reading and opening
//! the file, decoding the envelope, building the transport (its TLS setup, which reads the
//! system trust store on Linux, waits for the first request) and the rest (starting the
//! runtime and the scheduler, the first read).
//!
//! Run: `cargo bench -p sessionkit --bench storage`

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use sessionkit::transport::{StytchConfig, StytchTransport};
use sessionkit::{
    EncryptedFileStore, FileStoreKey, RestoreOutcome, SessionClient, SessionStore, test_support,
};

mod common;

fn stytch_config() -> StytchConfig {
    // The test environment's real host: nothing is sent (the session is fresh, so the
    // scheduler's first deadline is minutes away), but TLS is set up as for a real app.
    StytchConfig::new("public-token-test-00000000-0000-0000-0000-000000000000")
}

fn cold_start(path: &Path, key: &FileStoreKey) -> SessionClient {
    let transport = StytchTransport::new(stytch_config()).expect("transport");
    let client = SessionClient::builder()
        .store(EncryptedFileStore::new(path, key.clone()))
        .transport(std::sync::Arc::new(transport))
        .project_id("project-test-00000000-0000-0000-0000-000000000000")
        .build()
        .expect("client");
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    assert!(std::hint::black_box(client.get_sync()).is_some());
    client
}

fn cold(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.bin");
    let key = FileStoreKey::generate();
    let now = chrono::Utc::now();
    let mut session = serde_json::to_value(common::realistic_session()).unwrap();
    session["last_accessed_at"] = json!(now);
    let envelope = json!({
        "format": test_support::ENVELOPE_FORMAT,
        "session_token": "bench-token-0123456789abcdef0123456789abcdef",
        "session_jwt": "bench.jwt.value",
        "session": session,
        "last_validated_at": now,
        "clock_offset_millis": 1200,
    });
    let plaintext = serde_json::to_vec(&envelope).unwrap();
    let store = EncryptedFileStore::new(&path, key.clone());
    store.save(&plaintext).unwrap();
    test_support::decode_envelope(&plaintext).expect("a current envelope");

    c.bench_function(
        "cold start: file store, transport, client, first get_sync",
        |b| b.iter(|| cold_start(&path, &key)),
    );
    c.bench_function("  part: read and open the session file", |b| {
        b.iter(|| std::hint::black_box(store.load().unwrap()))
    });
    c.bench_function("  part: decode the envelope", |b| {
        b.iter(|| std::hint::black_box(test_support::decode_envelope(&plaintext).unwrap()))
    });
    c.bench_function(
        "  part: build the transport (TLS waits for the first request)",
        |b| b.iter(|| std::hint::black_box(StytchTransport::new(stytch_config()).unwrap())),
    );

    // One line from the same run: the best of several timed rounds of each.
    let best = |f: &mut dyn FnMut()| {
        (0..30)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .min()
            .unwrap_or(Duration::MAX)
    };
    let total = best(&mut || drop(cold_start(&path, &key)));
    let file = best(&mut || drop(store.load().unwrap()));
    let decode = best(&mut || drop(test_support::decode_envelope(&plaintext).unwrap()));
    let transport = best(&mut || drop(StytchTransport::new(stytch_config()).unwrap()));
    let rest = total.saturating_sub(file + decode + transport);
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "cold start: {:.2} ms (target 2 ms): file read+open {:.0} us, envelope decode {:.0} us, \
         transport build {:.0} us, rest (runtime, scheduler, first get_sync) {:.0} us",
        total.as_secs_f64() * 1e3,
        us(file),
        us(decode),
        us(transport),
        us(rest)
    );
}

criterion_group!(benches, cold);
criterion_main!(benches);
