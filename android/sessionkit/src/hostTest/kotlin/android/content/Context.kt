// A stand-in for android.content.Context, for the JVM host tests only (never packaged): the
// two members SessionKit reads, so that the Android entry points (SessionKitClient.initialize,
// SessionStorage.keystore) compile and run on a desktop JVM. On a device the platform's
// Context has the same members as Java getters.
package android.content

import java.io.File

open class Context(private val noBackup: File) {
    open val applicationContext: Context get() = this
    open val noBackupFilesDir: File get() = noBackup
}
