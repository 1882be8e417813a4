// The URLSession helper against the sandbox's own app backend (SPEC H1, W9, E1): real HTTP
// through FoundationNetworking to a resource that checks the session JWT locally, with a real
// SessionKitClient over the host library. The Kotlin OkHttp tests prove the same rules.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import SessionKit

final class BackendRequestsTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func signedInKit() async throws -> (SessionKitClient, Sandbox, Sandbox.SignedIn) {
        let sandbox = try Sandbox.shared()
        let signedIn = try await sandbox.signIn()
        let kit = try await started(configuration: sandbox.configuration())
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        return (kit, sandbox, signedIn)
    }

    private func status(_ response: URLResponse) -> Int { statusCode(response) }

    func test_w9_tokens_last_what_is_asked_without_a_request() async throws {
        let (kit, sandbox, _) = try await signedInKit()
        defer { kit.close() }
        let before = try await sandbox.requestCount("authenticate")
        let tokens = try await kit.tokens(minTTL: .seconds(60), forceRefresh: false)
        XCTAssertEqual(tokens, kit.getTokens())
        let forced = try await kit.tokens(minTTL: .seconds(60), forceRefresh: true)
        XCTAssertNotEqual(forced.sessionJwt, tokens.sessionJwt)
        let after = try await sandbox.requestCount("authenticate")
        XCTAssertEqual(after - before, 1, "only the forced refresh reached the server")
        do {
            _ = try await kit.tokens(minTTL: .seconds(3_600), forceRefresh: false)
            XCTFail("an hour is longer than any JWT lives")
        } catch SessionKitError.invalidArgument {}
    }

    func test_h1_a_hundred_concurrent_requests_with_an_expired_jwt_cause_exactly_one_authenticate() async throws {
        let (kit, sandbox, _) = try await signedInKit()
        defer { kit.close() }
        // Six minutes on the backend's clock: the JWT expired there, not on the client's.
        try await sandbox.advanceClock(seconds: 360)
        let authenticates = try await sandbox.requestCount("authenticate")
        let resources = try await sandbox.requestCount("resource")
        let request = URLRequest(url: sandbox.resourceURL)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 {
                group.addTask { statusCode(try await kit.data(for: request).1) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses, Array(repeating: 200, count: 100))
        let refreshes = try await sandbox.requestCount("authenticate") - authenticates
        let sent = try await sandbox.requestCount("resource") - resources
        XCTAssertEqual(refreshes, 1, "one authenticate for 100 requests")
        XCTAssertTrue((101...200).contains(sent), "each went out once, and once more if rejected: \(sent)")
        print("urlsession: 100 concurrent requests with an expired JWT: authenticate requests: \(refreshes), resource requests: \(sent)")
    }

    func test_h1_a_backend_that_always_answers_401_gets_one_retry_per_request_and_the_session_stays() async throws {
        let (kit, sandbox, _) = try await signedInKit()
        defer { kit.close() }
        try await sandbox.inject("resource", times: 1_000, ["status": 401, "error_type": "invalid_token"])
        let authenticates = try await sandbox.requestCount("authenticate")
        let resources = try await sandbox.requestCount("resource")
        let request = URLRequest(url: sandbox.resourceURL)
        // Ten at once, as the OkHttp test sends them.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask { statusCode(try await kit.data(for: request).1) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses, Array(repeating: 401, count: 10), "the second 401 reaches the caller")
        let sent = try await sandbox.requestCount("resource") - resources
        let refreshes = try await sandbox.requestCount("authenticate") - authenticates
        try await sandbox.reset()
        XCTAssertEqual(sent, 20, "exactly one retry per request")
        // Requests sent with the same JWT share one refresh; each may cause one at most.
        XCTAssertTrue((1...10).contains(refreshes), "at most one refresh per request: \(refreshes)")
        XCTAssertNotNil(kit.getSync(), "a backend's 401 signs nobody out (E1)")
        print("urlsession: always-401 backend, 10 requests: resource requests: \(sent), authenticate requests: \(refreshes)")
    }

    func test_h1_a_401_once_is_refreshed_and_retried_to_success_with_a_configured_header() async throws {
        let (kit, sandbox, _) = try await signedInKit()
        defer { kit.close() }
        try await sandbox.inject("resource", ["status": 401, "error_type": "invalid_token"])
        let (_, response) = try await kit.data(for: URLRequest(url: sandbox.resourceURL))
        XCTAssertEqual(status(response), 200)
        let custom = BackendAuthorization(headerName: "X-Session", format: { "JWT \($0)" })
        let authorized = try await kit.authorize(URLRequest(url: sandbox.resourceURL), with: custom)
        XCTAssertTrue(authorized.value(forHTTPHeaderField: "X-Session")?.hasPrefix("JWT ey") == true)
        XCTAssertNil(authorized.value(forHTTPHeaderField: "Authorization"))
    }

    func test_e1_session_not_found_during_the_retry_signs_out_and_throws_the_typed_error() async throws {
        let (kit, sandbox, signedIn) = try await signedInKit()
        defer { kit.close() }
        try await sandbox.revokeOnServer(signedIn.sessionToken)
        try await sandbox.advanceClock(seconds: 360)
        do {
            _ = try await kit.data(for: URLRequest(url: sandbox.resourceURL))
            XCTFail("a revoked session cannot call the backend")
        } catch SessionKitError.signedOut {}
        XCTAssertEqual(kit.status, .signedOut, "Stytch's answer signed out (E1)")
    }

    func test_h1_cancelling_a_request_while_it_waits_for_the_refresh_ends_it() async throws {
        let (kit, sandbox, _) = try await signedInKit()
        defer { kit.close() }
        try await sandbox.advanceClock(seconds: 360)
        try await sandbox.inject("authenticate", ["delay_ms": 3_000])
        let before = try await sandbox.requestCount("authenticate")
        let request = URLRequest(url: sandbox.resourceURL)
        let task = Task { try await kit.data(for: request) }
        // The refresh is on the wire (the backend rejected the JWT, the sandbox holds it).
        while try await sandbox.requestCount("authenticate") == before {
            await Task.yield()
        }
        let cancelled = Date()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the cancelled request ended normally")
        } catch is CancellationError {}
        let waited = Int(Date().timeIntervalSince(cancelled) * 1000)
        print("urlsession: a request cancelled during the refresh ended after \(waited) ms (the refresh takes 3000 ms)")
    }
}

/// The HTTP status of `response`.
private func statusCode(_ response: URLResponse) -> Int { (response as? HTTPURLResponse)?.statusCode ?? 0 }
