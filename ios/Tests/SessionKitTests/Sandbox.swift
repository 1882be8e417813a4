// The sandbox server (crate tests/sandbox, binary sessionkit-sandbox) as a child process of
// the test run, and the calls the engine does not make: signing a user in with a password,
// as an app's login screen would, and revoking a session from "another device".
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import SessionKit

/// A running sessionkit-sandbox on a free loopback port, for the whole test run.
final class Sandbox: @unchecked Sendable {
    let baseURL: URL
    let publicToken: String
    let projectID: String
    private let process: Process

    /// Tokens of a fresh sign-in.
    struct SignedIn: Sendable, CustomStringConvertible {
        let sessionToken: String
        let sessionJwt: String
        var description: String { "SignedIn([redacted])" }
    }

    nonisolated(unsafe) private static var running: Sandbox?
    private static let lock = NSLock()

    /// The sandbox of this test run, started on first use from `$SESSIONKIT_SANDBOX`.
    static func shared() throws -> Sandbox {
        lock.lock()
        defer { lock.unlock() }
        if let running { return running }
        let started = try Sandbox.start()
        running = started
        return started
    }

    /// Stops the shared sandbox (test classes' `tearDown`).
    static func stopShared() {
        lock.lock()
        defer { lock.unlock() }
        // SIGKILL, not terminate(): a child spawned from a concurrency or Dispatch thread
        // inherits that thread's signal mask, SIGTERM blocked, and would never exit.
        if let process = running?.process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        running = nil
    }

    /// The HTTPS listener's `https://127.0.0.1:PORT`, when started with a TLS certificate.
    let httpsURL: URL?

    private init(process: Process, baseURL: URL, publicToken: String, projectID: String, httpsURL: URL?) {
        self.process = process
        self.baseURL = baseURL
        self.publicToken = publicToken
        self.projectID = projectID
        self.httpsURL = httpsURL
    }

    /// A sandbox of its own that also serves HTTPS with the test certificate `tls` (`pinned`
    /// or `other`, SPEC V7); `stop()` ends it.
    static func startTLS(_ tls: String) throws -> Sandbox {
        try start(tls: tls)
    }

    /// Stops a sandbox started with `startTLS`.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func start(tls: String? = nil) throws -> Sandbox {
        guard let path = ProcessInfo.processInfo.environment["SESSIONKIT_SANDBOX"] else {
            throw SandboxError("set SESSIONKIT_SANDBOX to the sessionkit-sandbox binary (scripts/swift-tests.sh does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--addr", "127.0.0.1:0"] + (tls.map { ["--tls", $0] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        var fields: [String: String] = [:]
        let wanted = tls == nil ? 3 : 4
        while fields.count < wanted {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw SandboxError("the sandbox exited before printing its address") }
            text += String(decoding: chunk, as: UTF8.self)
            for line in text.split(separator: "\n") {
                for name in ["base url", "public token", "project id", "https url"] where line.hasPrefix("\(name):") {
                    fields[name] = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        return Sandbox(
            process: process, baseURL: URL(string: fields["base url"]!)!,
            publicToken: fields["public token"]!, projectID: fields["project id"]!,
            httpsURL: fields["https url"].flatMap(URL.init(string:)))
    }

    /// A configuration pointing at this sandbox; manual refresh unless asked.
    func configuration(automaticRefresh: Bool = false) -> SessionKitConfiguration {
        .init(publicToken: publicToken, baseURL: baseURL, projectID: projectID, automaticRefresh: automaticRefresh)
    }

    /// Signs a new user in with a password (`POST /sdk/v1/passwords/authenticate`).
    func signIn(customClaims: [String: Any]? = nil, roles: [String] = [], factors: [String] = []) async throws -> SignedIn {
        var body: [String: Any] = [
            "email": "user-\(UUID().uuidString)@example.com",
            "password": "correct horse battery staple",
            "sandbox_roles": roles,
            "sandbox_factors": factors,
        ]
        if let customClaims { body["session_custom_claims"] = customClaims }
        let answer = try await post("/sdk/v1/passwords/authenticate", secret: publicToken, body: body)
        let data = (answer["data"] as? [String: Any]) ?? answer
        guard let token = data["session_token"] as? String, let jwt = data["session_jwt"] as? String
        else { throw SandboxError("no tokens in the sandbox's sign-in answer") }
        return SignedIn(sessionToken: token, sessionJwt: jwt)
    }

    /// Revokes `sessionToken` on the server behind the client's back (another device).
    func revokeOnServer(_ sessionToken: String) async throws {
        _ = try await post("/sdk/v1/sessions/revoke", secret: sessionToken, body: [:])
    }

    /// How many requests the sandbox has counted on `endpoint` (`authenticate`, `revoke`, ...).
    func requestCount(_ endpoint: String) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: baseURL.appendingPathComponent("sandbox/v1/requests"))
        let counts = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        guard let count = counts[endpoint] as? Int else { throw SandboxError("no count for \(endpoint)") }
        return count
    }

    /// The app backend's protected resource (`GET /app/v1/profile`).
    var resourceURL: URL { baseURL.appendingPathComponent("app/v1/profile") }

    /// Moves the sandbox's clock on: JWTs it minted expire on its clock, not on the client's.
    func advanceClock(seconds: Int) async throws {
        try await control("sandbox/v1/clock", ["advance_seconds": seconds])
    }

    /// Clears queued faults and counters.
    func reset() async throws {
        try await control("sandbox/v1/reset", [:])
    }

    private func control(_ path: String, _ body: [String: Any]) async throws {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 204 else { throw SandboxError("\(path) refused") }
    }

    /// Queues a fault (the JSON of `/sandbox/v1/faults`) for the next `times` requests.
    func inject(_ endpoint: String, times: Int = 1, _ fault: [String: Any]) async throws {
        var body = fault
        body["endpoint"] = endpoint
        body["times"] = times
        var request = URLRequest(url: baseURL.appendingPathComponent("sandbox/v1/faults"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 204 else { throw SandboxError("fault refused") }
    }

    private func post(_ path: String, secret: String, body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: baseURL.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let basic = Data("\(publicToken):\(secret)".utf8).base64EncodedString()
        request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw SandboxError("sandbox \(path) answered HTTP \(status)") }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

struct SandboxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
