// The backend answered 401 to a request SessionKit authorised: refresh once, retry once.
package dev.sessionkit.okhttp

import dev.sessionkit.SessionClient
import okhttp3.Authenticator
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import okhttp3.Route

/**
 * An OkHttp [Authenticator] for the 401s your backend gives requests that
 * [SessionKitInterceptor] authorised (SPEC H1):
 *
 * - it asks SessionKit for fresh tokens after that JWT's rejection
 *   ([SessionClient.tokensAfterRejection]): however many requests were rejected with the same
 *   JWT, at once or one after another, the session is refreshed once;
 * - it retries the request once with the fresh JWT, and never more: a second 401 reaches the
 *   caller as it is;
 * - the 401 alone never signs the user out. Only the auth server's answer to the refresh can
 *   (E1), and then the request fails with a [SessionKitIOException] carrying
 *   `SessionKitException.SignedOut`.
 *
 * 401s of requests it did not authorise go to [fallback] (an app's own authenticator), since a
 * client has one authenticator slot.
 */
class SessionKitAuthenticator @JvmOverloads constructor(
    private val sessions: SessionClient,
    private val authorization: BackendAuthorization,
    private val fallback: Authenticator = Authenticator.NONE,
) : Authenticator {
    override fun authenticate(route: Route?, response: Response): Request? {
        val failed = OkHttpCompat.request(response)
        val sent = failed.tag(Authorised::class.java) ?: return fallback.authenticate(route, response)
        if (sent.retried) return null
        val fresh = awaitOnCallThread(sent.call) { sessions.tokensAfterRejection(sent.jwt) }
        return failed.newBuilder()
            .header(authorization.headerName, authorization.format(fresh.sessionJwt))
            .tag(Authorised::class.java, Authorised(sent.call, fresh.sessionJwt, retried = true))
            .build()
    }
}

/**
 * Installs SessionKit's interceptor (last of the application interceptors, so that a logging
 * interceptor added before it never sees the header) and authenticator:
 *
 * ```
 * val client = OkHttpClient.Builder()
 *     .installSessionKit(sessions, BackendAuthorization(hosts = setOf("api.example.com")))
 *     .build()
 * ```
 */
@JvmOverloads
fun OkHttpClient.Builder.installSessionKit(
    sessions: SessionClient,
    authorization: BackendAuthorization,
    fallback: Authenticator = Authenticator.NONE,
): OkHttpClient.Builder =
    addInterceptor(SessionKitInterceptor(sessions, authorization))
        .authenticator(SessionKitAuthenticator(sessions, authorization, fallback))
