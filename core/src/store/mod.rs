//! Where the session survives a restart (SPEC P1, P2, E4, E5).
//!
//! A [`SessionStore`] keeps one blob: the engine's versioned envelope, which holds the tokens
//! (so it must be kept as securely as the Keychain or Keystore would). The engine decides what
//! the blob means; a store only has to keep it secret and safe and replace it atomically. Apps can bring their own store (for example one written in Kotlin
//! or Swift) by implementing this trait.

#[cfg(feature = "android-keystore")]
mod android_keystore;
mod atomic_file;
mod encrypted_file;
#[cfg(feature = "uniffi")]
mod foreign;
mod keychain;
mod memory;

#[cfg(feature = "android-keystore")]
pub use android_keystore::{ANDROID_KEYSTORE, AndroidKeystoreStore, KeystoreConfig};

pub use encrypted_file::{EncryptedFileStore, FileStoreKey};
#[cfg(feature = "uniffi")]
pub use foreign::ForeignSessionStore;
pub use keychain::{KeychainConfig, KeychainStore};
pub use memory::MemoryStore;

/// Persistent storage for the session envelope.
///
/// **The blob holds the session's tokens.** Whoever reads it can act as the signed-in user,
/// so a store must keep it as securely as the Keychain or the Android Keystore would:
/// encrypted at rest under a key that never leaves the device, out of backups, out of logs.
/// A plain preferences file (`UserDefaults`, `SharedPreferences`) or an unencrypted file is
/// not a place for it. The built-in stores ([`KeychainStore`], the Keystore store,
/// [`EncryptedFileStore`]) do this; an app-supplied store must too.
///
/// Implementations must make [`save`](SessionStore::save) atomic: after a crash the store
/// holds either the previous blob or the new one, whole (SPEC P2). The engine serialises
/// calls, so a store never sees two writes at once from one engine.
///
/// Methods may block (disk, keychain): the engine calls them outside every lock that a read
/// takes.
///
/// **What a store may do from its methods (V8).** Reads of the client (`get_sync`,
/// `get_info`, `get_tokens`) work as anywhere else. Anything that changes the session
/// (`update_session`, `clear`, `authenticate`, `revoke`, `storage_became_available`) must
/// not be called: the engine calls the store under its writer lock, so such a call made on
/// the store's thread fails at once (a storage error, or `InvalidArgument`) rather than wait
/// for itself. A store must not block on another thread that makes such a call either: that
/// wait cannot be detected and would never end.
pub trait SessionStore: Send + Sync + 'static {
    /// Returns the stored blob, or `None` when nothing is stored.
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the stored blob.
    fn save(&self, blob: &[u8]) -> Result<(), StoreError>;
    /// Removes the stored blob. Clearing an empty store succeeds.
    fn clear(&self) -> Result<(), StoreError>;
}

/// Why a store could not do what was asked.
///
/// The variant decides what the engine does, so choose it with care: `Unavailable` keeps the
/// session and waits for the app to report storage back, `Corrupted` wipes it, `Failed` is
/// reported as a failure nobody waits for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi::export(Display))]
#[non_exhaustive]
pub enum StoreError {
    /// Storage cannot be reached right now but nothing is lost and it will come back, for
    /// example the iOS keychain while the device is locked or a transient Keystore provider
    /// error (SPEC E4). The session is kept and the call retried when the app reports
    /// storage available.
    #[error("storage unavailable: {detail}")]
    Unavailable {
        /// What went wrong, for a log. Never the blob or a token.
        detail: String,
    },
    /// What is stored cannot be read and never will be: undecryptable, truncated, written by
    /// a newer version, or its key is gone (SPEC E5). The engine wipes it.
    #[error("storage corrupted: {detail}")]
    Corrupted {
        /// What went wrong, for a log.
        detail: String,
    },
    /// A failure that will not pass by itself: a path that cannot exist, a permission that
    /// will not change, a missing entitlement, a full disk (SPEC E7).
    #[error("storage failed: {detail}")]
    Failed {
        /// What went wrong, for a log.
        detail: String,
    },
}

/// An app-supplied store (Kotlin, Swift) threw something other than a `StoreError`: a
/// failure, never a panic across the FFI (E6). Its text is the app's and may hold anything,
/// so only that it threw is kept.
#[cfg(feature = "uniffi")]
impl From<uniffi::UnexpectedUniFFICallbackError> for StoreError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed {
            detail: "the app's session store threw an unexpected exception".into(),
        }
    }
}
