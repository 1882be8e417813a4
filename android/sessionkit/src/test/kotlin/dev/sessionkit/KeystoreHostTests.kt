// The Keystore store (SPEC P4) driven from Kotlin, end to end: the wrapper and the generated
// bindings call into Rust over JNA, and Rust calls back into this JVM over JNI (the JavaVM
// handed over by SessionKitNative.initialize) to reach javax.crypto and a KeyStore. A device
// has AndroidKeyStore there; this JVM has the software stand-in SoftwareKeyStore (compiled from
// core/tests/storage/android_keystore/java by scripts/kotlin-tests.sh), whose keys outlive a store
// instance as AndroidKeyStore's outlive an app restart.
package dev.sessionkit

import java.io.File
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Test
import sessionkit.test.SoftwareKeyStore

private fun keystoreStore(alias: String, file: File): SessionStorage {
    SoftwareKeyStore.install()
    SessionKitNative.initialize(null)
    return SessionStorage.builtIn("software keystore") {
        translated { dev.sessionkit.ffi.androidKeystoreStoreOfType(alias, file.path, SoftwareKeyStore.TYPE) }
    }
}

private fun sessionFile(): File =
    Files.createTempDirectory("sessionkit-keystore").toFile().resolve("sessionkit.session")

class KeystoreHostTests {
    @Test
    fun p4_the_keystore_store_keeps_the_session_across_a_restart_through_jni() {
        val file = sessionFile()
        val (first, signedIn) = signedInKit(keystoreStore("kotlin-p4-restart", file))
        val sessionId = first.getSync()?.sessionId
        first.close()
        assertTrue(file.exists(), "the ciphertext is in the file the app chose")
        val onDisk = file.readBytes()
        assertFalse(
            String(onDisk, Charsets.ISO_8859_1).contains(signedIn.sessionToken),
            "the token is encrypted on disk",
        )

        startedKit(keystoreStore("kotlin-p4-restart", file)).use { kit ->
            assertEquals(RestoreOutcome.Restored, kit.restoreOutcome())
            assertEquals(sessionId, kit.getSync()?.sessionId)
            assertNotNull(kit.getTokens())
            await { kit.clear() }
            assertFalse(file.exists(), "W6: clearing removes the file")
            assertTrue(SoftwareKeyStore.hasKey("kotlin-p4-restart"), "the key stays for next time")
        }
    }

    @Test
    fun p4_e5_a_tampered_keystore_blob_is_wiped_and_reported() {
        val file = sessionFile()
        signedInKit(keystoreStore("kotlin-p4-tamper", file)).first.close()
        val bytes = file.readBytes()
        bytes[bytes.size - 1] = (bytes[bytes.size - 1].toInt() xor 0x01).toByte()
        file.writeBytes(bytes)

        startedKit(keystoreStore("kotlin-p4-tamper", file)).use { kit ->
            assertIs<RestoreOutcome.Corrupted>(kit.restoreOutcome())
            assertNull(kit.getTokens())
            assertFalse(file.exists(), "wiped")
        }
    }

    @Test
    fun p4_e5_a_blob_whose_key_is_gone_is_wiped_as_after_a_backup_restore() {
        val file = sessionFile()
        signedInKit(keystoreStore("kotlin-p4-lost-key", file)).first.close()
        SoftwareKeyStore.loseKey("kotlin-p4-lost-key")

        startedKit(keystoreStore("kotlin-p4-lost-key", file)).use { kit ->
            assertIs<RestoreOutcome.Corrupted>(kit.restoreOutcome())
            assertNull(kit.getSync())
        }
    }

    @Test
    fun p4_e4_a_busy_keystore_is_unavailable_never_a_sign_out() {
        val file = sessionFile()
        signedInKit(keystoreStore("kotlin-p4-busy", file)).first.close()
        SoftwareKeyStore.setUnavailable("kotlin-p4-busy", true)
        try {
            startedKit(keystoreStore("kotlin-p4-busy", file)).use { kit ->
                assertIs<RestoreOutcome.Unavailable>(kit.restoreOutcome())
                assertTrue(file.exists(), "nothing wiped")
                SoftwareKeyStore.setUnavailable("kotlin-p4-busy", false)
                await { kit.storageBecameAvailable() }
                assertEquals(RestoreOutcome.Restored, kit.restoreOutcome())
                assertNotNull(kit.getTokens())
            }
        } finally {
            SoftwareKeyStore.setUnavailable("kotlin-p4-busy", false)
        }
    }
}
