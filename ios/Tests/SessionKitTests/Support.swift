import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import SessionKit

/// A `SessionStore` written in Swift (P1), whose failures a test switches on and off.
final class TestStore: SessionStore, @unchecked Sendable {
    enum Mode { case normal, unavailable, failing, gated }
    private let lock = NSLock()
    private var blob: Data?
    private var mode: Mode = .normal
    private var saveGate: DispatchSemaphore?
    private(set) var saves = 0

    init(blob: Data? = nil) { self.blob = blob }

    var stored: Data? { lock.withLock { blob } }
    func set(_ mode: Mode) { lock.withLock { self.mode = mode } }
    func put(_ data: Data?) { lock.withLock { blob = data } }

    /// Makes the next saves wait until `open()`.
    func closeGate() { lock.withLock { saveGate = DispatchSemaphore(value: 0) } }
    func openGate() { lock.withLock { saveGate }?.signal() }

    struct Unexpected: Error {}

    private func check() throws {
        switch lock.withLock({ mode }) {
        case .unavailable: throw SessionStoreError.unavailable("the test store is locked")
        case .failing: throw Unexpected()
        case .normal, .gated: break
        }
    }

    func load() throws -> Data? {
        try check()
        return stored
    }

    func save(_ blob: Data) throws {
        try check()
        if let gate = lock.withLock({ saveGate }) { gate.wait() }
        lock.withLock {
            self.blob = blob
            saves += 1
        }
    }

    func clear() throws {
        try check()
        put(nil)
    }
}

/// Every event of one subscription, awaited one at a time with a deadline (a failing test
/// ends instead of hanging; a passing one never waits for it).
final class EventQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var buffered: [SessionEvent] = []
    private var waiter: CheckedContinuation<SessionEvent?, Never>?
    private(set) var subscription: SessionSubscription?

    init(_ kit: any SessionClient) {
        subscription = kit.onChange { [weak self] event in self?.push(event) }
    }

    private func push(_ event: SessionEvent) {
        let waiting: CheckedContinuation<SessionEvent?, Never>? = lock.withLock {
            if let waiter {
                self.waiter = nil
                return waiter
            }
            buffered.append(event)
            return nil
        }
        waiting?.resume(returning: event)
    }

    func next(within seconds: Double = 15) async -> SessionEvent? {
        await withCheckedContinuation { continuation in
            let ready: SessionEvent?? = lock.withLock {
                if !buffered.isEmpty { return .some(buffered.removeFirst()) }
                waiter = continuation
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                let expired: CheckedContinuation<SessionEvent?, Never>? = self.lock.withLock {
                    guard let waiter = self.waiter else { return nil }
                    self.waiter = nil
                    return waiter
                }
                expired?.resume(returning: nil)
            }
        }
    }

    /// The next `.changed` event, skipping storage events.
    func nextChange(file: StaticString = #filePath, line: UInt = #line) async throws -> SessionChange {
        while let event = await next() {
            if case .changed(let change) = event { return change }
        }
        XCTFail("no change announced in time", file: file, line: line)
        throw SandboxError("no change announced in time")
    }

    /// Whether nothing arrives within `seconds` (used after unsubscribing).
    func staysQuiet(for seconds: Double) async -> Bool {
        await next(within: seconds) == nil
    }
}

/// A loopback port nothing listens on: connections are refused at once.
func closedPort() -> Int {
    let socket = listeningSocket(listen: false)
    defer { close(socket.fd) }
    return socket.port
}

/// A loopback server that accepts connections into its backlog and never answers: requests
/// to it hang until their timeout. Keep the returned descriptor open while it is used.
func blackHoleServer() -> (fd: Int32, port: Int) {
    listeningSocket(listen: true)
}

/// Waits (up to 10 s) until a client connects to the listening socket `fd`: the request of
/// the call under test is then on the wire. Polls the socket, no sleeping.
func connectionArrives(at fd: Int32) -> Bool {
    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 10_000) == 1
}

private func listeningSocket(listen shouldListen: Bool) -> (fd: Int32, port: Int) {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            _ = bind(fd, generic, length)
            if shouldListen { _ = listen(fd, 64) }
            _ = getsockname(fd, generic, &length)
        }
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// An envelope (the engine's stored format) holding `session`: what a previous run of the app
/// would have saved.
func envelope(sessionJSON: String, token: String = "stored-token", jwt: String = "stored.jwt.value") -> Data {
    Data(#"{"format":2,"session_token":"\#(token)","session_jwt":"\#(jwt)","session":\#(sessionJSON),"last_validated_at":null}"#.utf8)
}

/// A session object as Stytch sends it, expiring at `expiresAt`.
func sessionJSON(id: String = "session-test-stored", expiresAt: String = "2099-01-01T00:00:00Z") -> String {
    #"""
    {"session_id":"\#(id)","user_id":"user-test-stored","started_at":"2026-01-01T00:00:00Z",
     "last_accessed_at":"2026-01-01T00:00:00Z","expires_at":"\#(expiresAt)",
     "attributes":{"ip_address":"203.0.113.1","user_agent":"tests"},
     "authentication_factors":[{"type":"otp","delivery_method":"sms","last_authenticated_at":"2026-01-01T00:00:00Z",
       "phone_number_factor":{"phone_id":"phone-1","phone_number":"+15555550100"}}],
     "custom_claims":{"plan":"pro","org":{"id":"org-1","roles":["admin","billing"]},"seats":12,"ratio":0.5,"beta":true},
     "roles":["stytch_user"],"a_field_from_the_future":42}
    """#
}

/// `body`'s result, or a test failure after `seconds`: a deadlock fails, it does not hang.
func withDeadline<T: Sendable>(
    seconds: Double, file: StaticString = #filePath, line: UInt = #line,
    _ body: @escaping @Sendable () async -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            XCTFail("no result within \(seconds) s", file: file, line: line)
            throw SandboxError("no result within \(seconds) s")
        }
        return value
    }
}

/// A client whose restore has finished, so that reads show what storage held.
func started(
    configuration: SessionKitConfiguration, storage: SessionStorage = .memory
) async throws -> SessionKitClient {
    let kit = try SessionKitClient.start(configuration: configuration, storage: storage)
    _ = try await kit.restored()
    return kit
}
