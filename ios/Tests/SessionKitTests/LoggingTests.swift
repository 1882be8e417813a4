// SessionKit's log events in the app's own logger (SPEC L1): with their level, filtered in
// Rust before they cross, and never with a token in them. The unified log itself is Apple-only;
// on Linux the logger is how events are seen. The Kotlin LoggingTests prove the same.
import Foundation
import XCTest
@testable import SessionKit

/// Every line a logger heard.
final class CollectedLog: SessionLogger, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(LogLevel, String, String)] = []
    var lines: [(LogLevel, String, String)] { lock.withLock { stored } }
    func log(level: LogLevel, target: String, message: String) {
        lock.withLock { stored.append((level, target, message)) }
    }
}

final class LoggingTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    func test_l1_a_failing_refresh_logs_a_warning_and_no_token_reaches_the_logger() async throws {
        let sandbox = try Sandbox.shared()
        let logged = CollectedLog()
        var configuration = sandbox.configuration()
        configuration.logger = logged
        configuration.logLevel = .trace
        let signedIn = try await sandbox.signIn()
        let kit = try await started(configuration: configuration)
        defer { kit.close() }
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        let rotated = try XCTUnwrap(kit.getTokens())
        try await sandbox.inject("authenticate", ["status": 400, "error_type": "invalid_session_duration"])
        do {
            try await kit.authenticate()
            XCTFail("the sandbox refused it")
        } catch SessionKitError.serverRejected {}
        try await kit.revoke()

        let warning = logged.lines.first { $0.0 == .warn && $0.2.contains("rejected") }
        XCTAssertNotNil(warning, "the failed refresh is a warning: \(logged.lines)")
        XCTAssertTrue(warning?.1.hasPrefix("sessionkit") == true)
        XCTAssertTrue(logged.lines.contains { $0.0 == .debug }, "a trace logger hears the decisions too")
        let secrets = [
            signedIn.sessionToken, signedIn.sessionJwt, rotated.sessionJwt,
            String(rotated.sessionJwt.split(separator: ".").last ?? ""),
        ]
        for (_, _, message) in logged.lines {
            for secret in secrets {
                XCTAssertFalse(message.contains(secret), "M3: a token in a log line: \(message)")
            }
        }
    }

    func test_l1_a_logger_hears_nothing_below_its_level() async throws {
        let sandbox = try Sandbox.shared()
        let logged = CollectedLog()
        var configuration = sandbox.configuration()
        configuration.logger = logged
        configuration.logLevel = .error
        let kit = try await started(configuration: configuration)
        defer { kit.close() }
        try await sandbox.inject("authenticate", ["status": 400, "error_type": "invalid_session_duration"])
        let signedIn = try await sandbox.signIn()
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        _ = try? await kit.authenticate()
        XCTAssertTrue(logged.lines.allSatisfy { $0.0 == .error }, "\(logged.lines)")
    }
}
