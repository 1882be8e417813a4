// The session as the Kotlin side last heard it, with its expiry precomputed on the device's
// clock so that SessionKit.getSync() answers R1 with one field read and one clock read, no
// FFI call. Expiry is judged on server time (R5): the engine's estimate of how far the
// server's clock is from this device's is folded in when the cache is filled.
package dev.sessionkit

/** An immutable snapshot of what the Kotlin side serves without crossing the FFI. */
internal class CachedSession private constructor(
    val session: Session?,
    val fromCache: Boolean,
    /** `expiresAt` on this device's clock: the server's expiry minus the clock offset. */
    private val expiresAtDeviceMillis: Long,
) {
    /** The session unless it has expired at [nowMillis] on this device's clock (R1). */
    fun live(nowMillis: Long): Session? =
        if (session != null && nowMillis < expiresAtDeviceMillis) session else null

    companion object {
        /** No session known. */
        val NONE = CachedSession(null, false, Long.MIN_VALUE)

        /**
         * Caches [info]; [serverOffsetMillis] is server time minus device time, when the engine
         * knows it.
         */
        fun of(info: SessionInfo, serverOffsetMillis: Long?): CachedSession {
            val session = info.session ?: return CachedSession(null, info.fromCache, Long.MIN_VALUE)
            val expiresAt = session.expiresAt().toEpochMilli()
            return CachedSession(session, info.fromCache, expiresAt - (serverOffsetMillis ?: 0L))
        }
    }
}
