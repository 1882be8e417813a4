import Foundation
import SessionKitBindings

/// The session engine: start one per app with `start(configuration:storage:)` and keep it
/// for the life of the process. It implements `SessionClient`; depend on that protocol in
/// your own code, so that tests can hand it a `FakeSessionClient`.
///
/// - Reads (`session`, `status`, `getSync()`, `getInfo()`) are served from a Swift-side copy
///   that the engine's change events keep current, without a lock or a call into the Rust
///   library: a few tens of nanoseconds, from any number of threads at once.
/// - Calls that reach storage or the network are `async` (SPEC W7) and throw
///   `SessionKitError`. Cancelling the calling task ends the wait at once with
///   `CancellationError`; the engine's work finishes in the background and its outcome is
///   announced as usual.
/// - Observe with `sessions` and `statuses` (streams that start with the current value),
///   `events`, `onChange(_:)`, `SessionModel` (SwiftUI) or, where Combine exists,
///   `sessionPublisher`.
///
/// The rules it keeps, the same in Kotlin, are in `bindings/WRAPPERS.md`.
public final class SessionKitClient: SessionClient, CustomStringConvertible {
    /// The generated client. Internal: the wrapper's tests and benchmark reach it.
    let ffi: SessionKitBindings.SessionClient

    /// What reads are served from, replaced whole on every change.
    private let cache = ReadCache(CachedState.restoring) { $0.threadCopy() }
    /// Orders refreshes of the copy (read the engine, then publish), so it never goes back to
    /// an older state whichever thread refreshes first. Lock order: `refreshOrder`, then the
    /// cache's own lock, then the broadcasts' locks. `ffi.state()`, called under it, takes no
    /// engine lock, so a listener may refresh from inside a delivery.
    private let refreshOrder = Locked(())
    private let sessionBroadcast = Broadcast<Session?>(replaying: nil)
    private let statusBroadcast = Broadcast<SessionStatus>(replaying: .restoring)
    private let eventBroadcast = Broadcast<SessionEvent>()
    private let internalSubscription: Locked<ListenerHandle?> = Locked(nil)
    private let isClosed = Locked(false)

    private init(ffi: SessionKitBindings.SessionClient) {
        self.ffi = ffi
        // Subscribed before the first read: a change between the two is announced, and the
        // refresh it triggers reads the newest state anyway.
        let handle = ffi.onChange(
            listener: ListenerAdapter { [weak self] event in self?.engineAnnounced(event) })
        internalSubscription.withLock { $0 = handle }
        refresh()
    }

    deinit {
        close()
    }

    /// Starts the engine with `configuration` and `storage` and returns at once: storage is
    /// read on SessionKit's own threads, never on the caller's (X2). Until it has been read
    /// the status is `.restoring`; `restored()` waits for it.
    ///
    /// - Throws: `SessionKitError.invalidArgument` when the configuration or the storage is
    ///   not usable (a heartbeat below the 1 s floor, `.keychain` off Apple platforms, ...).
    public static func start(
        configuration: SessionKitConfiguration, storage: SessionStorage = .memory
    ) throws(SessionKitError) -> SessionKitClient {
        let config = try configuration.ffi(sharedDirectory: storage.sharedDirectory)
        let store = try storage.store()
        let logger = configuration.logger.map(LoggerAdapter.init)
        let ffi = try translated {
            try SessionKitBindings.SessionClient(config: config, store: store, logger: logger)
        }
        return SessionKitClient(ffi: ffi)
    }

    // MARK: Reads: no I/O, no lock, no call into the Rust library

    public var session: Session? { getSync() }

    public var status: SessionStatus { getInfo().status }

    public func getSync() -> Session? {
        cache.read().live(deviceNowMillis: DeviceClock.nowMillis())
    }

    public func getInfo() -> SessionInfo {
        let now = DeviceClock.nowMillis()
        let current = cache.read()
        return SessionInfo(
            session: current.live(deviceNowMillis: now), fromCache: current.fromCache,
            status: current.status(deviceNowMillis: now))
    }

    /// Asks the engine: tokens are not kept in Swift memory. Nil after `close()`.
    public func getTokens() -> SessionTokens? {
        guard !closed, let tokens = ffi.getTokens() else { return nil }
        return SessionTokens(sessionToken: tokens.sessionToken(), sessionJwt: tokens.sessionJwt())
    }

    public func checkJwt() -> JwtCheck {
        guard !closed else { return .unauthorised }
        return JwtCheck(ffi.checkJwt())
    }

    public var restoreOutcome: RestoreOutcome {
        closed ? .pending : RestoreOutcome(ffi.restoreOutcome())
    }

    /// How far the server's clock is from this device's, once a server answer said (R5).
    public var serverClockOffset: Duration? {
        guard !closed else { return nil }
        return ffi.serverClockOffsetMillis().map { .milliseconds($0) }
    }

    /// Diagnostics: what the refresh scheduler has done and where it stands. Not for app logic.
    public var schedulerStats: SchedulerStats {
        guard !closed else { return SchedulerStats(wakeups: 0, refreshes: 0, failures: 0, state: .stopped) }
        return SchedulerStats(ffi.schedulerStats())
    }

    // MARK: Observation

    public var sessions: AsyncStream<Session?> { sessionBroadcast.stream() }

    public var statuses: AsyncStream<SessionStatus> { statusBroadcast.stream() }

    public var events: AsyncStream<SessionEvent> { eventBroadcast.stream() }

    /// The session of the last announced change, expired or not: what `sessions` starts with.
    var announcedSession: Session? { cache.read().session }

    public func onChange(
        _ handler: @escaping @Sendable (SessionEvent) throws -> Void
    ) -> SessionSubscription {
        guard !closed else { return SessionSubscription(nil) }
        return SessionSubscription(
            ffi.onChange(
                listener: ListenerAdapter { [weak self] event in
                    guard let self, !self.closed else { return }
                    if case .changed(let change) = event { self.catchUp(change.revision) }
                    do {
                        try handler(SessionEvent(event, known: self.cache.read()))
                    } catch {
                        Log.warning("an onChange handler threw \(type(of: error)); it stays subscribed")
                    }
                }))
    }

    // MARK: Calls that reach the server or storage (W7)

    public func restored() async throws -> RestoreOutcome {
        let ffi = self.ffi
        return RestoreOutcome(try await changing { await ffi.restored() })
    }

    public func tokens(minTTL: Duration, forceRefresh: Bool) async throws -> SessionTokens {
        guard minTTL >= .zero else { throw SessionKitError.invalid("minTTL must not be negative") }
        let (whole, fraction) = minTTL.components
        let seconds = TimeInterval(whole) + TimeInterval(fraction) / 1e18
        let ffi = self.ffi
        let tokens = try await changing { try await ffi.tokens(minTtl: seconds, forceRefresh: forceRefresh) }
        return SessionTokens(sessionToken: tokens.sessionToken(), sessionJwt: tokens.sessionJwt())
    }

    public func tokensAfterRejection(_ rejectedJwt: String) async throws -> SessionTokens {
        let ffi = self.ffi
        let tokens = try await changing { try await ffi.tokensAfterRejection(rejectedJwt: rejectedJwt) }
        return SessionTokens(sessionToken: tokens.sessionToken(), sessionJwt: tokens.sessionJwt())
    }

    @discardableResult
    public func authenticate(sessionDurationMinutes: Int?) async throws -> Session {
        let minutes = try sessionDurationMinutes.map { minutes throws(SessionKitError) in
            guard let converted = UInt32(exactly: minutes) else {
                throw .invalid("sessionDurationMinutes must not be negative")
            }
            return converted
        }
        let ffi = self.ffi
        let session = try await changing { try await ffi.authenticate(sessionDurationMinutes: minutes) }
        // Usually the session the copy was just refreshed to: converted once, not again.
        return cache.read().session(for: session.fields())
    }

    @discardableResult
    public func revoke(forceClear: Bool) async throws -> RevokeOutcome {
        let ffi = self.ffi
        return RevokeOutcome(try await changing { try await ffi.revoke(forceClear: forceClear) })
    }

    public func updateSession(sessionToken: String, sessionJwt: String) async throws {
        let ffi = self.ffi
        try await changing {
            try await ffi.updateSession(sessionToken: sessionToken, sessionJwt: sessionJwt)
        }
    }

    public func clear() async throws {
        let ffi = self.ffi
        try await changing { try await ffi.clear() }
    }

    /// Call from `UIApplication.protectedDataDidBecomeAvailableNotification`: saves or reads
    /// what could not be before (E4). Throws `.storageUnavailable` when it still is not.
    public func storageBecameAvailable() async throws {
        let ffi = self.ffi
        try await changing { try await ffi.storageBecameAvailable() }
    }

    public func refreshJwks() async throws {
        try ensureOpen()
        let ffi = self.ffi
        try await translated { try await cancellable { try await ffi.refreshJwks() } }
    }

    // MARK: Lifecycle: steer the refresh scheduler; no I/O, fine on the main thread

    /// Call when the app comes to the foreground (`scenePhase == .active`).
    /// With a storage shared between processes (`sharedContainer`), this also reads the
    /// storage if another process changed it (a 16-byte stamp file says whether), so that the
    /// next read shows the change (SPEC C1).
    public func appDidEnterForeground() {
        guard !closed else { return }
        ffi.appDidEnterForeground()
    }

    /// Reads a storage shared with other processes if one of them changed it, and announces
    /// the change (SPEC C1). SessionKit does this by itself before each request and at the
    /// foreground; call it when your app learns of a change some other way (a Darwin
    /// notification your extension posts, say). Blocks only while it reads a changed
    /// storage; does nothing without a shared container or after `close()`.
    public func checkSharedStore() {
        guard !closed else { return }
        ffi.checkSharedStore()
    }

    /// Call when the app goes to the background.
    public func appDidEnterBackground() {
        guard !closed else { return }
        ffi.appDidEnterBackground()
    }

    /// Call when connectivity returns (`NWPathMonitor`).
    public func networkBecameAvailable() {
        guard !closed else { return }
        ffi.networkBecameAvailable()
    }

    /// Stops the engine: reads answer nothing, the streams end and calls throw `.closed`. It
    /// does not sign out. Closing twice is harmless; releasing the last reference closes too.
    public func close() {
        let first = isClosed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        internalSubscription.withLock { handle in
            handle?.unsubscribe()
            handle = nil
        }
        ffi.shutdown()
        // Under the refresh order: a refresh that began before close cannot write after it.
        refreshOrder.withLock { _ in cache.publish(.closed) }
        sessionBroadcast.finish()
        statusBroadcast.finish()
        eventBroadcast.finish()
    }

    public var description: String {
        closed ? "SessionKitClient(closed)" : "SessionKitClient(\(getInfo()))"
    }

    // MARK: Keeping the Swift-side copy current

    private var closed: Bool { isClosed.withLock { $0 } }

    private func ensureOpen() throws(SessionKitError) {
        if closed { throw .closed }
    }

    private func engineAnnounced(_ event: FfiSessionEvent) {
        guard !closed else { return }
        if case .changed(let change) = event {
            catchUp(change.revision)
        }
        eventBroadcast.publish { SessionEvent(event, known: cache.read()) }
    }

    /// Makes the copy at least as new as `revision` (O2): a no-op when it already is.
    private func catchUp(_ revision: UInt64) {
        if cache.read().revision < Int64(clamping: revision) {
            refresh()
        }
    }

    /// Reads the engine's state and publishes it: once per change, never per read.
    private func refresh() {
        refreshOrder.withLock { _ in
            guard !closed else { return }
            let state = ffi.state()
            let previous = cache.read()
            guard Int64(clamping: state.revision) >= previous.revision else { return }
            let next = previous.next(state)
            cache.publish(next)
            if previous.session != next.session {
                sessionBroadcast.publish(next.session)
            }
            if previous.status != next.status {
                statusBroadcast.publish(next.status)
            }
        }
    }

    /// Runs a call that reaches storage or the network, then makes reads see its outcome at
    /// once, before the engine's event arrives: a caller reads its own write.
    private func changing<T: Sendable>(
        _ call: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try ensureOpen()
        defer { refresh() }
        return try await translated { try await cancellable(call) }
    }
}
