// Kotlin lambdas as SessionKit listeners. Each onChange block becomes one engine
// subscription, so the engine's guarantees hold per block: events in order, on a SessionKit
// delivery thread, outside every engine lock; a block that throws or blocks harms no other.
package dev.sessionkit

import java.util.logging.Level
import java.util.logging.Logger

/** Adapts a Kotlin block to the generated [ForeignSessionListener] interface. */
internal class BlockListener(private val block: (SessionEvent) -> Unit) : ForeignSessionListener {
    override fun onEvent(event: SessionEvent) {
        try {
            block(event)
        } catch (failure: Throwable) {
            // O4: a listener that throws breaks nothing and stays subscribed. Only its class
            // is logged: its message is app code's and could hold anything (E6).
            Logger.getLogger("dev.sessionkit").log(
                Level.WARNING,
                "a SessionKit listener threw ${failure.javaClass.name}; it stays subscribed",
            )
        }
    }
}
