// How an app configures SessionKit, in Kotlin's everyday types (Int, kotlin.time.Duration),
// with defaults for everything but the public token. It becomes the generated ClientConfig
// at start; the engine checks every value.
package dev.sessionkit

import dev.sessionkit.ffi.ClientConfig
import java.io.File
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * How SessionKit talks to Stytch and refreshes the session. Every `null` means the engine's
 * default.
 */
data class SessionKitConfig @JvmOverloads constructor(
    /** The project's public token (`public-token-test-...` or `public-token-live-...`). */
    val publicToken: String,
    /** Overrides the base URL the token picks: a custom domain, a proxy, a local sandbox. */
    val baseUrl: String? = null,
    /** The project id; needed for [SessionKit.checkJwt] (the JWKS is the project's). */
    val projectId: String? = null,
    /** Whether SessionKit refreshes the session by itself (default on). */
    val automaticRefresh: Boolean = true,
    /**
     * Time between scheduled refreshes (default 180 s). At least 1 s (SPEC S9): a shorter one
     * makes `start` throw [SessionKitException.InvalidArgument]. To turn refreshing off, set
     * [automaticRefresh] to false, not a zero heartbeat.
     */
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
    /** Your logger for SessionKit's events (SPEC L1); logcat hears them either way. */
    val logger: SessionLogger? = null,
    /** The least severe level [logger] hears (default [LogLevel.Info]). */
    val logLevel: LogLevel = LogLevel.Info,
    /** The logcat tag of SessionKit's events (default `SessionKit`). */
    val logTag: String = "SessionKit",
    /**
     * For an app whose processes (a `:remote` service, say) each start SessionKit over the
     * same storage: a directory all of them can write, typically `File(context.filesDir,
     * "sessionkit")`, created before `start`. There the engines coordinate (SPEC C1-C3):
     * each sees what another wrote, a sign-out in one is final in all, and one refresh at a
     * time goes out. Give every process the same directory and the same storage. `null`
     * (the default): this process is the storage's only user, and no file is created.
     */
    val sharedDirectory: File? = null,
    /**
     * Certificate pins (SPEC V7): `sha256/` + base64 of the SHA-256 of the server
     * certificate's SubjectPublicKeyInfo, OkHttp's `CertificatePinner` notation. Empty (the
     * default) pins nothing; otherwise at least two (the key in use and a backup), checked
     * in addition to Android's own verification. A mismatch is a network error that keeps
     * the session and names the pin.
     */
    val certificatePins: List<String> = emptyList(),
) {
    init {
        if (autoExtendMinutes != null && autoExtendMinutes < 0) {
            throw SessionKitException.InvalidArgument("autoExtendMinutes must not be negative")
        }
        if (maxResponseBytes != null && maxResponseBytes < 0) {
            throw SessionKitException.InvalidArgument("maxResponseBytes must not be negative")
        }
    }

    /** A Java duration cannot be negative the way Kotlin's can: refused here, like Swift does. */
    private fun Duration.nonNegative(name: String): Duration {
        if (isNegative()) throw SessionKitException.InvalidArgument("$name must not be negative")
        return this
    }

    /** Prints everything but nothing secret (the public token is public, but long). */
    override fun toString(): String =
        "SessionKitConfig(publicToken=${publicToken.take(24)}…, baseUrl=$baseUrl, " +
            "projectId=$projectId, automaticRefresh=$automaticRefresh, sharedDirectory=$sharedDirectory, certificatePins=$certificatePins)"

    internal fun toFfi() = ClientConfig(
        publicToken = publicToken,
        baseUrl = baseUrl,
        projectId = projectId,
        automaticRefresh = automaticRefresh,
        heartbeat = heartbeat?.nonNegative("heartbeat")?.toJavaDuration(),
        refreshMargin = refreshMargin?.nonNegative("refreshMargin")?.toJavaDuration(),
        autoExtendMinutes = autoExtendMinutes?.toUInt(),
        connectTimeout = connectTimeout?.nonNegative("connectTimeout")?.toJavaDuration(),
        requestTimeout = requestTimeout?.nonNegative("requestTimeout")?.toJavaDuration(),
        maxResponseBytes = maxResponseBytes?.toULong(),
        logLevel = logLevel.toFfi(),
        logSubsystem = null,
        logTag = logTag,
        sharedDirectory = sharedDirectory?.path,
        certificatePins = certificatePins,
    )
}
