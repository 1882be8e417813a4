// Adds the session JWT to the app backend's requests (SPEC W9, H1).
package dev.sessionkit.okhttp

import dev.sessionkit.SessionClient
import okhttp3.Interceptor
import okhttp3.Response

/**
 * An OkHttp application interceptor that authorises requests to your backend with a JWT that
 * stays valid for `minTtl` ([SessionClient.tokens]: refreshed first, through SessionKit's single
 * flight, when it would not). Requests to other hosts, and requests that already carry the
 * header, pass untouched. Install it with [SessionKitAuthenticator], which handles the
 * backend's 401s: see [installSessionKit].
 *
 * A call waiting for the JWT ends at once when it is cancelled. Every failure reaches OkHttp
 * as an IOException: a [SessionKitIOException] carrying the typed SessionKit error (signed
 * out, offline).
 */
class SessionKitInterceptor(
    private val sessions: SessionClient,
    private val authorization: BackendAuthorization,
) : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response {
        val request = chain.request()
        val ours = OkHttpCompat.host(request) in authorization.hosts
        if (!ours || request.header(authorization.headerName) != null) {
            return chain.proceed(request)
        }
        val call = chain.call()
        val tokens = awaitOnCallThread(call) { sessions.tokens(authorization.minTtl) }
        return chain.proceed(
            request.newBuilder()
                .header(authorization.headerName, authorization.format(tokens.sessionJwt))
                .tag(Authorised::class.java, Authorised(call, tokens.sessionJwt, retried = false))
                .build(),
        )
    }
}
