// The copy of the engine's state that SessionKitClient's reads are served from: one
// immutable object, swapped whole on every change, read through one volatile field. Expiry is
// judged on server time (R5): the engine's estimate of the server clock's offset from this
// device's is folded into the precomputed expiry.
package dev.sessionkit

import dev.sessionkit.ffi.ClientState
import dev.sessionkit.ffi.core.SessionFields

internal class CachedState private constructor(
    val session: Session?,
    val fromCache: Boolean,
    val status: SessionStatus,
    /** The engine's revision this copy shows (O2): every announced change has a larger one. */
    val revision: Long,
    /** `session.expiresAt` on this device's clock: the server's expiry minus the offset. */
    private val expiresAtDeviceMillis: Long,
    /** The fields [session] was built from, so an unchanged session is not converted again. */
    private val fields: SessionFields?,
) {
    /** The session unless it has expired at [nowMillis] on this device's clock (R1). */
    fun live(nowMillis: Long): Session? = if (nowMillis < expiresAtDeviceMillis) session else null

    /** The status at [nowMillis]: a session that has expired counts as signed out, as R1 reads it. */
    fun status(nowMillis: Long): SessionStatus =
        if (status == SessionStatus.SignedIn && nowMillis >= expiresAtDeviceMillis) SessionStatus.SignedOut else status

    /** The Kotlin session for the engine's [fields]: this copy's own when they are the same. */
    fun sessionFor(fields: SessionFields): Session =
        if (session != null && fields == this.fields) session else fields.toKotlin()

    /** The next copy, for the engine's [state]; the session object is reused when unchanged. */
    fun next(state: ClientState): CachedState {
        val session = when {
            state.session == null -> null
            state.session == fields -> session
            else -> state.session.toKotlin()
        }
        val offset = state.serverClockOffsetMillis ?: 0L
        return CachedState(
            session = session,
            fromCache = state.fromCache,
            status = state.status.toKotlin(),
            revision = state.revision.toLong(),
            expiresAtDeviceMillis = session?.let { it.expiresAtMillis - offset } ?: Long.MIN_VALUE,
            fields = state.session,
        )
    }

    companion object {
        /** Before the first read of the engine: storage not read yet. */
        val RESTORING = CachedState(null, false, SessionStatus.Restoring, -1, Long.MIN_VALUE, null)

        /** What a closed client reads: nothing. */
        val CLOSED = CachedState(null, false, SessionStatus.SignedOut, Long.MAX_VALUE, Long.MIN_VALUE, null)
    }
}
