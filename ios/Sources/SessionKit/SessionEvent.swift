import SessionKitBindings

/// Something that happened to the session, in the order it happened (SPEC O1, O2).
public enum SessionEvent: Sendable, Equatable, CustomStringConvertible {
    /// The session, its tokens or where they came from changed; announced after the new
    /// state was persisted.
    case changed(SessionChange)
    /// A storage problem with no caller to tell (E4, E5, E7).
    case storage(StorageIssue)

    /// The event in Swift; its session is `known`'s when the engine's is the same.
    init(_ event: SessionKitBindings.SessionEvent, known: CachedState) {
        switch event {
        case .changed(let change): self = .changed(SessionChange(change, known: known))
        case .storage(let issue): self = .storage(issue)
        }
    }

    public var description: String {
        switch self {
        case .changed(let change): return "changed: \(change)"
        case .storage(let issue): return "storage: \(issue)"
        }
    }
}

/// One change of the session.
public struct SessionChange: Sendable, Equatable, CustomStringConvertible {
    /// The session now, or nil (signed out, or tokens hydrated but not yet confirmed).
    public let session: Session?
    /// Whether tokens are held.
    public let hasTokens: Bool
    /// Whether the state came from storage unconfirmed in this process (R2).
    public let fromCache: Bool
    /// Why it changed.
    public let cause: ChangeCause
    /// Bumped by every change of identity (W4).
    public let generation: UInt64

    init(_ change: SessionKitBindings.SessionChange, known: CachedState) {
        session = known.session(for: change.session)
        hasTokens = change.hasTokens
        fromCache = change.fromCache
        cause = change.cause
        generation = change.generation
    }

    public var description: String {
        "\(cause) (session: \(session?.sessionId ?? "none"), tokens: \(hasTokens ? "held" : "none"), "
            + "fromCache: \(fromCache), generation: \(generation))"
    }
}
