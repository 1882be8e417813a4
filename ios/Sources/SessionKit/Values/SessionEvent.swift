/// Something that happened to the session, in the order it happened (SPEC O1, O2).
public enum SessionEvent: Sendable, Equatable, CustomStringConvertible {
    /// The session, its tokens, its provenance or the status changed; announced after the new
    /// state was persisted.
    case changed(SessionChange)
    /// A storage problem with no caller to tell (E4, E5, E7).
    case storage(StorageIssue)

    public var description: String {
        switch self {
        case .changed(let change): return "changed: \(change)"
        case .storage(let issue): return "storage: \(issue)"
        }
    }
}

/// One change of the session state.
public struct SessionChange: Sendable, Equatable, CustomStringConvertible {
    /// The session now, or nil (signed out, or tokens held but not yet confirmed).
    public let session: Session?
    /// Where the engine stands after the change (R6).
    public let status: SessionStatus
    /// Whether tokens are held.
    public let hasTokens: Bool
    /// Whether the state came from storage unconfirmed in this process (R2).
    public let fromCache: Bool
    /// Why it changed.
    public let cause: ChangeCause
    /// Bumped by every change of identity (W4).
    public let generation: UInt64

    public init(
        session: Session?, status: SessionStatus, hasTokens: Bool, fromCache: Bool,
        cause: ChangeCause, generation: UInt64
    ) {
        self.session = session
        self.status = status
        self.hasTokens = hasTokens
        self.fromCache = fromCache
        self.cause = cause
        self.generation = generation
    }

    public var description: String {
        "\(cause): \(status) (session: \(session?.sessionId ?? "none"), fromCache: \(fromCache), "
            + "generation: \(generation))"
    }
}

/// Why the session state changed.
public enum ChangeCause: Sendable, Hashable, CustomStringConvertible {
    /// Read back from storage (or storage was read and held nothing usable).
    case restored
    /// `updateSession` installed tokens from the app's backend.
    case hydrated
    /// The server confirmed or refreshed the session.
    case authenticated
    /// The user is signed out.
    case signedOut(reason: SignOutReason)
    /// Another process sharing the store (an app extension, see
    /// `SessionStorage.keychain(sharedContainer:)`) signed in, refreshed or signed out
    /// there; the status says which.
    case otherProcess

    public var description: String {
        switch self {
        case .restored: return "restored from storage"
        case .hydrated: return "tokens installed"
        case .authenticated: return "confirmed by the server"
        case .signedOut(let reason): return "signed out: \(reason)"
        case .otherProcess: return "changed by another process"
        }
    }
}

/// Why the user is signed out.
public enum SignOutReason: Sendable, Hashable, CustomStringConvertible {
    /// The app called `clear`.
    case cleared
    /// The app called `revoke`.
    case revoked
    /// The server said the session is no longer valid (E1).
    case rejected
    /// The stored state was corrupt and was wiped (E5).
    case storageCorrupted

    public var description: String {
        switch self {
        case .cleared: return "cleared by the app"
        case .revoked: return "revoked"
        case .rejected: return "the server no longer knows the session"
        case .storageCorrupted: return "the stored session was corrupted"
        }
    }
}

/// A storage problem listeners are told about; `detail` is the store's own words, never a token.
public enum StorageIssue: Sendable, Hashable, CustomStringConvertible {
    /// Stored state could not be read and was wiped (E5).
    case corrupted(detail: String)
    /// Storage cannot be reached right now; the state in memory is kept and written once the
    /// app reports storage available (E4).
    case unavailable(detail: String)
    /// Writing the new state failed; it holds in memory and the write is retried (O2, E7).
    case writeFailed(detail: String)
    /// The stored state could not be read for a reason that will not pass by itself (E7).
    case readFailed(detail: String)

    public var description: String {
        switch self {
        case .corrupted(let detail): return "stored session corrupted and wiped: \(detail)"
        case .unavailable(let detail): return "unavailable, session kept: \(detail)"
        case .writeFailed(let detail): return "write failed, will retry: \(detail)"
        case .readFailed(let detail): return "read failed: \(detail)"
        }
    }
}
