import Foundation

/// A signed-in user's session, exactly as Stytch last described it (SPEC M1, M2, X1).
///
/// An immutable value: SessionKit builds one per change, so reading a property never calls
/// into the native library, and nothing one reader does can disturb another. Two sessions are
/// equal when their fields are. Build one for a test or a preview from fields, or with
/// `init(json:)` from Stytch's JSON; neither needs a server.
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
    /// The JSON the session was read from (the engine's or `init(json:)`'s); nil when built
    /// from fields.
    private let wire: String?

    /// `expiresAt` in Unix milliseconds, for the expiry check on every read.
    let expiresAtMillis: Int64

    /// A session from its fields.
    public convenience init(
        sessionId: String, userId: String, startedAt: Date, lastAccessedAt: Date, expiresAt: Date,
        attributes: SessionAttributes = SessionAttributes(),
        authenticationFactors: [AuthenticationFactor] = [], customClaims: [String: JSONValue] = [:],
        roles: [String] = [], unknownFields: [String: JSONValue] = [:]
    ) {
        self.init(
            sessionId: sessionId, userId: userId, startedAt: startedAt,
            lastAccessedAt: lastAccessedAt, expiresAt: expiresAt, attributes: attributes,
            authenticationFactors: authenticationFactors, customClaims: customClaims, roles: roles,
            unknownFields: unknownFields, wire: nil)
    }

    /// Reads a Stytch session object (`{"session_id": ..., "user_id": ..., ...}`) as the engine
    /// does: unknown fields and factor kinds are kept, `null` collections read as empty.
    ///
    /// - Throws: `SessionKitError.invalidArgument` when `json` is not a Stytch session object.
    public convenience init(json: String) throws(SessionKitError) {
        let parsed = try StytchJSON.session(try JSONValue(parsing: json))
        self.init(
            sessionId: parsed.sessionId, userId: parsed.userId, startedAt: parsed.startedAt,
            lastAccessedAt: parsed.lastAccessedAt, expiresAt: parsed.expiresAt,
            attributes: parsed.attributes, authenticationFactors: parsed.authenticationFactors,
            customClaims: parsed.customClaims, roles: parsed.roles,
            unknownFields: parsed.unknownFields, wire: json)
    }

    init(
        sessionId: String, userId: String, startedAt: Date, lastAccessedAt: Date, expiresAt: Date,
        attributes: SessionAttributes, authenticationFactors: [AuthenticationFactor],
        customClaims: [String: JSONValue], roles: [String], unknownFields: [String: JSONValue],
        wire: String?
    ) {
        self.sessionId = sessionId
        self.userId = userId
        self.startedAt = startedAt
        self.lastAccessedAt = lastAccessedAt
        self.expiresAt = expiresAt
        self.attributes = attributes
        self.authenticationFactors = authenticationFactors
        self.customClaims = customClaims
        self.roles = roles
        self.unknownFields = unknownFields
        self.wire = wire
        expiresAtMillis = Int64((expiresAt.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// An equal session in objects of its own (for a reading thread's copy of the state):
    /// the session and the buffers of its strings and arrays, so that a read retains nothing
    /// another thread's read retains.
    func copy() -> Session {
        func own(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }
        return Session(
            sessionId: own(sessionId), userId: own(userId), startedAt: startedAt,
            lastAccessedAt: lastAccessedAt, expiresAt: expiresAt, attributes: attributes,
            authenticationFactors: authenticationFactors.map { $0 }, customClaims: customClaims,
            roles: roles.map(own), unknownFields: unknownFields, wire: wire)
    }

    /// The session object as JSON: as the server sent it (unknown fields and `null`s kept) for
    /// a session from the engine or `init(json:)`; written from the fields otherwise.
    public var json: String {
        wire ?? StytchJSON.write(self).description
    }

    /// The session id: sessions are identified by it in SwiftUI lists.
    public var id: String { sessionId }

    public static func == (lhs: Session, rhs: Session) -> Bool {
        lhs === rhs
            || (lhs.sessionId == rhs.sessionId && lhs.userId == rhs.userId
                && lhs.startedAt == rhs.startedAt && lhs.lastAccessedAt == rhs.lastAccessedAt
                && lhs.expiresAt == rhs.expiresAt && lhs.attributes == rhs.attributes
                && lhs.authenticationFactors == rhs.authenticationFactors
                && lhs.customClaims == rhs.customClaims && lhs.roles == rhs.roles
                && lhs.unknownFields == rhs.unknownFields)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sessionId)
        hasher.combine(userId)
        hasher.combine(lastAccessedAt)
        hasher.combine(expiresAt)
    }

    public var description: String {
        let factors = authenticationFactors.map(\.factorType).joined(separator: ", ")
        let claims = customClaims.keys.sorted().joined(separator: ", ")
        return "Session(\(sessionId), user: \(userId), expires: \(expiresAt.formatted(.iso8601)), "
            + "factors: [\(factors)], roles: \(roles), custom claims: [\(claims)])"
    }
}

/// Where a session was created from.
public struct SessionAttributes: Sendable, Hashable {
    /// The IP address the session was created from, as the server saw it.
    public var ipAddress: String
    /// The user agent that created the session.
    public var userAgent: String
    /// Fields this version of SessionKit does not know.
    public var unknownFields: [String: JSONValue]

    public init(ipAddress: String = "", userAgent: String = "", unknownFields: [String: JSONValue] = [:]) {
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.unknownFields = unknownFields
    }
}

/// One way the user proved who they are.
public struct AuthenticationFactor: Sendable, Hashable {
    /// How: `magic_link`, `otp`, `oauth`, `webauthn`, `totp`, `password`, ... (Stytch's `type`).
    public var factorType: String
    /// Through what: `email`, `sms`, `oauth_google`, `knowledge`, ... (`delivery_method`).
    public var deliveryMethod: String
    /// When the user last satisfied this factor.
    public var lastAuthenticatedAt: Date
    /// When the factor was first used.
    public var createdAt: Date?
    /// When the factor last changed.
    public var updatedAt: Date?
    /// The credential-specific sub-object (`email_factor`, `webauthn_factor`, ...), if any.
    public var detail: FactorDetail?
    /// Fields this version of SessionKit does not know.
    public var unknownFields: [String: JSONValue]

    public init(
        factorType: String, deliveryMethod: String, lastAuthenticatedAt: Date, createdAt: Date? = nil,
        updatedAt: Date? = nil, detail: FactorDetail? = nil, unknownFields: [String: JSONValue] = [:]
    ) {
        self.factorType = factorType
        self.deliveryMethod = deliveryMethod
        self.lastAuthenticatedAt = lastAuthenticatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.detail = detail
        self.unknownFields = unknownFields
    }
}

/// The `*_factor` sub-object of an `AuthenticationFactor`, typed by the key it came under.
/// Each case's `unknownFields` keeps what this version of SessionKit does not know.
public enum FactorDetail: Sendable, Hashable {
    /// `email_factor`
    case email(emailId: String?, emailAddress: String?, unknownFields: [String: JSONValue] = [:])
    /// `phone_number_factor`
    case phoneNumber(phoneId: String?, phoneNumber: String?, unknownFields: [String: JSONValue] = [:])
    /// `{provider}_oauth_factor`: the account at an OAuth provider (`google`, `apple`, ...).
    case oauth(
        provider: String, id: String?, emailId: String?, providerSubject: String?,
        unknownFields: [String: JSONValue] = [:])
    /// `webauthn_factor`: a passkey or security key.
    case webAuthn(
        webauthnRegistrationId: String?, domain: String?, userAgent: String?,
        unknownFields: [String: JSONValue] = [:])
    /// `authenticator_app_factor`
    case authenticatorApp(totpId: String?, unknownFields: [String: JSONValue] = [:])
    /// `recovery_code_factor`
    case recoveryCode(totpRecoveryCodeId: String?, unknownFields: [String: JSONValue] = [:])
    /// `crypto_wallet_factor`
    case cryptoWallet(
        cryptoWalletId: String?, cryptoWalletAddress: String?, cryptoWalletType: String?,
        unknownFields: [String: JSONValue] = [:])
    /// `biometric_factor`
    case biometric(biometricRegistrationId: String?, unknownFields: [String: JSONValue] = [:])
    /// A sub-object this version of SessionKit does not know, under its key, as it came.
    case unknown(key: String, value: JSONValue)

    /// The key it lives under on the wire (`email_factor`, `google_oauth_factor`, ...).
    public var key: String {
        switch self {
        case .email: return "email_factor"
        case .phoneNumber: return "phone_number_factor"
        case .oauth(let provider, _, _, _, _): return "\(provider)_oauth_factor"
        case .webAuthn: return "webauthn_factor"
        case .authenticatorApp: return "authenticator_app_factor"
        case .recoveryCode: return "recovery_code_factor"
        case .cryptoWallet: return "crypto_wallet_factor"
        case .biometric: return "biometric_factor"
        case .unknown(let key, _): return key
        }
    }
}
