// Where the session lives between launches (SPEC P1): the built-in storages, and the
// interface an app implements for a store of its own.
package dev.sessionkit

/**
 * Storage of your own for the session: a database, an encrypted file of yours.
 *
 * **The blob holds the session's tokens.** Whoever reads it can act as the signed-in user, so
 * keep it as securely as the Android Keystore would: encrypted at rest under a key that never
 * leaves the device, out of backups (`noBackupFilesDir`), out of logs. Never put it in
 * `SharedPreferences` or a plain file; [SessionStorage.keystore] does all of this for you.
 *
 * Calls come from SessionKit's own threads, one at a time, never from the caller of a
 * SessionKit method (W7); they may block. `save` must be atomic: after a crash the store holds
 * the previous blob or the new one, whole (P2). What a store throws decides what happens to the
 * session: see [StoreException]; anything else thrown counts as [StoreException.Failed].
 */
interface SessionStore {
    /** The stored blob, or `null` when nothing is stored. */
    fun load(): ByteArray?

    /** Replaces the stored blob. */
    fun save(blob: ByteArray)

    /** Removes the stored blob. Clearing an empty store succeeds. */
    fun clear()
}

/** What a [SessionStore] throws, and so what SessionKit does. */
sealed class StoreException(message: String) : Exception(message) {
    /** Storage cannot be reached right now (a busy Keystore): the session is kept and never read as signed out (E4). */
    class Unavailable(val detail: String) : StoreException("storage unavailable: $detail")

    /** What is stored can never be read: SessionKit wipes it and carries on signed out (E5). */
    class Corrupted(val detail: String) : StoreException("storage corrupted: $detail")

    /** A failure that will not pass by itself (E7). */
    class Failed(val detail: String) : StoreException("storage failed: $detail")
}

/**
 * Where SessionKit keeps the session: pass one to [SessionKitClient.start].
 *
 * On Android use [keystore]; [memory] for tests and previews; [custom] for a store of your own.
 */
class SessionStorage private constructor(
    internal val describe: String,
    internal val make: () -> dev.sessionkit.ffi.core.ForeignSessionStore,
) {
    override fun toString(): String = "SessionStorage($describe)"

    companion object {
        /** Memory only: nothing survives the process. For tests, previews and apps that sign in on every launch. */
        @JvmStatic
        fun memory(): SessionStorage = SessionStorage("memory") { dev.sessionkit.ffi.memoryStore() }

        /**
         * One AES-256-GCM encrypted file at [path], replaced atomically on every change, under a
         * 32-byte [key] your app keeps safe elsewhere (on Android prefer [keystore]). A key of
         * another length makes `start` throw [SessionKitException.InvalidArgument].
         */
        @JvmStatic
        fun encryptedFile(path: String, key: ByteArray): SessionStorage {
            val copy = key.copyOf()
            return SessionStorage("encrypted file") {
                translated { dev.sessionkit.ffi.encryptedFileStore(path, copy) }
            }
        }

        /**
         * The store Android apps should use (SPEC P4): the session AES-256-GCM encrypted under a
         * key held by `AndroidKeyStore` under [alias], in a file in `context.noBackupFilesDir`,
         * so that a backup never carries a blob whose key stayed on the old device (such a blob
         * would be wiped and reported as corrupted). Call [SessionKitClient.initialize] first.
         */
        @JvmStatic
        @JvmOverloads
        fun keystore(context: android.content.Context, alias: String = "sessionkit"): SessionStorage {
            val path = java.io.File(context.noBackupFilesDir, "sessionkit.session").path
            return SessionStorage("Android Keystore ($alias)") {
                translated { dev.sessionkit.ffi.androidKeystoreStore(alias, path) }
            }
        }

        /** A storage over one of the engine's own stores (host tests reach the software keystore so). */
        internal fun builtIn(describe: String, make: () -> dev.sessionkit.ffi.core.ForeignSessionStore) =
            SessionStorage(describe, make)

        /** A store of your own; read [SessionStore] on keeping its blob secret. */
        @JvmStatic
        fun custom(store: SessionStore): SessionStorage =
            SessionStorage("custom ${store::class.java.simpleName}") { AppStore(store) }
    }
}
