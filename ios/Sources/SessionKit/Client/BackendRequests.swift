import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How requests to your own backend carry the session JWT (SPEC H1). The Kotlin OkHttp
/// integration takes the same settings.
public struct BackendAuthorization: Sendable {
    /// The header that carries the JWT.
    public var headerName: String
    /// The header's value for a JWT.
    public var format: @Sendable (String) -> String
    /// How long the JWT must stay valid when the request leaves (`tokens(minTTL:)`).
    public var minTTL: Duration

    public init(
        headerName: String = "Authorization",
        format: @escaping @Sendable (String) -> String = { "Bearer \($0)" },
        minTTL: Duration = .seconds(60)
    ) {
        self.headerName = headerName
        self.format = format
        self.minTTL = minTTL
    }

    /// `Authorization: Bearer <session_jwt>`, valid for at least a minute.
    public static let bearer = BackendAuthorization()
}

extension SessionClient {
    /// `request`, authorised with a session JWT that stays valid for `authorization.minTTL`
    /// (W9: refreshed first, through the single flight, when it would not).
    ///
    /// - Throws: what `tokens(minTTL:forceRefresh:)` throws: `.signedOut`, `.network`, ...
    public func authorize(
        _ request: URLRequest, with authorization: BackendAuthorization = .bearer
    ) async throws -> URLRequest {
        let tokens = try await tokens(minTTL: authorization.minTTL, forceRefresh: false)
        return Self.authorized(request, jwt: tokens.sessionJwt, authorization)
    }

    /// Sends `request` to your backend with the session JWT, as `URLSession.data(for:)` does
    /// (SPEC H1). On a 401 it gets fresh tokens once (`tokensAfterRejection`: one refresh
    /// however many requests were rejected with the same JWT) and retries the request once,
    /// never more: a second 401 is returned as it is. The backend's 401 alone never signs the
    /// user out; only the auth server's answer to the refresh can (E1), and then this throws
    /// `SessionKitError.signedOut`.
    ///
    /// Cancelling the calling task ends the request at once, also while it waits for a
    /// refresh (`CancellationError`, or URLSession's own cancellation error).
    public func data(
        for request: URLRequest, using session: URLSession = .shared,
        authorization: BackendAuthorization = .bearer
    ) async throws -> (Data, URLResponse) {
        let tokens = try await tokens(minTTL: authorization.minTTL, forceRefresh: false)
        let first = Self.authorized(request, jwt: tokens.sessionJwt, authorization)
        let (data, response) = try await session.data(for: first)
        guard (response as? HTTPURLResponse)?.statusCode == 401 else { return (data, response) }
        try Task.checkCancellation()
        let fresh = try await tokensAfterRejection(tokens.sessionJwt)
        return try await session.data(for: Self.authorized(request, jwt: fresh.sessionJwt, authorization))
    }

    private static func authorized(
        _ request: URLRequest, jwt: String, _ authorization: BackendAuthorization
    ) -> URLRequest {
        var authorized = request
        authorized.setValue(authorization.format(jwt), forHTTPHeaderField: authorization.headerName)
        return authorized
    }
}
