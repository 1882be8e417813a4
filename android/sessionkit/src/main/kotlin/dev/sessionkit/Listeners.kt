// Kotlin lambdas as SessionKit listeners. Each onChange block becomes one engine
// subscription, so the engine's guarantees hold per block: events in order, on a SessionKit
// delivery thread, outside every engine lock; a block that throws or blocks harms no other.
package dev.sessionkit

import java.util.concurrent.atomic.AtomicBoolean

/** Adapts a Kotlin block to the generated [SessionListener] interface. */
internal class BlockListener(private val block: (SessionEvent) -> Unit) : SessionListener {
    override fun onEvent(event: SessionEvent) = block(event)
}

/** Closing unsubscribes; closing twice is harmless. */
internal class Subscription(private val handle: ListenerHandle) : AutoCloseable {
    private val closed = AtomicBoolean(false)

    override fun close() {
        if (closed.compareAndSet(false, true)) {
            handle.unsubscribe()
            handle.close()
        }
    }
}
