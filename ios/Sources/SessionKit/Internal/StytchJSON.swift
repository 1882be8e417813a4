import Foundation

/// Stytch's session object in JSON and the Swift `Session`, both ways, without the native
/// library: what `Session(json:)` and `Session.json` use. The rules are the engine's (core's
/// model/session.rs and model/factor.rs), and the tests check both agree with it: unknown
/// fields kept, `null` collections read as empty, the first non-null `*_factor` member typed
/// by its key, a sub-object whose shape does not match its key kept as it came.
enum StytchJSON {
    private static let sessionKeys: Set<String> = [
        "session_id", "user_id", "started_at", "last_accessed_at", "expires_at", "attributes",
        "authentication_factors", "custom_claims", "roles",
    ]
    private static let factorKeys: Set<String> = [
        "type", "delivery_method", "last_authenticated_at", "created_at", "updated_at",
    ]

    static func session(_ json: JSONValue) throws(SessionKitError) -> Session {
        guard let o = json.objectValue else { throw invalid("a session must be a JSON object") }
        guard let sessionId = try text(o, "session_id") else { throw invalid("missing session_id") }
        guard let userId = try text(o, "user_id") else { throw invalid("missing user_id") }
        guard let startedAt = try time(o, "started_at") else { throw invalid("missing started_at") }
        guard let lastAccessedAt = try time(o, "last_accessed_at") else {
            throw invalid("missing last_accessed_at")
        }
        guard let expiresAt = try time(o, "expires_at") else { throw invalid("missing expires_at") }
        var factors: [AuthenticationFactor] = []
        for value in try list(o, "authentication_factors") {
            factors.append(try factor(value))
        }
        var roles: [String] = []
        for value in try list(o, "roles") {
            guard let role = value.stringValue else { throw invalid("roles must be strings") }
            roles.append(role)
        }
        return Session(
            sessionId: sessionId, userId: userId, startedAt: startedAt,
            lastAccessedAt: lastAccessedAt, expiresAt: expiresAt,
            attributes: try attributes(o["attributes"]), authenticationFactors: factors,
            customClaims: try objectOrEmpty(o, "custom_claims"), roles: roles,
            unknownFields: o.filter { !sessionKeys.contains($0.key) })
    }

    static func write(_ session: Session) -> JSONValue {
        var o: [String: JSONValue] = [
            "session_id": .text(session.sessionId),
            "user_id": .text(session.userId),
            "started_at": time(session.startedAt),
            "last_accessed_at": time(session.lastAccessedAt),
            "expires_at": time(session.expiresAt),
            "attributes": .object(
                session.attributes.unknownFields.merging([
                    "ip_address": .text(session.attributes.ipAddress),
                    "user_agent": .text(session.attributes.userAgent),
                ]) { _, typed in typed }),
            "authentication_factors": .array(session.authenticationFactors.map(write)),
            "custom_claims": .object(session.customClaims),
            "roles": .array(session.roles.map(JSONValue.text)),
        ]
        o.merge(session.unknownFields) { typed, _ in typed }
        return .object(o)
    }

    private static func write(_ factor: AuthenticationFactor) -> JSONValue {
        var o: [String: JSONValue] = [
            "type": .text(factor.factorType),
            "delivery_method": .text(factor.deliveryMethod),
            "last_authenticated_at": time(factor.lastAuthenticatedAt),
        ]
        if let created = factor.createdAt { o["created_at"] = time(created) }
        if let updated = factor.updatedAt { o["updated_at"] = time(updated) }
        if let detail = factor.detail { o[detail.key] = write(detail) }
        o.merge(factor.unknownFields) { typed, _ in typed }
        return .object(o)
    }

    private static func write(_ detail: FactorDetail) -> JSONValue {
        func fields(_ pairs: [(String, String?)], _ extra: [String: JSONValue]) -> JSONValue {
            var o = extra
            for (key, value) in pairs {
                if let value { o[key] = .text(value) }
            }
            return .object(o)
        }
        switch detail {
        case .email(let id, let address, let extra):
            return fields([("email_id", id), ("email_address", address)], extra)
        case .phoneNumber(let id, let number, let extra):
            return fields([("phone_id", id), ("phone_number", number)], extra)
        case .oauth(_, let id, let emailId, let subject, let extra):
            return fields([("id", id), ("email_id", emailId), ("provider_subject", subject)], extra)
        case .webAuthn(let id, let domain, let agent, let extra):
            return fields(
                [("webauthn_registration_id", id), ("domain", domain), ("user_agent", agent)], extra)
        case .authenticatorApp(let id, let extra):
            return fields([("totp_id", id)], extra)
        case .recoveryCode(let id, let extra):
            return fields([("totp_recovery_code_id", id)], extra)
        case .cryptoWallet(let id, let address, let kind, let extra):
            return fields(
                [
                    ("crypto_wallet_id", id), ("crypto_wallet_address", address),
                    ("crypto_wallet_type", kind),
                ], extra)
        case .biometric(let id, let extra):
            return fields([("biometric_registration_id", id)], extra)
        case .unknown(_, let value):
            return value
        }
    }

    private static func attributes(_ value: JSONValue?) throws(SessionKitError) -> SessionAttributes {
        guard let o = value?.objectValue else { return SessionAttributes() }
        return SessionAttributes(
            ipAddress: try text(o, "ip_address") ?? "", userAgent: try text(o, "user_agent") ?? "",
            unknownFields: o.filter { $0.key != "ip_address" && $0.key != "user_agent" })
    }

    private static func factor(_ value: JSONValue) throws(SessionKitError) -> AuthenticationFactor {
        guard let o = value.objectValue else {
            throw invalid("an authentication factor must be a JSON object")
        }
        var rest = o.filter { !factorKeys.contains($0.key) }
        // The first `*_factor` member in the server's order, as the engine takes it. Swift's
        // dictionaries keep no order, so among several (which Stytch never sends) the
        // smallest key is taken; the others stay in `unknownFields` either way.
        let detailKey = rest.keys.filter { $0.hasSuffix("_factor") && rest[$0]?.isNull == false }.min()
        var detail: FactorDetail?
        if let detailKey, let value = rest.removeValue(forKey: detailKey) {
            detail = Self.detail(detailKey, value)
        }
        guard let last = try time(o, "last_authenticated_at") else {
            throw invalid("missing last_authenticated_at")
        }
        return AuthenticationFactor(
            factorType: try text(o, "type") ?? "", deliveryMethod: try text(o, "delivery_method") ?? "",
            lastAuthenticatedAt: last, createdAt: try time(o, "created_at"),
            updatedAt: try time(o, "updated_at"), detail: detail, unknownFields: rest)
    }

    /// The typed sub-object `key` promises, or `.unknown` when the shape does not match.
    static func detail(_ key: String, _ value: JSONValue) -> FactorDetail {
        guard let o = value.objectValue else { return .unknown(key: key, value: value) }
        func known(_ names: [String]) -> ([String?], [String: JSONValue])? {
            var strings: [String?] = []
            for name in names {
                switch o[name] {
                case nil, .null?: strings.append(nil)
                case .text(let text)?: strings.append(text)
                default: return nil
                }
            }
            return (strings, o.filter { !names.contains($0.key) })
        }
        let typed: FactorDetail?
        switch key {
        case "email_factor":
            typed = known(["email_id", "email_address"]).map {
                .email(emailId: $0.0[0], emailAddress: $0.0[1], unknownFields: $0.1)
            }
        case "phone_number_factor":
            typed = known(["phone_id", "phone_number"]).map {
                .phoneNumber(phoneId: $0.0[0], phoneNumber: $0.0[1], unknownFields: $0.1)
            }
        case "webauthn_factor":
            typed = known(["webauthn_registration_id", "domain", "user_agent"]).map {
                .webAuthn(
                    webauthnRegistrationId: $0.0[0], domain: $0.0[1], userAgent: $0.0[2],
                    unknownFields: $0.1)
            }
        case "authenticator_app_factor":
            typed = known(["totp_id"]).map { .authenticatorApp(totpId: $0.0[0], unknownFields: $0.1) }
        case "recovery_code_factor":
            typed = known(["totp_recovery_code_id"]).map {
                .recoveryCode(totpRecoveryCodeId: $0.0[0], unknownFields: $0.1)
            }
        case "crypto_wallet_factor":
            typed = known(["crypto_wallet_id", "crypto_wallet_address", "crypto_wallet_type"]).map {
                .cryptoWallet(
                    cryptoWalletId: $0.0[0], cryptoWalletAddress: $0.0[1],
                    cryptoWalletType: $0.0[2], unknownFields: $0.1)
            }
        case "biometric_factor":
            typed = known(["biometric_registration_id"]).map {
                .biometric(biometricRegistrationId: $0.0[0], unknownFields: $0.1)
            }
        default:
            let provider = String(key.dropLast("_oauth_factor".count))
            if key.hasSuffix("_oauth_factor"), !provider.isEmpty {
                typed = known(["id", "email_id", "provider_subject"]).map {
                    .oauth(
                        provider: provider, id: $0.0[0], emailId: $0.0[1],
                        providerSubject: $0.0[2], unknownFields: $0.1)
                }
            } else {
                typed = nil
            }
        }
        return typed ?? .unknown(key: key, value: value)
    }

    private static func text(_ o: [String: JSONValue], _ key: String) throws(SessionKitError) -> String? {
        switch o[key] {
        case nil, .null?: return nil
        case .text(let text)?: return text
        default: throw invalid("\(key) must be a string")
        }
    }

    private static func time(_ o: [String: JSONValue], _ key: String) throws(SessionKitError) -> Date? {
        guard let text = try text(o, key) else { return nil }
        guard let date = parseTime(text) else { throw invalid("\(key) is not an RFC 3339 time") }
        return date
    }

    /// RFC 3339, with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? fractional.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static func time(_ date: Date) -> JSONValue {
        .text(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    private static func list(_ o: [String: JSONValue], _ key: String) throws(SessionKitError) -> [JSONValue] {
        switch o[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        default: throw invalid("\(key) must be an array")
        }
    }

    private static func objectOrEmpty(_ o: [String: JSONValue], _ key: String) throws(SessionKitError)
        -> [String: JSONValue]
    {
        switch o[key] {
        case nil, .null?: return [:]
        case .object(let members)?: return members
        default: throw invalid("\(key) must be an object")
        }
    }

    private static func invalid(_ what: String) -> SessionKitError {
        .invalid("not a Stytch session object: \(what)")
    }
}
