import Foundation

/// A `SessionClient` for tests and previews, driven by the test (SPEC X3): sign a user in,
/// hold tokens being confirmed, sign out, make the next call fail, and read which calls the
/// code under test made. No server, no engine. It keeps the contract of the real client
/// (`bindings/WRAPPERS.md`), except that handlers run synchronously on the thread that caused
/// the change, so a test reads its effects on the next line.
///
/// ```swift
/// let sessions = FakeSessionClient()
/// sessions.signIn(try Session(json: stytchJSON))
/// let model = AccountModel(sessions: sessions)    // your code, depending on SessionClient
/// sessions.failNext(.network(detail: "offline", retryAfter: nil, message: "offline"))
/// ```
public final class FakeSessionClient: SessionClient, @unchecked Sendable {
    /// The tokens a fake holds unless a test gives others; the JWT has the three segments of one.
    public static let defaultTokens = SessionTokens(
        sessionToken: "fake-session-token", sessionJwt: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.fake")

    private struct State {
        var session: Session?
        var status: SessionStatus
        var tokens: SessionTokens?
        var fromCache = false
        var generation: UInt64 = 0
        var failure: SessionKitError?
        var closed = false
        var calls: [String] = []
        var handlers: [UInt64: @Sendable (SessionEvent) throws -> Void] = [:]
        var nextHandler: UInt64 = 0
        var serverSession: Session?
        var restoreResult: RestoreOutcome
        var jwtCheck: JwtCheck = .tryRefresh(reason: "the fake verifies nothing")
        var rotations = 0
    }

    private let state: Locked<State>
    private let sessionBroadcast: Broadcast<Session?>
    private let statusBroadcast: Broadcast<SessionStatus>
    private let eventBroadcast = Broadcast<SessionEvent>()

    /// A fake holding `session` (signed in) or nothing (signed out), or in `status`.
    public init(session: Session? = nil, status: SessionStatus? = nil) {
        let status = status ?? (session == nil ? .signedOut : .signedIn)
        state = Locked(
            State(
                session: session, status: status,
                tokens: status.hasTokens ? FakeSessionClient.defaultTokens : nil,
                serverSession: session, restoreResult: session == nil ? .empty : .restored))
        sessionBroadcast = Broadcast(replaying: session)
        statusBroadcast = Broadcast(replaying: status)
    }

    // MARK: What a test drives

    /// A user is signed in with `session` (announced as confirmed by the server).
    public func signIn(_ session: Session, tokens: SessionTokens = defaultTokens, fromCache: Bool = false) {
        state.withLock { $0.serverSession = session }
        change(session, tokens, fromCache, .signedIn, .authenticated, newIdentity: true)
    }

    /// Tokens are held and being confirmed (what `updateSession` leads to).
    public func setPending(tokens: SessionTokens = defaultTokens) {
        change(nil, tokens, false, .pending, .hydrated, newIdentity: true)
    }

    /// Storage is still being read, as at start-up.
    public func setRestoring() {
        change(nil, nil, false, .restoring, .restored, newIdentity: true)
    }

    /// The user is signed out for `reason` (the server's E1 answer is `.rejected`).
    public func signOut(reason: SignOutReason = .cleared) {
        change(nil, nil, false, .signedOut, .signedOut(reason: reason), newIdentity: true)
    }

    /// Announces a storage problem, as the engine does when it has no caller to tell.
    public func emit(_ issue: StorageIssue) {
        deliver(.storage(issue))
    }

    /// The next call that would reach the server or storage throws `error`.
    public func failNext(_ error: SessionKitError) {
        state.withLock { $0.failure = error }
    }

    /// What `authenticate` confirms: the signed-in session, unless a test sets another.
    public var serverSession: Session? {
        get { state.withLock { $0.serverSession } }
        set { state.withLock { $0.serverSession = newValue } }
    }

    /// What `restored()` and `restoreOutcome` answer.
    public var restoreResult: RestoreOutcome {
        get { state.withLock { $0.restoreResult } }
        set { state.withLock { $0.restoreResult = newValue } }
    }

    /// What `checkJwt()` answers while tokens are held.
    public var jwtCheck: JwtCheck {
        get { state.withLock { $0.jwtCheck } }
        set { state.withLock { $0.jwtCheck = newValue } }
    }

    /// The calls the code under test made, in order: `"authenticate"`,
    /// `"revoke(forceClear: true)"`, ...
    public var calls: [String] { state.withLock { $0.calls } }

    // MARK: SessionClient

    public var session: Session? { getSync() }
    public var status: SessionStatus { getInfo().status }
    public var sessions: AsyncStream<Session?> { sessionBroadcast.stream() }
    public var statuses: AsyncStream<SessionStatus> { statusBroadcast.stream() }
    public var events: AsyncStream<SessionEvent> { eventBroadcast.stream() }

    public func getSync() -> Session? {
        state.withLock { $0.closed ? nil : $0.session.flatMap(Self.live) }
    }

    public func getInfo() -> SessionInfo {
        state.withLock { s in
            guard !s.closed else { return .signedOut }
            let live = s.session.flatMap(Self.live)
            let status: SessionStatus = s.status == .signedIn && live == nil ? .signedOut : s.status
            return SessionInfo(session: live, fromCache: s.fromCache, status: status)
        }
    }

    public func getTokens() -> SessionTokens? {
        getInfo().status.hasTokens ? state.withLock { $0.tokens } : nil
    }

    public func restored() async throws -> RestoreOutcome {
        try call("restored")
        return restoreResult
    }

    public var restoreOutcome: RestoreOutcome {
        state.withLock { $0.closed ? .pending : $0.restoreResult }
    }

    public func tokens(minTTL: Duration, forceRefresh: Bool) async throws -> SessionTokens {
        try call(forceRefresh ? "tokens(forceRefresh: true)" : "tokens")
        guard minTTL >= .zero else { throw SessionKitError.invalid("minTTL must not be negative") }
        if let failure = takeFailure() {
            if case .signedOut = failure { signOut(reason: .rejected) }
            throw failure
        }
        guard let held = getTokens() else {
            throw SessionKitError.signedOut(
                reason: "there is no session to hand out tokens for",
                message: "signed out: there is no session to hand out tokens for")
        }
        return forceRefresh ? rotate(held) : held
    }

    public func tokensAfterRejection(_ rejectedJwt: String) async throws -> SessionTokens {
        try call("tokensAfterRejection")
        if let failure = takeFailure() {
            if case .signedOut = failure { signOut(reason: .rejected) }
            throw failure
        }
        guard let held = getTokens() else {
            throw SessionKitError.signedOut(
                reason: "there is no session to refresh", message: "signed out: there is no session to refresh")
        }
        return held.sessionJwt == rejectedJwt ? rotate(held) : held
    }

    /// A refresh: a new JWT for the same session token, announced as the server's answer.
    private func rotate(_ held: SessionTokens) -> SessionTokens {
        let (session, status, count) = state.withLock { s in
            s.rotations += 1
            return (s.session, s.status, s.rotations)
        }
        let prefix = held.sessionJwt.split(separator: ".").dropLast().joined(separator: ".")
        let fresh = SessionTokens(sessionToken: held.sessionToken, sessionJwt: "\(prefix).refreshed\(count)")
        change(session, fresh, false, status, .authenticated, newIdentity: false)
        return fresh
    }

    public func authenticate(sessionDurationMinutes: Int?) async throws -> Session {
        try call(sessionDurationMinutes.map { "authenticate(\($0))" } ?? "authenticate")
        if let minutes = sessionDurationMinutes, minutes < 0 {
            throw SessionKitError.invalid("sessionDurationMinutes must not be negative")
        }
        if let failure = takeFailure() {
            if case .signedOut = failure { signOut(reason: .rejected) }
            throw failure
        }
        let (tokens, confirmed) = state.withLock { ($0.tokens, $0.serverSession) }
        guard let tokens else {
            throw SessionKitError.signedOut(
                reason: "there is no session to authenticate",
                message: "signed out: there is no session to authenticate")
        }
        guard let confirmed else {
            signOut(reason: .rejected)
            throw SessionKitError.signedOut(
                reason: "the server no longer knows the session",
                message: "signed out: the server no longer knows the session")
        }
        change(confirmed, tokens, false, .signedIn, .authenticated, newIdentity: false)
        return confirmed
    }

    public func revoke(forceClear: Bool) async throws -> RevokeOutcome {
        try call("revoke(forceClear: \(forceClear))")
        let failure = takeFailure()
        guard state.withLock({ $0.tokens }) != nil else { return .noSession }
        if let failure {
            guard forceClear else { throw failure }
            signOut(reason: .revoked)
            return .clearedLocallyOnly(reason: failure.description)
        }
        signOut(reason: .revoked)
        return .revoked
    }

    public func updateSession(sessionToken: String, sessionJwt: String) async throws {
        try call("updateSession")
        if sessionToken.isEmpty || sessionJwt.isEmpty {
            throw SessionKitError.invalid("updateSession needs a non-empty sessionToken and sessionJwt")
        }
        if let failure = takeFailure() { throw failure }
        setPending(tokens: SessionTokens(sessionToken: sessionToken, sessionJwt: sessionJwt))
    }

    public func clear() async throws {
        try call("clear")
        if let failure = takeFailure() { throw failure }
        signOut(reason: .cleared)
    }

    public func storageBecameAvailable() async throws {
        try call("storageBecameAvailable")
        if let failure = takeFailure() { throw failure }
    }

    public func onChange(_ handler: @escaping @Sendable (SessionEvent) throws -> Void) -> SessionSubscription {
        let id: UInt64? = state.withLock { s in
            guard !s.closed else { return nil }
            defer { s.nextHandler += 1 }
            s.handlers[s.nextHandler] = handler
            return s.nextHandler
        }
        guard let id else { return SessionSubscription(nil) }
        return SessionSubscription { [weak self] in
            _ = self?.state.withLock { $0.handlers.removeValue(forKey: id) }
        }
    }

    public func checkJwt() -> JwtCheck {
        getTokens() == nil ? .unauthorised : jwtCheck
    }

    public func refreshJwks() async throws {
        try call("refreshJwks")
        if let failure = takeFailure() { throw failure }
    }

    public func appDidEnterForeground() { lifecycle("appDidEnterForeground") }
    public func appDidEnterBackground() { lifecycle("appDidEnterBackground") }
    public func networkBecameAvailable() { lifecycle("networkBecameAvailable") }

    public func close() {
        state.withLock { s in
            s.closed = true
            s.handlers.removeAll()
        }
        sessionBroadcast.finish()
        statusBroadcast.finish()
        eventBroadcast.finish()
    }

    // MARK: Inside

    private static func live(_ session: Session) -> Session? {
        session.expiresAt > Date() ? session : nil
    }

    private func call(_ name: String) throws(SessionKitError) {
        let closed = state.withLock { s in
            if !s.closed { s.calls.append(name) }
            return s.closed
        }
        if closed { throw .closed }
    }

    private func lifecycle(_ name: String) {
        state.withLock { s in
            if !s.closed { s.calls.append(name) }
        }
    }

    private func takeFailure() -> SessionKitError? {
        state.withLock { s in
            defer { s.failure = nil }
            return s.failure
        }
    }

    private func change(
        _ session: Session?, _ tokens: SessionTokens?, _ fromCache: Bool, _ status: SessionStatus,
        _ cause: ChangeCause, newIdentity: Bool
    ) {
        let event: SessionEvent? = state.withLock { s in
            guard !s.closed else { return nil }
            s.session = session
            s.tokens = tokens
            s.fromCache = fromCache
            s.status = status
            if newIdentity { s.generation += 1 }
            return .changed(
                SessionChange(
                    session: session, status: status, hasTokens: tokens != nil, fromCache: fromCache,
                    cause: cause, generation: s.generation))
        }
        guard let event else { return }
        sessionBroadcast.publish(session)
        statusBroadcast.publish(status)
        deliver(event)
    }

    private func deliver(_ event: SessionEvent) {
        let handlers = state.withLock { Array($0.handlers.values) }
        for handler in handlers {
            // O4, as in the real client: a handler that throws stays subscribed.
            try? handler(event)
        }
        eventBroadcast.publish(event)
    }
}
