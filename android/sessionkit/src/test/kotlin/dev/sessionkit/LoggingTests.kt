// SessionKit's log events in the app's own logger (SPEC L1): with their level, filtered in
// Rust before they cross, and never with a token in them. Logcat itself is Android-only;
// these run against the host library, where the logger is how events are seen.
package dev.sessionkit

import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.Test

class LoggingTests {
    private class Collected : SessionLogger {
        val lines = CopyOnWriteArrayList<Triple<LogLevel, String, String>>()

        override fun log(level: LogLevel, target: String, message: String) {
            lines += Triple(level, target, message)
        }
    }

    @Test
    fun l1_a_failing_refresh_logs_a_warning_and_no_token_reaches_the_logger() {
        val logged = Collected()
        val signedIn = sandbox.signIn()
        val config = sandbox.config().copy(logger = logged, logLevel = LogLevel.Trace)
        SessionKitClient.start(config).use { kit ->
            await { kit.restored() }
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            await { kit.authenticate() }
            val rotated = assertNotNull(kit.getTokens())
            sandbox.inject("authenticate", "\"status\":400,\"error_type\":\"invalid_session_duration\"")
            assertFailsWith<SessionKitException.ServerRejected> { await { kit.authenticate() } }
            await { kit.revoke() }

            val warning = logged.lines.firstOrNull { (level, _, message) ->
                level == LogLevel.Warn && "rejected" in message
            }
            assertNotNull(warning, "the failed refresh is a warning: ${logged.lines}")
            assertTrue(warning.second.startsWith("sessionkit"), warning.second)
            assertTrue(logged.lines.any { it.first == LogLevel.Debug }, "a Trace logger hears the decisions too")
            val secrets = listOf(
                signedIn.sessionToken,
                signedIn.sessionJwt,
                rotated.sessionJwt,
                rotated.sessionJwt.substringAfterLast('.'),
                rotated.sessionJwt.substringBefore('.').let { rotated.sessionJwt.substringAfter("$it.").substringBefore('.') },
            )
            for ((_, _, message) in logged.lines) {
                for (secret in secrets) assertFalse(secret in message, "M3: a token in a log line: $message")
            }
        }
    }

    @Test
    fun l1_a_logger_hears_nothing_below_its_level_and_a_throwing_one_breaks_nothing() {
        val logged = Collected()
        val throwing = SessionLogger { _, _, _ -> throw IllegalStateException("logger bug") }
        val signedIn = sandbox.signIn()
        SessionKitClient.start(sandbox.config().copy(logger = logged, logLevel = LogLevel.Error)).use { quiet ->
            SessionKitClient.start(sandbox.config().copy(logger = throwing, logLevel = LogLevel.Trace)).use { kit ->
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                sandbox.inject("authenticate", "\"status\":400,\"error_type\":\"invalid_session_duration\"")
                assertFailsWith<SessionKitException.ServerRejected> { await { kit.authenticate() } }
                assertEquals(SessionStatus.Pending, kit.status.value, "the throwing logger changed nothing")
            }
            assertTrue(logged.lines.none { it.first != LogLevel.Error }, "${logged.lines}")
            assertEquals(SessionStatus.SignedOut, quiet.getInfo().status)
        }
    }
}
