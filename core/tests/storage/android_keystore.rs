//! The Android Keystore store (SPEC P4, E4, E5) on a real desktop JVM.
//!
//! Everything but the Android-only key creation runs here for real: the JNI attachment and
//! local frames, `javax.crypto.Cipher` in AES/GCM, the exception sorting and the file. The
//! keystore is a software stand-in (`android_keystore/java/.../SoftwareKeyStore.java`) that
//! keeps keys for the life of the JVM, as AndroidKeyStore keeps them across app restarts, and
//! fails on request the way a device's keystore does.
//!
//! Run: `cargo test -p sessionkit --features android-keystore --test android_keystore`
//! (`JAVA_HOME` picks the JDK; without it, the `java` on `PATH`).

use crate::support;
#[path = "android_keystore/jvm.rs"]
mod jvm;

use std::sync::Arc;

use crate::support::{assert_retry_finds_storage_still_unavailable, at, fixture, record};
use sessionkit::testing::ManualClock;
use sessionkit::{
    AndroidKeystoreStore, KeystoreConfig, RestoreOutcome, SessionClient, SessionError,
    SessionStore, StoreError,
};

const SOFTWARE: &str = "SoftwareKeyStore";
const HEADER_LEN: usize = 5;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A store on the software keystore, under an alias of its own (tests run in parallel and
/// share the JVM's keys), writing into `dir`.
fn store(alias: &str, dir: &tempfile::TempDir) -> AndroidKeystoreStore {
    let config = KeystoreConfig::new(alias, dir.path().join("no_backup/sessionkit.session"))
        .with_keystore_type(SOFTWARE);
    AndroidKeystoreStore::new(jvm::jvm().clone(), config).unwrap()
}

fn file(store: &AndroidKeystoreStore) -> Vec<u8> {
    std::fs::read(store.config().path()).unwrap()
}

fn client_on(store: Arc<dyn SessionStore>) -> SessionClient {
    SessionClient::builder()
        .shared_store(store)
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap()
}

/// The tokens of the Stytch sample response.
fn fixture_tokens() -> (String, String) {
    let body: serde_json::Value =
        serde_json::from_str(&fixture("sessions_authenticate_200.json")).unwrap();
    let data = &body["data"];
    (
        data["session_token"].as_str().unwrap().to_owned(),
        data["session_jwt"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn p4_a_saved_blob_loads_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("round-trip", &dir);
    store.save(b"first envelope").unwrap();
    store.save(b"second envelope").unwrap();
    assert_eq!(
        store.load().unwrap().as_deref(),
        Some(&b"second envelope"[..])
    );
    let empty: &[u8] = b"";
    store.save(empty).unwrap();
    assert_eq!(store.load().unwrap().as_deref(), Some(empty));
}

#[test]
fn p4_every_write_draws_a_fresh_12_byte_iv_and_stores_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("fresh-iv", &dir);
    let plaintext = b"the-plaintext-session-token";
    let mut ivs = std::collections::HashSet::new();
    for _ in 0..20 {
        store.save(plaintext).unwrap();
        let on_disk = file(&store);
        assert_eq!(&on_disk[..HEADER_LEN], b"SKKS\x01");
        assert_eq!(
            on_disk.len(),
            HEADER_LEN + IV_LEN + plaintext.len() + TAG_LEN
        );
        assert!(!on_disk.windows(plaintext.len()).any(|w| w == plaintext));
        ivs.insert(on_disk[HEADER_LEN..HEADER_LEN + IV_LEN].to_vec());
    }
    assert_eq!(ivs.len(), 20, "twenty writes of the same bytes, twenty IVs");
}

#[test]
fn p4_a_new_store_instance_reads_the_session_back_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    store("restart", &dir).save(b"before the restart").unwrap();
    let restarted = store("restart", &dir);
    assert_eq!(
        restarted.load().unwrap().as_deref(),
        Some(&b"before the restart"[..])
    );
}

#[test]
fn p4_a_session_client_restores_its_session_from_the_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let (token, jwt) = fixture_tokens();
    let client = client_on(Arc::new(store("client-restore", &dir)));
    assert_eq!(client.restore_outcome(), RestoreOutcome::Empty);
    client
        .update_session_blocking(token.clone(), jwt.clone())
        .unwrap();
    drop(client);

    let restarted = client_on(Arc::new(store("client-restore", &dir)));
    assert_eq!(restarted.restore_outcome(), RestoreOutcome::Restored);
    let tokens = restarted.get_tokens().expect("the session came back");
    assert_eq!(tokens.session_token(), token);
    assert_eq!(tokens.session_jwt(), jwt);
}

#[test]
fn p4_load_with_no_file_and_no_key_is_no_session_and_makes_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("never-saved", &dir);
    assert_eq!(store.load().unwrap(), None);
    assert!(!jvm::has_key("never-saved"), "a load never creates the key");
    store.save(b"x").unwrap();
    assert!(jvm::has_key("never-saved"), "the first save does");
}

#[test]
fn p4_clear_removes_the_file_and_clearing_twice_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("clear", &dir);
    store.save(b"signed in").unwrap();
    store.clear().unwrap();
    assert!(!store.config().path().exists());
    assert_eq!(store.load().unwrap(), None);
    store.clear().unwrap();
}

fn assert_corrupted(result: Result<Option<Vec<u8>>, StoreError>, what: &str) -> String {
    match result {
        Err(StoreError::Corrupted { detail }) => detail,
        other => panic!("{what}: expected Corrupted, got {other:?}"),
    }
}

#[test]
fn e5_a_flipped_byte_anywhere_after_the_header_fails_the_tag() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("flipped", &dir);
    store.save(b"authentic envelope").unwrap();
    let original = file(&store);
    for at in HEADER_LEN..original.len() {
        let mut altered = original.clone();
        altered[at] ^= 0x01;
        std::fs::write(store.config().path(), &altered).unwrap();
        let detail = assert_corrupted(store.load(), &format!("byte {at} flipped"));
        assert!(
            detail.contains("javax.crypto.AEADBadTagException"),
            "{detail}"
        );
    }
    std::fs::write(store.config().path(), &original).unwrap();
    assert!(store.load().unwrap().is_some(), "the original still opens");
}

#[test]
fn e5_a_blob_sealed_under_another_alias_fails_the_tag() {
    let dir = tempfile::tempdir().unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let first = store("alias-a", &dir);
    first.save(b"for alias a").unwrap();
    let second = store("alias-b", &other_dir);
    second.save(b"for alias b").unwrap();
    std::fs::copy(first.config().path(), second.config().path()).unwrap();
    assert_corrupted(second.load(), "a blob of another alias");
}

#[test]
fn e5_a_truncated_blob_is_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("truncated", &dir);
    store.save(b"whole envelope").unwrap();
    let whole = file(&store);
    for len in 0..whole.len() {
        std::fs::write(store.config().path(), &whole[..len]).unwrap();
        assert_corrupted(store.load(), &format!("cut to {len} bytes"));
    }
}

#[test]
fn e5_an_unknown_format_version_is_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("future-format", &dir);
    store.save(b"envelope").unwrap();
    let mut future = file(&store);
    future[4] = 2;
    std::fs::write(store.config().path(), &future).unwrap();
    let detail = assert_corrupted(store.load(), "format 2");
    assert!(detail.contains("unknown format"), "{detail}");
}

#[test]
fn e5_a_blob_whose_key_is_gone_is_corrupted_wiped_and_the_next_save_makes_a_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let (token, jwt) = fixture_tokens();
    let store = Arc::new(store("backup-restore", &dir));
    client_on(store.clone())
        .update_session_blocking(token.clone(), jwt.clone())
        .unwrap();

    // A backup brought the file back onto a device whose keystore never held the key.
    jvm::lose_key("backup-restore");
    let detail = assert_corrupted(store.load(), "a blob without its key");
    assert!(detail.contains("no key"), "{detail}");

    let client = client_on(store.clone());
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Corrupted { .. }
    ));
    assert!(client.get_tokens().is_none(), "signed out, not crashed");
    assert!(!store.config().path().exists(), "the dead blob is wiped");

    client.update_session_blocking(token.clone(), jwt).unwrap();
    assert!(jvm::has_key("backup-restore"), "a new key was made");
    let restarted = client_on(store);
    assert_eq!(restarted.restore_outcome(), RestoreOutcome::Restored);
    assert_eq!(restarted.get_tokens().unwrap().session_token(), token);
}

#[test]
fn e5_a_permanently_invalidated_key_is_corrupted_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("invalidated", &dir);
    store.save(b"sealed under the old key").unwrap();
    jvm::break_key(
        "invalidated",
        "android.security.keystore.KeyPermanentlyInvalidatedException",
    );
    let detail = assert_corrupted(store.load(), "an invalidated key");
    assert!(
        detail.contains("KeyPermanentlyInvalidatedException"),
        "{detail}"
    );
    assert!(!jvm::has_key("invalidated"), "the dead key was deleted");

    store.save(b"sealed under a new key").unwrap();
    assert_eq!(
        store.load().unwrap().as_deref(),
        Some(&b"sealed under a new key"[..])
    );
}

#[test]
fn e5_a_save_that_meets_an_invalidated_key_seals_under_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("invalidated-on-save", &dir);
    store.save(b"old").unwrap();
    jvm::break_key(
        "invalidated-on-save",
        "android.security.keystore.KeyPermanentlyInvalidatedException",
    );
    store.save(b"new").unwrap();
    assert_eq!(store.load().unwrap().as_deref(), Some(&b"new"[..]));
}

#[test]
fn e4_a_transient_provider_error_is_unavailable_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("transient", &dir);
    store.save(b"kept").unwrap();
    let before = file(&store);

    jvm::set_unavailable("transient", true);
    match store.load() {
        Err(StoreError::Unavailable { detail }) => {
            assert!(
                detail.contains("java.security.ProviderException"),
                "{detail}"
            )
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(matches!(
        store.save(b"newer"),
        Err(StoreError::Unavailable { .. })
    ));
    assert_eq!(file(&store), before, "nothing was written or wiped");
    assert!(jvm::has_key("transient"), "the key was not touched");

    jvm::set_unavailable("transient", false);
    assert_eq!(store.load().unwrap().as_deref(), Some(&b"kept"[..]));
}

#[test]
fn e4_a_key_that_needs_the_user_to_authenticate_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let store = store("not-authenticated", &dir);
    store.save(b"kept").unwrap();
    jvm::break_key(
        "not-authenticated",
        "android.security.keystore.UserNotAuthenticatedException",
    );
    assert!(matches!(store.load(), Err(StoreError::Unavailable { .. })));
    assert!(jvm::has_key("not-authenticated"), "the key is kept");
    assert!(store.config().path().exists(), "the blob is kept");
}

#[test]
fn e4_the_engine_keeps_the_session_through_a_keystore_outage_and_writes_it_later() {
    let dir = tempfile::tempdir().unwrap();
    let (token, jwt) = fixture_tokens();
    let store = Arc::new(store("engine-outage", &dir));
    client_on(store.clone())
        .update_session_blocking(token.clone(), jwt.clone())
        .unwrap();

    // Start-up during the outage: not a sign-out, nothing wiped, retried on request.
    jvm::set_unavailable("engine-outage", true);
    let client = client_on(store.clone());
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Unavailable { .. }
    ));
    assert!(store.config().path().exists(), "nothing was wiped");
    let (_handle, events) = record(&client);
    assert_retry_finds_storage_still_unavailable(&client, &events);
    jvm::set_unavailable("engine-outage", false);
    client.storage_became_available_blocking().unwrap();
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    assert_eq!(client.get_tokens().unwrap().session_token(), token);

    // Tokens rotated during an outage are kept in memory and written once storage is back.
    jvm::set_unavailable("engine-outage", true);
    client
        .update_session_blocking("rotated-token", "rotated.jwt.s")
        .unwrap();
    assert_eq!(
        client.get_tokens().unwrap().session_token(),
        "rotated-token"
    );
    jvm::set_unavailable("engine-outage", false);
    client.storage_became_available_blocking().unwrap();
    let restarted = client_on(store);
    assert_eq!(
        restarted.get_tokens().unwrap().session_token(),
        "rotated-token"
    );
}

#[test]
fn a_misconfigured_keystore_type_is_a_failure_not_an_outage() {
    let dir = tempfile::tempdir().unwrap();
    let config = KeystoreConfig::new("misconfigured", dir.path().join("s"))
        .with_keystore_type("NoSuchKeyStoreType");
    let store = AndroidKeystoreStore::new(jvm::jvm().clone(), config).unwrap();
    match store.save(b"x") {
        Err(StoreError::Failed { detail }) => {
            assert!(
                detail.contains("java.security.KeyStoreException"),
                "{detail}"
            )
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn e6_no_error_from_the_keystore_store_carries_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (token, jwt) = fixture_tokens();
    let envelope = support::envelope_v1(None, &token, &jwt);
    let store = store("no-token-in-errors", &dir);
    let mut errors = Vec::new();

    store.save(&envelope).unwrap();
    let mut flipped = file(&store);
    *flipped.last_mut().unwrap() ^= 1;
    std::fs::write(store.config().path(), &flipped).unwrap();
    errors.push(store.load().unwrap_err());

    jvm::set_unavailable("no-token-in-errors", true);
    errors.push(store.save(&envelope).unwrap_err());
    errors.push(store.load().unwrap_err());
    jvm::set_unavailable("no-token-in-errors", false);

    store.save(&envelope).unwrap();
    jvm::break_key(
        "no-token-in-errors",
        "android.security.keystore.KeyPermanentlyInvalidatedException",
    );
    errors.push(store.load().unwrap_err());

    store.save(&envelope).unwrap();
    jvm::lose_key("no-token-in-errors");
    errors.push(store.load().unwrap_err());

    assert_eq!(errors.len(), 5);
    for error in errors {
        let shown = format!("{error} {error:?} {}", SessionError::from(error.clone()));
        assert!(!shown.contains(&token), "token in {shown}");
        assert!(!shown.contains(&jwt), "JWT in {shown}");
    }
    assert!(!format!("{store:?}").contains(&token));
}

/// Every call runs in a local frame popped on return. If references leaked instead, each of
/// these saves would pin its 256 KiB plaintext and ciphertext arrays on this long-lived
/// thread, and the JVM's 128 MiB heap would run out after a few hundred.
#[test]
fn no_local_reference_outlives_a_call() {
    const SAVES: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let store = store("local-refs", &dir);
    let blob = vec![0x5a; 256 * 1024];
    jvm::with_env(|_| Ok(())); // attach this thread for good, like an engine thread
    for i in 0..SAVES {
        store
            .save(&blob)
            .unwrap_or_else(|e| panic!("save {i} of {SAVES}: {e}"));
    }
    assert_eq!(store.load().unwrap().as_deref(), Some(&blob[..]));
}

#[test]
fn calls_from_many_threads_each_attach_and_succeed() {
    const THREADS: usize = 8;
    const ROUNDS: usize = 25;
    let dir = tempfile::tempdir().unwrap();
    let shared = Arc::new(store("shared-by-threads", &dir));
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let own_dir = tempfile::tempdir().unwrap();
                let own = store(&format!("thread-{thread}"), &own_dir);
                for round in 0..ROUNDS {
                    let blob = format!("thread {thread} round {round}").into_bytes();
                    own.save(&blob).unwrap();
                    assert_eq!(own.load().unwrap().as_deref(), Some(&blob[..]));
                    shared.save(&blob).unwrap();
                    let seen = shared.load().unwrap().expect("some thread's blob");
                    assert!(seen.starts_with(b"thread "), "a whole blob");
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a thread failed");
    }
}
