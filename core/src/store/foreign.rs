//! Stores written in Kotlin or Swift (feature `uniffi`): the interface an app implements, as
//! UniFFI offers it. It differs from [`SessionStore`](super::SessionStore) only in taking
//! owned values, as the FFI hands them over; the bindings crate adapts it. (Its listener
//! counterpart, `ForeignSessionListener`, stands beside the events, in `engine/event.rs`.)

use super::StoreError;

/// Persistent storage for the session envelope, implemented in Kotlin or Swift.
///
/// The blob holds the session's tokens: keep it as securely as the Keychain or the Android
/// Keystore would (encrypted at rest, out of backups), never in plain preferences.
///
/// `save` must be atomic: after a crash the store holds the previous blob or the new one,
/// whole (P2). The engine serialises calls, never calls with a read lock held, and may call
/// from any thread; methods may block. The error says what the engine does: `Unavailable`
/// keeps the session and waits (E4), `Corrupted` wipes it (E5), `Failed` is a failure
/// nobody waits for (E7); anything else thrown becomes `Failed`, never a panic (E6).
#[uniffi::export(with_foreign)]
pub trait ForeignSessionStore: Send + Sync {
    /// Returns the stored blob, or none when nothing is stored.
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the stored blob.
    fn save(&self, blob: Vec<u8>) -> Result<(), StoreError>;
    /// Removes the stored blob. Clearing an empty store succeeds.
    fn clear(&self) -> Result<(), StoreError>;
}
