// The in-memory SessionClient an app's own tests drive (SPEC X3): no server, no native
// library, no threads. Every change is delivered synchronously, on the thread that made it,
// so a test reads its effects on the next line.
package dev.sessionkit

import java.util.concurrent.CopyOnWriteArrayList
import kotlin.time.Duration
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

/**
 * A [SessionClient] for tests and previews, driven by the test: sign a user in, hold tokens
 * being confirmed, sign out, make the next call fail, and read which calls the code under test
 * made. It keeps the same contract as the real client (bindings/WRAPPERS.md) except that
 * listeners run synchronously on the thread that caused the change.
 *
 * ```
 * val sessions = FakeSessionClient()
 * sessions.signIn(Session.fromJson(json))
 * val screen = AccountScreenModel(sessions)      // your code, depending on SessionClient
 * sessions.failNext(SessionKitException.Network("offline"))
 * ```
 */
class FakeSessionClient @JvmOverloads constructor(
    session: Session? = null,
    status: SessionStatus = if (session != null) SessionStatus.SignedIn else SessionStatus.SignedOut,
) : SessionClient {
    private val lock = Any()
    private val listeners = CopyOnWriteArrayList<(SessionEvent) -> Unit>()
    private val sessionFlow = MutableStateFlow(session)
    private val statusFlow = MutableStateFlow(status)
    private val recorded = CopyOnWriteArrayList<String>()

    private var tokens: SessionTokens? = if (status.hasTokens()) DEFAULT_TOKENS else null
    private var fromCache = false
    private var generation = 0L
    private var failure: SessionKitException? = null
    private var closed = false

    /** What `authenticate` confirms: the signed-in session, unless a test sets another. */
    @Volatile
    var serverSession: Session? = session

    /** What [restored] and [restoreOutcome] answer. */
    @Volatile
    var restoreResult: RestoreOutcome = if (session != null) RestoreOutcome.Restored else RestoreOutcome.Empty

    /** What [checkJwt] answers while tokens are held. */
    @Volatile
    var jwtCheck: JwtCheck = JwtCheck.TryRefresh("the fake verifies nothing")

    /** The calls the code under test made, in order: `"authenticate"`, `"revoke(forceClear=true)"`, ... */
    val calls: List<String> get() = recorded.toList()

    override val session: StateFlow<Session?> = sessionFlow.asStateFlow()
    override val status: StateFlow<SessionStatus> = statusFlow.asStateFlow()
    override val events: Flow<SessionEvent> = callbackFlow {
        val subscription = onChange { trySend(it) }
        awaitClose { subscription.close() }
    }.buffer(Channel.UNLIMITED)

    // ----- What a test drives -----

    /** A user is signed in with [session] (announced as confirmed by the server). */
    @JvmOverloads
    fun signIn(session: Session, tokens: SessionTokens = DEFAULT_TOKENS, fromCache: Boolean = false) {
        serverSession = session
        change(session, tokens, fromCache, SessionStatus.SignedIn, ChangeCause.Authenticated, newIdentity = true)
    }

    /** Tokens are held and being confirmed (what `updateSession` leads to). */
    @JvmOverloads
    fun setPending(tokens: SessionTokens = DEFAULT_TOKENS) {
        change(null, tokens, false, SessionStatus.Pending, ChangeCause.Hydrated, newIdentity = true)
    }

    /** Storage is still being read, as at start-up. */
    fun setRestoring() {
        change(null, null, false, SessionStatus.Restoring, ChangeCause.Restored, newIdentity = true)
    }

    /** The user is signed out for [reason] (the server's E1 answer is [SignOutReason.Rejected]). */
    @JvmOverloads
    fun signOut(reason: SignOutReason = SignOutReason.Cleared) {
        change(null, null, false, SessionStatus.SignedOut, ChangeCause.SignedOut(reason), newIdentity = true)
    }

    /** Announces a storage problem, as the engine does when it has no caller to tell. */
    fun emit(issue: StorageIssue) = deliver(SessionEvent.Storage(issue))

    /** The next call that would reach the server or storage throws [error]. */
    fun failNext(error: SessionKitException) {
        synchronized(lock) { failure = error }
    }

    // ----- SessionClient -----

    override fun getSync(): Session? = if (closed) null else sessionFlow.value?.takeIf { it.isLive() }

    override fun getInfo(): SessionInfo {
        if (closed) return SessionInfo.SIGNED_OUT
        val session = getSync()
        val status = if (statusFlow.value == SessionStatus.SignedIn && session == null) {
            SessionStatus.SignedOut
        } else {
            statusFlow.value
        }
        return SessionInfo(session, fromCache, status)
    }

    override fun getTokens(): SessionTokens? = if (closed || getInfo().status == SessionStatus.SignedOut) null else tokens

    override suspend fun restored(): RestoreOutcome {
        call("restored")
        return restoreResult
    }

    override fun restoreOutcome(): RestoreOutcome = if (closed) RestoreOutcome.Pending else restoreResult

    override suspend fun tokens(minTtl: Duration, forceRefresh: Boolean): SessionTokens {
        call(if (forceRefresh) "tokens(forceRefresh=true)" else "tokens")
        if (minTtl.isNegative()) throw SessionKitException.InvalidArgument("minTtl must not be negative")
        takeFailure()?.let { error ->
            if (error is SessionKitException.SignedOut) signOut(SignOutReason.Rejected)
            throw error
        }
        val held = getTokens() ?: throw SessionKitException.SignedOut("there is no session to hand out tokens for")
        return if (forceRefresh) rotate(held) else held
    }

    override suspend fun tokensAfterRejection(rejectedJwt: String): SessionTokens {
        call("tokensAfterRejection")
        takeFailure()?.let { error ->
            if (error is SessionKitException.SignedOut) signOut(SignOutReason.Rejected)
            throw error
        }
        val held = getTokens() ?: throw SessionKitException.SignedOut("there is no session to refresh")
        return if (held.sessionJwt == rejectedJwt) rotate(held) else held
    }

    /** A refresh: a new JWT for the same session token, announced as the server's answer. */
    private fun rotate(held: SessionTokens): SessionTokens {
        val fresh = SessionTokens(held.sessionToken, "${held.sessionJwt.substringBeforeLast('.')}.refreshed${++rotations}")
        change(sessionFlow.value, fresh, false, statusFlow.value, ChangeCause.Authenticated, newIdentity = false)
        return fresh
    }

    private var rotations = 0

    override suspend fun authenticate(sessionDurationMinutes: Int?): Session {
        call(if (sessionDurationMinutes == null) "authenticate" else "authenticate($sessionDurationMinutes)")
        if (sessionDurationMinutes != null && sessionDurationMinutes < 0) {
            throw SessionKitException.InvalidArgument("sessionDurationMinutes must not be negative")
        }
        takeFailure()?.let { error ->
            if (error is SessionKitException.SignedOut) signOut(SignOutReason.Rejected)
            throw error
        }
        val held = tokens ?: throw SessionKitException.SignedOut("there is no session to authenticate")
        val confirmed = serverSession ?: run {
            signOut(SignOutReason.Rejected)
            throw SessionKitException.SignedOut("the server no longer knows the session")
        }
        change(confirmed, held, false, SessionStatus.SignedIn, ChangeCause.Authenticated, newIdentity = false)
        return confirmed
    }

    override suspend fun revoke(forceClear: Boolean): RevokeOutcome {
        call("revoke(forceClear=$forceClear)")
        val error = takeFailure()
        if (tokens == null) return RevokeOutcome.NoSession
        if (error != null) {
            if (!forceClear) throw error
            signOut(SignOutReason.Revoked)
            return RevokeOutcome.ClearedLocallyOnly(error.message ?: "the server was not reached")
        }
        signOut(SignOutReason.Revoked)
        return RevokeOutcome.Revoked
    }

    override suspend fun updateSession(sessionToken: String, sessionJwt: String) {
        call("updateSession")
        if (sessionToken.isEmpty() || sessionJwt.isEmpty()) {
            throw SessionKitException.InvalidArgument("updateSession needs a non-empty sessionToken and sessionJwt")
        }
        takeFailure()?.let { throw it }
        setPending(SessionTokens(sessionToken, sessionJwt))
    }

    override suspend fun clear() {
        call("clear")
        takeFailure()?.let { throw it }
        signOut(SignOutReason.Cleared)
    }

    override suspend fun storageBecameAvailable() {
        call("storageBecameAvailable")
        takeFailure()?.let { throw it }
    }

    override fun onChange(listener: (SessionEvent) -> Unit): AutoCloseable {
        if (closed) return AutoCloseable {}
        listeners += listener
        return AutoCloseable { listeners -= listener }
    }

    override fun checkJwt(): JwtCheck = if (getTokens() == null) JwtCheck.Unauthorised else jwtCheck

    override suspend fun refreshJwks() {
        call("refreshJwks")
        takeFailure()?.let { throw it }
    }

    override fun appDidEnterForeground() = lifecycle("appDidEnterForeground")

    override fun appDidEnterBackground() = lifecycle("appDidEnterBackground")

    override fun networkBecameAvailable() = lifecycle("networkBecameAvailable")

    override fun close() {
        synchronized(lock) { closed = true }
        listeners.clear()
    }

    override fun toString(): String = if (closed) "FakeSessionClient(closed)" else "FakeSessionClient(${getInfo()})"

    // ----- Inside -----

    private fun Session.isLive() = expiresAtMillis > System.currentTimeMillis()

    private fun call(name: String) {
        if (closed) throw SessionKitException.Closed()
        recorded += name
    }

    private fun lifecycle(name: String) {
        if (!closed) recorded += name
    }

    private fun takeFailure(): SessionKitException? = synchronized(lock) { failure.also { failure = null } }

    private fun change(
        session: Session?,
        tokens: SessionTokens?,
        fromCache: Boolean,
        status: SessionStatus,
        cause: ChangeCause,
        newIdentity: Boolean,
    ) {
        val event = synchronized(lock) {
            if (closed) return
            this.tokens = tokens
            this.fromCache = fromCache
            if (newIdentity) generation++
            sessionFlow.value = session
            statusFlow.value = status
            SessionEvent.Changed(SessionChange(session, status, tokens != null, fromCache, cause, generation))
        }
        deliver(event)
    }

    private fun deliver(event: SessionEvent) {
        for (listener in listeners) {
            try {
                listener(event)
            } catch (e: Exception) {
                // O4, as in the real client: a listener that throws stays subscribed.
            }
        }
    }

    companion object {
        /** The tokens a fake holds unless a test gives others; the JWT has the three segments of one. */
        @JvmField
        val DEFAULT_TOKENS = SessionTokens("fake-session-token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.fake")
    }
}

/** Whether this status means tokens are held (pending or signed in). */
fun SessionStatus.hasTokens(): Boolean = this == SessionStatus.Pending || this == SessionStatus.SignedIn
