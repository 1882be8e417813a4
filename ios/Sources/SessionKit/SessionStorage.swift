import Foundation
import SessionKitBindings

/// Where SessionKit keeps the session between launches: pass one to `SessionKit.start`.
///
/// ```swift
/// let kit = try SessionKit.start(
///     configuration: .init(publicToken: "public-token-live-..."),
///     storage: .keychain(service: "com.example.app", wipeOnReinstall: true))
/// ```
public struct SessionStorage: Sendable {
    let makeStore: @Sendable () throws(SessionKitError) -> any ForeignSessionStore
    let reinstallMarker: ReinstallMarker?

    /// Memory only: nothing survives the process. For tests, previews and apps that sign in
    /// on every launch.
    public static var memory: SessionStorage {
        SessionStorage(makeStore: { memoryStore() }, reinstallMarker: nil)
    }

    /// One AES-256-GCM encrypted file at `path`, replaced atomically on every change, under
    /// a 32-byte `key` you keep elsewhere (on Apple platforms prefer `.keychain`).
    public static func encryptedFile(path: URL, key: Data) -> SessionStorage {
        SessionStorage(
            makeStore: { () throws(SessionKitError) in
                try translated { try encryptedFileStore(path: path.path, key: key) }
            },
            reinstallMarker: nil)
    }

    /// The Keychain (SPEC P3): one generic-password item of `service` and `account`,
    /// accessible after first unlock on this device only (the session refreshes in the
    /// background with the screen locked, and never travels to another device in a backup),
    /// in the data-protection keychain on macOS.
    ///
    /// - Parameters:
    ///   - accessGroup: a shared keychain access group (`"ABCDE12345.com.example.shared"`)
    ///     so that an app extension starting SessionKit with the same item sees the same
    ///     session; the app and the extension both need it in their
    ///     `keychain-access-groups` entitlement.
    ///   - wipeOnReinstall: Keychain items outlive an uninstall. When true, the first launch
    ///     after an install clears a session a previous install left, before anything is
    ///     read; a marker in `UserDefaults` (which an uninstall does remove) says it was done.
    ///
    /// Apple platforms only: elsewhere `SessionKit.start` throws `invalidArgument`.
    public static func keychain(
        service: String, account: String = "session", accessGroup: String? = nil,
        wipeOnReinstall: Bool = false
    ) -> SessionStorage {
        SessionStorage(
            makeStore: { () throws(SessionKitError) in
                #if canImport(Security)
                try translated {
                    try keychainStore(service: service, account: account, accessGroup: accessGroup)
                }
                #else
                throw .invalid(
                    "the Keychain exists only on Apple platforms; use .encryptedFile or a "
                        + "SessionStore of your own")
                #endif
            },
            reinstallMarker: wipeOnReinstall
                ? ReinstallMarker(key: "dev.sessionkit.installed.\(service).\(account)") : nil)
    }

    /// A store of your own.
    public static func custom(_ store: some SessionStore) -> SessionStorage {
        SessionStorage(makeStore: { ForeignStore(store) }, reinstallMarker: nil)
    }

    /// This storage, cleared once on the first launch after an install: what `.keychain`'s
    /// `wipeOnReinstall` does, for any storage that outlives an uninstall (an app-group
    /// container shared with another app of yours, say). The marker is the `UserDefaults` key
    /// `markerKey`, in the suite `defaultsSuite` (nil: `.standard`).
    public func wipedOnReinstall(markerKey: String, defaultsSuite: String? = nil) -> SessionStorage {
        SessionStorage(
            makeStore: makeStore,
            reinstallMarker: ReinstallMarker(key: markerKey, suite: defaultsSuite))
    }

    /// The engine's store, wrapped to wipe first when a marker is configured.
    func store() throws(SessionKitError) -> any ForeignSessionStore {
        let store = try makeStore()
        guard let marker = reinstallMarker else { return store }
        return ReinstallWipingStore(store, marker: marker)
    }
}

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
