import Foundation
import SessionKitBindings

/// Keeps `.encryptedFile`'s session file out of backups and readable after first unlock
/// (SPEC V8). Every write replaces the file, and with it the per-file attributes, so they are
/// set again after each one. It hears the path only, never the session.
final class SessionFileProtection: FileWriteObserver, Sendable {
    /// For tests: hears every path after the attributes were set.
    private let written: (@Sendable (String) -> Void)?

    init(written: (@Sendable (String) -> Void)? = nil) {
        self.written = written
    }

    func fileWritten(path: String) {
        #if canImport(Darwin)
        var url = URL(fileURLWithPath: path)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? url.setResourceValues(values)
        #endif
        #if os(iOS) || os(tvOS) || os(watchOS) || os(visionOS)
        // Readable by a background refresh with the phone locked, once unlocked after boot:
        // the Keychain store's `AfterFirstUnlockThisDeviceOnly`, for a file.
        try? FileManager.default.setAttributes(
            [.protectionKey: FileProtectionType.completeUntilFirstUnlock], ofItemAtPath: path)
        #endif
        written?(path)
    }
}
