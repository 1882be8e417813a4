// The Swift-side copy reads serve: expiry on server time (R1, R5) and the status it implies
// (R6), built from the engine's own state record. Imports the generated module to build that
// record, so every wrapper type is named through its module here.
import Foundation
import SessionKitBindings
import XCTest
@testable import SessionKit

final class CachedStateTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func sandbox() throws -> Sandbox { try Sandbox.shared() }

    func test_r1_r5_get_sync_never_returns_a_session_expired_on_server_time() async throws {
        let sandbox = try sandbox()
        let signedIn = try await sandbox.signIn(customClaims: nil)
        let kit = try await started(configuration: sandbox.configuration())
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        let live = try XCTUnwrap(kit.getSync())
        let fields = try XCTUnwrap(kit.ffi.getSync()).fields()
        let expiresAt = live.expiresAtMillis
        func cached(_ offsetMillis: Int64) -> SessionKit.CachedState {
            SessionKit.CachedState.restoring.next(
                SessionKitBindings.ClientState(
                    session: fields, fromCache: false, status: .signedIn, revision: 1,
                    serverClockOffsetMillis: offsetMillis))
        }
        let now = cached(0)
        XCTAssertEqual(now.live(deviceNowMillis: expiresAt - 1), live)
        XCTAssertNil(now.live(deviceNowMillis: expiresAt), "expired at expiresAt")
        XCTAssertEqual(now.status(deviceNowMillis: expiresAt), .signedOut, "R6: expired is signed out")
        // A device clock an hour slow (the server an hour ahead): on this device's clock the
        // session expires an hour earlier.
        let hour: Int64 = 3_600_000
        let slowDevice = cached(hour)
        XCTAssertEqual(slowDevice.live(deviceNowMillis: expiresAt - hour - 1), live)
        XCTAssertNil(slowDevice.live(deviceNowMillis: expiresAt - hour))
        XCTAssertNil(SessionKit.CachedState.restoring.live(deviceNowMillis: 0))
        // The kit applies the offset the engine learnt from the sandbox's answers.
        XCTAssertNotNil(kit.serverClockOffset)
    }

}
