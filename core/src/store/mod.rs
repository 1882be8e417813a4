//! Where the session survives a restart (SPEC P1, P2, E4, E5).
//!
//! A [`SessionStore`] keeps one opaque blob: the engine's versioned envelope, which holds the
//! tokens. The engine decides what the blob means; a store only has to keep it safe and
//! replace it atomically. Apps can bring their own store (for example one written in Kotlin
//! or Swift) by implementing this trait.

#[cfg(feature = "android-keystore")]
mod android_keystore;
mod atomic_file;
mod encrypted_file;
mod memory;

#[cfg(feature = "android-keystore")]
pub use android_keystore::{ANDROID_KEYSTORE, AndroidKeystoreStore, KeystoreConfig};

pub use encrypted_file::{EncryptedFileStore, FileStoreKey};
pub use memory::MemoryStore;

/// Persistent storage for the session envelope.
///
/// Implementations must make [`save`](SessionStore::save) atomic: after a crash the store
/// holds either the previous blob or the new one, whole (SPEC P2). The engine serialises
/// calls, so a store never sees two writes at once from one engine.
///
/// Methods may block (disk, keychain): the engine calls them outside every lock that a read
/// takes.
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
/// session and retries later, `Corrupted` wipes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Storage cannot be reached right now but nothing is lost, for example the iOS keychain
    /// while the device is locked or a transient Keystore provider error (SPEC E4).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// What is stored cannot be read and never will be: undecryptable, truncated, written by
    /// a newer version, or its key is gone (SPEC E5).
    #[error("storage corrupted: {0}")]
    Corrupted(String),
    /// Any other failure, for example a full disk or a permission error.
    #[error("storage failed: {0}")]
    Failed(String),
}
