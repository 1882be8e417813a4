// The contract app code depends on (SPEC X1, X3): SessionKitClient implements it over the
// engine, FakeSessionClient in memory for the app's own tests. The rules every implementation
// keeps are written once, for both wrappers, in bindings/WRAPPERS.md.
package dev.sessionkit

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.StateFlow

/**
 * A signed-in user's session, kept fresh, persisted and observable: what your code depends
 * on. [SessionKitClient] is the real one; [FakeSessionClient] drives your tests without a
 * server or the native library.
 *
 * Reads ([getSync], [getInfo], [getTokens], [checkJwt] and the flows) do no I/O and never wait;
 * calls that reach storage or the network are `suspend` (W7). Every method is safe from any
 * thread, the main thread included.
 */
interface SessionClient : AutoCloseable {
    /** The session now and after every change, starting with the current value (O5). */
    val session: StateFlow<Session?>

    /** Restoring, signed out, pending or signed in, now and after every change (R6). */
    val status: StateFlow<SessionStatus>

    /** Every later event, in order, for as long as it is collected. */
    val events: Flow<SessionEvent>

    /** The cached session, or `null`; never one whose `expiresAt` has passed on the server's clock (R1, R5). */
    fun getSync(): Session?

    /** The session, whether it came from storage unconfirmed (R2), and the status (R6). */
    fun getInfo(): SessionInfo

    /** Both tokens, or `null` when either is missing or the session has expired (R3). */
    fun getTokens(): SessionTokens?

    /**
     * Both tokens, with a JWT that stays valid for at least [minTtl] on the server's clock
     * (W9): what to call right before a request to your own backend. When the JWT would not
     * last, or with [forceRefresh], it asks the server first, through the single flight (W3),
     * so concurrent callers share one request. The OkHttp integration
     * (`dev.sessionkit.okhttp`) calls it for you.
     *
     * @throws SessionKitException.SignedOut there is no session, or the server ended it (E1).
     * @throws SessionKitException.Network the JWT needed a refresh and the server was unreachable.
     * @throws SessionKitException.InvalidArgument [minTtl] is negative, or longer than a
     *   fresh JWT lives (about five minutes).
     */
    suspend fun tokens(minTtl: Duration = 60.seconds, forceRefresh: Boolean = false): SessionTokens

    /**
     * Fresh tokens after your backend rejected [rejectedJwt] (answered 401 to it): the current
     * tokens if that JWT has been replaced since, otherwise those of one refresh. However many
     * requests report the same rejected JWT, at once or one after another, they cause one
     * authenticate (H1). A backend's 401 signs nobody out; only the server's answer can (E1).
     */
    suspend fun tokensAfterRejection(rejectedJwt: String): SessionTokens

    /** Waits until storage has been read once and says what was found (X2). */
    suspend fun restored(): RestoreOutcome

    /** What storage held at start, or when it last came back; [RestoreOutcome.Pending] until read. */
    fun restoreOutcome(): RestoreOutcome

    /**
     * Asks the server to confirm the session and rotate its JWT (W2); returns the confirmed
     * session. Concurrent calls, and the refresh scheduler, share one request (W3).
     *
     * @throws SessionKitException.SignedOut the server no longer knows the session; it is cleared (E1).
     * @throws SessionKitException.Network unreachable; the session is kept.
     * @throws SessionKitException.ServerRejected refused (an invalid duration, say); kept.
     * @throws SessionKitException.Superseded the identity changed while the request was out (W8).
     */
    suspend fun authenticate(sessionDurationMinutes: Int? = null): Session

    /**
     * Revokes the session on the server, then signs out here (W5). With [forceClear] the
     * session is cleared even when the server cannot be reached ([RevokeOutcome.ClearedLocallyOnly]).
     */
    suspend fun revoke(forceClear: Boolean = false): RevokeOutcome

    /**
     * Installs tokens your backend obtained at sign-in (W1): the status becomes
     * [SessionStatus.Pending] until the server confirms them, which the scheduler asks at once.
     */
    suspend fun updateSession(sessionToken: String, sessionJwt: String)

    /** Signs out on this device without asking the server (W6). */
    suspend fun clear()

    /** Storage is usable again (E4): saves or reads what could not be before. */
    suspend fun storageBecameAvailable()

    /**
     * Calls [listener] with every later event, in order, on a SessionKit thread (not the main
     * thread). Inside it, every read shows the change it hears of or a later one (O2). Close
     * the handle to unsubscribe; a listener that throws is logged and stays subscribed.
     */
    fun onChange(listener: (SessionEvent) -> Unit): AutoCloseable

    /** Verifies the session JWT against the project's keys without I/O (J2). */
    fun checkJwt(): JwtCheck

    /** Fetches the project's JWKS for [checkJwt]. */
    suspend fun refreshJwks()

    /** The app came to the foreground: refresh if due and resume the schedule (S4). */
    fun appDidEnterForeground()

    /** The app went to the background: no timer runs until it returns (S1, S6). */
    fun appDidEnterBackground()

    /** Connectivity returned: restart refreshes that stopped for want of it (S4). */
    fun networkBecameAvailable()

    /**
     * Stops the client: reads answer nothing, lifecycle calls do nothing, calls that reach
     * storage or the network throw [SessionKitException.Closed]. It does not sign out.
     * Closing twice is harmless.
     */
    override fun close()
}
