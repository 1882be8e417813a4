// The local JWT check (SPEC J2) as Kotlin values.
package dev.sessionkit

import java.time.Instant

/** The answer of a local JWT check, made without I/O. */
sealed class JwtCheck {
    /** The JWT is valid now; [session] is what it says, as a backend's local check reads it. */
    data class Valid(val session: VerifiedSession) : JwtCheck()

    /** The JWT is expired or could not be verified: refresh. [reason] is for logs, never the token. */
    data class TryRefresh(val reason: String) : JwtCheck()

    /** There are no tokens. */
    data object Unauthorised : JwtCheck()
}

/** The session a verified JWT describes. */
data class VerifiedSession(
    val sessionId: String,
    val userId: String,
    val roles: List<String>,
    val authenticationFactors: List<AuthenticationFactor>,
    /** Every top-level claim that is neither registered nor Stytch's session claim. */
    val customClaims: Map<String, JsonValue>,
    val attributes: SessionAttributes,
    val startedAt: Instant,
    val lastAccessedAt: Instant,
    val expiresAt: Instant,
    val issuer: String?,
    val audience: List<String>,
    /** The JWT's own `exp` (before leeway). */
    val jwtExpiresAt: Instant,
    val issuedAt: Instant?,
    val notBefore: Instant?,
    /** Every claim as verified: the JWT's payload, JSON text. */
    val claimsJson: String,
)

/** Diagnostics: what the refresh scheduler has done and where it stands. Not for app logic. */
data class SchedulerStats(
    val wakeups: Long,
    val refreshes: Long,
    val failures: Long,
    val state: SchedulerState,
)

/** Where the refresh scheduler stands (diagnostics). Times are server time. */
sealed class SchedulerState {
    data object Off : SchedulerState()
    data object SignedOut : SchedulerState()
    data class Waiting(val due: Instant) : SchedulerState()
    data object Refreshing : SchedulerState()
    data class BackingOff(val until: Instant, val failures: Int) : SchedulerState()
    data object GaveUp : SchedulerState()
    data object PausedForStorage : SchedulerState()
    data object InBackground : SchedulerState()
    data object Stopped : SchedulerState()
}
