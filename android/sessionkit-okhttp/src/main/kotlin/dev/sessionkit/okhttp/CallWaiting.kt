// Waiting for SessionKit on an OkHttp thread. OkHttp cancels a call by closing its sockets,
// never by interrupting its thread, so the wait polls the call; and only IOExceptions may
// leave an interceptor or an authenticator (OkHttp 3 drops anything else on the floor: the
// dispatcher thread dies and the callback is never called; OkHttp 4 rethrows it).
package dev.sessionkit.okhttp

import dev.sessionkit.SessionKitException
import java.io.IOException
import java.io.InterruptedIOException
import kotlin.coroutines.cancellation.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import okhttp3.Call

/**
 * A SessionKit error on its way through OkHttp: the request failed because the session could
 * not be had (signed out, offline). [error] is the typed error to act on.
 */
class SessionKitIOException(val error: SessionKitException) : IOException(error.message, error)

/** Tag on requests SessionKit authorised: the call (for cancellation), the JWT sent, and whether this is the retry. */
internal class Authorised(val call: Call, val jwt: String, val retried: Boolean)

/** How often a waiting call looks whether it was cancelled. */
private const val POLL_MILLIS = 20L

/** Runs [block] on this OkHttp thread until it ends or [call] is cancelled. */
internal fun <T> awaitOnCallThread(call: Call, block: suspend () -> T): T {
    if (call.isCanceled()) throw IOException("Canceled")
    try {
        return runBlocking {
            val work = async(start = CoroutineStart.UNDISPATCHED) { block() }
            while (!work.isCompleted) {
                if (call.isCanceled()) {
                    work.cancel()
                    throw IOException("Canceled")
                }
                withTimeoutOrNull(POLL_MILLIS) { work.join() }
            }
            work.await()
        }
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        throw InterruptedIOException("interrupted while waiting for the session").apply { initCause(e) }
    } catch (e: IOException) {
        throw e
    } catch (e: SessionKitException) {
        throw SessionKitIOException(e)
    } catch (e: CancellationException) {
        throw IOException("Canceled", e)
    } catch (e: RuntimeException) {
        throw IOException("SessionKit failed unexpectedly: ${e.javaClass.name}", e)
    }
}
