import SessionKitBindings

/// The copy of the engine's state that `SessionKitClient`'s reads are served from: one
/// immutable object, swapped whole on every change (`ReadCache`). Expiry is judged on server
/// time (R5): the engine's estimate of the server clock's offset from this device's is folded
/// into the precomputed expiry.
final class CachedState: Sendable {
    let session: Session?
    let fromCache: Bool
    let status: SessionStatus
    /// The engine's revision this copy shows (O2): every announced change has a larger one.
    let revision: Int64
    /// `session.expiresAt` on this device's clock: the server's expiry minus the offset.
    private let expiresAtDeviceMillis: Int64
    /// The fields `session` was built from, so an unchanged session is not converted again.
    private let fields: SessionFields?

    private init(
        session: Session?, fromCache: Bool, status: SessionStatus, revision: Int64,
        expiresAtDeviceMillis: Int64, fields: SessionFields?
    ) {
        self.session = session
        self.fromCache = fromCache
        self.status = status
        self.revision = revision
        self.expiresAtDeviceMillis = expiresAtDeviceMillis
        self.fields = fields
    }

    /// Before the first read of the engine: storage not read yet.
    static let restoring = CachedState(
        session: nil, fromCache: false, status: .restoring, revision: -1, expiresAtDeviceMillis: .min,
        fields: nil)

    /// What a closed client reads: nothing.
    static let closed = CachedState(
        session: nil, fromCache: false, status: .signedOut, revision: .max, expiresAtDeviceMillis: .min,
        fields: nil)

    /// A copy for one reading thread's own use (`ReadCache`): the same values in objects of
    /// its own, so that threads reading at once never retain the same object.
    func threadCopy() -> CachedState {
        CachedState(
            session: session?.copy(), fromCache: fromCache, status: status, revision: revision,
            expiresAtDeviceMillis: expiresAtDeviceMillis, fields: fields)
    }

    /// The session unless it has expired at `deviceNowMillis` (R1).
    @inline(__always)
    func live(deviceNowMillis: Int64) -> Session? {
        deviceNowMillis < expiresAtDeviceMillis ? session : nil
    }

    /// The status at `deviceNowMillis`: an expired session counts as signed out (R1, R6).
    func status(deviceNowMillis: Int64) -> SessionStatus {
        status == .signedIn && deviceNowMillis >= expiresAtDeviceMillis ? .signedOut : status
    }

    /// The Swift session for the engine's `fields`: this copy's own when they are the same.
    func session(for fields: SessionFields) -> Session {
        if let session, fields == self.fields { return session }
        return Session(fields)
    }

    /// The next copy, for the engine's `state`; the session is reused when unchanged.
    func next(_ state: ClientState) -> CachedState {
        let session = state.session.map { self.session(for: $0) }
        let offset = state.serverClockOffsetMillis ?? 0
        return CachedState(
            session: session, fromCache: state.fromCache, status: SessionStatus(state.status),
            revision: Int64(clamping: state.revision),
            expiresAtDeviceMillis: session.map { $0.expiresAtMillis - offset } ?? .min,
            fields: state.session)
    }
}
