import Foundation
import SessionKitBindings

/// How SessionKit talks to Stytch and refreshes the session. Only `publicToken` is required;
/// every nil means SessionKit's default.
///
/// Two configurations are equal when every setting is, the logger aside (a logger has no
/// equality of its own).
public struct SessionKitConfiguration: Sendable, Equatable {
    /// The project's public token (`public-token-test-...` or `public-token-live-...`);
    /// it picks the Stytch environment unless `baseURL` is set.
    public var publicToken: String
    /// Overrides the base URL the token picks: a custom domain, a proxy, a local sandbox.
    public var baseURL: URL?
    /// The project id; needed only for local JWT checks (`checkJwt()`).
    public var projectID: String?
    /// Whether SessionKit refreshes the session by itself (SPEC S1-S5). Off: only your
    /// explicit `authenticate` calls reach the server.
    public var automaticRefresh: Bool
    /// Time between scheduled refreshes (default 180 s). At least 1 s (SPEC S9): a shorter
    /// one makes `start` throw `invalidArgument`. To turn refreshing off, set
    /// `automaticRefresh` to false, not a zero heartbeat.
    public var heartbeat: Duration?
    /// How long before the session or its JWT expires a refresh is due (default 60 s).
    public var refreshMargin: Duration?
    /// Automatic extension (S3): scheduled refreshes extend the session by this many
    /// minutes. Nil (the default) never extends a session.
    public var autoExtendMinutes: Int?
    /// How long to wait for a connection (default 10 s).
    public var connectTimeout: Duration?
    /// How long a whole request may take (default 30 s).
    public var requestTimeout: Duration?
    /// The largest response body accepted, in bytes (default 1 MiB).
    public var maxResponseBytes: Int?
    /// Your logger for SessionKit's events (SPEC L1); the unified log hears them either way.
    public var logger: (any SessionLogger)?
    /// The least severe level `logger` hears (default `.info`).
    public var logLevel: LogLevel
    /// The unified log's subsystem for SessionKit's events (default `dev.sessionkit`).
    public var logSubsystem: String
    /// Certificate pins (SPEC V7): `sha256/` + base64 of the SHA-256 of the server
    /// certificate's SubjectPublicKeyInfo, TrustKit's notation. Empty (the default) pins
    /// nothing; otherwise at least two (the key in use and a backup), checked in addition to
    /// the system's trust evaluation. A mismatch is a network error that keeps the session.
    public var certificatePins: [String]

    public init(
        publicToken: String, baseURL: URL? = nil, projectID: String? = nil,
        automaticRefresh: Bool = true, heartbeat: Duration? = nil,
        refreshMargin: Duration? = nil, autoExtendMinutes: Int? = nil,
        connectTimeout: Duration? = nil, requestTimeout: Duration? = nil,
        maxResponseBytes: Int? = nil, logger: (any SessionLogger)? = nil,
        logLevel: LogLevel = .info, logSubsystem: String = "dev.sessionkit",
        certificatePins: [String] = []
    ) {
        self.publicToken = publicToken
        self.baseURL = baseURL
        self.projectID = projectID
        self.automaticRefresh = automaticRefresh
        self.heartbeat = heartbeat
        self.refreshMargin = refreshMargin
        self.autoExtendMinutes = autoExtendMinutes
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.logger = logger
        self.logLevel = logLevel
        self.logSubsystem = logSubsystem
        self.certificatePins = certificatePins
    }

    public static func == (lhs: SessionKitConfiguration, rhs: SessionKitConfiguration) -> Bool {
        lhs.publicToken == rhs.publicToken && lhs.baseURL == rhs.baseURL
            && lhs.projectID == rhs.projectID && lhs.automaticRefresh == rhs.automaticRefresh
            && lhs.heartbeat == rhs.heartbeat && lhs.refreshMargin == rhs.refreshMargin
            && lhs.autoExtendMinutes == rhs.autoExtendMinutes
            && lhs.connectTimeout == rhs.connectTimeout && lhs.requestTimeout == rhs.requestTimeout
            && lhs.maxResponseBytes == rhs.maxResponseBytes && lhs.logLevel == rhs.logLevel
            && lhs.logSubsystem == rhs.logSubsystem && lhs.certificatePins == rhs.certificatePins
    }

    /// The engine's configuration. Values Swift can express but the engine cannot
    /// (negative durations and counts) are refused here; everything else is checked by
    /// the engine.
    func ffi(sharedDirectory: URL? = nil) throws(SessionKitError) -> ClientConfig {
        func seconds(_ duration: Duration?, _ name: String) throws(SessionKitError) -> TimeInterval? {
            guard let duration else { return nil }
            guard duration >= .zero else { throw .invalid("\(name) must not be negative") }
            let (whole, fraction) = duration.components
            return TimeInterval(whole) + TimeInterval(fraction) / 1e18
        }
        func count<T: FixedWidthInteger>(_ value: Int?, _ name: String) throws(SessionKitError) -> T? {
            guard let value else { return nil }
            guard let converted = T(exactly: value) else {
                throw .invalid("\(name) must be between 0 and \(T.max), not \(value)")
            }
            return converted
        }
        return ClientConfig(
            publicToken: publicToken,
            baseUrl: baseURL?.absoluteString,
            projectId: projectID,
            automaticRefresh: automaticRefresh,
            heartbeat: try seconds(heartbeat, "heartbeat"),
            refreshMargin: try seconds(refreshMargin, "refreshMargin"),
            autoExtendMinutes: try count(autoExtendMinutes, "autoExtendMinutes"),
            connectTimeout: try seconds(connectTimeout, "connectTimeout"),
            requestTimeout: try seconds(requestTimeout, "requestTimeout"),
            maxResponseBytes: try count(maxResponseBytes, "maxResponseBytes"),
            logLevel: logLevel.ffi, logSubsystem: logSubsystem, logTag: nil,
            sharedDirectory: sharedDirectory?.path, certificatePins: certificatePins)
    }
}
