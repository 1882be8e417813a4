// Which requests carry the session JWT, and how (SPEC H1). Shared by the interceptor and the
// authenticator; the Swift wrapper's URLSession helper takes the same settings.
package dev.sessionkit.okhttp

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * How requests to your own backend are authorised with the session JWT.
 *
 * Only requests to [hosts] get it: a JWT is a bearer credential, and a client that also talks
 * to other servers must never hand it to them.
 */
data class BackendAuthorization @JvmOverloads constructor(
    /** The backend's host names (`api.example.com`), exactly as in the request URLs. */
    val hosts: Set<String>,
    /** The header that carries the JWT. */
    val headerName: String = "Authorization",
    /** The header's value for a JWT. */
    val format: (String) -> String = { jwt -> "Bearer $jwt" },
    /** How long the JWT must stay valid when the request leaves (SessionClient.tokens). */
    val minTtl: Duration = 60.seconds,
) {
    init {
        require(hosts.isNotEmpty()) { "name the backend's hosts: the JWT must not reach any other server" }
    }

    override fun toString(): String = "BackendAuthorization(hosts=$hosts, headerName=$headerName, minTtl=$minTtl)"
}
