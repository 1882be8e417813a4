import Foundation

/// Storage of your own for the session (SPEC P1): the Keychain through your own wrapper, an
/// app group container, a database. SessionKit hands it one versioned blob.
///
/// **The blob holds the session's tokens.** Whoever reads it can act as the signed-in user,
/// so keep it as securely as the Keychain would: encrypted at rest, on this device only, out
/// of backups and logs. Never put it in `UserDefaults` or a plain file; `.keychain` does all
/// of this for you.
///
/// Calls come from SessionKit's own threads, one at a time, never from the caller of a
/// `SessionKit` method (W7); they may block. `save` must be atomic: after a crash the store
/// holds the previous blob or the new one, whole (P2). What a store throws decides what
/// happens to the session: see `SessionStoreError`.
public protocol SessionStore: Sendable {
    /// The stored blob, or nil when nothing is stored.
    func load() throws -> Data?
    /// Replaces the stored blob.
    func save(_ blob: Data) throws
    /// Removes the stored blob. Clearing an empty store succeeds.
    func clear() throws
}

/// What a `SessionStore` throws, and so what SessionKit does.
public enum SessionStoreError: Error, Sendable, Equatable {
    /// Storage cannot be reached right now (a locked device, say): the session is kept and
    /// never read as "signed out"; SessionKit tries again after `storageBecameAvailable()`
    /// (E4).
    case unavailable(String)
    /// What is stored cannot be read: SessionKit clears it and carries on signed out (E5).
    case corrupted(String)
    /// A failure that will not pass by itself (E7). Anything else a store throws counts as
    /// this too.
    case failed(String)
}
