// The Android-only entry point: it needs android.content.Context, so it is compiled into the
// AAR but left out of the JVM host tests (scripts/kotlin-tests.sh), which call
// SessionKitNative.initialize(null) instead.
package dev.sessionkit

import android.content.Context

/**
 * Prepares SessionKit for this process: loads the native library and gives it the
 * application [context], which the platform certificate verifier needs (TLS to Stytch fails
 * without it). Call once, before [SessionKit.start], typically in `Application.onCreate()`.
 * Calling it again is harmless.
 */
fun SessionKit.Companion.initialize(context: Context) {
    SessionKitNative.initialize(context.applicationContext)
}
