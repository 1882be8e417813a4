//! Hostile encrypted session files (SPEC P2, E5): libFuzzer's bytes go to
//! `EncryptedFileStore::open` under a fixed key.
//!
//! Proves: no panic; anything but an intact sealed file is `Corrupted` (AES-GCM cannot be
//! forged, so the only bytes that may open are the sealed seed, which the target knows);
//! refusals never quote the bytes.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sessionkit::{EncryptedFileStore, FileStoreKey, StoreError};
use sessionkit_fuzz::assert_quotes_no_token;

/// The key the seed `corpus/session_file/sealed_envelope_v1` was sealed with.
const KEY: [u8; 32] = [9; 32];
/// That seed: `core/tests/fixtures/envelope_v1.json` sealed under [`KEY`].
const SEALED: &[u8] = include_bytes!("../corpus/session_file/sealed_envelope_v1");
const PLAINTEXT: &[u8] = include_bytes!("../../tests/fixtures/envelope_v1.json");

static STORE: LazyLock<EncryptedFileStore> = LazyLock::new(|| {
    // `open` reads no file: the path is never touched.
    EncryptedFileStore::new("/nonexistent/session.bin", FileStoreKey::from_bytes(KEY))
});

fuzz_target!(|data: &[u8]| {
    match STORE.open(data) {
        Ok(opened) => {
            assert_eq!(data, SEALED, "bytes other than the sealed seed opened");
            assert_eq!(&opened[..], PLAINTEXT);
        }
        Err(StoreError::Corrupted { detail }) => {
            assert_ne!(data, SEALED, "the intact sealed seed was refused: {detail}");
            assert_quotes_no_token("a store error", &detail, data);
        }
        Err(other) => panic!("not Corrupted: {other:?}"),
    }
});
