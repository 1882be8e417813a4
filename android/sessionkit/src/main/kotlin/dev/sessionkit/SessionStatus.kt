// Where the engine stands (SPEC R6), and the session read with it (R2).
package dev.sessionkit

/**
 * Restoring, signed out, pending or signed in (R6). Switch on it to choose a screen: only
 * [SignedOut] means "show sign-in".
 */
enum class SessionStatus {
    /** Storage has not been read yet: whether a user is signed in is not known. Show a splash. */
    Restoring,

    /** No tokens are held, or the session has expired: show sign-in. */
    SignedOut,

    /** Tokens are held and being confirmed by the server (after `updateSession`); no session object yet. */
    Pending,

    /** A session is known ([SessionInfo.fromCache] says whether this process confirmed it). */
    SignedIn,
}

/** The session, whether it came from storage unconfirmed (R2), and the status (R6). */
data class SessionInfo(
    /** The session, or `null`; never an expired one. */
    val session: Session?,
    /** True from the moment the state was loaded from storage until the first successful authenticate in this process. */
    val fromCache: Boolean,
    /** Where the engine stands. */
    val status: SessionStatus,
) {
    companion object {
        /** Nothing known: what a closed client reads. */
        @JvmField
        val SIGNED_OUT = SessionInfo(null, false, SessionStatus.SignedOut)
    }
}

/**
 * The session's two tokens: hand them to your backend, never to a log. [toString] prints
 * them redacted (SPEC M3).
 */
class SessionTokens(
    /** The opaque session token. */
    val sessionToken: String,
    /** The session JWT (lives about five minutes; SessionKit refreshes it). */
    val sessionJwt: String,
) {
    override fun equals(other: Any?): Boolean =
        other is SessionTokens && other.sessionToken == sessionToken && other.sessionJwt == sessionJwt

    override fun hashCode(): Int = 31 * sessionToken.hashCode() + sessionJwt.hashCode()

    override fun toString(): String = "SessionTokens(sessionToken=[redacted], sessionJwt=[redacted])"
}
