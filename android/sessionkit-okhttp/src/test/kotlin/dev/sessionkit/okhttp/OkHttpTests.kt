// The OkHttp integration against the sandbox's own app backend (SPEC H1, W9, E1): real HTTP
// through OkHttp (Debian's 3.13) to a resource that checks the session JWT locally, with a
// real SessionKitClient over the host library. JUnit 4, run by scripts/kotlin-tests.sh.
package dev.sessionkit.okhttp

import dev.sessionkit.DELIVERY_BOUND_SECONDS
import dev.sessionkit.SessionKitClient
import dev.sessionkit.SessionKitException
import dev.sessionkit.SessionStatus
import dev.sessionkit.await
import dev.sessionkit.sandbox
import dev.sessionkit.signedInKit
import java.io.IOException
import java.net.URI
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import okhttp3.Call
import okhttp3.Callback
import okhttp3.ConnectionPool
import okhttp3.Dispatcher
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import org.junit.Test

class OkHttpTests {
    private fun authorization() = BackendAuthorization(hosts = setOf(URI(sandbox.baseUrl).host))

    /** A client that runs [concurrency] calls at once to the sandbox's one host. */
    private fun client(kit: SessionKitClient, concurrency: Int = 5): Pair<OkHttpClient, Dispatcher> {
        val dispatcher = Dispatcher(Executors.newCachedThreadPool()).apply {
            maxRequests = concurrency
            maxRequestsPerHost = concurrency
        }
        val client = OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(ConnectionPool())
            .installSessionKit(kit, authorization())
            .build()
        return client to dispatcher
    }

    private fun profile() = Request.Builder().url(sandbox.resourceUrl).build()

    /** Enqueues [count] calls at once and waits for every outcome: a status, or an IOException. */
    private fun all(client: OkHttpClient, count: Int): List<Any> {
        val outcomes = arrayOfNulls<Any>(count)
        val done = CountDownLatch(count)
        repeat(count) { index ->
            client.newCall(profile()).enqueue(object : Callback {
                override fun onFailure(call: Call, e: IOException) {
                    outcomes[index] = e
                    done.countDown()
                }

                override fun onResponse(call: Call, response: Response) {
                    outcomes[index] = OkHttpCompat.code(response)
                    response.close()
                    done.countDown()
                }
            })
        }
        assertTrue(done.await(DELIVERY_BOUND_SECONDS * 3, TimeUnit.SECONDS), "every call ended")
        return outcomes.map { it!! }
    }

    @Test
    fun h1_the_jwt_reaches_the_backend_and_other_hosts_never_see_it() {
        val (kit, _) = signedInKit()
        kit.use {
            val (client, dispatcher) = client(kit)
            client.newCall(profile()).execute().use { response ->
                assertEquals(200, OkHttpCompat.code(response))
            }
            val elsewhere = BackendAuthorization(hosts = setOf("api.example.com"))
            val other = OkHttpClient.Builder().installSessionKit(kit, elsewhere).build()
            other.newCall(profile()).execute().use { response ->
                assertEquals(401, OkHttpCompat.code(response), "no JWT for a host that is not the backend's")
            }
            dispatcher.executorService().shutdown()
        }
    }

    @Test
    fun h1_w3_a_hundred_concurrent_requests_with_an_expired_jwt_cause_exactly_one_authenticate() {
        val (kit, _) = signedInKit()
        kit.use {
            // Six minutes on the backend's clock: the JWT expired there, not on the client's,
            // so every request goes out with it and every one is rejected.
            sandbox.advanceClock(6 * 60)
            val authenticates = sandbox.requestCount("authenticate")
            val resources = sandbox.requestCount("resource")
            val (client, dispatcher) = client(kit, concurrency = 100)
            val outcomes = all(client, 100)
            assertEquals(List(100) { 200 }, outcomes, "every request ends well")
            val refreshes = sandbox.requestCount("authenticate") - authenticates
            assertEquals(1, refreshes, "one authenticate for 100 requests")
            // Each went out once, and once more if it left before the refresh: never a third time.
            val sent = sandbox.requestCount("resource") - resources
            assertTrue(sent in 101..200, "$sent resource requests for 100 calls")
            println("okhttp: 100 concurrent requests with an expired JWT: authenticate requests: $refreshes, resource requests: $sent")
            dispatcher.executorService().shutdown()
        }
    }

    @Test
    fun h1_a_backend_that_always_answers_401_gets_one_retry_per_request_and_the_session_stays() {
        val (kit, _) = signedInKit()
        kit.use {
            sandbox.inject("resource", "\"status\":401,\"error_type\":\"invalid_token\"", times = 1_000)
            try {
                val authenticates = sandbox.requestCount("authenticate")
                val resources = sandbox.requestCount("resource")
                val (client, dispatcher) = client(kit, concurrency = 10)
                val outcomes = all(client, 10)
                assertEquals(List(10) { 401 }, outcomes, "the second 401 reaches the caller")
                assertEquals(20, sandbox.requestCount("resource") - resources, "exactly one retry per request")
                val refreshes = sandbox.requestCount("authenticate") - authenticates
                // Requests sent with the same JWT share one refresh; each may cause one at most.
                assertTrue(refreshes in 1..10, "at most one refresh per request: $refreshes")
                assertNotNull(kit.getSync(), "a backend's 401 signs nobody out (E1)")
                assertEquals(SessionStatus.SignedIn, kit.status.value)
                println("okhttp: always-401 backend, 10 requests: resource requests: 20, authenticate requests: $refreshes")
                dispatcher.executorService().shutdown()
            } finally {
                sandbox.reset()
            }
        }
    }

    @Test
    fun h1_a_401_once_is_refreshed_and_retried_to_success() {
        val (kit, _) = signedInKit()
        kit.use {
            sandbox.inject("resource", "\"status\":401,\"error_type\":\"invalid_token\"", times = 1)
            val (client, dispatcher) = client(kit)
            client.newCall(profile()).execute().use { assertEquals(200, OkHttpCompat.code(it)) }
            dispatcher.executorService().shutdown()
        }
    }

    @Test
    fun e1_session_not_found_during_the_retry_signs_out_and_fails_with_the_typed_error() {
        val (kit, signedIn) = signedInKit()
        kit.use {
            sandbox.revokeOnServer(signedIn.sessionToken)
            sandbox.advanceClock(6 * 60)
            val (client, dispatcher) = client(kit)
            val failure = runCatching { client.newCall(profile()).execute().close() }.exceptionOrNull()
            val typed = assertIs<SessionKitIOException>(failure)
            assertIs<SessionKitException.SignedOut>(typed.error)
            assertEquals(SessionStatus.SignedOut, kit.status.value, "Stytch's answer signed out (E1)")
            dispatcher.executorService().shutdown()
        }
    }

    @Test
    fun h1_cancelling_a_call_while_it_waits_for_the_refresh_ends_it() {
        val (kit, _) = signedInKit()
        kit.use {
            sandbox.advanceClock(6 * 60)
            sandbox.inject("authenticate", "\"delay_ms\":3000")
            val (client, dispatcher) = client(kit)
            val call = client.newCall(profile())
            val outcome = AtomicReference<Any>()
            val ended = CountDownLatch(1)
            val before = sandbox.requestCount("authenticate")
            call.enqueue(object : Callback {
                override fun onFailure(call: Call, e: IOException) {
                    outcome.set(e)
                    ended.countDown()
                }

                override fun onResponse(call: Call, response: Response) {
                    outcome.set(OkHttpCompat.code(response))
                    response.close()
                    ended.countDown()
                }
            })
            // The refresh is on the wire (the backend rejected the JWT, the sandbox holds it).
            val deadline = System.nanoTime() + DELIVERY_BOUND_SECONDS * 1_000_000_000L
            while (sandbox.requestCount("authenticate") == before) {
                check(System.nanoTime() < deadline) { "the refresh never started" }
                Thread.onSpinWait()
            }
            val cancelledAt = System.nanoTime()
            call.cancel()
            assertTrue(ended.await(DELIVERY_BOUND_SECONDS, TimeUnit.SECONDS))
            val waited = (System.nanoTime() - cancelledAt) / 1_000_000
            val error = assertIs<IOException>(outcome.get())
            assertTrue(error.message.orEmpty().contains("Canceled"), "$error")
            println("okhttp: a call cancelled during the refresh ended after $waited ms (the refresh takes 3000 ms)")
            await { kit.restored() }
            dispatcher.executorService().shutdown()
        }
    }
}
