// The session as the Kotlin side last heard it, with its expiry precomputed so that
// SessionKit.getSync() answers R1 with one field read and one clock read, no FFI call.
package dev.sessionkit

/** An immutable pair: the last announced session and its `expiresAt` in epoch millis. */
internal class CachedSession private constructor(
    val session: Session?,
    private val expiresAtMillis: Long,
) {
    /** The session unless it has expired on the local clock (R1: expired at `expiresAt`). */
    fun live(nowMillis: Long): Session? =
        if (session != null && nowMillis < expiresAtMillis) session else null

    companion object {
        /** No session known. */
        val NONE = CachedSession(null, Long.MIN_VALUE)

        /** Caches [session], or [NONE] for `null`. */
        fun of(session: Session?): CachedSession =
            if (session == null) NONE else CachedSession(session, session.expiresAt.toEpochMilli())
    }
}
