// What listeners hear (SPEC O1, O2), as plain Kotlin values with readable toString.
package dev.sessionkit

/** Something that happened to the session, in the order it happened. */
sealed class SessionEvent {
    /** The session, its tokens, its provenance or the status changed; announced after the new state was persisted. */
    data class Changed(val change: SessionChange) : SessionEvent() {
        override fun toString(): String = "changed: $change"
    }

    /** A storage problem with no caller to tell (E4, E5, E7). */
    data class Storage(val issue: StorageIssue) : SessionEvent() {
        override fun toString(): String = "storage: $issue"
    }
}

/** One change of the session state. */
data class SessionChange(
    /** The session now, or `null` (signed out, or tokens held but not yet confirmed). */
    val session: Session?,
    /** Where the engine stands after the change (R6). */
    val status: SessionStatus,
    /** Whether tokens are held. */
    val hasTokens: Boolean,
    /** Whether the state came from storage unconfirmed in this process (R2). */
    val fromCache: Boolean,
    /** Why it changed. */
    val cause: ChangeCause,
    /** Bumped by every change of identity (W4). */
    val generation: Long,
) {
    override fun toString(): String =
        "$cause: $status (session: ${session?.sessionId ?: "none"}, fromCache: $fromCache, generation: $generation)"
}

/** Why the session state changed. */
sealed class ChangeCause {
    /** Read back from storage (or storage was read and held nothing usable). */
    data object Restored : ChangeCause() {
        override fun toString(): String = "restored from storage"
    }

    /** `updateSession` installed tokens from the app's backend. */
    data object Hydrated : ChangeCause() {
        override fun toString(): String = "tokens installed"
    }

    /** The server confirmed or refreshed the session. */
    data object Authenticated : ChangeCause() {
        override fun toString(): String = "confirmed by the server"
    }

    /** The user is signed out, for [reason]. */
    data class SignedOut(val reason: SignOutReason) : ChangeCause() {
        override fun toString(): String = "signed out: $reason"
    }

    /**
     * Another process sharing the store ([SessionKitConfig.sharedDirectory]) signed in,
     * refreshed or signed out there; the status says which.
     */
    data object OtherProcess : ChangeCause() {
        override fun toString(): String = "changed by another process"
    }
}

/** Why the user is signed out. */
enum class SignOutReason(private val words: String) {
    /** The app called `clear`. */
    Cleared("cleared by the app"),

    /** The app called `revoke`. */
    Revoked("revoked"),

    /** The server said the session is no longer valid (E1). */
    Rejected("the server no longer knows the session"),

    /** The stored state was corrupt and was wiped (E5). */
    StorageCorrupted("the stored session was corrupted");

    override fun toString(): String = words
}

/** A storage problem listeners are told about; `detail` is the store's own words, never a token. */
sealed class StorageIssue {
    /** What the store reported. */
    abstract val detail: String

    /** Stored state could not be read and was wiped (E5). */
    data class Corrupted(override val detail: String) : StorageIssue() {
        override fun toString(): String = "stored session corrupted and wiped: $detail"
    }

    /** Storage cannot be reached right now; the state in memory is kept and written once storage is back (E4). */
    data class Unavailable(override val detail: String) : StorageIssue() {
        override fun toString(): String = "unavailable, session kept: $detail"
    }

    /** Writing the new state failed; it holds in memory and the write is retried (O2, E7). */
    data class WriteFailed(override val detail: String) : StorageIssue() {
        override fun toString(): String = "write failed, will retry: $detail"
    }

    /** The stored state could not be read for a reason that will not pass by itself (E7). */
    data class ReadFailed(override val detail: String) : StorageIssue() {
        override fun toString(): String = "read failed: $detail"
    }
}
