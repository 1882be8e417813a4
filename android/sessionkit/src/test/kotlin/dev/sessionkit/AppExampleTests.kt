// What an app's own unit test looks like (SPEC X3): the app's screen model depends on the
// SessionClient interface, and the test drives it with FakeSessionClient. No server, no
// native library: scripts/kotlin-tests.sh runs this class in a JVM that cannot load one.
package dev.sessionkit

import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test

/** App code: which screen to show, and sign-out that works offline. */
class AccountScreenModel(private val sessions: SessionClient) {
    enum class Screen { Splash, SignIn, Home }

    /** Only a signed-out user sees sign-in; tokens being confirmed keep the home screen. */
    val screen: Screen
        get() = when (sessions.status.value) {
            SessionStatus.Restoring -> Screen.Splash
            SessionStatus.SignedOut -> Screen.SignIn
            SessionStatus.Pending, SessionStatus.SignedIn -> Screen.Home
        }

    val greeting: String
        get() {
            val session = sessions.getSync() ?: return "Welcome"
            val plan = session.customClaims["plan"]?.asString ?: "free"
            return "Hello ${session.userId} ($plan)"
        }

    /** Signs out; offline, it still forgets the session here and says so. */
    suspend fun signOut(): String = try {
        when (val outcome = sessions.revoke(forceClear = true)) {
            is RevokeOutcome.ClearedLocallyOnly -> "Signed out on this device"
            else -> "Signed out ($outcome)"
        }
    } catch (e: SessionKitException) {
        "Could not sign out: ${e.message}"
    }
}

class AppExampleTests {
    private val session = Session(
        sessionId = "session-1",
        userId = "user-1",
        startedAt = Instant.parse("2026-01-01T00:00:00Z"),
        lastAccessedAt = Instant.parse("2026-01-01T00:00:00Z"),
        expiresAt = Instant.parse("2099-01-01T00:00:00Z"),
        customClaims = mapOf("plan" to JsonValue.Text("pro")),
    )

    @Test
    fun x3_the_screen_follows_the_status_without_a_server() {
        val sessions = FakeSessionClient()
        val model = AccountScreenModel(sessions)
        sessions.setRestoring()
        assertEquals(AccountScreenModel.Screen.Splash, model.screen)
        sessions.setPending()
        assertEquals(AccountScreenModel.Screen.Home, model.screen, "tokens being confirmed: no sign-in flash")
        sessions.signIn(session)
        assertEquals("Hello user-1 (pro)", model.greeting)
        sessions.signOut(SignOutReason.Rejected)
        assertEquals(AccountScreenModel.Screen.SignIn, model.screen)
    }

    @Test
    fun x3_a_session_from_stytch_json_and_an_offline_sign_out() = runBlocking {
        val fromJson = Session.fromJson(
            """{"session_id":"s-2","user_id":"u-2","started_at":"2026-01-01T00:00:00Z",
               "last_accessed_at":"2026-01-01T00:00:00Z","expires_at":"2099-01-01T00:00:00Z",
               "attributes":{"ip_address":"","user_agent":""},"authentication_factors":[],
               "custom_claims":null,"roles":["stytch_user"]}""",
        )
        val sessions = FakeSessionClient(fromJson)
        val model = AccountScreenModel(sessions)
        assertEquals("Hello u-2 (free)", model.greeting)
        sessions.failNext(SessionKitException.Network("offline"))
        assertEquals("Signed out on this device", model.signOut())
        assertEquals(listOf("revoke(forceClear=true)"), sessions.calls)
        assertEquals(AccountScreenModel.Screen.SignIn, model.screen)
    }

    @Test
    fun x3_the_fake_announces_changes_and_keeps_the_contract() = runBlocking {
        val sessions = FakeSessionClient()
        val heard = mutableListOf<String>()
        val subscription = sessions.onChange { event -> heard += event.toString() }
        sessions.updateSession("token", "a.b.c")
        assertEquals(SessionStatus.Pending, sessions.getInfo().status)
        sessions.serverSession = session
        assertEquals(session, sessions.authenticate())
        subscription.close()
        sessions.clear()
        assertEquals(2, heard.size)
        assertTrue(heard[0].startsWith("changed: tokens installed: Pending"), heard[0])
        sessions.close()
        assertFalse(sessions.getTokens() != null)
        assertEquals(null, sessions.getSync())
    }
}
