/// Restoring, signed out, pending or signed in (SPEC R6). Switch on it to choose a screen:
/// only `.signedOut` means "show sign-in".
public enum SessionStatus: Sendable, Hashable, CustomStringConvertible {
    /// Storage has not been read yet: whether a user is signed in is not known. Show a splash.
    case restoring
    /// No tokens are held, or the session has expired: show sign-in.
    case signedOut
    /// Tokens are held and being confirmed by the server (after `updateSession`); no session
    /// object yet.
    case pending
    /// A session is known (`SessionInfo.fromCache` says whether this process confirmed it).
    case signedIn

    /// Whether tokens are held (pending or signed in).
    public var hasTokens: Bool { self == .pending || self == .signedIn }

    public var description: String {
        switch self {
        case .restoring: return "restoring"
        case .signedOut: return "signed out"
        case .pending: return "pending"
        case .signedIn: return "signed in"
        }
    }
}

/// The session, whether it came from storage without the server confirming it in this
/// process (SPEC R2), and the status (R6).
public struct SessionInfo: Sendable, Equatable, CustomStringConvertible {
    /// The session, or nil; never an expired one.
    public let session: Session?
    /// True from the moment the state was loaded from storage until the first successful
    /// `authenticate` in this process.
    public let fromCache: Bool
    /// Where the engine stands.
    public let status: SessionStatus

    public init(session: Session?, fromCache: Bool, status: SessionStatus) {
        self.session = session
        self.fromCache = fromCache
        self.status = status
    }

    /// Nothing known: what a closed client reads.
    public static let signedOut = SessionInfo(session: nil, fromCache: false, status: .signedOut)

    public var description: String {
        "SessionInfo(\(status), session: \(session.map(String.init(describing:)) ?? "none"), fromCache: \(fromCache))"
    }
}
