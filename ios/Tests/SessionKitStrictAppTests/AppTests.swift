// An app's own code and tests as they meet SessionKit under the compiler's strictest settings
// (this target: Swift 6, MemberImportVisibility, InternalImportsByDefault): `import SessionKit`
// alone, every public type and case named, `SessionKit.Session` qualified through the module.
// The tests are what an app developer writes (SPEC X3): a screen model that depends on the
// `SessionClient` protocol, driven by `FakeSessionClient`, with no server.
import Foundation
import SessionKit
import XCTest

/// App code: which screen to show, a greeting, and sign-out that works offline.
@MainActor
final class AccountModel {
    enum Screen: Equatable { case splash, signIn, home }

    private let sessions: any SessionClient

    init(sessions: any SessionClient) { self.sessions = sessions }

    /// Only a signed-out user sees sign-in; tokens being confirmed keep the home screen.
    var screen: Screen {
        switch sessions.status {
        case .restoring: return .splash
        case .signedOut: return .signIn
        case .pending, .signedIn: return .home
        }
    }

    var greeting: String {
        guard let session: SessionKit.Session = sessions.getSync() else { return "Welcome" }
        let plan = session.customClaims["plan"]?.stringValue ?? "free"
        return "Hello \(session.userId) (\(plan))"
    }

    func signOut() async -> String {
        do {
            switch try await sessions.revoke(forceClear: true) {
            case .revoked: return "Signed out"
            case .noSession: return "Already signed out"
            case .clearedLocallyOnly: return "Signed out on this device"
            }
        } catch let error as SessionKitError {
            return "Could not sign out: \(error)"
        } catch {
            return "Could not sign out"
        }
    }
}

/// Every public enum, switched over exhaustively, with `import SessionKit` alone.
func describe(_ event: SessionEvent) -> String {
    switch event {
    case .changed(let change):
        let cause: String
        switch change.cause {
        case .restored: cause = "restored"
        case .hydrated: cause = "hydrated"
        case .authenticated: cause = "authenticated"
        case .otherProcess: cause = "changed by another process"
        case .signedOut(let reason):
            switch reason {
            case .cleared, .revoked, .rejected, .storageCorrupted: cause = "signed out: \(reason)"
            }
        }
        return "\(cause) \(change.status) \(change.hasTokens) \(change.fromCache) \(change.generation)"
    case .storage(let issue):
        switch issue {
        case .corrupted(let detail), .unavailable(let detail), .writeFailed(let detail), .readFailed(let detail):
            return detail
        }
    }
}

func describe(_ outcome: RestoreOutcome) -> String {
    switch outcome {
    case .pending, .empty, .restored: return "\(outcome)"
    case .corrupted(let detail), .unavailable(let detail), .failed(let detail): return detail
    }
}

func describe(_ check: JwtCheck) -> String {
    switch check {
    case .valid(let session): return session.userId + (session.issuer ?? "")
    case .tryRefresh(let reason): return reason
    case .unauthorised: return "unauthorised"
    }
}

func describe(_ detail: FactorDetail) -> String {
    switch detail {
    case .email(let id, let address, _): return (id ?? "") + (address ?? "")
    case .phoneNumber(_, let number, _): return number ?? ""
    case .oauth(let provider, _, _, _, _): return provider
    case .webAuthn(_, let domain, _, _): return domain ?? ""
    case .authenticatorApp(let id, _), .recoveryCode(let id, _), .biometric(let id, _): return id ?? ""
    case .cryptoWallet(_, let address, _, _): return address ?? ""
    case .unknown(let key, let value): return key + value.description
    }
}

func describe(_ value: JSONValue) -> String {
    switch value {
    case .null, .bool, .integer, .number, .text, .array, .object: return value.description
    }
}

func describe(_ stats: SchedulerStats) -> String {
    switch stats.state {
    case .off, .signedOut, .refreshing, .gaveUp, .pausedForStorage, .inBackground, .stopped:
        return "\(stats.refreshes)"
    case .waiting(let due): return due.description
    case .backingOff(let until, let failures): return "\(until) \(failures)"
    }
}

func describe(_ error: SessionKitError) -> String {
    switch error {
    case .signedOut(let reason, _): return reason
    case .network(let detail, let retryAfter, _): return detail + "\(String(describing: retryAfter))"
    case .serverRejected(let status, let type, let message, _): return "\(status) \(type) \(message)"
    case .storageUnavailable(let detail, _), .storageCorrupted(let detail, _),
        .storageFailed(let detail, _), .jwksUnusable(let detail, _), .invalidArgument(let detail, _),
        .internal(let detail, _):
        return detail
    case .superseded, .closed: return error.description
    }
}

/// A store an app might write (in memory, for this test only: a real one keeps the blob as
/// securely as the Keychain would).
final class AppStore: SessionStore, @unchecked Sendable {
    private let lock = NSLock()
    private var blob: Data?
    func load() throws -> Data? { lock.withLock { blob } }
    func save(_ blob: Data) throws { lock.withLock { self.blob = blob } }
    func clear() throws {
        guard lock.withLock({ blob }) != nil else { throw SessionStoreError.unavailable("locked") }
        lock.withLock { blob = nil }
    }
}

@MainActor
final class AppTests: XCTestCase {
    private let session = SessionKit.Session(
        sessionId: "session-1", userId: "user-1", startedAt: Date(timeIntervalSince1970: 1_767_225_600),
        lastAccessedAt: Date(timeIntervalSince1970: 1_767_225_600),
        expiresAt: Date(timeIntervalSince1970: 4_070_908_800),
        attributes: SessionAttributes(ipAddress: "203.0.113.1", userAgent: "app tests"),
        authenticationFactors: [
            AuthenticationFactor(
                factorType: "otp", deliveryMethod: "email",
                lastAuthenticatedAt: Date(timeIntervalSince1970: 1_767_225_600),
                detail: .email(emailId: "email-1", emailAddress: "ada@example.com"))
        ],
        customClaims: ["plan": .text("pro")], roles: ["stytch_user"])

    func test_x3_the_screen_follows_the_status_without_a_server() async throws {
        let sessions = FakeSessionClient()
        let model = AccountModel(sessions: sessions)
        sessions.setRestoring()
        XCTAssertEqual(model.screen, .splash)
        sessions.setPending()
        XCTAssertEqual(model.screen, .home, "tokens being confirmed: no sign-in flash")
        sessions.signIn(session)
        XCTAssertEqual(model.greeting, "Hello user-1 (pro)")
        sessions.signOut(reason: .rejected)
        XCTAssertEqual(model.screen, .signIn)
    }

    func test_x3_a_session_from_stytch_json_and_an_offline_sign_out() async throws {
        let fromJSON = try SessionKit.Session(
            json: #"""
                {"session_id":"s-2","user_id":"u-2","started_at":"2026-01-01T00:00:00Z",
                 "last_accessed_at":"2026-01-01T00:00:00Z","expires_at":"2099-01-01T00:00:00Z",
                 "attributes":{"ip_address":"","user_agent":""},"authentication_factors":[],
                 "custom_claims":null,"roles":["stytch_user"]}
                """#)
        let sessions = FakeSessionClient(session: fromJSON)
        let model = AccountModel(sessions: sessions)
        XCTAssertEqual(model.greeting, "Hello u-2 (free)")
        sessions.failNext(.network(detail: "offline", retryAfter: nil, message: "network problem, session kept: offline"))
        let said = await model.signOut()
        XCTAssertEqual(said, "Signed out on this device")
        XCTAssertEqual(sessions.calls, ["revoke(forceClear: true)"])
        XCTAssertEqual(model.screen, .signIn)
    }

    func test_x3_the_fake_announces_changes_streams_statuses_and_keeps_the_contract() async throws {
        let sessions = FakeSessionClient()
        var statuses = sessions.statuses.makeAsyncIterator()
        let initial = await statuses.next()
        XCTAssertEqual(initial, .signedOut)
        let heard = Heard()
        let subscription = sessions.onChange { heard.append(describe($0)) }
        try await sessions.updateSession(sessionToken: "token", sessionJwt: "a.b.c")
        let pending = await statuses.next()
        XCTAssertEqual(pending, .pending)
        sessions.serverSession = session
        let confirmed = try await sessions.authenticate()
        XCTAssertEqual(confirmed, session)
        subscription.cancel()
        try await sessions.clear()
        XCTAssertEqual(heard.values.count, 2)
        XCTAssertTrue(heard.values[0].hasPrefix("hydrated pending"), heard.values[0])
        sessions.close()
        XCTAssertNil(sessions.getTokens())
        XCTAssertNil(sessions.getSync())
        do {
            try await sessions.clear()
            XCTFail("clear after close")
        } catch let error as SessionKitError {
            XCTAssertEqual(error, .closed)
        }
        _ = describe(RestoreOutcome.pending) + describe(JwtCheck.unauthorised)
        _ = describe(FactorDetail.unknown(key: "x_factor", value: .null)) + describe(JSONValue.array([]))
        _ = describe(SessionKitError.closed)
    }

    func test_the_real_client_and_its_configuration_under_strict_settings() async throws {
        var configuration = SessionKitConfiguration(publicToken: "public-token-test-strict")
        configuration.automaticRefresh = false
        let storage: SessionStorage = .custom(AppStore())
        let client: any SessionClient = try SessionKitClient.start(configuration: configuration, storage: storage)
        let outcome = try await client.restored()
        XCTAssertEqual(outcome, .empty)
        let info: SessionInfo = client.getInfo()
        XCTAssertEqual(info.status, .signedOut)
        let tokens: SessionTokens? = client.getTokens()
        XCTAssertNil(tokens)
        let subscription: SessionSubscription = client.onChange { _ in }
        subscription.cancel()
        if #available(macOS 14, iOS 17, *) {
            let model = SessionModel(client)
            XCTAssertEqual(model.status, .signedOut)
            XCTAssertFalse(model.isSignedIn)
        }
        client.close()
        let stats: SchedulerStats? = (client as? SessionKitClient)?.schedulerStats
        XCTAssertEqual(stats.map(describe), "0")
        let change: SessionChange? = nil
        let verified: VerifiedSession? = nil
        XCTAssertNil(change)
        XCTAssertNil(verified)
    }
}

/// What a handler heard, across threads.
final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ value: String) { lock.withLock { stored.append(value) } }
    var values: [String] { lock.withLock { stored } }
}
