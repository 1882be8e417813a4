// How an app configures SessionKit, in Kotlin's everyday types (Int, kotlin.time.Duration),
// with defaults for everything but the public token. It becomes the generated ClientConfig
// at start; the engine checks every value.
package dev.sessionkit

import dev.sessionkit.ffi.ClientConfig
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * How SessionKit talks to Stytch and refreshes the session. Every `null` means the engine's
 * default.
 */
data class SessionKitConfig(
    /** The project's public token (`public-token-test-...` or `public-token-live-...`). */
    val publicToken: String,
    /** Overrides the base URL the token picks: a custom domain, a proxy, a local sandbox. */
    val baseUrl: String? = null,
    /** The project id; needed for [SessionKit.checkJwt] (the JWKS is the project's). */
    val projectId: String? = null,
    /** Whether SessionKit refreshes the session by itself (default on). */
    val automaticRefresh: Boolean = true,
    /** Time between scheduled refreshes (default 180 s). */
    val heartbeat: Duration? = null,
    /** How long before the session or its JWT expires a refresh is due (default 60 s). */
    val refreshMargin: Duration? = null,
    /** Automatic extension: scheduled refreshes extend the session by this many minutes. */
    val autoExtendMinutes: Int? = null,
    /** How long to wait for a connection (default 10 s). */
    val connectTimeout: Duration? = null,
    /** How long a whole request may take (default 30 s). */
    val requestTimeout: Duration? = null,
    /** Largest response body accepted, in bytes (default 1 MiB). */
    val maxResponseBytes: Long? = null,
) {
    init {
        require(autoExtendMinutes == null || autoExtendMinutes >= 0) {
            "autoExtendMinutes must not be negative"
        }
        require(maxResponseBytes == null || maxResponseBytes >= 0) {
            "maxResponseBytes must not be negative"
        }
    }

    /** Prints everything but nothing secret (the public token is public, but long). */
    override fun toString(): String =
        "SessionKitConfig(publicToken=${publicToken.take(24)}…, baseUrl=$baseUrl, " +
            "projectId=$projectId, automaticRefresh=$automaticRefresh)"

    internal fun toFfi() = ClientConfig(
        publicToken = publicToken,
        baseUrl = baseUrl,
        projectId = projectId,
        automaticRefresh = automaticRefresh,
        heartbeat = heartbeat?.toJavaDuration(),
        refreshMargin = refreshMargin?.toJavaDuration(),
        autoExtendMinutes = autoExtendMinutes?.toUInt(),
        connectTimeout = connectTimeout?.toJavaDuration(),
        requestTimeout = requestTimeout?.toJavaDuration(),
        maxResponseBytes = maxResponseBytes?.toULong(),
    )
}
