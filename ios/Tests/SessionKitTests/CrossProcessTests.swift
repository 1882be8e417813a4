// Two clients over one storage and one shared directory (SPEC C1-C3), as an app and its
// extension would be; in one process here, where the engines coordinate exactly as across
// processes (their file locks exclude each other). The Rust tests run the same rules across
// real processes (core/tests/processes); the Kotlin CrossProcessTests prove the same.
import Foundation
import XCTest
@testable import SessionKit

final class CrossProcessTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sessionkit-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func test_c1_c2_a_sign_in_and_a_sign_out_in_the_app_reach_the_extension() async throws {
        let sandbox = try Sandbox.shared()
        let dir = try temporaryDirectory()
        let group = dir.appendingPathComponent("group")
        try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
        let storage = SessionStorage.encryptedFile(
            path: dir.appendingPathComponent("session.bin"), key: Data(repeating: 7, count: 32)
        ).sharedBetweenProcesses(directory: group)
        let app = try await started(configuration: sandbox.configuration(), storage: storage)
        defer { app.close() }
        let widget = try await started(configuration: sandbox.configuration(), storage: storage)
        defer { widget.close() }
        let events = EventQueue(widget)
        let signedIn = try await sandbox.signIn()

        try await app.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        widget.appDidEnterForeground()

        XCTAssertEqual(widget.getTokens()?.sessionToken, signedIn.sessionToken, "C1: the next read shows it")
        let signedInThere = try await events.nextChange()
        XCTAssertEqual(signedInThere.cause, .otherProcess)
        XCTAssertEqual(signedInThere.status, .pending)
        XCTAssertEqual(widget.status, .pending, "the wrapper's copy is as new as the change it announces")

        try await app.clear()
        widget.checkSharedStore()
        XCTAssertNil(widget.getTokens(), "C2: the sign-out holds in every process")
        let signedOutThere = try await events.nextChange()
        XCTAssertEqual(signedOutThere.cause, .otherProcess)
        XCTAssertEqual(widget.status, .signedOut)
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: group.appendingPathComponent("sessionkit.lock").path),
            "the engines coordinated in the shared container")
    }

    func test_c1_a_shared_container_that_does_not_exist_is_a_clear_error_at_start() throws {
        let dir = try temporaryDirectory()
        let storage = SessionStorage.memory.sharedBetweenProcesses(
            directory: dir.appendingPathComponent("no-such-group"))
        XCTAssertThrowsError(
            try SessionKitClient.start(
                configuration: SessionKitConfiguration(publicToken: "public-token-test-x"),
                storage: storage)
        ) { error in
            guard case SessionKitError.invalidArgument(let detail, _) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(detail.contains("shared between processes"), detail)
        }
    }
}
