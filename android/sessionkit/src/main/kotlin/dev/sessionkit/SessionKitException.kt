// What SessionKit throws: one sealed class whose subclasses say what to do, whose message is
// the engine's own sentence, and whose fields use Kotlin's everyday types. The generated
// bindings throw `SessionException`, whose message UniFFI builds from its fields; every call
// of the wrapper turns it into one of these at the boundary (see `SessionKit.kt`).
package dev.sessionkit

import kotlin.time.Duration
import kotlin.time.toKotlinDuration

/** Why a SessionKit call failed, and what to do about it. [message] is a sentence for a log. */
sealed class SessionKitException(message: String, cause: Throwable?) : Exception(message, cause) {
    /** There is no session, or the server said it is gone. Sign the user in again. */
    class SignedOut(
        /** Why, in words for a log. */
        val reason: String,
        message: String,
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /**
     * The server could not be reached or answered unusably. The session is kept; retry later
     * (the refresh scheduler does so by itself).
     */
    class Network(
        /** What failed, in words for a log. */
        val detail: String,
        /** How long the server asked the client to wait, if it said. */
        val retryAfter: Duration?,
        message: String,
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** The server refused the request (an invalid duration, say). The session is kept. */
    class ServerRejected(
        /** The HTTP status. */
        val status: Int,
        /** The server's `error_type`. */
        val errorType: String,
        /** The server's `error_message`. */
        val errorMessage: String,
        message: String,
        cause: Throwable? = null,
    ) : SessionKitException(message, cause)

    /** Secure storage cannot be reached right now; the session is not lost (E4). */
    class StorageUnavailable(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    /** The stored session was unreadable and has been wiped (E5). Sign the user in again. */
    class StorageCorrupted(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    /** Storage failed for a reason that will not pass by itself (E7). Fix the configuration. */
    class StorageFailed(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    /** The identity changed while the request was in flight; read the current state (W8). */
    class Superseded(message: String, cause: Throwable? = null) : SessionKitException(message, cause)

    /** The project's JWKS could not be used for local JWT checks. Check the project id. */
    class JwksUnusable(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    /** An argument or the configuration was not acceptable. Fix the call. */
    class InvalidArgument(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    /** A bug in SessionKit, or an exception thrown by app code it called. Report it. */
    class Internal(val detail: String, message: String, cause: Throwable? = null) :
        SessionKitException(message, cause)

    override fun toString(): String = "${this::class.simpleName}: $message"
}

/** The wrapper's exception for the generated one; the message is the engine's own sentence. */
internal fun SessionException.toSessionKit(): SessionKitException {
    val sentence = toString() // the Rust `Display` of the error
    return when (this) {
        is SessionException.SignedOut -> SessionKitException.SignedOut(reason, sentence, this)
        is SessionException.Network -> SessionKitException.Network(
            detail,
            retryAfter?.toKotlinDuration(),
            sentence,
            this,
        )
        is SessionException.ServerRejected -> SessionKitException.ServerRejected(
            status.toInt(),
            errorType,
            errorMessage,
            sentence,
            this,
        )
        is SessionException.StorageUnavailable ->
            SessionKitException.StorageUnavailable(detail, sentence, this)
        is SessionException.StorageCorrupted ->
            SessionKitException.StorageCorrupted(detail, sentence, this)
        is SessionException.StorageFailed -> SessionKitException.StorageFailed(detail, sentence, this)
        is SessionException.Superseded -> SessionKitException.Superseded(sentence, this)
        is SessionException.JwksUnusable -> SessionKitException.JwksUnusable(detail, sentence, this)
        is SessionException.InvalidArgument ->
            SessionKitException.InvalidArgument(detail, sentence, this)
        is SessionException.Internal -> SessionKitException.Internal(detail, sentence, this)
    }
}

/** Runs an FFI call, turning the generated exception into a [SessionKitException]. */
internal inline fun <T> translated(call: () -> T): T =
    try {
        call()
    } catch (e: SessionException) {
        throw e.toSessionKit()
    }
