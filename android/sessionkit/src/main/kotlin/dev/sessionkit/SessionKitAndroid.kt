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

/**
 * The store Android apps should use (SPEC P4): the session encrypted with AES-256-GCM under a
 * key held by `AndroidKeyStore` under [alias], in a file in `context.noBackupFilesDir`, so that
 * a backup never carries a blob whose key stayed on the old device (such a blob would be
 * wiped and reported as corrupted). Call [initialize] first.
 *
 * ```
 * SessionKit.initialize(context)
 * val kit = SessionKit.start(config, SessionKit.keystoreStore(context))
 * ```
 */
fun SessionKit.Companion.keystoreStore(context: Context, alias: String = "sessionkit"): SessionStore =
    translated {
        dev.sessionkit.ffi.androidKeystoreStore(
            alias,
            java.io.File(context.noBackupFilesDir, "sessionkit.session").path,
        )
    }
