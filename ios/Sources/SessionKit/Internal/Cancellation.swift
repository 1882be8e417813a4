/// Runs `operation` so that cancelling the calling task ends the wait at once with
/// `CancellationError`, as Swift callers expect of an `async` call.
///
/// The engine's work is not cancelled: a refresh is shared by every caller and by the
/// scheduler (W3), and a write has reached storage or the network. It finishes in the
/// background, its outcome is announced to observers as usual, and only this caller stops
/// waiting for it.
func cancellable<T: Sendable>(
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            Task {
                do {
                    outcome.resume(with: .success(try await operation()))
                } catch {
                    outcome.resume(with: .failure(error))
                }
            }
        }
    } onCancel: {
        outcome.resume(with: .failure(CancellationError()))
    }
}

/// A continuation resumed exactly once: by the operation's result or by cancellation,
/// whichever comes first. Cancellation may come before the continuation is installed.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Locked(State())

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early {
                state.done = true
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
        }
    }

    func resume(with result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.done else { return nil }
            guard let continuation = state.continuation else {
                if state.early == nil { state.early = result }
                return nil
            }
            state.done = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
