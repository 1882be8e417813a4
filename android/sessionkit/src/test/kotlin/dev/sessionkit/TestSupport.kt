// What the host tests share: the sandbox (started once per JVM), a Kotlin session store the
// tests can make fail on purpose, a listener that queues events for a test to await, and a
// bounded wait for suspend calls.
package dev.sessionkit

import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.fail
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

/** Bounds a wait for something that must happen; it only turns a hang into a failure. */
const val DELIVERY_BOUND_SECONDS = 10L

/** Runs [block] to completion on this thread, failing after [DELIVERY_BOUND_SECONDS]. */
fun <T> await(block: suspend () -> T): T =
    runBlocking { withTimeout(DELIVERY_BOUND_SECONDS * 1000) { block() } }

/** One sandbox for the whole run, stopped when the JVM exits. */
val sandbox: Sandbox by lazy {
    Sandbox.start().also { started -> Runtime.getRuntime().addShutdownHook(Thread { started.close() }) }
}

/** An app-supplied store written in Kotlin (P1): a byte array in memory, with switches. */
class KotlinStore(var blob: ByteArray? = null) : SessionStore {
    /** This store as a storage to start a client with. */
    val storage: SessionStorage get() = SessionStorage.custom(this)

    /** The threads `load` ran on. */
    val loadThreads: MutableList<Thread> = java.util.Collections.synchronizedList(mutableListOf())

    /** While false, every call throws `StoreException.Unavailable` (a locked device, E4). */
    @Volatile var available = true

    /** When set, `clear` throws it: an exception no store contract allows (E6). */
    @Volatile var clearThrows: RuntimeException? = null

    /** When set, `load` throws it. */
    @Volatile var loadThrows: RuntimeException? = null

    @Volatile var saves = 0
        private set

    override fun load(): ByteArray? {
        loadThreads += Thread.currentThread()
        loadThrows?.let { throw it }
        if (!available) throw StoreException.Unavailable("device locked")
        return blob
    }

    override fun save(blob: ByteArray) {
        if (!available) throw StoreException.Unavailable("device locked")
        this.blob = blob.copyOf()
        saves++
    }

    override fun clear() {
        clearThrows?.let { throw it }
        if (!available) throw StoreException.Unavailable("device locked")
        blob = null
    }
}

/** A started client whose restore has finished, so that reads show what storage held. */
fun startedKit(storage: SessionStorage = SessionStorage.memory(), automaticRefresh: Boolean = false): SessionKitClient =
    SessionKitClient.start(sandbox.config(automaticRefresh), storage).also { await { it.restored() } }

/** Queues every event it hears; [next] awaits one. */
class EventQueue : (SessionEvent) -> Unit {
    private val queue = LinkedBlockingQueue<SessionEvent>()

    override fun invoke(event: SessionEvent) {
        queue.put(event)
    }

    /** The next event, or a failure after [DELIVERY_BOUND_SECONDS]. */
    fun next(): SessionEvent =
        queue.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS) ?: fail("no event within the bound")

    /** The next `Changed` event's change, skipping storage notices. */
    fun nextChange(): SessionChange {
        while (true) {
            val event = next()
            if (event is SessionEvent.Changed) return event.change
        }
    }

    /** Events already heard and not yet taken. */
    fun pending(): List<SessionEvent> = queue.toList()
}

/** A client on the sandbox holding a fresh signed-in user's confirmed session. */
fun signedInKit(storage: SessionStorage = SessionStorage.memory()): Pair<SessionKitClient, Sandbox.SignedIn> {
    val kit = SessionKitClient.start(sandbox.config(), storage)
    val signedIn = sandbox.signIn()
    await {
        kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt)
        kit.authenticate()
    }
    return kit to signedIn
}
