//! Storage: SPEC P1, P2, M4, E4, E5.

use crate::support;
use std::sync::Arc;

use crate::support::{
    Mode, ScriptedStore, assert_retry_finds_storage_still_unavailable, at, envelope_v1, next_event,
    record, sample_session,
};
use proptest::prelude::*;
use sessionkit::testing::ManualClock;
use sessionkit::{
    EncryptedFileStore, FileStoreKey, MemoryStore, RestoreOutcome, SessionClient, SessionError,
    SessionEvent, SessionStore, StorageIssue, StoreError,
};

fn file_store(dir: &tempfile::TempDir, key: &FileStoreKey) -> EncryptedFileStore {
    EncryptedFileStore::new(dir.path().join("nested/session.bin"), key.clone())
}

fn client_on(store: Arc<dyn SessionStore>) -> SessionClient {
    SessionClient::builder()
        .shared_store(store)
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap()
}

#[test]
fn p1_file_store_round_trips_and_clears() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir, &FileStoreKey::generate());
    assert_eq!(store.load().unwrap(), None, "an absent file is no session");
    store.save(b"first").unwrap();
    store.save(b"second").unwrap();
    assert_eq!(store.load().unwrap().as_deref(), Some(&b"second"[..]));
    store.clear().unwrap();
    assert_eq!(store.load().unwrap(), None);
    store.clear().unwrap();
}

#[test]
fn p1_file_store_encrypts_with_a_fresh_nonce_per_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir, &FileStoreKey::generate());
    store.save(b"the-plaintext-token").unwrap();
    let first = std::fs::read(store.path()).unwrap();
    store.save(b"the-plaintext-token").unwrap();
    let second = std::fs::read(store.path()).unwrap();
    assert_ne!(first, second, "same plaintext, different ciphertext");
    assert_ne!(first[5..17], second[5..17], "different nonces");
    let plaintext = b"the-plaintext-token";
    assert!(!first.windows(plaintext.len()).any(|w| w == plaintext));
}

#[test]
fn p2_a_crash_before_the_rename_leaves_the_old_state_whole() {
    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let store = file_store(&dir, &key);
    store.save(b"old state").unwrap();
    // A crash mid-write leaves a partial temporary file beside the real one.
    let sealed_new = store.seal(b"new state").unwrap();
    let torn = dir.path().join("nested/.tmpTORN");
    std::fs::write(&torn, &sealed_new[..sealed_new.len() / 2]).unwrap();

    let reopened = file_store(&dir, &key);
    assert_eq!(reopened.load().unwrap().as_deref(), Some(&b"old state"[..]));
    reopened.save(b"new state").unwrap();
    assert_eq!(reopened.load().unwrap().as_deref(), Some(&b"new state"[..]));
}

#[test]
fn p2_every_write_replaces_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let store = file_store(&dir, &key);
    for i in 0..50 {
        let blob = format!("state {i} {}", "x".repeat(i * 37));
        store.save(blob.as_bytes()).unwrap();
        let on_disk = std::fs::read(store.path()).unwrap();
        assert_eq!(&*store.open(&on_disk).unwrap(), blob.as_bytes());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["session.bin"], "no temporary files remain");
}

#[test]
fn e5_a_blob_under_another_key_is_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    file_store(&dir, &FileStoreKey::generate())
        .save(b"secret")
        .unwrap();
    let other = file_store(&dir, &FileStoreKey::generate());
    assert!(matches!(other.load(), Err(StoreError::Corrupted { .. })));
}

#[test]
fn e5_truncated_altered_and_future_format_files_are_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let store = file_store(&dir, &key);
    let sealed = store.seal(b"state").unwrap();

    let mut altered = sealed.clone();
    *altered.last_mut().unwrap() ^= 1;
    let mut future = sealed.clone();
    future[4] = 2;
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("header only", sealed[..5].to_vec()),
        ("truncated", sealed[..sealed.len() - 1].to_vec()),
        ("altered", altered),
        ("future format", future),
        ("foreign", b"not a session file at all".to_vec()),
    ] {
        assert!(
            matches!(store.open(&bytes), Err(StoreError::Corrupted { .. })),
            "{what}"
        );
    }
}

#[test]
fn e5_corrupt_file_is_wiped_reported_once_and_the_engine_starts_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let store = Arc::new(file_store(&dir, &key));
    std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    std::fs::write(store.path(), b"SKFS\x01garbage-garbage-garbage-garbage").unwrap();

    let client = client_on(store.clone());
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Corrupted { .. }
    ));
    assert!(client.get_sync().is_none());
    assert!(client.get_tokens().is_none());
    assert!(!store.path().exists(), "the corrupt blob is wiped");

    // A restart afterwards finds a clean, empty store: reported once, not forever.
    let again = client_on(store);
    assert_eq!(again.restore_outcome(), RestoreOutcome::Empty);
}

#[test]
fn e5_undecodable_and_future_envelopes_are_wiped() {
    for (what, blob) in [
        ("not json", b"\x00\x01binary".to_vec()),
        (
            "no format",
            br#"{"session_token":"t","session_jwt":"j"}"#.to_vec(),
        ),
        (
            "future format",
            br#"{"format":99,"session_token":"t","session_jwt":"j"}"#.to_vec(),
        ),
        ("missing tokens", br#"{"format":1,"session":null}"#.to_vec()),
    ] {
        let store = support::store_holding(&blob);
        let client = client_on(store.clone());
        match client.restore_outcome() {
            RestoreOutcome::Corrupted { detail } => {
                assert!(!detail.contains("\"t\""), "{what}: detail quotes input")
            }
            other => panic!("{what}: expected Corrupted, got {other:?}"),
        }
        assert_eq!(store.load().unwrap(), None, "{what}: wiped");
        assert!(client.get_tokens().is_none());
    }
}

#[test]
fn e5_corruption_found_when_storage_comes_back_is_announced() {
    let store = ScriptedStore::new();
    store.set(Mode::Unavailable);
    let client = client_on(store.clone());
    let (_handle, events) = record(&client);
    store.set(Mode::Corrupted);
    client.storage_became_available_blocking().unwrap();
    assert!(matches!(
        next_event(&events),
        SessionEvent::Storage(StorageIssue::Corrupted { .. })
    ));
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Corrupted { .. }
    ));
}

#[test]
fn m4_a_format_1_envelope_from_an_older_release_is_read() {
    let golden = include_bytes!("../fixtures/envelope_v1.json");
    let client = client_on(support::store_holding(golden));
    assert_restored_the_golden_session(&client);
    assert_eq!(
        client.server_clock_offset_millis(),
        None,
        "format 1 knew no offset"
    );
}

/// What every frozen envelope sample holds, field by field.
fn assert_restored_the_golden_session(client: &SessionClient) {
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    let session = client.get_sync().expect("restored");
    assert_eq!(session.session_id, "session-test-golden");
    assert_eq!(session.custom_claims["tier"], "gold");
    let tokens = client.get_tokens().unwrap();
    assert_eq!(tokens.session_token(), "golden-opaque-token");
    assert_eq!(tokens.session_jwt(), "golden.jwt.value");
    assert!(client.get_info().from_cache);
}

/// Format 2, the current one (format 1 plus the server-time offset, R5), as this release
/// writes it. Frozen: never regenerate it, it stands for blobs already on users' devices.
#[test]
fn m4_a_format_2_envelope_is_read_with_its_server_time_offset() {
    let golden = include_bytes!("../fixtures/envelope_v2.json");
    let clock = Arc::new(ManualClock::at(at("2026-06-01T00:00:00Z")));
    let client = SessionClient::builder()
        .shared_store(support::store_holding(golden))
        .shared_clock(clock)
        .build()
        .unwrap();
    assert_restored_the_golden_session(&client);
    // The offset came back: the server's clock is an hour and half a second behind.
    assert_eq!(
        client.server_clock_offset_millis(),
        Some(-3_600_500),
        "R5: the stored offset is in use"
    );
}

/// A session file written by an earlier release (format 1, sealed with the RustCrypto
/// `aes-gcm` crate; here frozen, made with Python's `cryptography` AESGCM) opens with
/// today's cipher and restores the session inside. Never regenerate this sample: it stands
/// for files already on users' disks.
#[test]
fn p1_files_of_the_earlier_cipher_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(
        &dir,
        &FileStoreKey::from_bytes(std::array::from_fn(|i| i as u8)),
    );
    std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    std::fs::write(
        store.path(),
        include_bytes!("../fixtures/session_file_v1.bin"),
    )
    .unwrap();
    assert_eq!(
        store.load().unwrap().as_deref(),
        Some(&include_bytes!("../fixtures/envelope_v1.json")[..])
    );
    let client = client_on(Arc::new(store));
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    assert_eq!(client.get_sync().unwrap().session_id, "session-test-golden");
}

#[test]
fn e4_unavailable_storage_at_start_is_not_a_sign_out_and_is_retried() {
    let session = sample_session(at("2099-01-01T00:00:00Z"));
    let store = ScriptedStore::new();
    store
        .save(&envelope_v1(Some(&session), "tok", "h.jwt.s"))
        .unwrap();
    store.set(Mode::Unavailable);

    let client = client_on(store.clone());
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Unavailable { .. }
    ));
    assert!(client.get_sync().is_none());
    assert!(store.holds().is_some(), "nothing was wiped");

    let (_handle, events) = record(&client);
    assert_retry_finds_storage_still_unavailable(&client, &events);
    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    assert_eq!(client.get_sync().as_deref(), Some(&session));
    match next_event(&events) {
        SessionEvent::Changed(change) => {
            assert_eq!(change.cause, sessionkit::ChangeCause::Restored)
        }
        other => panic!("expected the restore, got {other:?}"),
    }
}

#[test]
fn e4_tokens_hydrated_while_storage_is_down_are_kept_and_written_later() {
    let store = ScriptedStore::new();
    store.set(Mode::Unavailable);
    let client = client_on(store.clone());
    client
        .update_session_blocking("new-token", "new.jwt.s")
        .unwrap();
    assert_eq!(client.get_tokens().unwrap().session_token(), "new-token");
    assert!(store.holds().is_none());

    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    let restarted = client_on(store);
    assert_eq!(restarted.get_tokens().unwrap().session_token(), "new-token");
}

#[test]
fn p1_a_panicking_store_is_an_error_not_a_crash() {
    struct PanickingStore;
    impl SessionStore for PanickingStore {
        fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
            panic!("store bug")
        }
        fn save(&self, _: &[u8]) -> Result<(), StoreError> {
            panic!("store bug")
        }
        fn clear(&self) -> Result<(), StoreError> {
            panic!("store bug")
        }
    }
    let client = client_on(Arc::new(PanickingStore));
    // E7: a store that panics will not get better by waiting.
    assert!(matches!(
        client.restore_outcome(),
        RestoreOutcome::Failed { .. }
    ));
    client.update_session_blocking("t", "h.j.s").unwrap();
    assert_eq!(client.get_tokens().unwrap().session_token(), "t");
    assert!(matches!(
        client.clear_blocking(),
        Err(SessionError::StorageFailed { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn e5_arbitrary_bytes_never_panic_the_file_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(&dir, &FileStoreKey::from_bytes([7; 32]));
        prop_assert!(store.open(&bytes).is_err());
        let mut with_header = b"SKFS\x01".to_vec();
        with_header.extend_from_slice(&bytes);
        prop_assert!(store.open(&with_header).is_err());
    }

    #[test]
    fn e5_arbitrary_plaintext_never_panics_the_envelope_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let client = client_on(support::store_holding(&bytes));
        let corrupted = matches!(client.restore_outcome(), RestoreOutcome::Corrupted { .. });
        prop_assert!(corrupted);
    }
}

mod round_trip {
    use super::*;

    use support::strategies;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn p1_arbitrary_sessions_round_trip_through_the_file_store(mut session in strategies::session()) {
            session.expires_at = at("2099-01-01T00:00:00Z");
            let dir = tempfile::tempdir().unwrap();
            let key = FileStoreKey::generate();
            let store = Arc::new(file_store(&dir, &key));
            store.save(&envelope_v1(Some(&session), "tok", "h.jwt.s")).unwrap();

            let client = client_on(store.clone());
            let restored = client.get_sync();
            prop_assert_eq!(restored.as_deref(), Some(&session));
            // Written back by this version, read again by a fresh engine.
            client.update_session_blocking("tok2", "h.jwt2.s").unwrap();
            client.clear_blocking().unwrap();
            prop_assert!(!store.path().exists());
        }
    }
}

#[test]
fn p1_memory_store_debug_shows_no_content() {
    let store = MemoryStore::new();
    store.save(b"token-bytes").unwrap();
    assert!(!format!("{store:?}").contains("token"));
}

#[test]
fn e7_a_store_path_whose_parent_is_a_file_is_a_failure_not_an_outage() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("a-file");
    std::fs::write(&not_a_dir, b"in the way").unwrap();
    let store = EncryptedFileStore::new(not_a_dir.join("session.bin"), FileStoreKey::generate());
    let client = client_on(Arc::new(store));
    // E7, not E4: the read failure is said once, as a failure; nothing waits for storage.
    assert!(
        matches!(client.restore_outcome(), RestoreOutcome::Failed { .. }),
        "{:?}",
        client.restore_outcome()
    );
    let (_handle, events) = record(&client);
    client.update_session_blocking("t", "h.j.s").unwrap();
    assert!(matches!(next_event(&events), SessionEvent::Changed(_)));
    assert!(matches!(
        next_event(&events),
        SessionEvent::Storage(StorageIssue::WriteFailed { .. })
    ));
    assert!(matches!(
        client.storage_became_available_blocking(),
        Err(SessionError::StorageFailed { .. })
    ));
    assert_eq!(
        client.get_tokens().unwrap().session_token(),
        "t",
        "kept in memory"
    );
}
