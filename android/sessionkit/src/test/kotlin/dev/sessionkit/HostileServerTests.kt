// A hostile server or network takes nothing (SPEC V1, V2, V7), from Kotlin: the same rules
// as core/tests/under_fire/hostile_server.rs, through the wrapper's own configuration.
package dev.sessionkit

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.Test

class HostileServerTests {
    private val pinned = "sha256/au2wVAhi7DhLyU8g/6yFYoGLlzi4OT4QEF4jZkBcaJI="
    private val backup = "sha256/g8LIV7zpNkS8awp/jaN07eUwtzT5IMd7PU9gllUjuQ0="
    private val other = "sha256/iUAfyN/e1iDzuxBVKJECGwlEu25AurqgWkGP8q6kii0="

    /**
     * Over the sandbox's HTTPS listener, whose test CA this JVM's native library trusts
     * (`SSL_CERT_FILE`, set by scripts/kotlin-tests.sh): pins that name another key fail as
     * a network error naming the pin and keep the session; pins naming its key pass.
     */
    @Test
    fun v7_a_pin_mismatch_over_tls_is_a_network_error_that_keeps_the_session() {
        Sandbox.start(tls = "other").use { server ->
            val signedIn = server.signIn()
            val https = server.config().copy(baseUrl = server.httpsUrl)
            SessionKitClient.start(https.copy(certificatePins = listOf(pinned, backup))).use { client ->
                await { client.restored() }
                await { client.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                val refused = assertFailsWith<SessionKitException.Network> { await { client.authenticate() } }
                assertTrue("pin" in refused.detail, refused.detail)
                assertEquals(signedIn.sessionToken, client.getTokens()?.sessionToken, "E2: kept")
                assertEquals(0, server.requestCount("authenticate"), "no token reached that server")
            }
            SessionKitClient.start(https.copy(certificatePins = listOf(backup, other))).use { client ->
                await { client.restored() }
                await { client.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                val session = await { client.authenticate() }
                assertEquals(1, server.requestCount("authenticate"), "the pinned key passed: $session")
            }
        }
    }

    @Test
    fun v1_cleartext_to_a_host_other_than_loopback_is_refused_at_configuration() {
        for (url in listOf("http://10.0.2.2:8787", "http://api.example.com", "http://0.0.0.0:80")) {
            val config = sandbox.config().copy(baseUrl = url)
            val refused = assertFailsWith<SessionKitException.InvalidArgument> {
                SessionKitClient.start(config).close()
            }
            assertTrue("loopback" in refused.message.orEmpty(), refused.message)
        }
        // The sandbox itself is on loopback: accepted.
        SessionKitClient.start(sandbox.config()).close()
    }

    @Test
    fun v7_pins_need_a_backup_and_https() {
        val onePin = sandbox.config().copy(baseUrl = "https://127.0.0.1:1", certificatePins = listOf(pinned))
        assertFailsWith<SessionKitException.InvalidArgument> { SessionKitClient.start(onePin).close() }
        val overHttp = sandbox.config().copy(certificatePins = listOf(pinned, backup))
        assertFailsWith<SessionKitException.InvalidArgument> { SessionKitClient.start(overHttp).close() }
        val fine = sandbox.config().copy(baseUrl = "https://127.0.0.1:1", certificatePins = listOf(pinned, backup))
        SessionKitClient.start(fine).close()
        assertTrue("certificatePins" in fine.toString())
    }

    @Test
    fun v2_an_answer_for_another_user_is_refused_and_the_session_kept() {
        SessionKitClient.start(sandbox.config()).use { client ->
            await { client.restored() }
            val signedIn = sandbox.signIn()
            await { client.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            val mine = await { client.authenticate() }
            sandbox.inject("authenticate", "\"hostile\":\"swapped_user\"")
            assertFailsWith<SessionKitException.Network> { await { client.authenticate() } }
            assertEquals(mine.userId, client.getSync()?.userId, "V2: still the same user")
            assertEquals(signedIn.sessionToken, client.getTokens()?.sessionToken)
        }
    }
}
