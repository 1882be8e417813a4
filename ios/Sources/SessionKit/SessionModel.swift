#if canImport(Observation)
import Observation

/// The session for SwiftUI: an `@Observable` model on the main actor whose `session` follows
/// SessionKit's (SPEC O5). Views that read `model.session` update when it changes.
///
/// ```swift
/// @State private var model = SessionModel(sessionKit)
/// var body: some View {
///     if let session = model.session { HomeView(session: session) } else { SignInView() }
/// }
/// ```
@available(iOS 17.0, macOS 14.0, tvOS 17.0, watchOS 10.0, *)
@MainActor
@Observable
public final class SessionModel {
    /// The current session, as of the last change SessionKit announced.
    public private(set) var session: Session?
    /// Whether a user is signed in.
    public var isSignedIn: Bool { session != nil }

    @ObservationIgnored private let following: Following

    /// A model following `sessionKit` until the model is released.
    public init(_ sessionKit: SessionKit) {
        session = sessionKit.getSync()
        let sessions = sessionKit.sessions
        following = Following()
        following.start { [weak self] in
            for await session in sessions {
                guard let self else { return }
                self.session = session
            }
        }
    }

    deinit {
        following.stop()
    }
}

/// The task that copies the stream into the model, stopped from `deinit` (which is not on
/// the main actor, so it may only touch a `Sendable` value).
@available(iOS 17.0, macOS 14.0, tvOS 17.0, watchOS 10.0, *)
private final class Following: Sendable {
    private let task = Locked<Task<Void, Never>?>(nil)

    @MainActor
    func start(_ body: @escaping @MainActor @Sendable () async -> Void) {
        let started = Task { @MainActor in await body() }
        task.withLock { $0 = started }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
#endif
