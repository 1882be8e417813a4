// SwiftUI's view of the session: the @Observable model on the main actor (Observation is
// part of the Swift toolchain, so this runs on Linux too).
#if canImport(Observation)
import Foundation
import Observation
import XCTest
@testable import SessionKit

@available(iOS 17.0, macOS 14.0, *)
@MainActor
final class ObservationTests: XCTestCase {
    func test_o5_session_model_starts_with_the_session_and_follows_changes() async throws {
        let store = TestStore(blob: envelope(sessionJSON: sessionJSON()))
        let kit = try await started(
            configuration: .init(publicToken: "public-token-test-observation", automaticRefresh: false),
            storage: .custom(store))
        let model = SessionModel(kit)
        XCTAssertEqual(model.session?.sessionId, "session-test-stored")
        XCTAssertEqual(model.status, .signedIn)
        XCTAssertTrue(model.isSignedIn)

        let changed = expectation(description: "observers of model.session are told")
        withObservationTracking {
            _ = model.session
        } onChange: {
            changed.fulfill()
        }
        try await kit.clear()
        await fulfillment(of: [changed], timeout: 10)
        // The change is applied on the main actor right after observers are told.
        for _ in 0..<100 where model.session != nil {
            await Task.yield()
        }
        XCTAssertNil(model.session)
        for _ in 0..<100 where model.status != .signedOut {
            await Task.yield()
        }
        XCTAssertEqual(model.status, .signedOut, "R6: the model follows the status")
        XCTAssertFalse(model.isSignedIn)
    }

    func test_x3_session_model_runs_on_the_fake_as_in_a_preview() async throws {
        let fake = FakeSessionClient()
        fake.setRestoring()
        let model = SessionModel(fake)
        XCTAssertEqual(model.status, .restoring)
        fake.setPending()
        for _ in 0..<100 where model.status != .pending {
            await Task.yield()
        }
        XCTAssertEqual(model.status, .pending)
        XCTAssertTrue(model.isSignedIn, "tokens being confirmed count as signed in")
    }

    func test_a_released_model_stops_following() async throws {
        let kit = try await started(
            configuration: .init(publicToken: "public-token-test-observation", automaticRefresh: false))
        weak var released: SessionModel?
        do {
            let model = SessionModel(kit)
            released = model
        }
        for _ in 0..<100 where released != nil {
            await Task.yield()
        }
        XCTAssertNil(released, "the model is not kept alive by its own subscription")
    }
}
#endif
