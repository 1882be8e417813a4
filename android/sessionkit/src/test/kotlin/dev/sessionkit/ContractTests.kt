// The wrapper contract (bindings/WRAPPERS.md), rule by rule, in Kotlin; the Swift tests
// prove the same rules with the same names. Against the host library and the sandbox.
package dev.sessionkit

import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.test.fail
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import org.junit.Test

class ContractTests {
    /** A store whose `load` waits for [open], remembering the threads it ran on. */
    private class GatedStore(blob: ByteArray?) {
        val store = KotlinStore(blob)
        val gate = CountDownLatch(1)
        val storage = SessionStorage.custom(object : SessionStore by store {
            override fun load(): ByteArray? {
                gate.await(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS)
                return store.load()
            }
        })

        fun open() = gate.countDown()
    }

    @Test
    fun x2_start_returns_at_once_and_never_reads_storage_on_the_starting_thread() {
        val stored = KotlinStore()
        signedInKit(stored.storage).first.close()
        val gated = GatedStore(stored.blob)
        val starting = Thread.currentThread()
        // Had start read the store here, it would sit in the gate for the whole bound.
        SessionKitClient.start(sandbox.config(), gated.storage).use { kit ->
            assertEquals(SessionStatus.Restoring, kit.status.value)
            assertEquals(SessionStatus.Restoring, kit.getInfo().status)
            assertEquals(RestoreOutcome.Pending, kit.restoreOutcome())
            assertNull(kit.getSync())
            gated.open()
            assertEquals(RestoreOutcome.Restored, await { kit.restored() })
            assertTrue(gated.store.loadThreads.isNotEmpty())
            assertTrue(starting !in gated.store.loadThreads, "storage was read on the starting thread")
            assertEquals(SessionStatus.SignedIn, kit.status.value)
            assertTrue(kit.getInfo().fromCache)
        }
    }

    @Test
    fun r6_status_goes_restoring_signed_out_pending_signed_in_signed_out() {
        val gated = GatedStore(null)
        SessionKitClient.start(sandbox.config(), gated.storage).use { kit ->
            assertEquals(SessionStatus.Restoring, kit.status.value)
            gated.open()
            await { kit.restored() }
            assertEquals(SessionStatus.SignedOut, await { kit.status.first { it != SessionStatus.Restoring } })
            val signedIn = sandbox.signIn()
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            assertEquals(SessionStatus.Pending, kit.getInfo().status, "tokens held, being confirmed")
            assertEquals(SessionStatus.Pending, kit.status.value)
            assertNull(kit.getSync(), "pending: no session object yet, but not signed out")
            await { kit.authenticate() }
            assertEquals(SessionStatus.SignedIn, kit.status.value)
            assertNotNull(kit.getInfo().session)
            await { kit.clear() }
            assertEquals(SessionStatus.SignedOut, kit.status.value)
        }
    }

    @Test
    fun x1_after_close_reads_answer_nothing_lifecycle_does_nothing_and_io_throws_closed() {
        val (kit, _) = signedInKit()
        val events = kit.onChange { }
        val flowEnded = Thread { await { kit.events.toList() } }.apply { start() }
        kit.close()
        kit.close() // twice is harmless
        assertNull(kit.getSync())
        assertEquals(SessionInfo.SIGNED_OUT, kit.getInfo())
        assertNull(kit.getTokens())
        assertEquals(JwtCheck.Unauthorised, kit.checkJwt())
        // A lifecycle observer that outlived the client: nothing happens, nothing throws.
        kit.appDidEnterForeground()
        kit.appDidEnterBackground()
        kit.networkBecameAvailable()
        kit.onChange { }.close()
        events.close()
        val io: List<suspend () -> Any?> = listOf(
            { kit.authenticate() },
            { kit.revoke() },
            { kit.updateSession("t", "a.b.c") },
            { kit.clear() },
            { kit.storageBecameAvailable() },
            { kit.refreshJwks() },
            { kit.restored() },
        )
        for (call in io) {
            val error = assertFailsWith<SessionKitException.Closed> { await { call() } }
            assertEquals("this SessionKitClient was closed; start a new one", error.message)
        }
        flowEnded.join(DELIVERY_BOUND_SECONDS * 1000)
        assertTrue(!flowEnded.isAlive, "the events flow ends when the client closes")
        assertEquals("SessionKitClient(closed)", kit.toString())
    }

    @Test
    fun o2_inside_a_listener_every_read_shows_the_change_it_hears_of() {
        val signedIn = sandbox.signIn()
        startedKit().use { kit ->
            // One change at a time, each awaited until its listener has read: at that moment
            // no later change exists, so every read must show exactly the announced state.
            val reads = LinkedBlockingQueue<String>()
            kit.onChange { event ->
                val change = (event as? SessionEvent.Changed)?.change ?: return@onChange
                val info = kit.getInfo()
                val sync = kit.getSync()
                val problem = when {
                    info.status != change.status -> "status ${info.status} during ${change.cause} to ${change.status}"
                    sync != change.session -> "getSync ${sync?.sessionId} during ${change.cause}"
                    info.session != change.session -> "getInfo session during ${change.cause}"
                    change.status == SessionStatus.SignedIn && kit.session.value != change.session ->
                        "the session flow lags ${change.cause}"
                    else -> "ok"
                }
                reads.put(problem)
            }.use {
                repeat(100) {
                    await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                    assertEquals("ok", reads.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS), "hydrated")
                    await { kit.authenticate() }
                    assertEquals("ok", reads.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS), "confirmed")
                    await { kit.clear() }
                    assertEquals("ok", reads.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS), "cleared")
                }
            }
        }
    }

    @Test
    fun s9_a_hostile_configuration_meets_the_sandbox_and_the_requests_stay_bounded() {
        assertFailsWith<SessionKitException.InvalidArgument> {
            SessionKitClient.start(sandbox.config(automaticRefresh = true).copy(heartbeat = Duration.ZERO))
        }
        assertFailsWith<SessionKitException.InvalidArgument> {
            SessionKitClient.start(sandbox.config(automaticRefresh = true).copy(heartbeat = 100.milliseconds))
        }
        val hostile = sandbox.config(automaticRefresh = true).copy(
            heartbeat = 1.seconds,
            refreshMargin = 299_500.milliseconds, // each 300 s JWT is due again within a second
        )
        val signedIn = sandbox.signIn()
        val before = sandbox.requestCount("authenticate")
        val started = System.nanoTime()
        SessionKitClient.start(hostile).use { kit ->
            val confirmations = LinkedBlockingQueue<ChangeCause>()
            kit.onChange { event ->
                if (event is SessionEvent.Changed && event.change.cause == ChangeCause.Authenticated) {
                    confirmations.put(event.change.cause)
                }
            }.use {
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                repeat(4) {
                    confirmations.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS) ?: fail("the scheduler stopped")
                }
            }
        }
        val seconds = (System.nanoTime() - started) / 1_000_000_000L
        val requests = sandbox.requestCount("authenticate") - before
        // One at start-up, one per whole second since, one for the server-clock offset learnt.
        assertTrue(requests <= 2 + seconds, "$requests requests in $seconds s")
    }

    @Test
    fun x1_kotlin_offers_an_events_flow_that_hears_every_change_in_order() {
        startedKit().use { kit ->
            val signedIn = sandbox.signIn()
            val heard = LinkedBlockingQueue<List<SessionEvent>>()
            val collector = Thread { heard.put(await { kit.events.take(3).toList() }) }.apply { start() }
            // The collector subscribes when it starts collecting: changes before are not for it.
            waitForSubscribers(kit)
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            await { kit.authenticate() }
            await { kit.clear() }
            val events = heard.poll(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS) ?: fail("no events")
            collector.join()
            val causes = events.map { assertIs<SessionEvent.Changed>(it).change.cause }
            assertEquals(
                listOf(ChangeCause.Hydrated, ChangeCause.Authenticated, ChangeCause.SignedOut(SignOutReason.Cleared)),
                causes,
            )
        }
    }

    /** Waits until a flow collector's engine subscription exists (the internal one plus it). */
    private fun waitForSubscribers(kit: SessionKitClient) {
        val deadline = System.nanoTime() + DELIVERY_BOUND_SECONDS * 1_000_000_000L
        while (kit.ffi.listenerCount() < 2uL) {
            check(System.nanoTime() < deadline) { "the collector never subscribed" }
            Thread.onSpinWait()
        }
    }

    @Test
    fun x1_sessions_are_plain_values_that_no_reader_can_break() {
        val (kit, _) = signedInKit()
        kit.use {
            val first = assertNotNull(kit.getSync())
            val second = assertNotNull(kit.getSync())
            assertTrue(first === second, "one value per change, not one per read")
            assertEquals(first.hashCode(), first.copy().hashCode())
            assertEquals(first, first.copy())
            // Nothing to close: the value has no handle. Another reader keeps working.
            assertEquals(first, kit.session.value)
            val fromJson = Session.fromJson(first.json)
            assertEquals(first, fromJson, "the wrapper's JSON reading agrees with the engine's")
        }
    }
}
