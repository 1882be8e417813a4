// The Android entry points, on a desktop JVM: SessionKitClient.initialize(context) and
// SessionStorage.keystore(context) take an android.content.Context, for which this source set
// (hostTest: scripts/kotlin-tests.sh only, never Gradle's unit tests, which have the real
// android.jar) holds a stand-in. They run against the host library with the JNI entry.
package dev.sessionkit

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test

class EntryPointTests {
    @Test
    fun native_init_succeeds_and_a_second_call_is_harmless() {
        val context = android.content.Context(Files.createTempDirectory("sessionkit-init").toFile())
        SessionKitClient.initialize(context)
        assertTrue(dev.sessionkit.ffi.isNativeInitialized())
        SessionKitClient.initialize(context)
        assertTrue(dev.sessionkit.ffi.isNativeInitialized())
    }

    @Test
    fun p4_the_keystore_storage_reads_from_the_no_backup_folder_and_keeps_tokens_when_it_cannot_save() {
        // A desktop JVM has no AndroidKeyStore provider. Nothing stored in the no-backup
        // folder: the restore finds nothing, without touching a key. A sign-in then cannot be
        // saved under a key, yet the tokens hold in memory and the failure is announced (O2).
        val noBackup = Files.createTempDirectory("sessionkit-nobackup").toFile()
        val context = android.content.Context(noBackup)
        SessionKitClient.initialize(context)
        SessionKitClient.start(sandbox.config(), SessionStorage.keystore(context, alias = "entry-points")).use { kit ->
            assertEquals(RestoreOutcome.Empty, await { kit.restored() })
            val events = EventQueue()
            kit.onChange(events).use {
                await { kit.updateSession("opaque-token-p4", "header.payload.signature") }
                assertEquals(SessionStatus.Pending, kit.getInfo().status, "kept in memory")
                val issues = generateSequence { events.next() }.take(2).toList()
                assertTrue(issues.any { it is SessionEvent.Storage }, "the failed save is announced: $issues")
            }
        }
        assertTrue(noBackup.listFiles().orEmpty().none { !it.name.startsWith("sessionkit.session") })
    }
}
