// The JVM host tests of the engine's behaviour seen from Kotlin: the generated bindings and
// the SessionKit wrapper, on the host build of libsessionkit_ffi, against a real
// sessionkit-sandbox over loopback HTTP. Named after the SPEC rules they prove; JUnit 4, run
// by scripts/kotlin-tests.sh (and by Gradle's `test` task).
package dev.sessionkit

import java.io.File
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.junit.Test

class HostTests {
    @Test
    fun w1_update_session_persists_announces_and_leaves_the_session_unknown() {
        val store = KotlinStore()
        startedKit(store.storage).use { kit ->
            val events = EventQueue()
            kit.onChange(events).use {
                val signedIn = sandbox.signIn()
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                val change = events.nextChange()
                assertEquals(ChangeCause.Hydrated, change.cause)
                assertTrue(change.hasTokens)
                assertNull(change.session)
                assertEquals(signedIn.sessionToken, kit.getTokens()?.sessionToken)
                assertEquals(signedIn.sessionJwt, kit.getTokens()?.sessionJwt)
                assertNull(kit.getSync(), "no session object until authenticate")
                assertTrue(store.saves >= 1 && store.blob != null, "persisted before announced")
            }
        }
    }

    @Test
    fun w2_authenticate_returns_the_session_and_reads_see_it() {
        val (kit, _) = signedInKit()
        kit.use {
            val confirmed = await { kit.authenticate() }
            assertEquals(confirmed.sessionId, kit.getSync()?.sessionId)
            assertEquals(confirmed.userId, kit.getSync()?.userId)
            val info = kit.getInfo()
            assertFalse(info.fromCache, "confirmed by the server in this process")
            assertEquals(confirmed.sessionId, info.session?.sessionId)
            assertNotNull(kit.getTokens())
            assertTrue(confirmed.expiresAt.isAfter(Instant.now()))
            assertEquals(emptyMap(), confirmed.unknownFields)
        }
    }

    @Test
    fun a_caller_reads_its_own_write_at_once_without_waiting_for_the_event() {
        startedKit().use { kit ->
            repeat(5) {
                val signedIn = sandbox.signIn()
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                val confirmed = await { kit.authenticate() }
                assertEquals(confirmed, kit.getSync())
                assertEquals(confirmed, kit.session.value)
                await { kit.clear() }
                assertNull(kit.getSync())
                assertNull(kit.session.value)
            }
            kit.close()
            kit.close() // twice is harmless
        }
    }

    @Test
    fun w3_async_calls_need_no_tokio_context_and_concurrent_ones_share_a_result() {
        val (kit, _) = signedInKit()
        kit.use {
            // Polled from a plain JVM thread (runBlocking) and from coroutine pools: the
            // engine runs the request on its own runtime, the future only awaits it.
            val fromMain = await { kit.authenticate() }
            val concurrent = await {
                withContext(Dispatchers.IO) {
                    (1..16).map { async { kit.authenticate() } }.awaitAll()
                }
            }
            assertTrue(concurrent.all { it.sessionId == fromMain.sessionId })
            await { withContext(Dispatchers.Default) { kit.revoke() } }
            assertNull(kit.getTokens())
        }
    }

    @Test
    fun w7_a_write_never_blocks_the_calling_thread_while_the_store_works() {
        // One thread stands in for the UI thread. The store's save blocks until released;
        // meanwhile the "UI" thread must stay free to run other work.
        val saveStarted = CountDownLatch(1)
        val releaseSave = CountDownLatch(1)
        val store = object : SessionStore by KotlinStore() {
            override fun save(blob: ByteArray) {
                saveStarted.countDown()
                releaseSave.await(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS)
            }
        }
        val ui = java.util.concurrent.Executors.newSingleThreadExecutor().asCoroutineDispatcher()
        startedKit(SessionStorage.custom(store)).use { kit ->
            val signedIn = sandbox.signIn()
            await {
                coroutineScope {
                    val update = launch(ui) {
                        kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt)
                    }
                    assertTrue(
                        withContext(Dispatchers.IO) {
                            saveStarted.await(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS)
                        },
                    )
                    // The save is blocked, yet the UI thread runs this at once.
                    assertEquals("free", withContext(ui) { "free" })
                    releaseSave.countDown()
                    update.join()
                }
            }
            assertNotNull(kit.getTokens())
        }
        ui.close()
    }

    @Test
    fun o5_state_flow_starts_with_the_current_value_and_follows_changes() {
        val dir = Files.createTempDirectory("sessionkit-o5").toFile()
        val path = File(dir, "session.bin").path
        val key = ByteArray(32) { it.toByte() }
        val (first, _) = signedInKit(SessionStorage.encryptedFile(path, key))
        val sessionId = first.getSync()?.sessionId
        assertNotNull(sessionId)
        first.close()

        startedKit(SessionStorage.encryptedFile(path, key)).use { kit ->
            assertEquals(sessionId, kit.session.value?.sessionId, "starts with the restored session")
            assertEquals(RestoreOutcome.Restored, kit.restoreOutcome())
            await { kit.clear() }
            await { kit.session.first { it == null } }
            assertNull(kit.getSync())
            val signedIn = sandbox.signIn()
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            val confirmed = await { kit.authenticate() }
            val seen = await { kit.session.first { it != null } }
            assertEquals(confirmed.sessionId, seen?.sessionId)
        }
        dir.deleteRecursively()
    }

    @Test
    fun o1_on_change_hears_each_change_and_closing_the_handle_unsubscribes() {
        startedKit().use { kit ->
            val closed = EventQueue()
            val handle = kit.onChange(closed)
            val signedIn = sandbox.signIn()
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            assertEquals(ChangeCause.Hydrated, closed.nextChange().cause)
            handle.close()
            handle.close() // twice is harmless

            val open = EventQueue()
            kit.onChange(open).use {
                await { kit.clear() }
                val cleared = open.nextChange()
                assertEquals(ChangeCause.SignedOut(SignOutReason.Cleared), cleared.cause)
                // The clear was queued after the close, so the closed listener never hears it.
                assertEquals(emptyList(), closed.pending())
            }
        }
    }

    @Test
    fun o4_a_listener_that_throws_breaks_nothing_and_stays_subscribed() {
        startedKit().use { kit ->
            val thrown = AtomicInteger()
            val twice = CountDownLatch(2)
            val healthy = EventQueue()
            kit.onChange {
                thrown.incrementAndGet()
                twice.countDown()
                throw IllegalStateException("listener bug")
            }.use {
                kit.onChange(healthy).use {
                    val signedIn = sandbox.signIn()
                    await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                    val confirmed = await { kit.authenticate() }
                    assertEquals(ChangeCause.Hydrated, healthy.nextChange().cause)
                    assertEquals(ChangeCause.Authenticated, healthy.nextChange().cause)
                    assertTrue(twice.await(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS))
                    assertEquals(2, thrown.get(), "still subscribed after throwing")
                    assertEquals(confirmed.sessionId, kit.getSync()?.sessionId)
                }
            }
        }
    }

    @Test
    fun o3_a_listener_may_call_back_into_the_client() {
        startedKit().use { kit ->
            val reentrant = EventQueue()
            val seen = mutableListOf<Boolean>()
            kit.onChange { event ->
                synchronized(seen) { seen += kit.getTokens() != null && kit.getInfo().session == null }
                reentrant(event)
            }.use {
                val signedIn = sandbox.signIn()
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                reentrant.nextChange()
                synchronized(seen) { assertEquals(listOf(true), seen) }
            }
        }
    }

    @Test
    fun w5_revoke_signs_out_and_the_server_forgets_the_session() {
        val (kit, signedIn) = signedInKit()
        kit.use {
            assertEquals(RevokeOutcome.Revoked, await { kit.revoke() })
            assertNull(kit.getSync())
            assertNull(kit.getTokens())
            await { kit.session.first { it == null } }
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            assertFailsWith<SessionKitException.SignedOut> { await { kit.authenticate() } }
        }
    }

    @Test
    fun e1_a_session_revoked_elsewhere_throws_signed_out_and_is_cleared() {
        val (kit, signedIn) = signedInKit()
        kit.use {
            sandbox.revokeOnServer(signedIn.sessionToken)
            assertFailsWith<SessionKitException.SignedOut> { await { kit.authenticate() } }
            assertNull(kit.getTokens())
            assertNull(kit.getSync())
        }
    }

    @Test
    fun e2_w8_an_unreachable_server_keeps_the_session_and_a_forced_revoke_says_so() {
        val config = SessionKitConfig(
            publicToken = "public-token-test-unreachable",
            baseUrl = "http://127.0.0.1:1",
            automaticRefresh = false,
            connectTimeout = 2.seconds,
        )
        SessionKitClient.start(config).use { kit ->
            await { kit.updateSession("opaque-token-e2", "header.payload.signature") }
            val error = assertFailsWith<SessionKitException.Network> { await { kit.authenticate() } }
            assertFalse(error.message!!.contains("opaque-token-e2"), "E6: no token in a message")
            assertNotNull(kit.getTokens(), "kept")
            assertFailsWith<SessionKitException.Network> { await { kit.revoke() } }
            assertNotNull(kit.getTokens(), "kept without forceClear")
            val outcome = await { kit.revoke(forceClear = true) }
            assertIs<RevokeOutcome.ClearedLocallyOnly>(outcome, "W8: the server was not reached")
            assertNull(kit.getTokens(), "cleared with forceClear")
        }
    }

    @Test
    fun e3_an_invalid_duration_throws_server_rejected_and_keeps_the_session() {
        val (kit, _) = signedInKit()
        kit.use {
            val error = assertFailsWith<SessionKitException.ServerRejected> {
                await { kit.authenticate(sessionDurationMinutes = 1) }
            }
            assertEquals(400, error.status)
            assertEquals("invalid_session_duration", error.errorType)
            assertNotNull(kit.getSync(), "kept")
            val extended = await { kit.authenticate(sessionDurationMinutes = 120) }
            assertTrue(extended.expiresAt.isAfter(Instant.now().plusSeconds(100 * 60)))
        }
    }

    @Test
    fun invalid_arguments_throw_invalid_argument() {
        startedKit().use { kit ->
            assertFailsWith<SessionKitException.InvalidArgument> { await { kit.updateSession("", "") } }
            assertFailsWith<SessionKitException.InvalidArgument> { await { kit.authenticate(-1) } }
        }
        assertFailsWith<SessionKitException.InvalidArgument> {
            SessionKitClient.start(SessionKitConfig(publicToken = "not-a-public-token"))
        }
        assertFailsWith<SessionKitException.InvalidArgument> {
            SessionKitClient.start(sandbox.config(), SessionStorage.encryptedFile("/tmp/never-written", ByteArray(5)))
        }
        assertFailsWith<SessionKitException.SignedOut> {
            startedKit().use { kit -> await { kit.authenticate() } }
        }
    }

    @Test
    fun p1_an_app_supplied_kotlin_store_persists_and_restores_the_session() {
        val store = KotlinStore()
        val (first, _) = signedInKit(store.storage)
        val sessionId = first.getSync()?.sessionId
        first.close()
        assertNotNull(store.blob)

        startedKit(store.storage).use { kit ->
            assertEquals(RestoreOutcome.Restored, kit.restoreOutcome())
            assertEquals(sessionId, kit.getSync()?.sessionId)
            assertTrue(kit.getInfo().fromCache, "R2: from storage, not yet confirmed")
            await { kit.authenticate() }
            assertFalse(kit.getInfo().fromCache)
        }
    }

    @Test
    fun e4_a_kotlin_store_reporting_unavailable_is_never_a_sign_out() {
        val store = KotlinStore()
        signedInKit(store.storage).first.close()
        store.available = false

        startedKit(store.storage).use { kit ->
            assertIs<RestoreOutcome.Unavailable>(kit.restoreOutcome())
            assertNotNull(store.blob, "nothing wiped")
            assertFailsWith<SessionKitException.StorageUnavailable> { await { kit.storageBecameAvailable() } }
            store.available = true
            await { kit.storageBecameAvailable() }
            assertEquals(RestoreOutcome.Restored, kit.restoreOutcome())
            assertNotNull(kit.getSync())
            assertNotNull(kit.session.value)
        }
    }

    @Test
    fun e5_a_corrupt_blob_in_a_kotlin_store_is_wiped_and_reported() {
        val store = KotlinStore(blob = "not an envelope".toByteArray())
        startedKit(store.storage).use { kit ->
            assertIs<RestoreOutcome.Corrupted>(kit.restoreOutcome())
            assertNull(store.blob, "wiped")
            assertNull(kit.getSync())
            assertNull(kit.getTokens())
        }
    }

    @Test
    fun e6_e7_a_kotlin_store_that_throws_unexpectedly_is_a_storage_failure() {
        val store = KotlinStore()
        startedKit(store.storage).use { kit ->
            await { kit.updateSession("opaque-token-e6", "header.payload.signature") }
            store.clearThrows = IllegalStateException("disk on fire")
            val error = assertFailsWith<SessionKitException.StorageFailed> { await { kit.clear() } }
            assertTrue(error.detail.contains("threw"), error.detail)
            assertNull(kit.getTokens(), "memory is cleared even when storage fails")
        }
        val throwsOnLoad = KotlinStore().apply { loadThrows = RuntimeException("provider crashed") }
        startedKit(throwsOnLoad.storage).use { kit ->
            // E7: a store that throws what no contract allows will not get better by waiting.
            assertIs<RestoreOutcome.Failed>(kit.restoreOutcome(), "a failure, not signed out")
            assertNull(kit.getSync())
        }
    }

    @Test
    fun m3_tokens_print_redacted_in_kotlin() {
        val (kit, signedIn) = signedInKit()
        kit.use {
            val tokens = assertNotNull(kit.getTokens())
            assertEquals(signedIn.sessionToken, tokens.sessionToken)
            assertFalse(tokens.toString().contains(signedIn.sessionToken))
            assertFalse(tokens.toString().contains(signedIn.sessionJwt))
        }
    }

    @Test
    fun r1_r5_get_sync_never_returns_a_session_expired_on_server_time() {
        val (kit, _) = signedInKit()
        kit.use {
            val fields = assertNotNull(kit.ffi.getSync()).fields()
            val expiresAt = fields.expiresAt.toEpochMilli()
            fun cached(offsetMillis: Long) = CachedState.RESTORING.next(
                dev.sessionkit.ffi.ClientState(fields, false, dev.sessionkit.ffi.core.SessionStatus.SIGNED_IN, 1uL, offsetMillis),
            )
            val now = cached(0)
            assertEquals(kit.getSync(), now.live(expiresAt - 1))
            assertNull(now.live(expiresAt), "expired at expiresAt")
            assertEquals(SessionStatus.SignedOut, now.status(expiresAt), "R6: an expired session is signed out")
            // A device clock an hour slow (the server is an hour ahead): the session expires
            // an hour earlier on this device's clock.
            val hour = 3_600_000L
            val slowDevice = cached(hour)
            assertNotNull(slowDevice.live(expiresAt - hour - 1))
            assertNull(slowDevice.live(expiresAt - hour))
            assertNull(CachedState.RESTORING.live(0))
        }
    }

    @Test
    fun s4_lifecycle_calls_steer_the_refresh_scheduler() {
        val signedIn = sandbox.signIn()
        startedKit(automaticRefresh = true).use { kit ->
            val events = EventQueue()
            kit.onChange(events).use {
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                assertEquals(ChangeCause.Hydrated, events.nextChange().cause)
                // A new identity is refreshed at once by the scheduler, not by the app.
                assertEquals(ChangeCause.Authenticated, events.nextChange().cause)
                assertTrue(kit.schedulerStats().state !is SchedulerState.Off)
                kit.appDidEnterBackground()
                kit.appDidEnterForeground() // refreshes now (S4)
                assertEquals(ChangeCause.Authenticated, events.nextChange().cause)
                // The scheduler counts a refresh after its event is announced, and runs one
                // refresh at a time: each event proves the refresh before it was counted.
                assertTrue(kit.schedulerStats().refreshes >= 1L)
                kit.appDidEnterBackground()
                kit.appDidEnterForeground()
                assertEquals(ChangeCause.Authenticated, events.nextChange().cause)
                assertTrue(kit.schedulerStats().refreshes >= 2L)
                kit.networkBecameAvailable()
                await { kit.storageBecameAvailable() }
            }
        }
    }
}
