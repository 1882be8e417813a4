/// Fans values out to any number of `AsyncStream`s. With `replaysLatest`, a new stream starts
/// with the latest value (a state, SPEC O5) and a slow consumer sees only the newest one;
/// without, every value reaches every stream in order (events).
///
/// Registration and publishing take one lock, so a new stream never misses a value published
/// while it registers, nor sees one twice. Continuations are finished outside the lock, since
/// finishing runs their termination handlers, which take it.
final class Broadcast<Element: Sendable>: Sendable {
    private struct State {
        var latest: Element?
        var streams: [UInt64: AsyncStream<Element>.Continuation] = [:]
        var nextID: UInt64 = 0
        var finished = false
    }

    private let state: Locked<State>
    private let replaysLatest: Bool

    /// A broadcast of a state, starting at `initial`.
    init(replaying initial: Element) {
        state = Locked(State(latest: initial))
        replaysLatest = true
    }

    /// A broadcast of events.
    init() {
        state = Locked(State())
        replaysLatest = false
    }

    func stream() -> AsyncStream<Element> {
        let policy: AsyncStream<Element>.Continuation.BufferingPolicy =
            replaysLatest ? .bufferingNewest(1) : .unbounded
        return AsyncStream(bufferingPolicy: policy) { continuation in
            let id: UInt64? = state.withLock { state in
                guard !state.finished else { return nil }
                let id = state.nextID
                state.nextID += 1
                state.streams[id] = continuation
                if replaysLatest, let latest = state.latest {
                    continuation.yield(latest)
                }
                return id
            }
            guard let id else {
                continuation.finish()
                return
            }
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.streams.removeValue(forKey: id) }
            }
        }
    }

    func publish(_ value: Element) {
        publish { value }
    }

    /// Publishes what `make` builds, built only when someone will see it: a stream is open,
    /// or (for a state) a later stream will start with it.
    func publish(_ make: () -> Element) {
        state.withLock { state in
            guard !state.finished, replaysLatest || !state.streams.isEmpty else { return }
            let value = make()
            if replaysLatest { state.latest = value }
            for continuation in state.streams.values {
                continuation.yield(value)
            }
        }
    }

    /// Ends every stream; later streams end at once.
    func finish() {
        let streams = state.withLock { state in
            state.finished = true
            defer { state.streams.removeAll() }
            return Array(state.streams.values)
        }
        for continuation in streams {
            continuation.finish()
        }
    }
}
