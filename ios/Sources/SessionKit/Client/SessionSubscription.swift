import SessionKitBindings

/// Keeps an `onChange` handler subscribed: `cancel()` it, or let it go, to unsubscribe
/// (SPEC O1). Like Combine's `AnyCancellable`, keep it in a property or a set.
public final class SessionSubscription: Sendable, Hashable {
    private let handle: ListenerHandle?
    private let onCancel: (@Sendable () -> Void)?
    private let cancelled: Locked<Bool>

    /// A subscription to the engine, or (nil) an inert one, for a closed client.
    init(_ handle: ListenerHandle?) {
        self.handle = handle
        onCancel = nil
        cancelled = Locked(handle == nil)
    }

    /// A subscription that runs `onCancel` once when cancelled or released (a fake's).
    init(onCancel: @escaping @Sendable () -> Void) {
        handle = nil
        self.onCancel = onCancel
        cancelled = Locked(false)
    }

    deinit {
        cancel()
    }

    /// Unsubscribes now: nothing announced later arrives. Calling it twice is harmless.
    public func cancel() {
        let first = cancelled.withLock { cancelled in
            defer { cancelled = true }
            return !cancelled
        }
        guard first else { return }
        handle?.unsubscribe()
        onCancel?()
    }

    /// Whether the handler is still subscribed.
    public var isActive: Bool { !cancelled.withLock { $0 } }

    /// Keeps this subscription in `set`, as `AnyCancellable.store(in:)` does.
    public func store(in set: inout Set<SessionSubscription>) {
        set.insert(self)
    }

    public static func == (lhs: SessionSubscription, rhs: SessionSubscription) -> Bool {
        lhs === rhs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}

/// A Swift closure as the engine's listener interface. The engine calls it on one of its
/// delivery threads, one event at a time, never with a lock held (O3, O4).
final class ListenerAdapter: ForeignSessionListener {
    private let handler: @Sendable (SessionKitBindings.SessionEvent) -> Void

    init(_ handler: @escaping @Sendable (SessionKitBindings.SessionEvent) -> Void) {
        self.handler = handler
    }

    func onEvent(event: SessionKitBindings.SessionEvent) {
        handler(event)
    }
}
