import Foundation
import SessionKitAtomics

/// One published state that any number of threads read without a lock (SPEC R4, and the
/// getSync target of X1: a read from two threads at once costs about what one does).
///
/// A writer publishes a new state under `lock` and stores a process-wide unique revision
/// number. A reader loads that revision (one atomic load, no write to shared memory) and
/// compares it with its own thread's slot (C thread-local storage): equal, it returns the
/// state its slot holds; different, it takes the lock once, puts a copy of the state of its
/// own into its slot (`threadCopy`, retained) and carries on. So the lock is taken once per
/// thread per change, never per read; and since each thread reads objects of its own, the
/// reference counting every read does (retain on return, release after) never makes two
/// threads write to one cache line. (With one shared object, two reading threads measured
/// 8 times the cost of one.)
///
/// Lock order: `lock` is a leaf; nothing else is taken while it is held.
final class ReadCache<State: AnyObject>: @unchecked Sendable {
    private let revision: OpaquePointer
    private let lock = NSLock()
    private var state: State
    private let threadCopy: @Sendable (State) -> State

    /// A cache starting at `initial`; `threadCopy` makes a reading thread's own copy of a
    /// state (equal to it, sharing nothing a read retains).
    init(_ initial: State, threadCopy: @escaping @Sendable (State) -> State) {
        self.threadCopy = threadCopy
        installThreadSlotReleaseHook
        guard let cell = sk_revision_create(sk_revision_next()) else {
            fatalError("SessionKit: out of memory for 16 bytes")
        }
        revision = cell
        state = initial
    }

    deinit {
        sk_revision_destroy(revision)
    }

    /// The state last published.
    @inline(__always)
    func read() -> State {
        let published = sk_revision_load(revision)
        let slot = sk_thread_slot_get()!
        if slot.pointee.revision == published, let held = slot.pointee.state {
            return Unmanaged<State>.fromOpaque(held).takeUnretainedValue()
        }
        return refill(slot)
    }

    private func refill(_ slot: UnsafeMutablePointer<sk_thread_slot>) -> State {
        lock.lock()
        let shared = state
        let currentRevision = sk_revision_load(revision)
        lock.unlock()
        let current = threadCopy(shared)
        if let previous = slot.pointee.state {
            Unmanaged<AnyObject>.fromOpaque(previous).release()
        }
        slot.pointee.state = UnsafeMutableRawPointer(Unmanaged.passRetained(current).toOpaque())
        slot.pointee.revision = currentRevision
        return current
    }

    /// Publishes `next`; readers see it from their next read on.
    func publish(_ next: State) {
        lock.lock()
        state = next
        sk_revision_store(revision, sk_revision_next())
        lock.unlock()
    }
}

/// Releases a thread slot's state when its thread ends (set once for the process).
private let installThreadSlotReleaseHook: Void = {
    sk_set_release_hook { state in
        if let state { Unmanaged<AnyObject>.fromOpaque(state).release() }
    }
}()
