/// What the engine found in storage when it started, or when storage last came back (X2).
public enum RestoreOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Storage has not been read yet; `restored()` waits for it.
    case pending
    /// Nothing was stored.
    case empty
    /// A session was restored; `getInfo().fromCache` is true until it is confirmed.
    case restored
    /// The stored state was unreadable and has been wiped (E5).
    case corrupted(detail: String)
    /// Storage could not be read right now (E4); call `storageBecameAvailable()` once it can be.
    case unavailable(detail: String)
    /// Storage could not be read for a reason that will not pass by itself (E7).
    case failed(detail: String)

    public var description: String {
        switch self {
        case .pending: return "storage not read yet"
        case .empty: return "nothing stored"
        case .restored: return "session restored from storage"
        case .corrupted(let detail): return "stored session corrupted and wiped: \(detail)"
        case .unavailable(let detail): return "storage unavailable, will retry: \(detail)"
        case .failed(let detail): return "storage failed: \(detail)"
        }
    }
}

/// What `revoke` did (W5, W8).
public enum RevokeOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The server revoked the session (or no longer knew it), and it is cleared here.
    case revoked
    /// There was no session to revoke.
    case noSession
    /// The session is cleared here, but the server could not be reached to revoke it
    /// (`forceClear`): it stays valid on the server until it expires. `reason` says what kept
    /// the request from the server.
    case clearedLocallyOnly(reason: String)

    public var description: String {
        switch self {
        case .revoked: return "revoked"
        case .noSession: return "no session to revoke"
        case .clearedLocallyOnly(let reason):
            return "cleared here only; the server was not reached: \(reason)"
        }
    }
}
