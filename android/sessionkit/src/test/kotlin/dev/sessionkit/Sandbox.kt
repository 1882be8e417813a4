// The sandbox server (crates tests/sandbox, binary sessionkit-sandbox) as a child process of
// the JVM host tests, and the one call the engine does not make: signing a user in with a
// password, over plain HTTP, as an app's login screen would.
package dev.sessionkit

import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.HttpURLConnection
import java.net.URI
import java.util.Base64
import java.util.UUID
import java.util.concurrent.TimeUnit

/** A running sessionkit-sandbox on a free loopback port; [close] stops it. */
class Sandbox private constructor(
    private val process: Process,
    val baseUrl: String,
    val publicToken: String,
    val projectId: String,
    /** The HTTPS listener's `https://127.0.0.1:PORT`, when started with a TLS certificate. */
    val httpsUrl: String? = null,
) : AutoCloseable {

    /** Tokens of a fresh sign-in. */
    class SignedIn(val sessionToken: String, val sessionJwt: String) {
        override fun toString() = "SignedIn([redacted])"
    }

    /** A configuration pointing at this sandbox, manual refresh unless asked. */
    fun config(automaticRefresh: Boolean = false) = SessionKitConfig(
        publicToken = publicToken,
        baseUrl = baseUrl,
        projectId = projectId,
        automaticRefresh = automaticRefresh,
    )

    /** Signs a new user in with a password (`POST /sdk/v1/passwords/authenticate`). */
    fun signIn(email: String = "user-${UUID.randomUUID()}@example.com"): SignedIn {
        val body = post(
            "/sdk/v1/passwords/authenticate",
            publicToken,
            """{"email":"$email","password":"correct horse battery staple"}""",
        )
        return SignedIn(field(body, "session_token"), field(body, "session_jwt"))
    }

    /** How many requests the sandbox has counted on [endpoint] (`authenticate`, `revoke`, `sign_in`, `jwks`). */
    fun requestCount(endpoint: String): Int {
        val body = get("/sandbox/v1/requests")
        return Regex("\"$endpoint\"\\s*:\\s*(\\d+)").find(body)?.groupValues?.get(1)?.toInt()
            ?: error("no count for $endpoint")
    }

    /** Queues a fault: the next [times] requests to [endpoint] get [fault] (the JSON of `/sandbox/v1/faults`). */
    fun inject(endpoint: String, fault: String, times: Int = 1) {
        control("/sandbox/v1/faults", """{"endpoint":"$endpoint","times":$times,$fault}""")
    }

    /** Moves the sandbox's clock on: JWTs it minted expire on its clock, not on the client's. */
    fun advanceClock(seconds: Long) {
        control("/sandbox/v1/clock", """{"advance_seconds":$seconds}""")
    }

    /** The app backend's protected resource (`GET /app/v1/profile`). */
    val resourceUrl: String get() = "$baseUrl/app/v1/profile"

    /** Clears queued faults and counters. */
    fun reset() {
        control("/sandbox/v1/reset", "{}")
    }

    private fun get(path: String): String {
        val connection = URI("$baseUrl$path").toURL().openConnection() as HttpURLConnection
        check(connection.responseCode == 200) { "sandbox $path answered HTTP ${connection.responseCode}" }
        return connection.inputStream.bufferedReader().use { it.readText() }
    }

    private fun control(path: String, json: String) {
        val connection = URI("$baseUrl$path").toURL().openConnection() as HttpURLConnection
        connection.requestMethod = "POST"
        connection.doOutput = true
        connection.setRequestProperty("Content-Type", "application/json")
        connection.outputStream.use { it.write(json.toByteArray()) }
        check(connection.responseCode == 204) { "sandbox $path answered HTTP ${connection.responseCode}" }
    }

    /** Revokes [sessionToken] on the server behind the client's back (another device). */
    fun revokeOnServer(sessionToken: String) {
        post("/sdk/v1/sessions/revoke", sessionToken, "{}")
    }

    private fun post(path: String, secret: String, json: String): String {
        val connection = URI("$baseUrl$path").toURL().openConnection() as HttpURLConnection
        connection.requestMethod = "POST"
        connection.doOutput = true
        connection.setRequestProperty("Content-Type", "application/json")
        val basic = Base64.getEncoder().encodeToString("$publicToken:$secret".toByteArray())
        connection.setRequestProperty("Authorization", "Basic $basic")
        connection.outputStream.use { it.write(json.toByteArray()) }
        val status = connection.responseCode
        check(status == 200) { "sandbox $path answered HTTP $status" }
        return connection.inputStream.bufferedReader().use { it.readText() }
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        /**
         * Starts the binary named by `-Dsessionkit.sandbox=PATH` and reads its address. With
         * [tls] (`pinned` or `other`), it also serves HTTPS with that test certificate (V7).
         */
        fun start(tls: String? = null): Sandbox {
            val binary = System.getProperty("sessionkit.sandbox")
                ?: error("set -Dsessionkit.sandbox to the sessionkit-sandbox binary")
            val command = listOf(binary, "--addr", "127.0.0.1:0") +
                (if (tls != null) listOf("--tls", tls) else emptyList())
            val process = ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start()
            val lines = BufferedReader(InputStreamReader(process.inputStream))
            var baseUrl: String? = null
            var token: String? = null
            var project: String? = null
            var https: String? = null
            while (baseUrl == null || token == null || project == null || (tls != null && https == null)) {
                val line = lines.readLine() ?: error("the sandbox exited before printing its address")
                if (line.startsWith("base url:")) baseUrl = line.substringAfter(':').trim()
                if (line.startsWith("public token:")) token = line.substringAfter(':').trim()
                if (line.startsWith("project id:")) project = line.substringAfter(':').trim()
                if (line.startsWith("https url:")) https = line.substringAfter(':').trim()
            }
            // Keep draining stdout so the child never blocks on a full pipe.
            Thread { lines.useLines { it.forEach { } } }.apply { isDaemon = true }.start()
            return Sandbox(process, baseUrl, token, project, https)
        }

        /** One string field of a flat-enough JSON body; test-only, no JSON library here. */
        private fun field(json: String, name: String): String =
            Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1)
                ?: error("no $name in the sandbox's answer")
    }
}
