/// A signed-in user's session, kept fresh, persisted and observable: what your code depends
/// on. `SessionKitClient` is the real one; `FakeSessionClient` drives your tests and previews
/// without a server (SPEC X3). The rules every implementation keeps, the same in Kotlin, are
/// in `bindings/WRAPPERS.md`.
///
/// Reads (`getSync()`, `getInfo()`, `getTokens()`, `checkJwt()`, `status`) do no I/O and never
/// wait; calls that reach storage or the network are `async` (W7). Every member is safe from
/// any thread or actor, the main actor included.
public protocol SessionClient: AnyObject, Sendable {
    /// The session now: nil when signed out, pending, or once expired on the server's clock.
    var session: Session? { get }
    /// Restoring, signed out, pending or signed in, now (R6).
    var status: SessionStatus { get }
    /// The session now and after every change, starting with the current value (O5).
    var sessions: AsyncStream<Session?> { get }
    /// The status now and after every change, starting with the current value (R6, O5).
    var statuses: AsyncStream<SessionStatus> { get }
    /// Every later event, in order.
    var events: AsyncStream<SessionEvent> { get }

    /// The cached session, or nil; never one whose `expiresAt` has passed on the server's
    /// clock (R1, R5).
    func getSync() -> Session?
    /// The session, whether it came from storage unconfirmed (R2), and the status (R6).
    func getInfo() -> SessionInfo
    /// Both tokens, or nil when either is missing or the session has expired (R3).
    func getTokens() -> SessionTokens?
    /// Both tokens, with a JWT that stays valid for at least `minTTL` on the server's clock
    /// (W9): what to call right before a request to your own backend. When the JWT would not
    /// last, or with `forceRefresh`, it asks the server first, through the single flight (W3).
    /// Throws what `authenticate` throws when it cannot (signed out, offline), and
    /// `invalidArgument` for a `minTTL` longer than a fresh JWT lives.
    func tokens(minTTL: Duration, forceRefresh: Bool) async throws -> SessionTokens
    /// Fresh tokens after your backend rejected `rejectedJwt` (answered 401): the current ones
    /// if it was replaced since, otherwise those of one refresh, however many requests report
    /// the same JWT (H1). A backend's 401 signs nobody out; only the server's answer can (E1).
    func tokensAfterRejection(_ rejectedJwt: String) async throws -> SessionTokens
    /// Waits until storage has been read once and says what was found (X2).
    func restored() async throws -> RestoreOutcome
    /// What storage held at start, or when it last came back; `.pending` until read.
    var restoreOutcome: RestoreOutcome { get }

    /// Asks the server to confirm the session and rotate its JWT (W2); concurrent calls, and
    /// the refresh scheduler, share one request (W3).
    func authenticate(sessionDurationMinutes: Int?) async throws -> Session
    /// Revokes the session on the server, then signs out here (W5); with `forceClear` even
    /// when the server cannot be reached.
    func revoke(forceClear: Bool) async throws -> RevokeOutcome
    /// Installs tokens your backend obtained at sign-in (W1): the status becomes `.pending`
    /// until the server confirms them.
    func updateSession(sessionToken: String, sessionJwt: String) async throws
    /// Signs out on this device without asking the server (W6).
    func clear() async throws
    /// Storage is usable again (E4): saves or reads what could not be before.
    func storageBecameAvailable() async throws

    /// Calls `handler` with every later event, in order, on a SessionKit thread. Inside it,
    /// every read shows the change it hears of or a later one (O2). Keep the subscription.
    func onChange(_ handler: @escaping @Sendable (SessionEvent) throws -> Void) -> SessionSubscription

    /// Verifies the session JWT against the project's keys without I/O (J2).
    func checkJwt() -> JwtCheck
    /// Fetches the project's JWKS for `checkJwt()`.
    func refreshJwks() async throws

    /// The app came to the foreground: refresh if due and resume the schedule (S4).
    func appDidEnterForeground()
    /// The app went to the background: no timer runs until it returns (S1, S6).
    func appDidEnterBackground()
    /// Connectivity returned: restart refreshes that stopped for want of it (S4).
    func networkBecameAvailable()
    /// Stops the client: reads answer nothing, lifecycle calls do nothing, calls that reach
    /// storage or the network throw `.closed`. It does not sign out.
    func close()
}

extension SessionClient {
    /// Both tokens, with a JWT valid for at least a minute (W9).
    public func tokens() async throws -> SessionTokens {
        try await tokens(minTTL: .seconds(60), forceRefresh: false)
    }

    /// Asks the server to confirm the session, without extending it.
    @discardableResult
    public func authenticate() async throws -> Session {
        try await authenticate(sessionDurationMinutes: nil)
    }

    /// Revokes the session on the server, then signs out here; keeps it if the server cannot
    /// be reached.
    @discardableResult
    public func revoke() async throws -> RevokeOutcome {
        try await revoke(forceClear: false)
    }
}
