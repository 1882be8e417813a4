//! Where the session survives a restart, seen from the app (P1): the [`SessionStore`] foreign
//! trait an app implements in Kotlin or Swift, the constructors of the built-in stores, and
//! the adapter that hands either to the core.
//!
//! A store keeps one opaque blob (the engine's encrypted-or-not envelope, which holds the
//! tokens) and replaces it atomically. Its error says what the engine should do:
//! [`StoreError::Unavailable`] keeps the session and retries later (E4),
//! [`StoreError::Corrupted`] wipes it (E5). An exception the app's store throws unexpectedly
//! becomes [`StoreError::Failed`], never a panic (E6).

use std::sync::Arc;

use sessionkit::{EncryptedFileStore, FileStoreKey, MemoryStore};
use uniffi::UnexpectedUniFFICallbackError;

use crate::error::SessionKitError;

/// Why a store could not do what was asked. Choose with care: the variant decides what the
/// engine does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum StoreError {
    /// Storage cannot be reached right now but nothing is lost (a locked device, a transient
    /// key-store error). The session is kept and the call retried later (E4).
    #[error("storage unavailable: {detail}")]
    Unavailable {
        /// What went wrong, for a log. Never put the blob or a token here.
        detail: String,
    },
    /// What is stored cannot be read and never will be (undecryptable, key gone). The engine
    /// wipes it and carries on signed out (E5).
    #[error("storage corrupted: {detail}")]
    Corrupted {
        /// What went wrong, for a log.
        detail: String,
    },
    /// Any other failure (a full disk, a permission error).
    #[error("storage failed: {detail}")]
    Failed {
        /// What went wrong, for a log.
        detail: String,
    },
}

impl From<UnexpectedUniFFICallbackError> for StoreError {
    fn from(error: UnexpectedUniFFICallbackError) -> Self {
        Self::Failed {
            detail: format!("the app's session store threw: {}", error.reason),
        }
    }
}

impl From<StoreError> for sessionkit::StoreError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable { detail } => Self::Unavailable(detail),
            StoreError::Corrupted { detail } => Self::Corrupted(detail),
            StoreError::Failed { detail } => Self::Failed(detail),
        }
    }
}

impl From<sessionkit::StoreError> for StoreError {
    fn from(error: sessionkit::StoreError) -> Self {
        match error {
            sessionkit::StoreError::Unavailable(detail) => Self::Unavailable { detail },
            sessionkit::StoreError::Corrupted(detail) => Self::Corrupted { detail },
            sessionkit::StoreError::Failed(detail) => Self::Failed { detail },
        }
    }
}

/// Persistent storage for the session envelope, implemented by the app or built in
/// ([`memory_store`], [`encrypted_file_store`]).
///
/// `save` must be atomic: after a crash the store holds the previous blob or the new one,
/// whole (P2). The engine serialises calls, never calls with a read lock held, and may call
/// from any thread; methods may block.
#[uniffi::export(rust, foreign)]
pub trait SessionStore: Send + Sync {
    /// Returns the stored blob, or `None` when nothing is stored.
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the stored blob.
    fn save(&self, blob: Vec<u8>) -> Result<(), StoreError>;
    /// Removes the stored blob. Clearing an empty store succeeds.
    fn clear(&self) -> Result<(), StoreError>;
}

/// A store that keeps the session in memory only: nothing survives the process. For tests
/// and for apps that sign in on every start.
#[uniffi::export]
pub fn memory_store() -> Arc<dyn SessionStore> {
    Arc::new(BuiltIn(Box::new(MemoryStore::new())))
}

/// A store that keeps the session in one AES-256-GCM encrypted file at `path`, written
/// atomically. `key` must be 32 bytes the app keeps safe elsewhere (on Android, prefer the
/// Keystore-backed store).
#[uniffi::export]
pub fn encrypted_file_store(
    path: String,
    key: Vec<u8>,
) -> Result<Arc<dyn SessionStore>, SessionKitError> {
    let key: [u8; 32] =
        key.try_into()
            .map_err(|key: Vec<u8>| SessionKitError::InvalidArgument {
                detail: format!("the file store key must be 32 bytes, not {}", key.len()),
            })?;
    let store = EncryptedFileStore::new(path, FileStoreKey::from_bytes(key));
    Ok(Arc::new(BuiltIn(Box::new(store))))
}

/// A core store offered through the FFI trait.
pub(crate) struct BuiltIn(pub(crate) Box<dyn sessionkit::SessionStore>);

impl SessionStore for BuiltIn {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.0.load()?)
    }

    fn save(&self, blob: Vec<u8>) -> Result<(), StoreError> {
        Ok(self.0.save(&blob)?)
    }

    fn clear(&self) -> Result<(), StoreError> {
        Ok(self.0.clear()?)
    }
}

/// Hands an FFI store (foreign or built in) to the core.
pub(crate) struct CoreStore(pub(crate) Arc<dyn SessionStore>);

impl sessionkit::SessionStore for CoreStore {
    fn load(&self) -> Result<Option<Vec<u8>>, sessionkit::StoreError> {
        Ok(self.0.load()?)
    }

    fn save(&self, blob: &[u8]) -> Result<(), sessionkit::StoreError> {
        Ok(self.0.save(blob.to_vec())?)
    }

    fn clear(&self) -> Result<(), sessionkit::StoreError> {
        Ok(self.0.clear()?)
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
            encrypted_file_store(path, vec![7; 32]).unwrap(),
        ] {
            assert_eq!(store.load().unwrap(), None);
            store.save(b"envelope".to_vec()).unwrap();
            assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope"[..]));
            store.clear().unwrap();
            assert_eq!(store.load().unwrap(), None);
        }
    }

    #[test]
    fn a_file_store_key_of_the_wrong_length_is_refused() {
        let error = encrypted_file_store("x".into(), vec![1; 16]).err().unwrap();
        assert!(matches!(error, SessionKitError::InvalidArgument { .. }));
    }

    #[test]
    fn e4_e5_store_errors_keep_their_meaning_for_the_core() {
        let unavailable = StoreError::Unavailable {
            detail: "locked".into(),
        };
        assert_eq!(
            sessionkit::StoreError::from(unavailable),
            sessionkit::StoreError::Unavailable("locked".into())
        );
        let thrown = StoreError::from(UnexpectedUniFFICallbackError::new("IOException"));
        assert!(matches!(thrown, StoreError::Failed { .. }));
    }
}
