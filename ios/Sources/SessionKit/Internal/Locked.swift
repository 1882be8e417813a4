import Foundation

/// A value behind a lock. `NSLock`, not the Synchronization module's `Mutex`, which needs
/// iOS 18; uncontended, it costs about as much here (a read of the cached session: see
/// `scripts/swift-tests.sh`'s benchmark line).
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, lock held. `body` must not call back into this lock.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
