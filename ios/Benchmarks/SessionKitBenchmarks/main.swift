// What an app pays to read its session from Swift (SPEC X1): getSync() plus the fields a
// screen reads (userId and the number of factors), on a restored session with five factors
// and custom claims. The cached side reads SessionKitClient's Swift value; the ffi side does
// the same reads over the generated API (each field read a call into Rust). Then the cached
// read on two threads at once, against one. Prints the line scripts/swift-tests.sh shows:
// `Swift getSync cached: X ns, ffi: Y ns, ratio: Z` (target: cached at most 50 ns).
//
//   swift build -c release --product SessionKitBenchmarks && .build/release/SessionKitBenchmarks
//
// The Rust library is whatever the package links (the debug build under scripts/swift-tests.sh):
// that slows the FFI side, not the cached side, which never calls into Rust.
import Dispatch
import Foundation
import SessionKit
import SessionKitBindings

/// Holds one stored session, as the Keychain would after a sign-in.
final class StoredSession: SessionStore, ForeignSessionStore, @unchecked Sendable {
    private let lock = NSLock()
    private var blob: Data?
    init(_ blob: Data) { self.blob = blob }
    func load() throws -> Data? { lock.withLock { blob } }
    func save(_ blob: Data) throws { lock.withLock { self.blob = blob } }
    func save(blob: Data) throws { try save(blob) }
    func clear() throws { lock.withLock { blob = nil } }
}

func factor(_ type: String, _ method: String, _ detail: String) -> String {
    #"{"type":"\#(type)","delivery_method":"\#(method)","last_authenticated_at":"2026-11-30T08:00:00Z",\#(detail)}"#
}

let factors = [
    factor("magic_link", "email", #""email_factor":{"email_id":"email-1","email_address":"ada@example.com"}"#),
    factor("otp", "sms", #""phone_number_factor":{"phone_id":"phone-1","phone_number":"+15555550100"}"#),
    factor("oauth", "oauth_google", #""google_oauth_factor":{"id":"oauth-1","email_id":"email-1","provider_subject":"1234567890"}"#),
    factor("totp", "authenticator_app", #""authenticator_app_factor":{"totp_id":"totp-1"}"#),
    factor("webauthn", "webauthn_registration", #""webauthn_factor":{"webauthn_registration_id":"wr-1","domain":"example.com","user_agent":"Safari"}"#),
].joined(separator: ",")

let session = #"""
{"session_id":"session-live-bench","user_id":"user-live-bench","started_at":"2026-11-30T08:00:00Z",
 "last_accessed_at":"2026-11-30T08:00:00Z","expires_at":"2099-01-01T00:00:00Z",
 "attributes":{"ip_address":"203.0.113.1","user_agent":"SessionKitBenchmarks"},
 "authentication_factors":[\#(factors)],
 "custom_claims":{"plan":"pro","org":{"id":"org-1","roles":["admin","billing"]},"seats":12,"beta":true},
 "roles":["stytch_user","admin"]}
"""#
let envelope = Data(
    #"{"format":2,"session_token":"bench-token","session_jwt":"bench.jwt.value","session":\#(session),"last_validated_at":null}"#.utf8)

// Nothing listens on port 9 (discard): no refresh reaches a server, the session stays.
let offline = URL(string: "http://127.0.0.1:9")!
let kit = try SessionKitClient.start(
    configuration: SessionKitConfiguration(
        publicToken: "public-token-test-bench", baseURL: offline, automaticRefresh: false),
    storage: .custom(StoredSession(envelope)))

let client = try SessionKitBindings.SessionClient(
    config: ClientConfig(
        publicToken: "public-token-test-bench", baseUrl: offline.absoluteString, projectId: nil,
        automaticRefresh: false, heartbeat: nil, refreshMargin: nil, autoExtendMinutes: nil,
        connectTimeout: nil, requestTimeout: nil, maxResponseBytes: nil),
    store: StoredSession(envelope))
// Both restore off this thread (X2); wait for them off the main actor, which this top-level
// code holds while it waits.
let restoring = DispatchSemaphore(value: 0)
Task.detached { [kit, client] in
    _ = try? await kit.restored()
    _ = await client.restored()
    restoring.signal()
}
restoring.wait()
guard kit.getSync()?.sessionId == "session-live-bench", client.getSync() != nil else {
    fatalError("the stored session was not restored")
}

/// Nanoseconds per call, best of `rounds` rounds of `calls` calls.
func measure(_ calls: Int, rounds: Int = 5, _ body: () -> Bool) -> Double {
    var best = Double.infinity
    var seen = 0
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls where body() { seen += 1 }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        best = min(best, Double(elapsed) / Double(calls))
    }
    precondition(seen == calls * rounds, "a read came back empty")
    return best
}

func report(_ label: String, _ nanos: Double, _ calls: Int) {
    print("\(label) \(String(format: "%10.1f", nanos)) ns/call (best of 5 rounds of \(calls) calls)")
}

/// What a screen reads: the session, its user and its factor count.
struct AppReader: Sendable {
    let kit: SessionKitClient

    @inline(never)
    func read() -> Int {
        guard let session = kit.getSync() else { return 0 }
        return session.userId.utf8.count + session.authenticationFactors.count
    }
}

/// Each thread's figure, written by that thread only.
final class Figures: @unchecked Sendable {
    var nanos: [Double]
    init(_ count: Int) { nanos = Array(repeating: 0, count: count) }
}

let reader = AppReader(kit: kit)

/// The same over the generated API: every field read is a call into Rust.
func ffiRead() -> Int {
    guard let session = client.getSync() else { return 0 }
    return session.userId().utf8.count + session.authenticationFactors().count
}

/// Nanoseconds per read on each of `threads` threads reading at once (best of 5 rounds).
func concurrent(_ threads: Int, _ calls: Int) -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let results = Figures(threads)
        let start = DispatchSemaphore(value: 0)
        let reader = reader
        let group = DispatchGroup()
        for index in 0..<threads {
            group.enter()
            Thread {
                start.wait()
                let began = DispatchTime.now().uptimeNanoseconds
                var sum = 0
                for _ in 0..<calls { sum &+= reader.read() }
                let elapsed = DispatchTime.now().uptimeNanoseconds - began
                precondition(sum > 0)
                results.nanos[index] = Double(elapsed) / Double(calls)
                group.leave()
            }.start()
        }
        for _ in 0..<threads { start.signal() }
        group.wait()
        best = min(best, results.nanos.reduce(0, +) / Double(threads))
    }
    return best
}

let cachedCalls = 10_000_000
let ffiCalls = 20_000
let cached = measure(cachedCalls) { reader.read() > 0 }
let info = measure(cachedCalls) { kit.getInfo().session != nil }
let overFFI = measure(ffiCalls) { ffiRead() > 0 }
let one = concurrent(1, cachedCalls)
let two = concurrent(2, cachedCalls)
report("getSync()+userId+factors (Swift value):   ", cached, cachedCalls)
report("getInfo()                (Swift value):   ", info, cachedCalls)
report("the same reads over the generated API:    ", overFFI, ffiCalls)
print("Swift getSync cached, one thread: \(String(format: "%.1f", one)) ns, two threads at once: \(String(format: "%.1f", two)) ns per read (x\(String(format: "%.2f", two / one)))")
print("Swift getSync cached: \(String(format: "%.1f", cached)) ns, ffi: \(Int(overFFI.rounded())) ns, ratio: \(Int((overFFI / cached).rounded()))")
kit.close()
