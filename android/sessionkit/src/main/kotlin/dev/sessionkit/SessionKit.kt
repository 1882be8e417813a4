// The Kotlin face of SessionKit: the generated SessionClient plus what only Kotlin can offer
// cheaply. Crossing the FFI costs tens of microseconds per call and returning a Session more,
// so the current session lives in a Kotlin field kept up to date by the engine's own change
// notifications (and by the wrapper's own state-changing calls, so that a caller reads its
// own write at once); getSync() and the StateFlow read that field and never cross the FFI.
package dev.sessionkit

import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/**
 * A signed-in user's session, kept fresh, persisted and observable.
 *
 * Start one per app with [start] (after `SessionKit.initialize(context)` on Android) and keep
 * it for the life of the process. Every method is safe to call from any thread; the reads
 * ([getSync], [session], [getInfo], [getTokens]) do no I/O and never wait for a network call.
 *
 * Errors are thrown as [SessionKitException]; catch the subclass that says what to do:
 * [SessionKitException.SignedOut] (sign in again), [SessionKitException.Network] and
 * [SessionKitException.ServerRejected] (the session is kept),
 * [SessionKitException.StorageUnavailable] (wait, then call [storageBecameAvailable]),
 * [SessionKitException.StorageCorrupted] (the stored session was wiped),
 * [SessionKitException.Superseded] (the identity changed mid-request; read again),
 * [SessionKitException.InvalidArgument] (fix the call).
 */
class SessionKit private constructor(
    /** The generated client, for the calls this class does not wrap. */
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
        if (event !is SessionEvent.Changed) return
        try {
            refresh()
        } catch (closed: IllegalStateException) {
            // The client was closed while this event was on its way: nothing to update.
        }
    }

    /**
     * Reads the engine's current session over the FFI and publishes it. Every read returns
     * the newest state and the lock orders read and publish, so the field never goes back to
     * an older state, whichever thread (event delivery or a call that just changed state)
     * gets here first. It runs once per change, never per read.
     */
    private fun refresh() {
        synchronized(lock) {
            val current = ffi.getSync()
            cached = CachedSession.of(current)
            state.value = current
        }
    }

    /** Runs a state-changing FFI call, then makes the Kotlin side see its outcome at once. */
    private inline fun <T> changing(call: () -> T): T =
        try {
            call()
        } finally {
            refresh()
        }

    /**
     * The cached session, or `null`; never one whose `expiresAt` has passed on this device's
     * clock (R1). Reads a Kotlin field: no FFI call, no I/O, no lock.
     */
    fun getSync(): Session? = cached.live(System.currentTimeMillis())

    /** The cached session and whether it came from storage unconfirmed by the server (R2). */
    fun getInfo(): SessionInfo = ffi.getInfo()

    /**
     * Both tokens, or `null` when either is missing or the session has expired (R3). Hand
     * them to your backend only; [SessionTokens.toString] prints them redacted.
     */
    fun getTokens(): SessionTokens? = ffi.getTokens()

    /**
     * Asks the server to confirm the session and rotate its JWT (W2); returns the confirmed
     * session. [sessionDurationMinutes], when given, extends it on the server. Concurrent
     * calls share one request (W3).
     *
     * @throws SessionKitException.SignedOut the server no longer knows the session; it is
     *   cleared (E1).
     * @throws SessionKitException.Network the server was unreachable; the session is kept.
     * @throws SessionKitException.ServerRejected the request was refused (for example an
     *   invalid duration); the session is kept.
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
     * otherwise it stays and the error is thrown.
     *
     * @throws SessionKitException.Network the server was unreachable and [forceClear] is
     *   false; the session is kept.
     */
    suspend fun revoke(forceClear: Boolean = false) {
        changing { ffi.revoke(forceClear) }
    }

    /**
     * Installs tokens your backend obtained at sign-in (W1). They are persisted and
     * announced; the session object is unknown ([getSync] returns `null`) until the next
     * [authenticate].
     *
     * @throws SessionKitException.InvalidArgument a token is empty.
     * @throws SessionKitException.StorageUnavailable the tokens hold in memory but could
     *   not be saved yet; they are saved when storage is back.
     */
    fun updateSession(sessionToken: String, sessionJwt: String) {
        changing { ffi.updateSession(sessionToken, sessionJwt) }
    }

    /** Signs out locally without asking the server (W6): clears storage and memory. */
    fun clear() {
        changing { ffi.clear() }
    }

    /**
     * Calls [listener] with every later [SessionEvent], in order, on a SessionKit delivery
     * thread (not the main thread). Close the returned handle to unsubscribe. A listener that
     * throws is caught and stays subscribed; it may call back into this client.
     */
    fun onChange(listener: (SessionEvent) -> Unit): AutoCloseable =
        Subscription(ffi.onChange(BlockListener(listener)))

    /** What the engine found in storage at start-up, or when storage last came back. */
    fun restoreOutcome(): RestoreOutcome = ffi.restoreOutcome()

    /** Call when the app comes to the foreground: refreshes now and resumes the schedule. */
    fun appDidEnterForeground() = ffi.appDidEnterForeground()

    /** Call when the app goes to the background: no refresh timer runs until it returns. */
    fun appDidEnterBackground() = ffi.appDidEnterBackground()

    /** Call when connectivity returns: retries a refresh that failed for want of it. */
    fun networkBecameAvailable() = ffi.networkBecameAvailable()

    /**
     * Call when storage is usable again (for example after the device was unlocked): saves
     * or reads what could not be before (E4).
     *
     * @throws SessionKitException.StorageUnavailable storage still is not available.
     */
    fun storageBecameAvailable() = changing { ffi.storageBecameAvailable() }

    /**
     * Stops the engine: no more refreshes or events, and calls that reach the engine throw
     * `IllegalStateException`. It does not sign out. Closing twice is harmless.
     */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        internalSubscription.unsubscribe()
        internalSubscription.close()
        ffi.shutdown()
        ffi.close()
    }

    /** Starts SessionKit. */
    companion object {
        /**
         * Starts the engine with [config] and [store] and restores the stored session, if
         * any (see [restoreOutcome]); [session] and [getSync] start with it.
         *
         * [store] defaults to memory only. On Android pass the Keystore-backed store, or your
         * own [SessionStore] implementation.
         *
         * @throws SessionKitException.InvalidArgument the configuration is not usable.
         * @throws IllegalStateException on Android, when `SessionKit.initialize(context)` has
         *   not run: without the Context every HTTPS certificate check would fail.
         */
        fun start(config: ClientConfig, store: SessionStore = memoryStore()): SessionKit {
            check(!onAndroid() || isNativeInitialized()) {
                "call SessionKit.initialize(context) before SessionKit.start"
            }
            return SessionKit(SessionClient(config, store))
        }

        /** ART still reports its VM as "Dalvik"; desktop JVMs never do. */
        private fun onAndroid(): Boolean = System.getProperty("java.vm.name") == "Dalvik"
    }
}
