// The SessionClient of the real engine. Crossing the FFI costs microseconds per call, so the
// current state lives in a Kotlin field (CachedState) that the engine's change notifications
// keep current, and that the wrapper's own state-changing calls refresh at once (a caller
// reads its own write). getSync(), getInfo() and the flows read that field and never cross
// the FFI; they never wait for a network call or a storage write.
//
// Locks: `lock` orders refreshes of the copy (read the engine, then swap), so the copy never
// goes back to an older state whichever thread refreshes first. It is held only around
// `ffi.state()`, which takes no engine lock, so a listener may refresh from inside a delivery.
package dev.sessionkit

import dev.sessionkit.ffi.core.ListenerHandle
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.toJavaDuration
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import dev.sessionkit.ffi.SessionClient as FfiSessionClient
import dev.sessionkit.ffi.core.SessionEvent as FfiEvent

/**
 * The session engine, started once per process with [start] and kept for its life.
 *
 * Implements [SessionClient]; depend on that interface in your own code, so that tests can
 * hand it a [FakeSessionClient]. The rules it keeps (the same in Swift) are in
 * `bindings/WRAPPERS.md`.
 */
class SessionKitClient private constructor(
    /** The generated client; internal, for the host tests' FFI benchmark. */
    internal val ffi: FfiSessionClient,
) : SessionClient {
    private val lock = Any()
    private val closed = AtomicBoolean(false)
    private val closedSignal = CompletableDeferred<Unit>()

    @Volatile
    private var cached: CachedState = CachedState.RESTORING
    private val sessionFlow = MutableStateFlow<Session?>(null)
    private val statusFlow = MutableStateFlow(SessionStatus.Restoring)
    private val internalSubscription: ListenerHandle

    override val session: StateFlow<Session?> = sessionFlow.asStateFlow()

    override val status: StateFlow<SessionStatus> = statusFlow.asStateFlow()

    override val events: Flow<SessionEvent> = callbackFlow {
        val subscription = onChange { trySend(it) }
        launch {
            closedSignal.await()
            close()
        }
        awaitClose { subscription.close() }
    }.buffer(Channel.UNLIMITED)

    init {
        // Subscribe before the first read, so that no change can fall between the two.
        internalSubscription = ffi.onChange(
            BlockListener { event -> if (event is FfiEvent.Changed) catchUp(event.change.revision.toLong()) },
        )
        refresh()
    }

    /** Makes the copy at least as new as [revision] (O2): a no-op when it already is. */
    private fun catchUp(revision: Long) {
        if (cached.revision < revision) refresh()
    }

    /** Reads the engine's state over the FFI and publishes it: once per change, never per read. */
    private fun refresh() {
        synchronized(lock) {
            if (closed.get()) return
            val state = ffi.state()
            val previous = cached
            if (state.revision.toLong() < previous.revision) return
            val next = previous.next(state)
            cached = next
            sessionFlow.value = next.session
            statusFlow.value = next.status
        }
    }

    /** Runs a call that reaches storage or the network, then makes reads see its outcome at once. */
    private inline fun <T> changing(call: () -> T): T {
        if (closed.get()) throw SessionKitException.Closed()
        try {
            return translated(call)
        } finally {
            refresh()
        }
    }

    override fun getSync(): Session? = cached.live(System.currentTimeMillis())

    override fun getInfo(): SessionInfo {
        val now = System.currentTimeMillis()
        val current = cached
        return SessionInfo(current.live(now), current.fromCache, current.status(now))
    }

    /** Crosses the FFI: tokens are not kept in Kotlin memory. */
    override fun getTokens(): SessionTokens? {
        if (closed.get()) return null
        return ffi.getTokens()?.let { SessionTokens(it.sessionToken(), it.sessionJwt()) }
    }

    override suspend fun restored(): RestoreOutcome = changing { ffi.restored().toKotlin() }

    override suspend fun tokens(minTtl: Duration, forceRefresh: Boolean): SessionTokens {
        if (minTtl.isNegative()) throw SessionKitException.InvalidArgument("minTtl must not be negative")
        val tokens = changing { ffi.tokens(minTtl.toJavaDuration(), forceRefresh) }
        return SessionTokens(tokens.sessionToken(), tokens.sessionJwt())
    }

    override suspend fun tokensAfterRejection(rejectedJwt: String): SessionTokens {
        val tokens = changing { ffi.tokensAfterRejection(rejectedJwt) }
        return SessionTokens(tokens.sessionToken(), tokens.sessionJwt())
    }

    override fun restoreOutcome(): RestoreOutcome =
        if (closed.get()) RestoreOutcome.Pending else ffi.restoreOutcome().toKotlin()

    override suspend fun authenticate(sessionDurationMinutes: Int?): Session {
        if (sessionDurationMinutes != null && sessionDurationMinutes < 0) {
            throw SessionKitException.InvalidArgument("sessionDurationMinutes must not be negative")
        }
        val confirmed = changing { ffi.authenticate(sessionDurationMinutes?.toUInt()) }
        // Usually the session the copy was just refreshed to: converted once, not again.
        return cached.sessionFor(confirmed.fields())
    }

    override suspend fun revoke(forceClear: Boolean): RevokeOutcome = changing { ffi.revoke(forceClear).toKotlin() }

    override suspend fun updateSession(sessionToken: String, sessionJwt: String) {
        changing { ffi.updateSession(sessionToken, sessionJwt) }
    }

    override suspend fun clear() {
        changing { ffi.clear() }
    }

    override suspend fun storageBecameAvailable() {
        changing { ffi.storageBecameAvailable() }
    }

    override fun onChange(listener: (SessionEvent) -> Unit): AutoCloseable {
        if (closed.get()) return Subscription(null)
        val handle = ffi.onChange(
            BlockListener { event ->
                if (closed.get()) return@BlockListener
                if (event is FfiEvent.Changed) catchUp(event.change.revision.toLong())
                listener(event.toKotlin(cached))
            },
        )
        return Subscription(handle)
    }

    override fun checkJwt(): JwtCheck = if (closed.get()) JwtCheck.Unauthorised else ffi.checkJwt().toKotlin()

    override suspend fun refreshJwks() {
        if (closed.get()) throw SessionKitException.Closed()
        translated { ffi.refreshJwks() }
    }

    /**
     * With a [SessionKitConfig.sharedDirectory], this also reads the storage if another
     * process changed it (a 16-byte stamp file says whether), so that the next read shows
     * the change (SPEC C1).
     */
    override fun appDidEnterForeground() {
        if (!closed.get()) ffi.appDidEnterForeground()
    }

    /**
     * Reads a storage shared with other processes ([SessionKitConfig.sharedDirectory]) if
     * one of them changed it, and announces the change (SPEC C1). SessionKit does this by
     * itself before each request, at the foreground and as soon as another process writes;
     * call it when your app learns of such a change some other way. Blocks only while it
     * reads a changed storage; does nothing without a shared directory or after [close].
     */
    fun checkSharedStore() {
        if (!closed.get()) ffi.checkSharedStore()
    }

    override fun appDidEnterBackground() {
        if (!closed.get()) ffi.appDidEnterBackground()
    }

    override fun networkBecameAvailable() {
        if (!closed.get()) ffi.networkBecameAvailable()
    }

    /** Diagnostics: what the refresh scheduler has done and where it stands. Not for app logic. */
    fun schedulerStats(): SchedulerStats =
        if (closed.get()) SchedulerStats(0, 0, 0, SchedulerState.Stopped) else ffi.schedulerStats().toKotlin()

    /** How far the server's clock is from this device's, once a server answer said (R5). */
    fun serverClockOffset(): Duration? =
        if (closed.get()) null else ffi.serverClockOffsetMillis()?.milliseconds

    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        internalSubscription.close()
        ffi.shutdown()
        synchronized(lock) { cached = CachedState.CLOSED }
        closedSignal.complete(Unit)
        ffi.close()
    }

    override fun toString(): String =
        if (closed.get()) "SessionKitClient(closed)" else "SessionKitClient(${getInfo()})"

    /** Starts SessionKit. */
    companion object {
        /**
         * Prepares SessionKit for this process on Android: loads the native library and gives
         * it the application [context], which the platform certificate verifier needs (TLS to
         * Stytch fails without it). Call once, before [start], in `Application.onCreate()`.
         * Calling it again is harmless.
         */
        @JvmStatic
        fun initialize(context: android.content.Context) {
            SessionKitNative.initialize(context.applicationContext)
        }

        /**
         * Starts the engine with [config] and [storage] and returns at once: storage is read on
         * SessionKit's own threads, never on the caller's (X2). Until it has been read the
         * status is [SessionStatus.Restoring]; [restored] waits for it.
         *
         * @throws SessionKitException.InvalidArgument the configuration or the storage is not
         *   usable (a heartbeat below the 1 s floor, a file key that is not 32 bytes, ...).
         * @throws IllegalStateException on Android, when [initialize] has not run: without the
         *   Context every HTTPS certificate check would fail.
         */
        @JvmStatic
        @JvmOverloads
        fun start(config: SessionKitConfig, storage: SessionStorage = SessionStorage.memory()): SessionKitClient {
            check(!onAndroid() || dev.sessionkit.ffi.isNativeInitialized()) {
                "call SessionKitClient.initialize(context) before SessionKitClient.start"
            }
            val ffiConfig = config.toFfi()
            val store = storage.make()
            val logger = config.logger?.let(::LoggerAdapter)
            return SessionKitClient(translated { FfiSessionClient(ffiConfig, store, logger) })
        }

        /** ART still reports its VM as "Dalvik"; desktop JVMs never do. */
        private fun onAndroid(): Boolean = System.getProperty("java.vm.name") == "Dalvik"
    }
}

/** Keeps an `onChange` listener subscribed until closed; closing twice is harmless. */
private class Subscription(private val handle: ListenerHandle?) : AutoCloseable {
    private val closed = AtomicBoolean(handle == null)

    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        handle?.unsubscribe()
        handle?.close()
    }

    override fun toString(): String = "Subscription(${if (closed.get()) "closed" else "active"})"
}
