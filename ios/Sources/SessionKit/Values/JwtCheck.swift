import Foundation

/// The answer of a local JWT check, made without I/O (SPEC J2).
public enum JwtCheck: Sendable, Hashable, CustomStringConvertible {
    /// The JWT is valid now; the session it describes, as a backend's local check reads it.
    case valid(session: VerifiedSession)
    /// The JWT is expired or could not be verified: refresh. The reason is for logs, never
    /// the token.
    case tryRefresh(reason: String)
    /// There are no tokens.
    case unauthorised

    public var description: String {
        switch self {
        case .valid(let session): return "valid: session \(session.sessionId) of user \(session.userId)"
        case .tryRefresh(let reason): return "try refresh: \(reason)"
        case .unauthorised: return "unauthorised: no tokens"
        }
    }
}

/// The session a verified JWT describes.
public struct VerifiedSession: Sendable, Hashable {
    public let sessionId: String
    public let userId: String
    public let roles: [String]
    public let authenticationFactors: [AuthenticationFactor]
    /// Every top-level claim that is neither registered nor Stytch's session claim.
    public let customClaims: [String: JSONValue]
    public let attributes: SessionAttributes
    public let startedAt: Date
    public let lastAccessedAt: Date
    public let expiresAt: Date
    public let issuer: String?
    public let audience: [String]
    /// The JWT's own `exp` (before leeway).
    public let jwtExpiresAt: Date
    public let issuedAt: Date?
    public let notBefore: Date?
    /// Every claim as verified: the JWT's payload, JSON text.
    public let claimsJson: String
}

/// Diagnostics: what the refresh scheduler has done and where it stands. Not for app logic.
public struct SchedulerStats: Sendable, Hashable {
    public let wakeups: UInt64
    public let refreshes: UInt64
    public let failures: UInt64
    public let state: SchedulerState
}

/// Where the refresh scheduler stands (diagnostics). Times are server time.
public enum SchedulerState: Sendable, Hashable {
    case off
    case signedOut
    case waiting(due: Date)
    case refreshing
    case backingOff(until: Date, failures: UInt32)
    case gaveUp
    case pausedForStorage
    case inBackground
    case stopped
}
