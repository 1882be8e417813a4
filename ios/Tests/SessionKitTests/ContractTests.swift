// The wrapper contract (bindings/WRAPPERS.md), rule by rule, in Swift; the Kotlin tests
// (ContractTests.kt) prove the same rules with the same names. Against the host library and
// the sandbox.
import Foundation
import XCTest
@testable import SessionKit

final class ContractTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func sandbox() throws -> Sandbox { try Sandbox.shared() }

    /// A store whose `load` waits until `open()`, remembering the threads it ran on.
    final class GatedStore: SessionStore, @unchecked Sendable {
        let inner: TestStore
        private let gate = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var threads: [String] = []
        init(blob: Data?) { inner = TestStore(blob: blob) }
        var loadThreads: [String] { lock.withLock { threads } }
        func open() { gate.signal() }
        func load() throws -> Data? {
            lock.withLock { threads.append(currentThreadName()) }
            _ = gate.wait(timeout: .now() + 15)
            gate.signal()
            return try inner.load()
        }
        func save(_ blob: Data) throws { try inner.save(blob) }
        func clear() throws { try inner.clear() }
    }

    func test_x2_start_returns_at_once_and_never_reads_storage_on_the_starting_thread() async throws {
        let gated = GatedStore(blob: envelope(sessionJSON: sessionJSON()))
        let starting = currentThreadName()
        // Had start read the store here, it would sit in the gate for the whole bound.
        let kit = try SessionKitClient.start(
            configuration: try sandbox().configuration(), storage: .custom(gated))
        defer { kit.close() }
        XCTAssertEqual(kit.status, .restoring)
        XCTAssertEqual(kit.getInfo().status, .restoring)
        XCTAssertEqual(kit.restoreOutcome, .pending)
        XCTAssertNil(kit.getSync())
        gated.open()
        let outcome = try await kit.restored()
        XCTAssertEqual(outcome, .restored)
        XCTAssertFalse(gated.loadThreads.isEmpty)
        XCTAssertFalse(gated.loadThreads.contains(starting), "storage was read on the starting thread")
        XCTAssertEqual(kit.status, .signedIn)
        XCTAssertTrue(kit.getInfo().fromCache)
    }

    func test_r6_status_goes_restoring_signed_out_pending_signed_in_signed_out() async throws {
        let sandbox = try sandbox()
        let gated = GatedStore(blob: nil)
        let kit = try SessionKitClient.start(configuration: sandbox.configuration(), storage: .custom(gated))
        defer { kit.close() }
        var statuses = kit.statuses.makeAsyncIterator()
        let first = await statuses.next()
        XCTAssertEqual(first, .restoring)
        gated.open()
        _ = try await kit.restored()
        let restored = await statuses.next()
        XCTAssertEqual(restored, .signedOut)
        let signedIn = try await sandbox.signIn()
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        XCTAssertEqual(kit.getInfo().status, .pending, "tokens held, being confirmed")
        XCTAssertNil(kit.getSync(), "pending: no session object yet, but not signed out")
        try await kit.authenticate()
        XCTAssertEqual(kit.status, .signedIn)
        try await kit.clear()
        XCTAssertEqual(kit.status, .signedOut)
    }

    func test_x1_after_close_reads_answer_nothing_lifecycle_does_nothing_and_io_throws_closed() async throws {
        let sandbox = try sandbox()
        let kit = try await started(configuration: sandbox.configuration())
        let signedIn = try await sandbox.signIn()
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        let subscription = kit.onChange { _ in }
        var events = kit.events.makeAsyncIterator()
        kit.close()
        kit.close()  // twice is harmless
        XCTAssertNil(kit.getSync())
        XCTAssertEqual(kit.getInfo(), .signedOut)
        XCTAssertNil(kit.getTokens())
        XCTAssertEqual(kit.checkJwt(), .unauthorised)
        // A lifecycle observer that outlived the client: nothing happens, nothing throws.
        kit.appDidEnterForeground()
        kit.appDidEnterBackground()
        kit.networkBecameAvailable()
        kit.onChange { _ in }.cancel()
        subscription.cancel()
        let ended = await events.next()
        XCTAssertNil(ended, "the events stream ends when the client closes")
        let calls: [(String, @Sendable () async throws -> Void)] = [
            ("authenticate", { _ = try await kit.authenticate() }),
            ("revoke", { _ = try await kit.revoke() }),
            ("updateSession", { try await kit.updateSession(sessionToken: "t", sessionJwt: "a.b.c") }),
            ("clear", { try await kit.clear() }),
            ("storageBecameAvailable", { try await kit.storageBecameAvailable() }),
            ("refreshJwks", { try await kit.refreshJwks() }),
            ("restored", { _ = try await kit.restored() }),
        ]
        for (name, call) in calls {
            do {
                try await call()
                XCTFail("\(name) after close")
            } catch let error as SessionKitError {
                XCTAssertEqual(error, .closed, name)
                XCTAssertEqual(error.description, "this SessionKitClient was closed; start a new one")
            }
        }
        XCTAssertEqual(kit.description, "SessionKitClient(closed)")
    }

    func test_o2_inside_a_listener_every_read_shows_the_change_it_hears_of() async throws {
        let sandbox = try sandbox()
        let signedIn = try await sandbox.signIn()
        let kit = try await started(configuration: sandbox.configuration())
        defer { kit.close() }
        // One change at a time, each awaited until its listener has read: at that moment no
        // later change exists, so every read must show exactly the announced state.
        let reads = EventQueueOf<String>()
        let subscription = kit.onChange { event in
            guard case .changed(let change) = event else { return }
            let info = kit.getInfo()
            let problem: String
            if info.status != change.status {
                problem = "status \(info.status) during \(change.cause) to \(change.status)"
            } else if kit.getSync() != change.session {
                problem = "getSync during \(change.cause)"
            } else if info.session != change.session {
                problem = "getInfo session during \(change.cause)"
            } else {
                problem = "ok"
            }
            reads.push(problem)
        }
        defer { subscription.cancel() }
        for _ in 0..<100 {
            try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
            let hydrated = await reads.next()
            XCTAssertEqual(hydrated, "ok", "hydrated")
            try await kit.authenticate()
            let confirmed = await reads.next()
            XCTAssertEqual(confirmed, "ok", "confirmed")
            try await kit.clear()
            let cleared = await reads.next()
            XCTAssertEqual(cleared, "ok", "cleared")
        }
    }

    func test_s9_a_hostile_configuration_meets_the_sandbox_and_the_requests_stay_bounded() async throws {
        let sandbox = try sandbox()
        for heartbeat in [Duration.zero, .milliseconds(100)] {
            var refused = sandbox.configuration(automaticRefresh: true)
            refused.heartbeat = heartbeat
            XCTAssertThrowsError(try SessionKitClient.start(configuration: refused)) { error in
                guard case .invalidArgument = error as? SessionKitError else {
                    return XCTFail("\(error)")
                }
            }
        }
        var hostile = sandbox.configuration(automaticRefresh: true)
        hostile.heartbeat = .seconds(1)
        hostile.refreshMargin = .milliseconds(299_500)  // each 300 s JWT is due again within a second
        let signedIn = try await sandbox.signIn()
        let before = try await sandbox.requestCount("authenticate")
        let started = Date()
        let kit = try SessionKitClient.start(configuration: hostile)
        let confirmations = EventQueueOf<Bool>()
        let subscription = kit.onChange { event in
            if case .changed(let change) = event, change.cause == .authenticated { confirmations.push(true) }
        }
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        for _ in 0..<4 {
            let confirmed = await confirmations.next()
            XCTAssertEqual(confirmed, true, "the scheduler stopped")
        }
        subscription.cancel()
        kit.close()
        let seconds = Int(Date().timeIntervalSince(started))
        let requests = try await sandbox.requestCount("authenticate") - before
        // One at start-up, one per whole second since, one for the server-clock offset learnt.
        XCTAssertLessThanOrEqual(requests, 2 + seconds, "\(requests) requests in \(seconds) s")
    }

    func test_x1_sessions_are_plain_values_that_no_reader_can_break() async throws {
        let sandbox = try sandbox()
        let signedIn = try await sandbox.signIn(customClaims: ["plan": "pro"], factors: ["email_otp"])
        let kit = try await started(configuration: sandbox.configuration())
        defer { kit.close() }
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        let first = try XCTUnwrap(kit.getSync())
        let second = try XCTUnwrap(kit.getSync())
        XCTAssertTrue(first === second, "one value per change, not one per read")
        let fromJSON = try Session(json: first.json)
        XCTAssertEqual(fromJSON, first, "the wrapper's JSON reading agrees with the engine's")
        XCTAssertEqual(fromJSON.hashValue, first.hashValue)
        let rebuilt = Session(
            sessionId: first.sessionId, userId: first.userId, startedAt: first.startedAt,
            lastAccessedAt: first.lastAccessedAt, expiresAt: first.expiresAt,
            attributes: first.attributes, authenticationFactors: first.authenticationFactors,
            customClaims: first.customClaims, roles: first.roles, unknownFields: first.unknownFields)
        XCTAssertEqual(rebuilt, first)
        // Written from fields and read back: the same session. (Dates are written to the
        // millisecond, Stytch's own precision; a Swift `Date` holds no more than that exactly.)
        let stored = try Session(json: sessionJSON())
        let fromFields = Session(
            sessionId: stored.sessionId, userId: stored.userId, startedAt: stored.startedAt,
            lastAccessedAt: stored.lastAccessedAt, expiresAt: stored.expiresAt,
            attributes: stored.attributes, authenticationFactors: stored.authenticationFactors,
            customClaims: stored.customClaims, roles: stored.roles, unknownFields: stored.unknownFields)
        XCTAssertEqual(try Session(json: fromFields.json), stored, "written from fields, read back the same")
    }
}

/// The name (or, unnamed, the address) of the current thread: enough to tell two apart.
func currentThreadName() -> String {
    "\(pthread_self())"
}

/// Values pushed from any thread, awaited one at a time with a deadline.
final class EventQueueOf<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var buffered: [Value] = []
    private var waiter: CheckedContinuation<Value?, Never>?

    func push(_ value: Value) {
        let waiting: CheckedContinuation<Value?, Never>? = lock.withLock {
            if let waiter {
                self.waiter = nil
                return waiter
            }
            buffered.append(value)
            return nil
        }
        waiting?.resume(returning: value)
    }

    func next(within seconds: Double = 15) async -> Value? {
        await withCheckedContinuation { continuation in
            let ready: Value?? = lock.withLock {
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
                let expired: CheckedContinuation<Value?, Never>? = self.lock.withLock {
                    guard let waiter = self.waiter else { return nil }
                    self.waiter = nil
                    return waiter
                }
                expired?.resume(returning: nil)
            }
        }
    }
}
