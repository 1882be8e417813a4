#if canImport(Observation)
import Observation

/// The session for SwiftUI: an `@Observable` model on the main actor whose `session` and
/// `status` follow a `SessionClient`'s (SPEC O5, R6). Views that read them update when they
/// change. It takes any `SessionClient`, so previews and tests hand it a `FakeSessionClient`.
///
/// ```swift
/// @State private var model = SessionModel(client)
/// var body: some View {
///     switch model.status {
///     case .restoring: ProgressView()
///     case .signedOut: SignInView()
///     case .pending, .signedIn: HomeView(session: model.session)
///     }
/// }
/// ```
@available(iOS 17.0, macOS 14.0, tvOS 17.0, watchOS 10.0, *)
@MainActor
@Observable
public final class SessionModel {
    /// The current session, as of the last change announced.
    public private(set) var session: Session?
    /// Restoring, signed out, pending or signed in, as of the last change announced. Only
    /// `.signedOut` means "show sign-in".
    public private(set) var status: SessionStatus
    /// Whether tokens are held (signed in, or being confirmed).
    public var isSignedIn: Bool { status.hasTokens }

    @ObservationIgnored private let followingSessions = Following()
    @ObservationIgnored private let followingStatus = Following()

    /// A model following `client` until the model is released.
    public init(_ client: any SessionClient) {
        session = client.getSync()
        status = client.status
        let sessions = client.sessions
        let statuses = client.statuses
        followingSessions.start { [weak self] in
            for await session in sessions {
                guard let self else { return }
                self.session = session
            }
        }
        followingStatus.start { [weak self] in
            for await status in statuses {
                guard let self else { return }
                self.status = status
            }
        }
    }

    deinit {
        followingSessions.stop()
        followingStatus.stop()
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
