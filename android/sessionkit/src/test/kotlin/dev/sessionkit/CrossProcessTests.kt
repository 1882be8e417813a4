// Two clients over one storage and one shared directory (SPEC C1-C3), as two processes of an
// app would be; in one JVM here, where the engines coordinate exactly as across processes
// (their file locks exclude each other). The Rust tests run the same rules across real
// processes (core/tests/processes).
package dev.sessionkit

import java.io.File
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.flow.first
import org.junit.Test

class CrossProcessTests {
    private fun storageIn(dir: File, key: ByteArray) =
        SessionStorage.encryptedFile(File(dir, "session.bin").path, key)

    @Test
    fun c1_c2_a_sign_in_and_a_sign_out_in_one_process_reach_the_other_without_a_call() {
        val dir = Files.createTempDirectory("sessionkit-shared").toFile()
        val shared = File(dir, "group").apply { mkdirs() }
        val key = ByteArray(32) { it.toByte() }
        val config = sandbox.config().copy(automaticRefresh = false, sharedDirectory = shared)
        SessionKitClient.start(config, storageIn(dir, key)).use { app ->
            SessionKitClient.start(config, storageIn(dir, key)).use { service ->
                await { app.restored() }
                await { service.restored() }
                val causes = java.util.concurrent.LinkedBlockingQueue<ChangeCause>()
                val subscription = service.onChange { event ->
                    if (event is SessionEvent.Changed) causes += event.change.cause
                }
                val signedIn = sandbox.signIn()

                await { app.updateSession(signedIn.sessionToken, signedIn.sessionJwt) }

                // Heard through the engine's watch of the shared directory: no call needed.
                await { service.status.first { it == SessionStatus.Pending } }
                assertEquals(signedIn.sessionToken, service.getTokens()?.sessionToken)

                await { app.clear() }
                await { service.status.first { it == SessionStatus.SignedOut } }
                assertNull(service.getTokens(), "C2: the sign-out holds in every process")
                repeat(2) {
                    val cause = causes.poll(DELIVERY_BOUND_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                    assertEquals(ChangeCause.OtherProcess, cause, "announced as another process's change")
                }
                subscription.close()
            }
        }
        assertTrue(File(shared, "sessionkit.lock").exists(), "the engines coordinated in the directory")
    }

    @Test
    fun c1_without_a_shared_directory_nothing_is_written_beside_the_storage() {
        val dir = Files.createTempDirectory("sessionkit-alone").toFile()
        val config = sandbox.config().copy(automaticRefresh = false)
        SessionKitClient.start(config, storageIn(dir, ByteArray(32))).use { client ->
            await { client.restored() }
            await { client.updateSession("tok", "header.payload.signature") }
            client.checkSharedStore()
        }
        assertEquals(listOf("session.bin"), dir.list()!!.sorted())
    }

    @Test
    fun c1_a_shared_directory_that_does_not_exist_is_a_clear_error_at_start() {
        val missing = File(Files.createTempDirectory("sessionkit-missing").toFile(), "no-such-dir")
        val config = sandbox.config().copy(sharedDirectory = missing)
        val thrown = runCatching { SessionKitClient.start(config) }.exceptionOrNull()
        assertTrue(thrown is SessionKitException.InvalidArgument, "$thrown")
        assertTrue("shared between processes" in thrown.message.orEmpty(), thrown.message)
    }
}
