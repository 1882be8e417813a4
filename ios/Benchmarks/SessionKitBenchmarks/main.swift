// getSync from Swift: SessionKit's Swift-side cache against the generated binding's call over
// the FFI, on a restored session with five factors and custom claims. Prints one line that
// scripts/swift-tests.sh shows: `Swift getSync cached: X ns, ffi: Y ns, ratio: Z`
// (targets: cached at most 50 ns, ratio at least 1000). "ffi" is what a wrapper without the
// cache pays to hand out the same `Session`: the call and its field reads over the FFI. The
// bare call, which returns only an object handle, is printed beside it.
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
let kit = try SessionKit.start(
    configuration: .init(publicToken: "public-token-test-bench", baseURL: offline, automaticRefresh: false),
    storage: .custom(StoredSession(envelope)))
let client = try SessionClient(
    config: ClientConfig(
        publicToken: "public-token-test-bench", baseUrl: offline.absoluteString, projectId: nil,
        automaticRefresh: false, heartbeat: nil, refreshMargin: nil, autoExtendMinutes: nil,
        connectTimeout: nil, requestTimeout: nil, maxResponseBytes: nil),
    store: StoredSession(envelope))
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

/// What getSync would cost without the Swift-side cache: the call over the FFI plus reading
/// the fields SessionKit's `Session` holds (the same accessors its initialiser calls).
func sessionOverFFI() -> Bool {
    guard let s = client.getSync() else { return false }
    let fields = (
        s.sessionId(), s.userId(), s.startedAt(), s.lastAccessedAt(), s.expiresAt(), s.attributes(),
        s.authenticationFactors(), s.customClaims(), s.roles(), s.unknownFields(), s.toJson())
    return !fields.0.isEmpty
}

let cachedCalls = 10_000_000
let ffiCalls = 20_000
let cached = measure(cachedCalls) { kit.getSync() != nil }
let info = measure(cachedCalls) { kit.getInfo().session != nil }
let handle = measure(ffiCalls) { client.getSync() != nil }
let valueCalls = 1_000
let overFFI = measure(valueCalls, sessionOverFFI)
report("SessionKit.getSync()   (Swift cache):          ", cached, cachedCalls)
report("SessionKit.getInfo()   (Swift cache):          ", info, cachedCalls)
report("SessionClient.getSync() (FFI, object handle):  ", handle, ffiCalls)
report("SessionClient.getSync() (FFI, same Swift value):", overFFI, valueCalls)
print("  handle only: ratio \(Int((handle / cached).rounded())) (a call from Swift into C is cheap; the fields are the cost)")
print("Swift getSync cached: \(String(format: "%.1f", cached)) ns, ffi: \(Int(overFFI.rounded())) ns, ratio: \(Int((overFFI / cached).rounded()))")
kit.close()
