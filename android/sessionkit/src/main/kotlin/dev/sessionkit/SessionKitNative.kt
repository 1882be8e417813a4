// The one JNI call into the native library, made once per process before any client starts.
//
// UniFFI's generated bindings reach the library through JNA and need no set-up; this call
// exists for the native code that calls *into* the JVM: the platform certificate verifier
// (which needs the application Context) and the Keystore-backed store (which needs the
// JavaVM). See bindings/src/android.rs.
package dev.sessionkit

/** Loads `libsessionkit_ffi` for JNI and hands it the JavaVM and the application Context. */
internal object SessionKitNative {
    /**
     * Loads the library and runs its native initialisation with [context] (an Android
     * `Context`, or `null` off Android). Calling it again is harmless: loading is a no-op
     * and the native side keeps what the first call gave it.
     */
    @Synchronized
    fun initialize(context: Any?) {
        loadLibrary()
        nativeInit(context)
    }

    /**
     * The same library JNA loads: by absolute path when the UniFFI override names a file
     * (host tests), otherwise by name from the APK's `jniLibs`.
     */
    private fun loadLibrary() {
        val override = System.getProperty("uniffi.component.sessionkit_ffi.libraryOverride")
        if (override != null && override.contains('/')) {
            System.load(override)
        } else {
            System.loadLibrary("sessionkit_ffi")
        }
    }

    @JvmStatic
    private external fun nativeInit(context: Any?)
}
