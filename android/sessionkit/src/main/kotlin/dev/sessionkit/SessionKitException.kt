// What SessionKit throws: one sealed class whose subclasses say what to do, whose message is
// the engine's own sentence, and whose fields use Kotlin's everyday types. Every subclass can
// be built by app code (a test double throwing what a real client would), and none carries a
// token (SPEC E6).
package dev.sessionkit

import kotlin.time.Duration

/** Why a SessionKit call failed, and what to do about it. [message] is a sentence for a log. */
sealed class SessionKitException(message: String, cause: Throwable?) : Exception(message, cause) {
    /** There is no session, or the server said it is gone; it has been cleared (E1). Sign the user in again. */
    class SignedOut @JvmOverloads constructor(
        /** Why, in words for a log. */
        val reason: String,
        message: String = "signed out: $reason",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /**
     * The server could not be reached or answered unusably. The session is kept; retry later
     * (the refresh scheduler does so by itself). [retryAfter] is the server's `Retry-After`.
     */
    class Network @JvmOverloads constructor(
        /** What failed, in words for a log. */
        val detail: String,
        /** How long the server asked the client to wait, if it said. */
        val retryAfter: Duration? = null,
        message: String = "network problem, session kept: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** The server refused the request (an invalid duration, say). The session is kept; fix the request. */
    class ServerRejected @JvmOverloads constructor(
        /** The HTTP status. */
        val status: Int,
        /** The server's `error_type`. */
        val errorType: String,
        /** The server's `error_message`. */
        val errorMessage: String,
        message: String = "server rejected the request ($errorType, HTTP $status), session kept: $errorMessage",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** Secure storage cannot be reached right now; the session is not lost (E4). */
    class StorageUnavailable @JvmOverloads constructor(
        val detail: String,
        message: String = "storage unavailable, session kept: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** The stored session was unreadable and has been wiped (E5). Sign the user in again. */
    class StorageCorrupted @JvmOverloads constructor(
        val detail: String,
        message: String = "stored session was corrupted and has been wiped: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** Storage failed for a reason that will not pass by itself (E7). Fix the configuration. */
    class StorageFailed @JvmOverloads constructor(
        val detail: String,
        message: String = "storage failed: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** The identity changed while the request was in flight; read the current state (W8). */
    class Superseded @JvmOverloads constructor(
        message: String = "the session changed while the request was in flight; its answer was discarded",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** The project's JWKS could not be used for local JWT checks. Check the project id. */
    class JwksUnusable @JvmOverloads constructor(
        val detail: String,
        message: String = "the project's JWKS is unusable: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** An argument or the configuration was not acceptable. Fix the call. */
    class InvalidArgument @JvmOverloads constructor(
        val detail: String,
        message: String = "invalid argument: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** This client was closed; start a new one. */
    class Closed @JvmOverloads constructor(
        message: String = "this SessionKitClient was closed; start a new one",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** A bug in SessionKit, or an exception thrown by app code it called. Report it. */
    class Internal @JvmOverloads constructor(
        val detail: String,
        message: String = "internal error: $detail",
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    override fun toString(): String = "${this::class.simpleName}: $message"
}
