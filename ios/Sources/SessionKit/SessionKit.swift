import Foundation
import SessionKitBindings

/// A signed-in user's session, kept fresh, persisted and observable.
///
/// Start one per app with `start(configuration:storage:)` and keep it for the life of the
/// process. Every member is safe from any thread or actor, the main actor included:
///
/// - reads (`session`, `getSync()`, `getInfo()`, `checkJwt()`) do no I/O and never wait for
///   a request; `session`, `getSync()` and `getInfo()` read a Swift-side copy that the
///   engine's change events keep current, without calling into the Rust library;
/// - calls that reach storage or the network are `async` (SPEC W7) and throw
///   `SessionKitError`. Cancelling the calling task ends the wait at once with
///   `CancellationError`; the engine's work finishes in the background and its outcome is
///   announced as usual.
///
/// Observe with `sessions` (an `AsyncStream` that starts with the current value), `events`,
/// `onChange(_:)`, `SessionModel` (SwiftUI, `@Observable`) or, where Combine exists,
/// `sessionPublisher`.
public final class SessionKit: Sendable, CustomStringConvertible {
    /// The generated client. Internal: the wrapper's tests and benchmark reach it.
    let ffi: SessionClient

    /// What reads are served from, replaced whole on every change.
    private let cache: Locked<CachedState>
    /// Orders refreshes of the cache, so it never goes back to an older state whichever
    /// thread (an event delivery, a caller that just changed the state) refreshes first.
    /// Lock order: `refreshOrder`, then `cache`; the broadcasts' locks are taken last.
    private let refreshOrder = Locked(())
    private let sessionBroadcast: Broadcast<Session?>
    private let eventBroadcast = Broadcast<SessionEvent>()
    private let internalSubscription: Locked<ListenerHandle?> = Locked(nil)
    private let isClosed = Locked(false)

    private init(ffi: SessionClient) {
        self.ffi = ffi
        let info = ffi.getInfo()
        let initial = CachedState(info: info, offsetMillis: ffi.serverClockOffsetMillis())
        cache = Locked(initial)
        sessionBroadcast = Broadcast(replaying: initial.session)
        // Subscribed right after the first read: a change between the two is announced, and
        // the refresh it triggers reads the newest state anyway.
        let handle = ffi.onChange(
            listener: ListenerAdapter { [weak self] event in self?.engineAnnounced(event) })
        internalSubscription.withLock { $0 = handle }
        refresh()
    }

    deinit {
        close()
    }

    /// Starts the engine and restores the stored session, if any (see `restoreOutcome`):
    /// `session` and `getSync()` start with it. Reads the storage once on the calling thread.
    ///
    /// - Throws: `SessionKitError.invalidArgument` when the configuration or the storage is
    ///   not usable (for example `.keychain` off Apple platforms).
    public static func start(
        configuration: Configuration, storage: SessionStorage = .memory
    ) throws(SessionKitError) -> SessionKit {
        let config = try configuration.ffi()
        let store = try storage.store()
        let ffi = try translated { try SessionClient(config: config, store: store) }
        return SessionKit(ffi: ffi)
    }

    // MARK: Reads: no I/O, no call into the Rust library

    /// The current session; nil when signed out or once it has expired on the server's
    /// clock (SPEC R1, R5). The same as `getSync()`.
    public var session: Session? { getSync() }

    /// The cached session, or nil; never one whose `expiresAt` has passed on the server's
    /// clock (R1, R5). Reads a Swift-side copy and the device clock: no I/O, no call into
    /// the Rust library. Nil after `close()`.
    public func getSync() -> Session? {
        let now = DeviceClock.nowMillis()
        return cache.withLock { $0 }.live(deviceNowMillis: now)
    }

    /// The cached session and whether it came from storage unconfirmed by the server in this
    /// process (R2). Served from the same copy as `getSync()`.
    public func getInfo() -> SessionInfo {
        let now = DeviceClock.nowMillis()
        let current = cache.withLock { $0 }
        return SessionInfo(session: current.live(deviceNowMillis: now), fromCache: current.fromCache)
    }

    /// Both tokens, or nil when either is missing or the session has expired (R3). For your
    /// backend only; they print redacted. Asks the engine: tokens are not kept in Swift.
    public func getTokens() -> SessionTokens? {
        guard !closed else { return nil }
        return ffi.getTokens().map(SessionTokens.init)
    }

    /// Verifies the session JWT against the project's keys, without I/O (J2): `.valid` with
    /// the session a backend would see (ids, roles, factors, custom claims, times),
    /// `.tryRefresh` (expired, unverifiable, keys not fetched yet) or `.unauthorised` (no
    /// tokens). Call `refreshJwks()` first; needs `Configuration.projectID`.
    public func checkJwt() -> JwtCheck {
        guard !closed else { return .unauthorised }
        return ffi.checkJwt()
    }

    /// What the engine found in storage at start, or when storage last came back.
    public var restoreOutcome: RestoreOutcome { ffi.restoreOutcome() }

    /// How far the server's clock is from this device's, once a server answer said (R5).
    public var serverClockOffset: Duration? {
        ffi.serverClockOffsetMillis().map { .milliseconds($0) }
    }

    /// Diagnostics: what the refresh scheduler has done and where it stands. For logs and
    /// battery investigations, not for app logic.
    public var schedulerStats: SchedulerStats { ffi.schedulerStats() }

    // MARK: Observation

    /// The session now and after every change (SPEC O5): starts with the current value; a
    /// consumer slower than the changes sees the newest. Ends when this `SessionKit` closes.
    ///
    /// It carries the session as of the last change; use `getSync()` where an expired
    /// session must never be seen (the refresh or sign-out that follows expiry is announced).
    public var sessions: AsyncStream<Session?> { sessionBroadcast.stream() }

    /// The session of the last announced change, expired or not: what `sessions` starts with.
    var announcedSession: Session? { cache.withLock { $0 }.session }

    /// Every later event, in order. Ends when this `SessionKit` closes.
    public var events: AsyncStream<SessionEvent> { eventBroadcast.stream() }

    /// Calls `handler` with every later event, in order, on a SessionKit delivery thread
    /// (not the main thread). Keep the returned subscription: cancelling or releasing it
    /// unsubscribes. A handler that throws is logged and stays subscribed; it may call back
    /// into this `SessionKit` (O3, O4).
    public func onChange(
        _ handler: @escaping @Sendable (SessionEvent) throws -> Void
    ) -> SessionSubscription {
        SessionSubscription(
            ffi.onChange(
                listener: ListenerAdapter { [weak self] event in
                    let known = self?.cache.withLock { $0 } ?? .none
                    do {
                        try handler(SessionEvent(event, known: known))
                    } catch {
                        Log.warning("an onChange handler threw \(type(of: error)); it stays subscribed")
                    }
                }))
    }

    // MARK: Calls that reach the server or storage (W7)

    /// Asks the server to confirm the session and rotate its JWT (W2); returns the confirmed
    /// session. `sessionDurationMinutes`, when given, extends it on the server. Concurrent
    /// calls, and the refresh scheduler, share one request (W3).
    ///
    /// - Throws: `.signedOut` (the server no longer knows the session; it is cleared, E1),
    ///   `.network` (unreachable; kept), `.serverRejected` (kept), `.superseded` (the
    ///   identity changed meanwhile, W8), `.invalidArgument` for a negative duration.
    @discardableResult
    public func authenticate(sessionDurationMinutes: Int? = nil) async throws -> Session {
        let minutes = try sessionDurationMinutes.map { minutes throws(SessionKitError) in
            guard let converted = UInt32(exactly: minutes) else {
                throw .invalid("sessionDurationMinutes must not be negative")
            }
            return converted
        }
        let ffi = self.ffi
        let session = try await changing { try await ffi.authenticate(sessionDurationMinutes: minutes) }
        // Usually the session the cache was just refreshed to: converted once, not again.
        return cache.withLock { $0 }.session(for: session) ?? Session(session)
    }

    /// Revokes the session on the server, then signs out locally (W5). When the request
    /// fails the session is cleared anyway if the failure is definitive or `forceClear` is
    /// set; otherwise it stays and the error is thrown. The outcome says whether the server
    /// was reached (`.clearedLocallyOnly` when only this device forgot it, W8).
    @discardableResult
    public func revoke(forceClear: Bool = false) async throws -> RevokeOutcome {
        let ffi = self.ffi
        return try await changing { try await ffi.revoke(forceClear: forceClear) }
    }

    /// Installs tokens your backend obtained at sign-in (W1). They are persisted and
    /// announced; the session itself is unknown (`getSync()` is nil) until the next
    /// `authenticate`, which the refresh scheduler makes at once.
    ///
    /// - Throws: `.invalidArgument` for an empty token.
    public func updateSession(sessionToken: String, sessionJwt: String) async throws {
        let ffi = self.ffi
        try await changing {
            try await ffi.updateSession(sessionToken: sessionToken, sessionJwt: sessionJwt)
        }
    }

    /// Signs out on this device without asking the server (W6).
    public func clear() async throws {
        let ffi = self.ffi
        try await changing { try await ffi.clear() }
    }

    /// Call when storage is usable again (for example after the device was unlocked, from
    /// `UIApplication.protectedDataDidBecomeAvailableNotification`): saves or reads what could
    /// not be before (E4).
    ///
    /// - Throws: `.storageUnavailable` when it still is not.
    public func storageBecameAvailable() async throws {
        let ffi = self.ffi
        try await changing { try await ffi.storageBecameAvailable() }
    }

    /// Fetches the project's JWKS for `checkJwt()`; again when it says keys may have rotated.
    public func refreshJwks() async throws {
        try ensureOpen()
        let ffi = self.ffi
        try await translated { try await cancellable { try await ffi.refreshJwks() } }
    }

    // MARK: Lifecycle: steer the refresh scheduler; no I/O, fine on the main thread

    /// Call when the app comes to the foreground (`scenePhase == .active`): refreshes now and
    /// resumes the schedule (S4).
    public func appDidEnterForeground() {
        guard !closed else { return }
        ffi.appDidEnterForeground()
    }

    /// Call when the app goes to the background: no refresh timer runs until it returns (S1,
    /// S6).
    public func appDidEnterBackground() {
        guard !closed else { return }
        ffi.appDidEnterBackground()
    }

    /// Call when connectivity returns (`NWPathMonitor`): restarts refreshes that stopped for
    /// want of it (S4).
    public func networkBecameAvailable() {
        guard !closed else { return }
        ffi.networkBecameAvailable()
    }

    /// Stops the engine: no more refreshes or events, the streams end, reads answer nil and
    /// calls throw `.closed`. It does not sign out. Closing twice is harmless; releasing the
    /// last reference closes too.
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
        refreshOrder.withLock { _ in cache.withLock { $0 = .none } }
        sessionBroadcast.finish()
        eventBroadcast.finish()
    }

    public var description: String {
        closed ? "SessionKit(closed)" : "SessionKit(session: \(getSync().map(String.init(describing:)) ?? "none"))"
    }

    // MARK: Keeping the Swift-side copy current

    private var closed: Bool { isClosed.withLock { $0 } }

    private func ensureOpen() throws(SessionKitError) {
        if closed { throw .closed }
    }

    private func engineAnnounced(_ event: SessionKitBindings.SessionEvent) {
        guard !closed else { return }
        if case .changed = event {
            refresh()
        }
        eventBroadcast.publish { SessionEvent(event, known: cache.withLock { $0 }) }
    }

    /// Reads the engine's state and publishes it: once per change, never per read.
    private func refresh() {
        refreshOrder.withLock { _ in
            guard !closed else { return }
            let info = ffi.getInfo()
            let previous = cache.withLock { $0 }
            let next = CachedState(
                info: info, offsetMillis: ffi.serverClockOffsetMillis(), previous: previous)
            cache.withLock { $0 = next }
            if previous.session != next.session {
                sessionBroadcast.publish(next.session)
            }
        }
    }

    /// Runs a call that changes state, then makes reads see its outcome at once, before the
    /// engine's event arrives: a caller reads its own write.
    private func changing<T: Sendable>(
        _ call: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try ensureOpen()
        defer { refresh() }
        return try await translated { try await cancellable(call) }
    }
}

/// The Swift-side copy of the engine's state that reads are served from.
final class CachedState: Sendable {
    let session: Session?
    /// The engine's object `session` was built from: a change that carries an equal one
    /// reuses `session` instead of reading every field across the FFI again.
    private let engineSession: SessionKitBindings.Session?
    let fromCache: Bool
    /// Server time minus device time (R5).
    let offsetMillis: Int64

    static let none = CachedState(
        session: nil, engineSession: nil, fromCache: false, offsetMillis: 0)

    init(
        session: Session?, engineSession: SessionKitBindings.Session? = nil, fromCache: Bool,
        offsetMillis: Int64
    ) {
        self.session = session
        self.engineSession = engineSession
        self.fromCache = fromCache
        self.offsetMillis = offsetMillis
    }

    convenience init(
        info: SessionKitBindings.SessionInfo, offsetMillis: Int64?, previous: CachedState = .none
    ) {
        self.init(
            session: previous.session(for: info.session), engineSession: info.session,
            fromCache: info.fromCache, offsetMillis: offsetMillis ?? 0)
    }

    /// The Swift session for the engine's `engine`: this state's own when the engine's is
    /// equal (compared in Rust, one call), otherwise a new one.
    func session(for engine: SessionKitBindings.Session?) -> Session? {
        guard let engine else { return nil }
        if let session, let engineSession, engineSession == engine {
            return session
        }
        return Session(engine)
    }

    /// The session unless it has expired on server time.
    @inline(__always)
    func live(deviceNowMillis: Int64) -> Session? {
        guard let session, session.expiresAtMillis > deviceNowMillis &+ offsetMillis else {
            return nil
        }
        return session
    }
}
