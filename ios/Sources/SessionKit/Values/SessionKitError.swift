import Foundation
import SessionKitBindings

/// What went wrong, and what to do about it. `description` is the engine's own sentence; no
/// case ever carries a token (SPEC E6).
public enum SessionKitError: Error, Sendable, Equatable, LocalizedError, CustomStringConvertible {
    /// There is no session, or the server said it is gone; it has been cleared (E1). Sign
    /// the user in again.
    case signedOut(reason: String, message: String)
    /// The server could not be reached or answered unusably. The session is kept; retry
    /// later (the refresh scheduler does so by itself). `retryAfter` is the server's
    /// `Retry-After`, when it sent one.
    case network(detail: String, retryAfter: Duration?, message: String)
    /// The server refused the request for a reason that does not end the session (an
    /// invalid `sessionDurationMinutes`, say). The session is kept; fix the request.
    case serverRejected(status: Int, errorType: String, errorMessage: String, message: String)
    /// Secure storage cannot be reached right now (a device locked since boot): the session
    /// is not lost (E4). Call `storageBecameAvailable()` once it can be.
    case storageUnavailable(detail: String, message: String)
    /// The stored session was unreadable and has been wiped (E5). Sign the user in again.
    case storageCorrupted(detail: String, message: String)
    /// Storage failed for a reason that will not pass by itself (E7): a missing Keychain
    /// entitlement, a path that cannot exist. Fix the configuration.
    case storageFailed(detail: String, message: String)
    /// The session was replaced or cleared while this call was in flight (W8). Read the
    /// current state instead of this call's result.
    case superseded(message: String)
    /// The project's JWKS could not be used for local JWT checks. Check the project id.
    case jwksUnusable(detail: String, message: String)
    /// An argument or the configuration was not acceptable. Fix the call.
    case invalidArgument(detail: String, message: String)
    /// This `SessionKit` was closed. Start a new one.
    case closed
    /// A bug in SessionKit or in app code it called. Please report it.
    case `internal`(detail: String, message: String)

    init(_ error: SessionError) {
        let message = error.description
        switch error {
        case .SignedOut(let reason):
            self = .signedOut(reason: reason, message: message)
        case .Network(let detail, let retryAfter):
            self = .network(
                detail: detail, retryAfter: retryAfter.map { .milliseconds(Int64($0 * 1000)) },
                message: message)
        case .ServerRejected(let status, let errorType, let errorMessage):
            self = .serverRejected(
                status: Int(status), errorType: errorType, errorMessage: errorMessage,
                message: message)
        case .StorageUnavailable(let detail):
            self = .storageUnavailable(detail: detail, message: message)
        case .StorageCorrupted(let detail):
            self = .storageCorrupted(detail: detail, message: message)
        case .StorageFailed(let detail):
            self = .storageFailed(detail: detail, message: message)
        case .Superseded:
            self = .superseded(message: message)
        case .JwksUnusable(let detail):
            self = .jwksUnusable(detail: detail, message: message)
        case .InvalidArgument(let detail):
            self = .invalidArgument(detail: detail, message: message)
        case .Internal(let detail):
            self = .internal(detail: detail, message: message)
        }
    }

    /// An invalid argument the wrapper itself caught, before calling the engine.
    static func invalid(_ detail: String) -> SessionKitError {
        .invalidArgument(detail: detail, message: "invalid argument: \(detail)")
    }

    /// The engine's sentence: what happened and what to do.
    public var description: String {
        switch self {
        case .signedOut(_, let message), .network(_, _, let message),
            .serverRejected(_, _, _, let message), .storageUnavailable(_, let message),
            .storageCorrupted(_, let message), .storageFailed(_, let message),
            .superseded(let message), .jwksUnusable(_, let message),
            .invalidArgument(_, let message), .internal(_, let message):
            return message
        case .closed:
            return "this SessionKitClient was closed; start a new one"
        }
    }

    public var errorDescription: String? { description }
}
