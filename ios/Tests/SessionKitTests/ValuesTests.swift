// Swift Testing: the wrapper's values, errors and configuration feel like Swift, without a
// server (a session restored from a store written by an earlier run).
import Foundation
import Testing
@testable import SessionKit

@Suite("Values an app handles")
struct ValuesTests {
    /// A kit that restored `sessionJSON()` from a Swift store; no server involved.
    private func restoredKit() async throws -> SessionKitClient {
        try await started(
            configuration: .init(publicToken: "public-token-test-values", automaticRefresh: false),
            storage: .custom(TestStore(blob: envelope(sessionJSON: sessionJSON()))))
    }

    @Test func m1_session_fields_are_swift_properties() async throws {
        let session = try #require(try await restoredKit().getSync())
        #expect(session.sessionId == "session-test-stored")
        #expect(session.id == session.sessionId)
        #expect(session.userId == "user-test-stored")
        #expect(session.attributes.ipAddress == "203.0.113.1")
        #expect(session.roles == ["stytch_user"])
        #expect(session.expiresAt == ISO8601DateFormatter().date(from: "2099-01-01T00:00:00Z"))
        let factor = try #require(session.authenticationFactors.first)
        #expect(factor.factorType == "otp")
        #expect(factor.deliveryMethod == "sms")
    }

    @Test func m1_custom_claims_are_usable_without_parsing_json() async throws {
        let claims = try #require(try await restoredKit().getSync()).customClaims
        #expect(claims["plan"]?.stringValue == "pro")
        #expect(claims["org"]?["roles"]?[1]?.stringValue == "billing")
        #expect(claims["org"]?["roles"]?[7] == nil)
        #expect(claims["seats"]?.intValue == 12)
        #expect(claims["ratio"]?.doubleValue == 0.5)
        #expect(claims["beta"]?.boolValue == true)
        #expect(claims["plan"]?.intValue == nil)
        #expect(claims["org"]?.objectValue?.count == 2)
    }

    @Test func m2_unknown_fields_are_kept_as_the_server_sent_them() async throws {
        let session = try #require(try await restoredKit().getSync())
        #expect(session.unknownFields["a_field_from_the_future"]?.intValue == 42)
        #expect(session.json.contains("\"a_field_from_the_future\":42"))
    }

    @Test func r2_a_restored_session_is_from_cache() async throws {
        let kit = try await restoredKit()
        #expect(kit.restoreOutcome == .restored)
        #expect(kit.getInfo().fromCache)
        #expect(kit.getInfo().session == kit.getSync())
    }

    @Test func values_print_readably() async throws {
        let kit = try await restoredKit()
        let session = try #require(kit.getSync())
        #expect(session.description.hasPrefix("Session(session-test-stored, user: user-test-stored"))
        #expect(session.description.contains("factors: [otp]"))
        #expect(kit.getInfo().description.contains("fromCache: true"))
        #expect(kit.description.contains("session-test-stored"))
        #expect(!kit.description.contains("stored-token"))
        #expect(String(describing: RevokeOutcome.revoked).lowercased().contains("revoked"))
    }

    @Test func m3_tokens_never_print() async throws {
        let tokens = try #require(try await restoredKit().getTokens())
        #expect(tokens.sessionToken == "stored-token")
        var dumped = ""
        dump(tokens, to: &dumped)
        for text in [tokens.description, String(reflecting: tokens), dumped] {
            #expect(!text.contains("stored-token"))
            #expect(!text.contains("stored.jwt.value"))
        }
    }

    @Test func errors_read_as_the_engines_sentence() async throws {
        let kit = try await restoredKit()
        let error = await #expect(throws: SessionKitError.self) {
            try await kit.updateSession(sessionToken: "", sessionJwt: "jwt")
        }
        let description = try #require(error).description
        #expect(!description.contains("detail:"), "not a field dump: \(description)")
        #expect(description.contains("token"))
        #expect(try #require(error).errorDescription == description)
    }

    @Test(arguments: [
        SessionKitConfiguration(publicToken: "public-token-test-1", heartbeat: .seconds(-1)),
        SessionKitConfiguration(publicToken: "public-token-test-1", autoExtendMinutes: -1),
        SessionKitConfiguration(publicToken: "public-token-test-1", maxResponseBytes: -1),
        SessionKitConfiguration(publicToken: ""),
    ])
    func unusable_configurations_are_invalid_arguments(_ configuration: SessionKitConfiguration) {
        #expect {
            _ = try SessionKitClient.start(configuration: configuration)
        } throws: { error in
            guard case SessionKitError.invalidArgument = error else { return false }
            return true
        }
    }

    @Test func configuration_maps_durations_and_counts_to_the_engine() async throws {
        let configuration = SessionKitConfiguration(
            publicToken: "public-token-test-1", baseURL: URL(string: "http://127.0.0.1:9"),
            projectID: "project-test-1", heartbeat: .milliseconds(1500), autoExtendMinutes: 60,
            requestTimeout: .seconds(5), maxResponseBytes: 4096)
        let ffi = try configuration.ffi()
        #expect(ffi.baseUrl == "http://127.0.0.1:9")
        #expect(ffi.heartbeat == 1.5)
        #expect(ffi.autoExtendMinutes == 60)
        #expect(ffi.requestTimeout == 5)
        #expect(ffi.maxResponseBytes == 4096)
        #expect(ffi.refreshMargin == nil)
    }
}
