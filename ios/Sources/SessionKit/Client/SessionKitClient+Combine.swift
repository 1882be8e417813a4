#if canImport(Combine)
import Combine

extension SessionKitClient {
    /// The session now and after every change, for Combine (SPEC O5): starts with the
    /// current value, never fails, and delivers on a SessionKit thread (add
    /// `.receive(on: DispatchQueue.main)` for UI).
    public var sessionPublisher: AnyPublisher<Session?, Never> {
        Deferred { [self] in
            // Holds the current value from the start, so no subscriber can miss it while the
            // stream's own first value (the same one) is on its way; duplicates are dropped.
            let subject = CurrentValueSubject<Session?, Never>(announcedSession)
            let sessions = self.sessions
            let forward = Task { [subject = UncheckedSubject(subject)] in
                for await session in sessions {
                    subject.value.send(session)
                }
                subject.value.send(completion: .finished)
            }
            return subject.removeDuplicates().handleEvents(receiveCancel: { forward.cancel() })
        }
        .eraseToAnyPublisher()
    }
}

/// Combine's subjects are thread-safe but not annotated `Sendable`.
private struct UncheckedSubject: @unchecked Sendable {
    let value: CurrentValueSubject<Session?, Never>
    init(_ value: CurrentValueSubject<Session?, Never>) { self.value = value }
}
#endif
