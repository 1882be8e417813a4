// The Kotlin surface as a new Android developer meets it: messages a person can read,
// readable toString, everyday Kotlin types, custom claims without a JSON library, the local
// JWT check, reads served from the Kotlin cache, one clear failure after close, and the
// scheduler's diagnostics.
package dev.sessionkit

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import org.junit.Test

private const val SESSION_JSON = """{
  "session_id": "session-test-claims", "user_id": "user-test-claims",
  "started_at": "2026-01-01T00:00:00Z", "last_accessed_at": "2026-01-01T00:00:00Z",
  "expires_at": "2099-01-01T00:00:00Z",
  "attributes": {"ip_address": "203.0.113.1", "user_agent": "host test"},
  "authentication_factors": [{"type": "magic_link", "delivery_method": "email",
    "last_authenticated_at": "2026-01-01T00:00:00Z",
    "email_factor": {"email_id": "email-1", "email_address": "ada@example.com"}}],
  "custom_claims": {"plan": "pro", "seats": 5, "ratio": 0.5, "beta": true,
    "org": {"id": "org-1", "roles": ["admin", "billing"]}, "note": null},
  "roles": ["stytch_user", "admin"],
  "a_field_from_the_future": {"x": 1}
}"""

class NativeKotlinTests {
    @Test
    fun exception_messages_are_the_engines_own_sentence() {
        startedKit().use { kit ->
            val error = assertFailsWith<SessionKitException.InvalidArgument> {
                await { kit.updateSession("", "") }
            }
            assertEquals(
                "invalid argument: update_session refused the tokens: the session_token is empty",
                error.message,
            )
            assertFalse(error.message!!.contains("detail="), "not UniFFI's field dump")
            assertTrue(error.toString().startsWith("InvalidArgument: invalid argument"))
        }
    }

    @Test
    fun events_outcomes_and_states_print_readably() {
        assertEquals("nothing stored", RestoreOutcome.Empty.toString())
        assertEquals("session restored from storage", RestoreOutcome.Restored.toString())
        assertEquals("tokens installed", ChangeCause.Hydrated.toString())
        assertEquals(
            "signed out: cleared by the app",
            ChangeCause.SignedOut(SignOutReason.Cleared).toString(),
        )
        assertEquals("revoked", RevokeOutcome.Revoked.toString())
        assertEquals("SignedOut", SchedulerState.SignedOut.toString())
        assertEquals("Unauthorised", JwtCheck.Unauthorised.toString())
        assertEquals("null", JsonValue.Null.toString())
        assertEquals("{\"a\":[1,true,\"x\"]}", JsonValue.parse("{ \"a\" : [1, true, \"x\"] }").toString())
        startedKit().use { kit ->
            val events = EventQueue()
            kit.onChange(events).use {
                val signedIn = sandbox.signIn()
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                val shown = events.nextChange().toString()
                assertTrue(shown.startsWith("tokens installed: Pending (session: none"), shown)
                assertFalse(shown.contains("@"), "no identity hash: $shown")
                assertFalse(shown.contains(signedIn.sessionToken), "M3")
            }
        }
    }

    @Test
    fun everyday_kotlin_types_on_the_surface() {
        val config = SessionKitConfig(
            publicToken = sandbox.publicToken,
            baseUrl = sandbox.baseUrl,
            automaticRefresh = false,
            heartbeat = 5.minutes,
            autoExtendMinutes = 60,
        )
        assertFailsWith<SessionKitException.InvalidArgument> { config.copy(autoExtendMinutes = -1) }
        SessionKitClient.start(config).use { kit ->
            val signedIn = sandbox.signIn()
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            val rejected = assertFailsWith<SessionKitException.ServerRejected> {
                await { kit.authenticate(sessionDurationMinutes = 1) }
            }
            val status: Int = rejected.status
            assertEquals(400, status)
            val network = SessionKitException.Network("d", 7.minutes, "m")
            val wait: Duration? = network.retryAfter
            assertEquals(7.minutes, wait)
        }
    }

    @Test
    fun m1_custom_claims_and_factor_details_are_usable_without_a_json_library() {
        val session = Session.fromJson(SESSION_JSON)
        val claims = session.customClaims
        assertEquals("pro", claims["plan"]?.asString)
        assertEquals(5L, claims["seats"]?.asLong)
        assertEquals(0.5, claims["ratio"]?.asDouble)
        assertEquals(true, claims["beta"]?.asBoolean)
        assertEquals("org-1", claims["org"]?.get("id")?.asString)
        assertEquals("billing", claims["org"]?.get("roles")?.get(1)?.asString)
        assertTrue(claims["note"]!!.isNull)
        assertEquals("""{"x":1}""", session.unknownFields["a_field_from_the_future"].toString())
        val detail = assertIs<FactorDetail.Email>(session.authenticationFactors.single().detail)
        assertEquals("ada@example.com", detail.emailAddress)
        // The raw JSON stays available, nulls and unknown fields included (M2).
        assertEquals(SESSION_JSON, session.json)
        assertTrue(session.toString().startsWith("Session(sessionId=session-test-claims, userId=user-test-claims"))
    }

    @Test
    fun j2_check_jwt_in_kotlin_returns_the_verified_session() {
        startedKit().use { kit ->
            assertEquals(JwtCheck.Unauthorised, kit.checkJwt())
            val signedIn = sandbox.signIn()
            await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
            assertIs<JwtCheck.TryRefresh>(kit.checkJwt(), "no keys fetched yet")
            await { kit.refreshJwks() }
            val confirmed = await { kit.authenticate() }
            val valid = assertIs<JwtCheck.Valid>(kit.checkJwt())
            assertEquals(confirmed.sessionId, valid.session.sessionId)
            assertEquals(confirmed.userId, valid.session.userId)
            assertEquals(confirmed.roles, valid.session.roles)
            assertTrue(valid.toString().startsWith("Valid(session=VerifiedSession(sessionId="))
        }
    }

    @Test
    fun r2_get_info_is_served_from_the_kotlin_cache() {
        val store = KotlinStore()
        signedInKit(store.storage).first.close()
        startedKit(store.storage).use { kit ->
            val restored = kit.getInfo()
            assertTrue(restored.fromCache)
            assertEquals(kit.getSync(), restored.session)
            await { kit.authenticate() }
            assertFalse(kit.getInfo().fromCache)
        }
    }

    @Test
    fun e7_scheduler_stats_are_reachable_and_tell_where_the_scheduler_stands() {
        startedKit(automaticRefresh = true).use { kit ->
            assertIs<SchedulerState.SignedOut>(kit.schedulerStats().state)
            val events = EventQueue()
            kit.onChange(events).use {
                val signedIn = sandbox.signIn()
                await { kit.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }
                events.nextChange()
                events.nextChange() // the scheduler's own refresh
            }
            assertNotNull(kit.serverClockOffset(), "R5: learnt from the answer")
        }
        startedKit(automaticRefresh = false).use { kit ->
            assertEquals(SchedulerState.Off, kit.schedulerStats().state)
            assertNull(kit.serverClockOffset())
        }
    }
}
