/// The session's two tokens: hand them to your backend, never to a log. `description`,
/// `debugDescription` and `dump` print them redacted (SPEC M3).
public struct SessionTokens: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The opaque session token.
    public let sessionToken: String
    /// The session JWT (lives about five minutes; SessionKit refreshes it).
    public let sessionJwt: String

    public init(sessionToken: String, sessionJwt: String) {
        self.sessionToken = sessionToken
        self.sessionJwt = sessionJwt
    }

    public var description: String { "SessionTokens(sessionToken: [redacted], sessionJwt: [redacted])" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["sessionToken": "[redacted]", "sessionJwt": "[redacted]"])
    }
}
