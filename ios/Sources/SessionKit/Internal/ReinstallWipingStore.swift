import Foundation
import SessionKitBindings

/// The `UserDefaults` flag that says this install has wiped what a previous one left.
struct ReinstallMarker: Sendable {
    let key: String
    var suite: String? = nil

    private var defaults: UserDefaults {
        suite.flatMap(UserDefaults.init(suiteName:)) ?? .standard
    }

    var isSet: Bool { defaults.bool(forKey: key) }

    func set() { defaults.set(true, forKey: key) }
}

/// Clears the wrapped store before its first use in a new install, then gets out of the way.
///
/// The wipe happens before any load or save, and until it succeeds every call reports the
/// store as unavailable (E4): a device still locked since boot when the app first runs (a
/// background launch) keeps the engine waiting, signed out, rather than letting it read a
/// previous install's session or write a new one that a later wipe would take. The app's
/// `storageBecameAvailable()` retries it.
final class ReinstallWipingStore: ForeignSessionStore {
    private let inner: any ForeignSessionStore
    private let marker: ReinstallMarker
    private let wiped: Locked<Bool>

    init(_ inner: any ForeignSessionStore, marker: ReinstallMarker) {
        self.inner = inner
        self.marker = marker
        wiped = Locked(marker.isSet)
    }

    private func wipeIfNeeded() throws {
        try wiped.withLock { wiped in
            guard !wiped else { return }
            do {
                try inner.clear()
            } catch let error as StoreError {
                Log.warning("wiping a session left by a previous install failed: \(error)")
                throw StoreError.Unavailable(
                    detail: "a session left by a previous install is still to be wiped: \(error)")
            }
            marker.set()
            wiped = true
        }
    }

    func load() throws -> Data? {
        try wipeIfNeeded()
        return try inner.load()
    }

    func save(blob: Data) throws {
        try wipeIfNeeded()
        try inner.save(blob: blob)
    }

    func clear() throws {
        try wipeIfNeeded()
        try inner.clear()
    }
}
