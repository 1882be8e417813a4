//! Cold start: building a client that restores a realistic session from the encrypted file
//! store (read, AES-256-GCM open, envelope decode). Target: under 1 ms.
//!
//! Run: `cargo bench -p sessionkit --bench storage`

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use sessionkit::{EncryptedFileStore, FileStoreKey, RestoreOutcome, SessionClient, SessionStore};

fn cold_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.bin");
    let key = FileStoreKey::generate();
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/stytch/sessions_authenticate_200.json"
    ))
    .unwrap();
    let mut session = fixture["data"]["session"].clone();
    session["expires_at"] = json!("2099-01-01T00:00:00Z");
    let envelope = json!({
        "format": 1, "session_token": "bench-token", "session_jwt": "bench.jwt.value",
        "session": session, "last_validated_at": "2026-01-01T00:00:00Z",
    });
    EncryptedFileStore::new(&path, key.clone())
        .save(&serde_json::to_vec(&envelope).unwrap())
        .unwrap();

    c.bench_function("cold load from the encrypted file store", |b| {
        b.iter(|| {
            let client = SessionClient::builder()
                .store(EncryptedFileStore::new(&path, key.clone()))
                .build()
                .unwrap();
            assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
            std::hint::black_box(client.get_sync())
        })
    });
}

criterion_group!(benches, cold_load);
criterion_main!(benches);
