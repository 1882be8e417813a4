import Foundation
import SessionKitBindings

/// A signed-in user's session, exactly as Stytch last described it (SPEC M1, M2).
///
/// An immutable value with reference semantics: SessionKit builds one per change from the
/// engine's state, so reading any property never crosses into the Rust library, and handing
/// a `Session` around costs one reference count. Two sessions are equal when the server
/// described them identically.
public final class Session: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// The server's identifier of this session.
    public let sessionId: String
    /// The user the session belongs to.
    public let userId: String
    /// When the user signed in.
    public let startedAt: Date
    /// When the session was last authenticated against the server.
    public let lastAccessedAt: Date
    /// After this instant (server time) the session is no longer valid. `getSync()` never
    /// returns a session past it.
    public let expiresAt: Date
    /// Where the session was created from.
    public let attributes: SessionAttributes
    /// How the user proved who they are, in the order the server lists them.
    public let authenticationFactors: [AuthenticationFactor]
    /// Claims the app's backend attached to the session: `customClaims["plan"]?.stringValue`.
    public let customClaims: [String: JSONValue]
    /// Roles granted to the user for this session.
    public let roles: [String]
    /// Fields this version of SessionKit does not know, kept as the server sent them.
    public let unknownFields: [String: JSONValue]
    /// The session object as JSON, as the server sent it (unknown fields and `null`s kept).
    public let json: String

    /// `expiresAt` in Unix milliseconds, for the expiry check on every read.
    let expiresAtMillis: Int64

    /// Reads every field of the engine's session once.
    init(_ session: SessionKitBindings.Session) {
        sessionId = session.sessionId()
        userId = session.userId()
        startedAt = session.startedAt()
        lastAccessedAt = session.lastAccessedAt()
        expiresAt = session.expiresAt()
        attributes = session.attributes()
        authenticationFactors = session.authenticationFactors()
        customClaims = session.customClaims()
        roles = session.roles()
        unknownFields = session.unknownFields()
        json = session.toJson()
        expiresAtMillis = Int64((expiresAt.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The session id: sessions are identified by it in SwiftUI lists.
    public var id: String { sessionId }

    public static func == (lhs: Session, rhs: Session) -> Bool {
        lhs === rhs || lhs.json == rhs.json
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(json)
    }

    public var description: String {
        let factors = authenticationFactors.map(\.factorType).joined(separator: ", ")
        let claims = customClaims.keys.sorted().joined(separator: ", ")
        return "Session(\(sessionId), user: \(userId), expires: \(expiresAt.formatted(.iso8601)), "
            + "factors: [\(factors)], roles: \(roles), custom claims: [\(claims)])"
    }
}

/// The cached session and whether it came from storage without the server confirming it in
/// this process (SPEC R2).
public struct SessionInfo: Sendable, Equatable, CustomStringConvertible {
    /// The session, or nil; never an expired one.
    public let session: Session?
    /// True from the moment the state was loaded from storage until the first successful
    /// `authenticate` in this process.
    public let fromCache: Bool

    public var description: String {
        "SessionInfo(session: \(session.map(String.init(describing:)) ?? "none"), fromCache: \(fromCache))"
    }
}
