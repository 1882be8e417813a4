import SessionKitBindings

/// How much of SessionKit's logging a `SessionLogger` hears, from most to least severe.
public enum LogLevel: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bugs and misconfigurations that need fixing.
    case error
    /// Something is off and SessionKit carries on (a rejected request, a corrupt store).
    case warn
    /// Worth knowing, handled (offline, a locked device, a refresh backing off).
    case info
    /// SessionKit's decisions (state changes, requests).
    case debug
    /// Everything.
    case trace

    public var description: String {
        switch self {
        case .error: return "error"
        case .warn: return "warn"
        case .info: return "info"
        case .debug: return "debug"
        case .trace: return "trace"
        }
    }
}

/// Your logger for SessionKit's events (SPEC L1): one line each, with its level and its target
/// (the module that logged, `sessionkit::engine::commit`). The unified log (os_log, under the
/// configured subsystem) hears them either way. Called on the thread that logged, sometimes
/// while SessionKit holds a lock: do not call back into SessionKit from here, and do not block.
/// No line ever holds a token.
public protocol SessionLogger: Sendable {
    func log(level: LogLevel, target: String, message: String)
}

/// A `SessionLogger` as the engine's logger interface.
final class LoggerAdapter: ForeignLogger {
    private let logger: any SessionLogger

    init(_ logger: any SessionLogger) {
        self.logger = logger
    }

    func log(level: SessionKitBindings.LogLevel, target: String, message: String) throws {
        logger.log(level: LogLevel(level), target: target, message: message)
    }
}

extension LogLevel {
    init(_ level: SessionKitBindings.LogLevel) {
        switch level {
        case .error: self = .error
        case .warn: self = .warn
        case .info: self = .info
        case .debug: self = .debug
        case .trace: self = .trace
        }
    }

    var ffi: SessionKitBindings.LogLevel {
        switch self {
        case .error: return .error
        case .warn: return .warn
        case .info: return .info
        case .debug: return .debug
        case .trace: return .trace
        }
    }
}
