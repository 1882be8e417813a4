// What start-up found in storage (X2, E4, E5, E7).
package dev.sessionkit

/** What the engine found in storage when it started, or when storage last came back. */
sealed class RestoreOutcome {
    /** Storage has not been read yet; `restored()` waits for it. */
    data object Pending : RestoreOutcome() {
        override fun toString(): String = "storage not read yet"
    }

    /** Nothing was stored. */
    data object Empty : RestoreOutcome() {
        override fun toString(): String = "nothing stored"
    }

    /** A session was restored; `getInfo().fromCache` is true until it is confirmed. */
    data object Restored : RestoreOutcome() {
        override fun toString(): String = "session restored from storage"
    }

    /** The stored state was unreadable and has been wiped (E5). */
    data class Corrupted(val detail: String) : RestoreOutcome() {
        override fun toString(): String = "stored session corrupted and wiped: $detail"
    }

    /** Storage could not be read right now (E4); call `storageBecameAvailable()` once it can be. */
    data class Unavailable(val detail: String) : RestoreOutcome() {
        override fun toString(): String = "storage unavailable, will retry: $detail"
    }

    /** Storage could not be read for a reason that will not pass by itself (E7): fix the configuration. */
    data class Failed(val detail: String) : RestoreOutcome() {
        override fun toString(): String = "storage failed: $detail"
    }
}

/** What `revoke` did (W5, W8). */
sealed class RevokeOutcome {
    /** The server revoked the session (or no longer knew it), and it is cleared here. */
    data object Revoked : RevokeOutcome() {
        override fun toString(): String = "revoked"
    }

    /** There was no session to revoke. */
    data object NoSession : RevokeOutcome() {
        override fun toString(): String = "no session to revoke"
    }

    /**
     * The session is cleared here, but the server could not be reached to revoke it
     * (`forceClear`): it stays valid on the server until it expires. [reason] says what kept
     * the request from the server.
     */
    data class ClearedLocallyOnly(val reason: String) : RevokeOutcome() {
        override fun toString(): String = "cleared here only; the server was not reached: $reason"
    }
}
