// The Swift wrapper over the real engine and a sandbox process: what the Kotlin host tests
// prove for Android, proven for Swift. Named after the SPEC rules they prove.
import Foundation
import XCTest
@testable import SessionKit

final class AgainstTheSandboxTests: XCTestCase {
    override class func tearDown() {
        Sandbox.stopShared()
        super.tearDown()
    }

    private func sandbox() throws -> Sandbox { try Sandbox.shared() }

    /// A kit on the sandbox holding a freshly signed-in, authenticated session.
    private func signedInKit(
        storage: SessionStorage = .memory, customClaims: [String: Any]? = nil
    ) async throws -> (SessionKitClient, Sandbox.SignedIn) {
        let sandbox = try sandbox()
        let signedIn = try await sandbox.signIn(customClaims: customClaims)
        let kit = try await started(configuration: sandbox.configuration(), storage: storage)
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        return (kit, signedIn)
    }

    // MARK: Writes

    func test_w1_update_session_persists_announces_and_leaves_the_session_unknown() async throws {
        let sandbox = try sandbox()
        let store = TestStore()
        let kit = try await started(configuration: sandbox.configuration(), storage: .custom(store))
        let events = EventQueue(kit)
        let signedIn = try await sandbox.signIn()

        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)

        let change = try await events.nextChange()
        XCTAssertEqual(change.cause, .hydrated)
        XCTAssertTrue(change.hasTokens)
        XCTAssertNil(change.session, "the session object is unknown until authenticate")
        XCTAssertNil(kit.getSync())
        XCTAssertEqual(kit.getTokens()?.sessionToken, signedIn.sessionToken)
        XCTAssertNotNil(store.stored, "persisted")
    }

    func test_w2_authenticate_returns_the_session_and_reads_see_it() async throws {
        let (kit, _) = try await signedInKit()
        let confirmed = try await kit.authenticate()
        XCTAssertEqual(kit.getSync(), confirmed)
        XCTAssertEqual(kit.session?.sessionId, confirmed.sessionId)
        XCTAssertFalse(kit.getInfo().fromCache)
        XCTAssertGreaterThan(confirmed.expiresAt, Date())
        XCTAssertFalse(confirmed.authenticationFactors.isEmpty)
    }

    func test_a_caller_reads_its_own_write_at_once_without_waiting_for_the_event() async throws {
        let (kit, _) = try await signedInKit()
        try await kit.clear()
        XCTAssertNil(kit.getSync(), "read right after the call returns, before any event")
        XCTAssertNil(kit.getTokens())
    }

    func test_w3_concurrent_authenticates_share_one_result() async throws {
        let (kit, _) = try await signedInKit()
        let sessions = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await kit.authenticate().json }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        // One request answered them all: every caller got the very same session object.
        XCTAssertLessThanOrEqual(sessions.count, 2, "at most the flight in progress and one more")
    }

    func test_w7_a_write_never_blocks_the_calling_thread_while_the_store_works() async throws {
        let sandbox = try sandbox()
        let store = TestStore()
        let kit = try await started(configuration: sandbox.configuration(), storage: .custom(store))
        store.closeGate()
        let write = Task { try await kit.updateSession(sessionToken: "token-w7", sessionJwt: "jwt.w7.value") }
        // The store is stuck in save; this thread goes on reading.
        for _ in 0..<100 {
            _ = kit.getSync()
            _ = kit.getInfo()
        }
        XCTAssertEqual(store.saves, 0, "the save is still waiting")
        store.openGate()
        try await write.value
        XCTAssertEqual(store.saves, 1)
        XCTAssertEqual(kit.getTokens()?.sessionToken, "token-w7")
    }

    func test_w6_clear_removes_the_stored_state_empties_memory_and_announces_no_session() async throws {
        let store = TestStore()
        let (kit, _) = try await signedInKit(storage: .custom(store))
        XCTAssertNotNil(store.stored)
        let events = EventQueue(kit)

        try await kit.clear()

        XCTAssertNil(store.stored, "the persisted state is gone")
        XCTAssertNil(kit.getSync())
        XCTAssertNil(kit.getTokens())
        let change = try await events.nextChange()
        XCTAssertEqual(change.cause, .signedOut(reason: .cleared))
        XCTAssertNil(change.session)
        XCTAssertFalse(change.hasTokens)
    }

    func test_w4_w8_a_call_whose_session_was_cleared_in_flight_reports_superseded() async throws {
        let server = blackHoleServer()
        defer { close(server.fd) }
        var configuration = try sandbox().configuration()
        configuration.baseURL = URL(string: "http://127.0.0.1:\(server.port)")
        configuration.requestTimeout = .milliseconds(300)
        configuration.automaticRefresh = false
        let kit = try await started(configuration: configuration)
        try await kit.updateSession(sessionToken: "token-in-flight", sessionJwt: "jwt.in.flight")

        let call = Task { try await kit.authenticate() }
        XCTAssertTrue(connectionArrives(at: server.fd), "the request is out before the clear")
        try await kit.clear()

        do {
            _ = try await call.value
            XCTFail("an authenticate whose session was cleared in flight succeeded")
        } catch SessionKitError.superseded {
            // W8: whatever the network did (here: a timeout), the identity it was for is gone.
        }
        XCTAssertNil(kit.getTokens(), "W4: the answer to an older generation brings nothing back")
        XCTAssertNil(kit.getSync())
    }

    func test_w5_revoke_signs_out_and_the_server_forgets_the_session() async throws {
        let (kit, signedIn) = try await signedInKit()
        let outcome = try await kit.revoke()
        XCTAssertEqual(outcome, .revoked)
        XCTAssertNil(kit.getSync())
        XCTAssertNil(kit.getTokens())
        // The server no longer knows it: a second client holding the same tokens is told so.
        let other = try await started(configuration: try sandbox().configuration())
        try await other.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        do {
            try await other.authenticate()
            XCTFail("a revoked session authenticated")
        } catch SessionKitError.signedOut {}
    }

    func test_e1_a_session_revoked_elsewhere_throws_signed_out_and_is_cleared() async throws {
        let (kit, signedIn) = try await signedInKit()
        try await sandbox().revokeOnServer(signedIn.sessionToken)
        do {
            try await kit.authenticate()
            XCTFail("authenticate succeeded on a revoked session")
        } catch let error as SessionKitError {
            guard case .signedOut = error else { return XCTFail("\(error)") }
            XCTAssertFalse(error.description.contains(signedIn.sessionToken))
        }
        XCTAssertNil(kit.getSync())
        XCTAssertNil(kit.getTokens())
    }

    func test_e2_w8_an_unreachable_server_keeps_the_session_and_a_forced_revoke_says_so() async throws {
        let sandbox = try sandbox()
        var configuration = sandbox.configuration()
        configuration.baseURL = URL(string: "http://127.0.0.1:\(closedPort())")
        let kit = try await started(configuration: configuration)
        try await kit.updateSession(sessionToken: "token-e2", sessionJwt: "jwt.e2.value")

        do {
            try await kit.authenticate()
            XCTFail("authenticate reached a closed port")
        } catch SessionKitError.network(let detail, _, let message) {
            XCTAssertFalse(detail.isEmpty)
            XCTAssertFalse(message.contains("token-e2"))
        }
        XCTAssertNotNil(kit.getTokens(), "a network failure never signs out")

        do {
            try await kit.revoke(forceClear: false)
            XCTFail("revoke reached a closed port")
        } catch SessionKitError.network {}
        XCTAssertNotNil(kit.getTokens(), "kept without forceClear")

        let outcome = try await kit.revoke(forceClear: true)
        guard case .clearedLocallyOnly(let reason) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertNil(kit.getTokens())
    }

    func test_e3_an_invalid_duration_throws_server_rejected_and_keeps_the_session() async throws {
        let (kit, _) = try await signedInKit()
        do {
            try await kit.authenticate(sessionDurationMinutes: 1)
            XCTFail("a one-minute duration was accepted")
        } catch SessionKitError.serverRejected(let status, let errorType, _, _) {
            XCTAssertEqual(status, 400)
            XCTAssertEqual(errorType, "invalid_session_duration")
        }
        XCTAssertNotNil(kit.getSync(), "kept")
        let extended = try await kit.authenticate(sessionDurationMinutes: 120)
        XCTAssertGreaterThan(extended.expiresAt, Date().addingTimeInterval(100 * 60))
    }

    func test_invalid_arguments_throw_invalid_argument_before_or_in_the_engine() async throws {
        let kit = try await started(configuration: try sandbox().configuration())
        await assertInvalidArgument { try await kit.updateSession(sessionToken: "", sessionJwt: "") }
        await assertInvalidArgument { try await kit.authenticate(sessionDurationMinutes: -5) }
        var negative = try sandbox().configuration()
        negative.requestTimeout = .seconds(-1)
        await assertInvalidArgument { _ = try SessionKitClient.start(configuration: negative) }
        await assertInvalidArgument { _ = try SessionKitClient.start(configuration: .init(publicToken: "secret-live-oops")) }
        await assertInvalidArgument {
            _ = try SessionKitClient.start(
                configuration: .init(publicToken: "public-token-test-1"),
                storage: .encryptedFile(path: URL(fileURLWithPath: "/tmp/unused"), key: Data(count: 16)))
        }
    }

    private func assertInvalidArgument(
        file: StaticString = #filePath, line: UInt = #line, _ call: () async throws -> Void
    ) async {
        do {
            try await call()
            XCTFail("accepted", file: file, line: line)
        } catch SessionKitError.invalidArgument(let detail, let message) {
            XCTAssertFalse(detail.isEmpty, file: file, line: line)
            XCTAssertTrue(message.contains(detail), "\(message)", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    // MARK: Storage

    func test_p1_an_app_supplied_swift_store_persists_and_restores_the_session() async throws {
        let store = TestStore()
        let (kit, _) = try await signedInKit(storage: .custom(store))
        let session = try XCTUnwrap(kit.getSync())
        kit.close()

        let restarted = try await started(configuration: try sandbox().configuration(), storage: .custom(store))
        XCTAssertEqual(restarted.restoreOutcome, .restored)
        XCTAssertEqual(restarted.getSync(), session)
        XCTAssertTrue(restarted.getInfo().fromCache, "from storage, unconfirmed in this process (R2)")
        try await restarted.authenticate()
        XCTAssertFalse(restarted.getInfo().fromCache)
    }

    func test_p1_the_encrypted_file_store_keeps_the_session_across_a_restart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sessionkit-\(UUID()).bin")
        defer { try? FileManager.default.removeItem(at: path) }
        let key = Data((0..<32).map { UInt8($0) })
        let (kit, _) = try await signedInKit(storage: .encryptedFile(path: path, key: key))
        let session = kit.getSync()
        kit.close()
        let restarted = try await started(
            configuration: try sandbox().configuration(), storage: .encryptedFile(path: path, key: key))
        XCTAssertEqual(restarted.getSync(), session)
    }

    func test_e4_a_swift_store_reporting_unavailable_is_never_a_sign_out() async throws {
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON()))
        store.set(.unavailable)
        let kit = try await started(configuration: try sandbox().configuration(), storage: .custom(store))
        guard case .unavailable = kit.restoreOutcome else { return XCTFail("\(kit.restoreOutcome)") }
        XCTAssertNil(kit.getSync())
        XCTAssertNotNil(store.stored, "nothing wiped")

        do {
            try await kit.storageBecameAvailable()
            XCTFail("storage still unavailable")
        } catch SessionKitError.storageUnavailable {}

        store.set(.normal)
        try await kit.storageBecameAvailable()
        XCTAssertEqual(kit.restoreOutcome, .restored)
        XCTAssertEqual(kit.getSync()?.sessionId, "session-test-stored")
    }

    func test_e5_a_corrupt_blob_in_a_swift_store_is_wiped_and_reported() async throws {
        let store = TestStore(blob: Data("not an envelope".utf8))
        let kit = try await started(configuration: try sandbox().configuration(), storage: .custom(store))
        guard case .corrupted = kit.restoreOutcome else { return XCTFail("\(kit.restoreOutcome)") }
        XCTAssertNil(store.stored, "wiped")
        XCTAssertNil(kit.getSync())
    }

    func test_e6_e7_a_swift_store_that_throws_unexpectedly_is_a_storage_failure() async throws {
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON()))
        store.set(.failing)
        let kit = try await started(configuration: try sandbox().configuration(), storage: .custom(store))
        guard case .failed(let detail) = kit.restoreOutcome else { return XCTFail("\(kit.restoreOutcome)") }
        XCTAssertTrue(detail.contains("Unexpected"), detail)
        XCTAssertFalse(detail.contains("stored-token"))
    }

    func test_p3_a_session_left_by_a_previous_install_is_wiped_once_on_the_first_launch() async throws {
        let suite = "sessionkit-tests-\(UUID())"
        defer { UserDefaults(suiteName: suite)?.removePersistentDomain(forName: suite) }
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON()))
        let storage = SessionStorage.custom(store).wipedOnReinstall(markerKey: "installed", defaultsSuite: suite)

        let first = try await started(configuration: try sandbox().configuration(), storage: storage)
        XCTAssertEqual(first.restoreOutcome, .empty, "a previous install's session is not restored")
        XCTAssertNil(store.stored, "and is gone from the store")
        first.close()

        // This install's own session survives later launches.
        store.put(envelope(sessionJSON: sessionJSON()))
        let second = try await started(configuration: try sandbox().configuration(), storage: storage)
        XCTAssertEqual(second.restoreOutcome, .restored)
        XCTAssertNotNil(store.stored)
    }

    func test_p3_e4_a_wipe_that_cannot_run_yet_keeps_the_engine_waiting_not_restoring() async throws {
        let suite = "sessionkit-tests-\(UUID())"
        defer { UserDefaults(suiteName: suite)?.removePersistentDomain(forName: suite) }
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON()))
        store.set(.unavailable)  // a background launch before first unlock
        let storage = SessionStorage.custom(store).wipedOnReinstall(markerKey: "installed", defaultsSuite: suite)
        let kit = try await started(configuration: try sandbox().configuration(), storage: storage)
        guard case .unavailable = kit.restoreOutcome else { return XCTFail("\(kit.restoreOutcome)") }
        XCTAssertNil(kit.getSync())

        store.set(.normal)
        try await kit.storageBecameAvailable()
        XCTAssertEqual(kit.restoreOutcome, .empty, "wiped first, so nothing to restore")
        XCTAssertNil(store.stored)
    }

    func test_p3_the_keychain_is_refused_clearly_off_apple_platforms() async throws {
        #if canImport(Security)
        throw XCTSkip("an Apple platform: the Keychain exists")
        #else
        do {
            _ = try SessionKitClient.start(
                configuration: .init(publicToken: "public-token-test-1"),
                storage: .keychain(service: "dev.sessionkit.tests"))
            XCTFail("a Keychain store on Linux")
        } catch let error {
            guard case .invalidArgument(let detail, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("Apple"), detail)
        }
        #endif
    }

    // MARK: Reads

    func test_r1_a_restored_session_already_expired_is_never_served() async throws {
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON(expiresAt: "2020-01-01T00:00:00Z")))
        let kit = try await started(configuration: try sandbox().configuration(), storage: .custom(store))
        XCTAssertNil(kit.getSync())
        XCTAssertNil(kit.session)
        XCTAssertNil(kit.getInfo().session)
    }

    // MARK: Observation

    func test_o5_the_sessions_stream_starts_with_the_current_value_and_follows_changes() async throws {
        let (kit, _) = try await signedInKit()
        let current = kit.getSync()
        var sessions = kit.sessions.makeAsyncIterator()
        let first = await sessions.next()
        XCTAssertEqual(first, .some(current))
        XCTAssertNotNil(current)
        try await kit.clear()
        let afterClear = await sessions.next()
        XCTAssertEqual(afterClear, .some(nil))
    }

    func test_o1_on_change_hears_each_change_and_cancel_unsubscribes() async throws {
        let (kit, _) = try await signedInKit()
        let events = EventQueue(kit)
        try await kit.authenticate()
        let change = try await events.nextChange()
        XCTAssertEqual(change.cause, .authenticated)
        XCTAssertEqual(change.session, kit.getSync())

        events.subscription?.cancel()
        XCTAssertEqual(events.subscription?.isActive, false)
        try await kit.clear()
        let quiet = await events.staysQuiet(for: 0.3)
        XCTAssertTrue(quiet, "nothing after cancel")
    }

    func test_o1_releasing_the_subscription_unsubscribes() async throws {
        let (kit, _) = try await signedInKit()
        let heard = Locked(0)
        var subscription: SessionSubscription? = kit.onChange { _ in heard.withLock { $0 += 1 } }
        XCTAssertEqual(subscription?.isActive, true)
        subscription = nil
        let witness = EventQueue(kit)
        try await kit.clear()
        _ = try await witness.nextChange()
        // Each subscription has its own delivery queue: give the released one the time the
        // witness needed, and more, before saying it heard nothing.
        _ = await witness.staysQuiet(for: 0.3)
        XCTAssertEqual(heard.withLock { $0 }, 0)
    }

    func test_o4_a_listener_that_throws_breaks_nothing_and_stays_subscribed() async throws {
        struct Thrown: Error {}
        let (kit, _) = try await signedInKit()
        let (heard, hear) = AsyncStream<SessionEvent>.makeStream()
        let throwing = kit.onChange { event in
            hear.yield(event)
            throw Thrown()
        }
        try await kit.authenticate()
        try await kit.clear()
        // Each subscription has its own delivery queue: wait for this listener's own events.
        let events = try await withDeadline(seconds: 15) {
            await heard.prefix(2).reduce(into: [SessionEvent]()) { $0.append($1) }
        }
        XCTAssertEqual(events.count, 2, "heard both changes despite throwing")
        XCTAssertTrue(throwing.isActive)
        XCTAssertNil(kit.getSync())
    }

    func test_o3_a_listener_may_call_back_into_the_kit() async throws {
        let (kit, _) = try await signedInKit()
        let answers = Locked<[String]>([])
        // The listener's own call to the server, handed to the test once started.
        let (calls, started) = AsyncStream<Task<Session?, Never>>.makeStream()
        let subscription = kit.onChange { [weak kit] _ in
            guard let kit else { return }
            // Reads, and a call that reaches the server, from inside the callback.
            let session = kit.getSync()
            _ = kit.getTokens()
            _ = kit.checkJwt()
            answers.withLock { $0.append(session?.sessionId ?? "none") }
            started.yield(Task { try? await kit.authenticate() })
            started.finish()
        }
        defer { subscription.cancel() }
        try await kit.authenticate()
        // Whether it joins a request in flight (W3) or makes its own, it completes.
        let reentrant = try await withDeadline(seconds: 15) {
            await calls.first { _ in true }?.value
        }
        XCTAssertNotNil(reentrant, "the listener's authenticate failed")
        XCTAssertFalse(answers.withLock { $0 }.isEmpty)
    }

    func test_o2_events_stream_delivers_every_change_in_order() async throws {
        let sandbox = try sandbox()
        let kit = try await started(configuration: sandbox.configuration())
        let signedIn = try await sandbox.signIn()
        var events = kit.events.makeAsyncIterator()
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        try await kit.authenticate()
        try await kit.clear()
        var causes: [ChangeCause] = []
        while causes.count < 3, let event = await events.next() {
            if case .changed(let change) = event { causes.append(change.cause) }
        }
        XCTAssertEqual(causes, [.hydrated, .authenticated, .signedOut(reason: .cleared)])
    }

    // MARK: Cancellation

    func test_cancelling_an_authenticate_task_ends_the_wait_at_once_and_keeps_the_session() async throws {
        let server = blackHoleServer()
        defer { close(server.fd) }
        var configuration = try sandbox().configuration()
        configuration.baseURL = URL(string: "http://127.0.0.1:\(server.port)")
        configuration.requestTimeout = .seconds(60)
        let kit = try await started(configuration: configuration)
        try await kit.updateSession(sessionToken: "token-cancel", sessionJwt: "jwt.cancel.value")

        let call = Task { try await kit.authenticate() }
        try await Task.sleep(for: .milliseconds(100))  // the request is out, waiting
        let started = ContinuousClock.now
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("a request to a server that never answers completed")
        } catch is CancellationError {}
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5), "not the 60 s request timeout")
        XCTAssertEqual(kit.getTokens()?.sessionToken, "token-cancel", "cancelling never signs out")
        // A task cancelled before it starts waiting ends as quickly.
        let early = Task { try await kit.authenticate() }
        early.cancel()
        do {
            _ = try await early.value
            XCTFail("completed")
        } catch is CancellationError {}
    }

    // MARK: Local checks

    func test_j2_check_jwt_returns_the_verified_session_without_io() async throws {
        let (kit, _) = try await signedInKit(customClaims: ["plan": "pro", "org": ["id": "org-1"]])
        guard case .tryRefresh = kit.checkJwt() else { return XCTFail("keys not fetched yet") }
        try await kit.refreshJwks()
        let session = try XCTUnwrap(kit.getSync())
        guard case .valid(let verified) = kit.checkJwt() else { return XCTFail("\(kit.checkJwt())") }
        XCTAssertEqual(verified.sessionId, session.sessionId)
        XCTAssertEqual(verified.userId, session.userId)
        XCTAssertEqual(verified.customClaims["plan"]?.stringValue, "pro")
        XCTAssertEqual(verified.customClaims["org"]?["id"]?.stringValue, "org-1")
        XCTAssertEqual(session.customClaims["org"]?["id"]?.stringValue, "org-1")
        try await kit.clear()
        XCTAssertEqual(kit.checkJwt(), .unauthorised)
    }

    // MARK: Scheduler and lifecycle

    func test_s4_lifecycle_calls_steer_the_refresh_scheduler() async throws {
        let sandbox = try sandbox()
        let signedIn = try await sandbox.signIn()
        let kit = try await started(configuration: sandbox.configuration(automaticRefresh: true))
        let events = EventQueue(kit)
        try await kit.updateSession(sessionToken: signedIn.sessionToken, sessionJwt: signedIn.sessionJwt)
        let hydrated = try await events.nextChange()
        XCTAssertEqual(hydrated.cause, .hydrated)
        // A new identity is refreshed at once by the scheduler, not by the app.
        let refreshed = try await events.nextChange()
        XCTAssertEqual(refreshed.cause, .authenticated)
        XCTAssertNotEqual(kit.schedulerStats.state, .off)

        kit.appDidEnterBackground()
        kit.appDidEnterForeground()  // refreshes now (S4)
        let onForeground = try await events.nextChange()
        XCTAssertEqual(onForeground.cause, .authenticated)
        XCTAssertGreaterThanOrEqual(kit.schedulerStats.refreshes, 1)
        kit.networkBecameAvailable()
        try await kit.storageBecameAvailable()
    }

    // MARK: Closing

    func test_every_call_after_close_fails_the_same_clear_way() async throws {
        let (kit, _) = try await signedInKit()
        var sessions = kit.sessions.makeAsyncIterator()
        _ = await sessions.next()
        kit.close()
        kit.close()  // harmless
        XCTAssertNil(kit.getSync())
        XCTAssertNil(kit.getInfo().session)
        XCTAssertNil(kit.getTokens())
        XCTAssertEqual(kit.checkJwt(), .unauthorised)
        kit.appDidEnterForeground()
        let ended: Session?? = await sessions.next()
        XCTAssertTrue(ended == nil, "the stream ended")
        do {
            try await kit.authenticate()
            XCTFail("authenticate after close")
        } catch let error as SessionKitError {
            XCTAssertEqual(error, .closed)
            XCTAssertEqual(error.description, "this SessionKitClient was closed; start a new one")
        }
        XCTAssertEqual(kit.description, "SessionKitClient(closed)")
    }

    func test_m3_tokens_print_redacted_in_swift() async throws {
        let (kit, signedIn) = try await signedInKit()
        let tokens = try XCTUnwrap(kit.getTokens())
        XCTAssertEqual(tokens.sessionToken, signedIn.sessionToken)
        var dumped = ""
        dump(tokens, to: &dumped)
        for text in [tokens.description, tokens.debugDescription, String(reflecting: tokens), dumped, "\(tokens)", kit.description] {
            XCTAssertFalse(text.contains(signedIn.sessionToken), text)
            XCTAssertFalse(text.contains(signedIn.sessionJwt), text)
        }
    }
}
