// The Kotlin face of SessionKit: the generated SessionClient plus what only Kotlin can offer
// cheaply. Crossing the FFI costs microseconds per call, so the current session lives in a
// Kotlin field kept up to date by the engine's own change notifications (and by the
// wrapper's own state-changing calls, so that a caller reads its own write at once);
// getSync(), getInfo() and the StateFlow read that field and never cross the FFI.
package dev.sessionkit

import dev.sessionkit.ffi.SessionClient
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/**
 * A signed-in user's session, kept fresh, persisted and observable.
 *
 * Start one per app with [start] (after `SessionKit.initialize(context)` on Android) and keep
 * it for the life of the process. Every method is safe to call from any thread, the main
 * thread included: reads ([getSync], [session], [getInfo], [getTokens], [checkJwt]) do no
 * I/O and never wait for a network call; calls that reach storage or the network are
 * `suspend` (SPEC W7).
 *
 * Errors are thrown as [SessionKitException]; catch the subclass that says what to do. After
 * [close], every call throws [IllegalStateException].
 */
class SessionKit private constructor(
    /** The generated client; internal, for the host tests' FFI benchmark. */
    internal val ffi: SessionClient,
) : AutoCloseable {
    private val lock = Any()
    private val closed = AtomicBoolean(false)

    @Volatile
    private var cached: CachedSession = CachedSession.NONE
    private val state = MutableStateFlow<Session?>(null)
    private val internalSubscription: ListenerHandle

    /**
     * The current session, starting with the value at [start] and updated on every change
     * the engine announces (O5). In Compose: `sessionKit.session.collectAsState()`.
     *
     * It holds the session as of the last change; use [getSync] where an expired session
     * must never be seen (R1): the engine announces the refresh or sign-out that follows
     * expiry.
     */
    val session: StateFlow<Session?> = state.asStateFlow()

    init {
        // Subscribe before the first read, so that no change can fall between the two.
        internalSubscription = ffi.onChange(BlockListener(::onEngineEvent))
        refresh()
    }

    private fun onEngineEvent(event: SessionEvent) {
        if (event !is SessionEvent.Changed || closed.get()) return
        refresh()
    }

    /**
     * Reads the engine's current state over the FFI and publishes it. Every read returns the
     * newest state and the lock orders read and publish, so the field never goes back to an
     * older state, whichever thread (event delivery or a call that just changed state) gets
     * here first. It runs once per change, never per read.
     */
    private fun refresh() {
        synchronized(lock) {
            val info = ffi.getInfo()
            cached = CachedSession.of(info, ffi.serverClockOffsetMillis())
            state.value = info.session
        }
    }

    /** Fails the same way for every call after [close]. */
    private fun ensureOpen() {
        check(!closed.get()) { "this SessionKit was closed; start a new one" }
    }

    /** Runs a state-changing FFI call, then makes the Kotlin side see its outcome at once. */
    private inline fun <T> changing(call: () -> T): T {
        ensureOpen()
        try {
            return translated(call)
        } finally {
            if (!closed.get()) refresh()
        }
    }

    /**
     * The cached session, or `null`; never one whose `expiresAt` has passed on the server's
     * clock (R1, R5). Reads a Kotlin field and this device's clock: no FFI call, no I/O, no
     * lock.
     */
    fun getSync(): Session? {
        ensureOpen()
        return cached.live(System.currentTimeMillis())
    }

    /**
     * The cached session and whether it came from storage unconfirmed by the server (R2).
     * Served from the same Kotlin field as [getSync]: no FFI call.
     */
    fun getInfo(): SessionInfo {
        ensureOpen()
        val current = cached
        return SessionInfo(current.live(System.currentTimeMillis()), current.fromCache)
    }

    /**
     * Both tokens, or `null` when either is missing or the session has expired (R3). Hand
     * them to your backend only; [SessionTokens.toString] prints them redacted. Crosses the
     * FFI: tokens are not kept in Kotlin memory.
     */
    fun getTokens(): SessionTokens? {
        ensureOpen()
        return ffi.getTokens()
    }

    /**
     * Asks the server to confirm the session and rotate its JWT (W2); returns the confirmed
     * session. [sessionDurationMinutes], when given, extends it on the server. Concurrent
     * calls, and the refresh scheduler, share one request (W3).
     *
     * @throws SessionKitException.SignedOut the server no longer knows the session; it is
     *   cleared (E1).
     * @throws SessionKitException.Network the server was unreachable; the session is kept.
     * @throws SessionKitException.ServerRejected the request was refused (for example an
     *   invalid duration); the session is kept.
     * @throws SessionKitException.Superseded the identity changed while the request was out.
     * @throws IllegalArgumentException [sessionDurationMinutes] is negative.
     */
    suspend fun authenticate(sessionDurationMinutes: Int? = null): Session {
        require(sessionDurationMinutes == null || sessionDurationMinutes >= 0) {
            "sessionDurationMinutes must not be negative"
        }
        return changing { ffi.authenticate(sessionDurationMinutes?.toUInt()) }
    }

    /**
     * Revokes the session on the server, then signs out locally (W5). When the request fails
     * the session is cleared anyway if the failure is definitive or [forceClear] is set;
     * otherwise it stays and the error is thrown. The outcome says whether the server was
     * reached ([RevokeOutcome.ClearedLocallyOnly] when only this device forgot it, W8).
     *
     * @throws SessionKitException.Network the server was unreachable and [forceClear] is
     *   false; the session is kept.
     */
    suspend fun revoke(forceClear: Boolean = false): RevokeOutcome =
        changing { ffi.revoke(forceClear) }

    /**
     * Installs tokens your backend obtained at sign-in (W1). They are persisted and announced;
     * the session object is unknown ([getSync] returns `null`) until the next [authenticate],
     * which the refresh scheduler makes at once. The store is called off this thread (W7).
     *
     * @throws SessionKitException.InvalidArgument a token is empty.
     */
    suspend fun updateSession(sessionToken: String, sessionJwt: String) {
        changing { ffi.updateSession(sessionToken, sessionJwt) }
    }

    /**
     * Signs out locally without asking the server (W6): clears storage and memory. The store
     * is called off this thread (W7).
     */
    suspend fun clear() {
        changing { ffi.clear() }
    }

    /**
     * Calls [listener] with every later [SessionEvent], in order, on a SessionKit delivery
     * thread (not the main thread). Close the returned handle to unsubscribe. A listener that
     * throws is caught and stays subscribed; it may call back into this client.
     */
    fun onChange(listener: (SessionEvent) -> Unit): AutoCloseable {
        ensureOpen()
        return ffi.onChange(BlockListener(listener))
    }

    /** What the engine found in storage at start-up, or when storage last came back. */
    fun restoreOutcome(): RestoreOutcome {
        ensureOpen()
        return ffi.restoreOutcome()
    }

    /**
     * Verifies the session JWT against the project's keys without I/O (J2): [JwtCheck.Valid]
     * with the verified session (ids, roles, factors, custom claims, times),
     * [JwtCheck.TryRefresh] (expired, unverifiable, keys not fetched) or
     * [JwtCheck.Unauthorised]. Call [refreshJwks] first; needs [SessionKitConfig.projectId].
     */
    fun checkJwt(): JwtCheck {
        ensureOpen()
        return ffi.checkJwt()
    }

    /** Fetches the project's JWKS for [checkJwt]; again when it says keys may have rotated. */
    suspend fun refreshJwks() {
        ensureOpen()
        translated { ffi.refreshJwks() }
    }

    /** Call when the app comes to the foreground: refreshes now and resumes the schedule. */
    fun appDidEnterForeground() {
        ensureOpen()
        ffi.appDidEnterForeground()
    }

    /** Call when the app goes to the background: no refresh timer runs until it returns. */
    fun appDidEnterBackground() {
        ensureOpen()
        ffi.appDidEnterBackground()
    }

    /** Call when connectivity returns: restarts refreshes that stopped for want of it. */
    fun networkBecameAvailable() {
        ensureOpen()
        ffi.networkBecameAvailable()
    }

    /**
     * Call when storage is usable again (for example after the device was unlocked): saves
     * or reads what could not be before (E4). The store is called off this thread (W7).
     *
     * @throws SessionKitException.StorageUnavailable storage still is not available.
     */
    suspend fun storageBecameAvailable() {
        changing { ffi.storageBecameAvailable() }
    }

    /**
     * Diagnostics: what the refresh scheduler has done and where it stands (waiting, backing
     * off, paused for storage, ...). For logs and battery investigations, not for app logic.
     */
    fun schedulerStats(): SchedulerStats {
        ensureOpen()
        return ffi.schedulerStats()
    }

    /** How far the server's clock is from this device's, once a server answer said (R5). */
    fun serverClockOffset(): kotlin.time.Duration? {
        ensureOpen()
        return ffi.serverClockOffsetMillis()?.milliseconds
    }

    /**
     * Stops the engine: no more refreshes or events, and every later call throws
     * [IllegalStateException]. It does not sign out. Closing twice is harmless.
     */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        internalSubscription.close()
        ffi.shutdown()
        ffi.close()
    }

    override fun toString(): String =
        if (closed.get()) "SessionKit(closed)" else "SessionKit(session=${cached.session})"

    /** Starts SessionKit, and the stores it comes with. */
    companion object {
        /**
         * Starts the engine with [config] and [store] and restores the stored session, if any
         * (see [restoreOutcome]); [session] and [getSync] start with it. Reads the store
         * once on the calling thread.
         *
         * [store] defaults to memory only. On Android pass [keystoreStore], or your own
         * [SessionStore] implementation.
         *
         * @throws SessionKitException.InvalidArgument the configuration is not usable.
         * @throws IllegalStateException on Android, when `SessionKit.initialize(context)` has
         *   not run: without the Context every HTTPS certificate check would fail.
         */
        fun start(config: SessionKitConfig, store: SessionStore = memoryStore()): SessionKit {
            check(!onAndroid() || dev.sessionkit.ffi.isNativeInitialized()) {
                "call SessionKit.initialize(context) before SessionKit.start"
            }
            return SessionKit(translated { SessionClient(config.toFfi(), store) })
        }

        /** A store that keeps the session in memory only: for tests and previews. */
        fun memoryStore(): SessionStore = dev.sessionkit.ffi.memoryStore()

        /**
         * A store that keeps the session in one AES-256-GCM encrypted file at [path], under a
         * 32-byte [key] your app keeps safe elsewhere (on Android prefer [keystoreStore]).
         *
         * @throws SessionKitException.InvalidArgument the key is not 32 bytes.
         */
        fun encryptedFileStore(path: String, key: ByteArray): SessionStore =
            translated { dev.sessionkit.ffi.encryptedFileStore(path, key) }

        /** ART still reports its VM as "Dalvik"; desktop JVMs never do. */
        private fun onAndroid(): Boolean = System.getProperty("java.vm.name") == "Dalvik"
    }
}
