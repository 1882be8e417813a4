// A hostile server or network takes nothing (SPEC V1, V2, V7, V8), from Swift: the same rules
// as core/tests/under_fire/hostile_server.rs and the Kotlin HostileServerTests.
import Foundation
import SessionKitBindings
import XCTest
@testable import SessionKit

final class HostileServerTests: XCTestCase {
    private let pinned = "sha256/au2wVAhi7DhLyU8g/6yFYoGLlzi4OT4QEF4jZkBcaJI="
    private let backup = "sha256/g8LIV7zpNkS8awp/jaN07eUwtzT5IMd7PU9gllUjuQ0="
    private let other = "sha256/iUAfyN/e1iDzuxBVKJECGwlEu25AurqgWkGP8q6kii0="

    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func assertInvalidArgument(
        _ configuration: SessionKitConfiguration, containing text: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let kit = try SessionKitClient.start(configuration: configuration)
            kit.close()
            XCTFail("accepted", file: file, line: line)
        } catch let SessionKitError.invalidArgument(detail, _) {
            XCTAssertTrue(detail.contains(text), detail, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func test_v1_cleartext_to_a_host_other_than_loopback_is_refused_at_configuration() throws {
        let sandbox = try Sandbox.shared()
        for url in ["http://10.0.2.2:8787", "http://api.example.com", "http://0.0.0.0:80"] {
            var configuration = sandbox.configuration()
            configuration.baseURL = URL(string: url)
            assertInvalidArgument(configuration, containing: "loopback")
        }
        try SessionKitClient.start(configuration: sandbox.configuration()).close()
    }

    func test_v7_pins_need_a_backup_and_https() throws {
        let sandbox = try Sandbox.shared()
        var onePin = sandbox.configuration()
        onePin.baseURL = URL(string: "https://127.0.0.1:1")
        onePin.certificatePins = [pinned]
        assertInvalidArgument(onePin, containing: "backup")
        var overHTTP = sandbox.configuration()
        overHTTP.certificatePins = [pinned, backup]
        assertInvalidArgument(overHTTP, containing: "https")
        var fine = onePin
        fine.certificatePins = [pinned, backup]
        try SessionKitClient.start(configuration: fine).close()
    }

    /// Over the sandbox's HTTPS listener, whose test CA this process's native library trusts
    /// (`SSL_CERT_FILE`, set by scripts/swift-tests.sh): pins naming another key fail as a
    /// network error that names the pin and keeps the session; pins naming its key pass.
    func test_v7_a_pin_mismatch_over_tls_is_a_network_error_that_keeps_the_session() async throws {
        let server = try Sandbox.startTLS("other")
        defer { server.stop() }
        let signedIn = try await server.signIn()
        var https = server.configuration()
        https.baseURL = server.httpsURL
        https.certificatePins = [pinned, backup]
        let mismatched = try await started(configuration: https)
        defer { mismatched.close() }
        try await mismatched.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        do {
            _ = try await mismatched.authenticate()
            XCTFail("a server whose key no pin names was accepted")
        } catch let SessionKitError.network(detail, _, _) {
            XCTAssertTrue(detail.contains("pin"), detail)
        }
        XCTAssertEqual(mismatched.getTokens()?.sessionToken, signedIn.sessionToken, "E2: kept")
        let refusedRequests = try await server.requestCount("authenticate")
        XCTAssertEqual(refusedRequests, 0, "no token reached that server")
        https.certificatePins = [backup, other]
        let pinnedRight = try await started(configuration: https)
        defer { pinnedRight.close() }
        try await pinnedRight.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        _ = try await pinnedRight.authenticate()
        let passedRequests = try await server.requestCount("authenticate")
        XCTAssertEqual(passedRequests, 1)
    }

    func test_v2_an_answer_for_another_user_is_refused_and_the_session_kept() async throws {
        let sandbox = try Sandbox.shared()
        let kit = try await started(configuration: sandbox.configuration())
        defer { kit.close() }
        let signedIn = try await sandbox.signIn()
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        let mine = try await kit.authenticate()
        try await sandbox.inject("authenticate", ["hostile": "swapped_user"])
        do {
            _ = try await kit.authenticate()
            XCTFail("an answer for another user was accepted")
        } catch SessionKitError.network {
        }
        XCTAssertEqual(kit.getSync()?.userId, mine.userId, "V2: still the same user")
        XCTAssertEqual(kit.getTokens()?.sessionToken, signedIn.sessionToken)
    }

    func test_v8_the_encrypted_file_is_protected_again_after_every_write() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sessionkit-protected-\(UUID().uuidString).bin")
        let written = LockedPaths()
        let store = try encryptedFileStore(
            path: path.path, key: Data(repeating: 3, count: 32),
            observer: SessionFileProtection(written: { written.append($0) }))
        try store.save(blob: Data("envelope".utf8))
        try store.save(blob: Data("envelope 2".utf8))
        XCTAssertEqual(written.paths, [path.path, path.path], "after each write, with the path only")
    }
}

/// Paths heard on the engine's storage thread.
private final class LockedPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ path: String) { lock.withLock { stored.append(path) } }
    var paths: [String] { lock.withLock { stored } }
}
