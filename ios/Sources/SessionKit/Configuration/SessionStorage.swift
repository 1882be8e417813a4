import Foundation
import SessionKitBindings

/// Where SessionKit keeps the session between launches: pass one to
/// `SessionKitClient.start(configuration:storage:)`.
///
/// ```swift
/// let client = try SessionKitClient.start(
///     configuration: SessionKitConfiguration(publicToken: "public-token-live-..."),
///     storage: .keychain(service: "com.example.app", wipeOnReinstall: true))
/// ```
public struct SessionStorage: Sendable {
    let makeStore: @Sendable () throws(SessionKitError) -> any ForeignSessionStore
    let reinstallMarker: ReinstallMarker?
    /// Where the engines of the processes sharing this storage coordinate (SPEC C1-C3).
    var sharedDirectory: URL? = nil

    /// Memory only: nothing survives the process. For tests, previews and apps that sign in
    /// on every launch.
    public static var memory: SessionStorage {
        SessionStorage(makeStore: { memoryStore() }, reinstallMarker: nil)
    }

    /// One AES-256-GCM encrypted file at `path`, replaced atomically on every change, under
    /// a 32-byte `key` you keep elsewhere (on Apple platforms prefer `.keychain`). After every
    /// write the file is excluded from backups and, on iOS, given the protection class
    /// `completeUntilFirstUnlock`, so a background refresh can read it with the phone locked.
    public static func encryptedFile(path: URL, key: Data) -> SessionStorage {
        SessionStorage(
            makeStore: { () throws(SessionKitError) in
                try translated {
                    try encryptedFileStore(
                        path: path.path, key: key, observer: SessionFileProtection())
                }
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
    ///   - sharedContainer: with `accessGroup`, a directory of the App Group the app and its
    ///     extensions share (`FileManager.default.containerURL(forSecurityApplicationGroupIdentifier:)`,
    ///     or a folder in it). There the engines of those processes coordinate (SPEC C1-C3):
    ///     each sees what another wrote (at the latest before its next request and on
    ///     returning to the foreground), a sign-out in one is final in all, and one refresh
    ///     at a time goes out. Nil: this process is the item's only user, and no file is
    ///     created.
    ///   - wipeOnReinstall: Keychain items outlive an uninstall. When true, the first launch
    ///     after an install clears a session a previous install left, before anything is
    ///     read; a marker in `UserDefaults` (which an uninstall does remove) says it was done.
    ///
    /// Apple platforms only: elsewhere `SessionKit.start` throws `invalidArgument`.
    public static func keychain(
        service: String, account: String = "session", accessGroup: String? = nil,
        sharedContainer: URL? = nil, wipeOnReinstall: Bool = false
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
                ? ReinstallMarker(key: "dev.sessionkit.installed.\(service).\(account)") : nil,
            sharedDirectory: sharedContainer)
    }

    /// This storage, shared with other processes that start SessionKit over it, which
    /// coordinate in `directory` (SPEC C1-C3): what `.keychain`'s `sharedContainer` does, for
    /// an `.encryptedFile` in an App Group container, say, or a store of your own.
    public func sharedBetweenProcesses(directory: URL) -> SessionStorage {
        var shared = self
        shared.sharedDirectory = directory
        return shared
    }

    /// A store of your own. Its blob holds the tokens: read `SessionStore` on keeping it
    /// as securely as the Keychain would.
    public static func custom(_ store: some SessionStore) -> SessionStorage {
        SessionStorage(makeStore: { AppStore(store) }, reinstallMarker: nil)
    }

    /// This storage, cleared once on the first launch after an install: what `.keychain`'s
    /// `wipeOnReinstall` does, for any storage that outlives an uninstall (an app-group
    /// container shared with another app of yours, say). The marker is the `UserDefaults` key
    /// `markerKey`, in the suite `defaultsSuite` (nil: `.standard`).
    public func wipedOnReinstall(markerKey: String, defaultsSuite: String? = nil) -> SessionStorage {
        SessionStorage(
            makeStore: makeStore,
            reinstallMarker: ReinstallMarker(key: markerKey, suite: defaultsSuite),
            sharedDirectory: sharedDirectory)
    }

    /// The engine's store, wrapped to wipe first when a marker is configured.
    func store() throws(SessionKitError) -> any ForeignSessionStore {
        let store = try makeStore()
        guard let marker = reinstallMarker else { return store }
        return ReinstallWipingStore(store, marker: marker)
    }
}
