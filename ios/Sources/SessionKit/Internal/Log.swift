import Foundation
#if canImport(os)
import os
#endif

/// Where the wrapper reports what it swallowed (a throwing listener, a failed re-install
/// wipe). Never a token: callers pass the error's type and the engine's own sentences.
enum Log {
    #if canImport(os)
    private static let logger = Logger(subsystem: "dev.sessionkit", category: "SessionKit")
    #endif

    static func warning(_ message: String) {
        #if canImport(os)
        logger.warning("\(message, privacy: .public)")
        #else
        FileHandle.standardError.write(Data("SessionKit: \(message)\n".utf8))
        #endif
    }
}
