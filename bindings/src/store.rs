//! Where the session survives a restart, seen from the app (P1): the constructors of the
//! built-in stores, offered through the core's [`ForeignSessionStore`] interface that an app
//! implements in Kotlin or Swift, and the adapters between that interface and the core's
//! [`SessionStore`](sessionkit::SessionStore).

use std::sync::Arc;

use sessionkit::{
    EncryptedFileStore, FileStoreKey, ForeignSessionStore, MemoryStore, SessionError, StoreError,
};

/// A store that keeps the session in memory only: nothing survives the process. For tests
/// and for apps that sign in on every start.
#[uniffi::export]
pub fn memory_store() -> Arc<dyn ForeignSessionStore> {
    Arc::new(BuiltIn(Box::new(MemoryStore::new())))
}

/// A store that keeps the session in one AES-256-GCM encrypted file at `path`, written
/// atomically. `key` must be 32 bytes the app keeps safe elsewhere (on Android, prefer the
/// Keystore-backed store; on iOS, the Keychain).
///
/// `observer`, when given, hears the file's path after every write: each write replaces the
/// file, so per-file attributes (Apple's backup exclusion) must be set again. It never sees
/// the session.
#[uniffi::export(default(observer = None))]
pub fn encrypted_file_store(
    path: String,
    key: Vec<u8>,
    observer: Option<Arc<dyn FileWriteObserver>>,
) -> Result<Arc<dyn ForeignSessionStore>, SessionError> {
    // The key crossed the FFI in a plain buffer: wiped once copied (V8).
    let key = zeroize::Zeroizing::new(key);
    let mut store = EncryptedFileStore::new(path, FileStoreKey::from_slice(&key)?);
    if let Some(observer) = observer {
        store = store.after_write(move |path| {
            // A throwing or panicking observer must not fail a write that succeeded.
            let path = path.to_string_lossy().into_owned();
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                observer.file_written(path)
            }));
        });
    }
    Ok(Arc::new(BuiltIn(Box::new(store))))
}

/// Hears that an encrypted session file was written (replaced) at `path`.
#[uniffi::export(with_foreign)]
pub trait FileWriteObserver: Send + Sync {
    /// Called after every write, on the engine's storage thread; keep it short.
    fn file_written(&self, path: String);
}

/// A store that keeps the session in the Apple Keychain (SPEC P3): one generic-password item
/// of `service` and `account`, in the shared `access_group` when given (so an app extension
/// can use the session too), accessible after first unlock on this device only. Apple
/// platforms only; the Swift wrapper offers it as `.keychain(service:account:accessGroup:)`.
///
/// Throws `InvalidArgument` for an empty service, account or group (checked in the core).
#[cfg(target_vendor = "apple")]
#[uniffi::export]
pub fn keychain_store(
    service: String,
    account: String,
    access_group: Option<String>,
) -> Result<Arc<dyn ForeignSessionStore>, SessionError> {
    let mut config = sessionkit::KeychainConfig::new(service, account)?;
    if let Some(group) = access_group {
        config = config.with_access_group(group)?;
    }
    Ok(Arc::new(BuiltIn(Box::new(sessionkit::KeychainStore::new(
        config,
    )))))
}

/// A core store offered through the FFI interface.
pub(crate) struct BuiltIn(pub(crate) Box<dyn sessionkit::SessionStore>);

impl ForeignSessionStore for BuiltIn {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.load()
    }

    fn save(&self, blob: Vec<u8>) -> Result<(), StoreError> {
        // The engine's envelope, tokens included, copied for the FFI: wiped once saved.
        let blob = zeroize::Zeroizing::new(blob);
        self.0.save(&blob)
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.0.clear()
    }
}

/// Hands an FFI store (foreign or built in) to the core.
pub(crate) struct CoreStore(pub(crate) Arc<dyn ForeignSessionStore>);

impl sessionkit::SessionStore for CoreStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        self.0.save(blob.to_vec())
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.0.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_built_in_stores_keep_the_blob() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.bin").to_string_lossy().into_owned();
        for store in [
            memory_store(),
            encrypted_file_store(path, vec![7; 32], None).unwrap(),
        ] {
            assert_eq!(store.load().unwrap(), None);
            store.save(b"envelope".to_vec()).unwrap();
            assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope"[..]));
            store.clear().unwrap();
            assert_eq!(store.load().unwrap(), None);
        }
    }

    #[test]
    fn a_file_store_key_of_the_wrong_length_is_refused_by_the_core() {
        let refused = encrypted_file_store("/tmp/unused".into(), vec![1; 16], None);
        assert!(matches!(
            refused,
            Err(SessionError::InvalidArgument { detail }) if detail.contains("32 bytes")
        ));
    }
}
