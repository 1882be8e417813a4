// The one place where the generated bindings (packages dev.sessionkit.ffi and
// dev.sessionkit.ffi.core) meet the wrapper's own types: each generated value is converted
// once, here, into plain Kotlin; no generated type or native handle reaches app code.
package dev.sessionkit

import dev.sessionkit.ffi.core.SessionException
import java.util.logging.Level
import java.util.logging.Logger
import kotlin.time.toKotlinDuration
import dev.sessionkit.ffi.core.AuthenticationFactor as FfiFactor
import dev.sessionkit.ffi.core.ChangeCause as FfiCause
import dev.sessionkit.ffi.core.FactorDetail as FfiDetail
import dev.sessionkit.ffi.core.ForeignSessionListener as FfiListener
import dev.sessionkit.ffi.core.ForeignSessionStore as FfiStore
import dev.sessionkit.ffi.core.JsonValue as FfiJson
import dev.sessionkit.ffi.core.JwtCheck as FfiJwtCheck
import dev.sessionkit.ffi.core.RestoreOutcome as FfiRestore
import dev.sessionkit.ffi.core.RevokeOutcome as FfiRevoke
import dev.sessionkit.ffi.core.SchedulerState as FfiSchedulerState
import dev.sessionkit.ffi.core.SchedulerStats as FfiSchedulerStats
import dev.sessionkit.ffi.core.SessionAttributes as FfiAttributes
import dev.sessionkit.ffi.core.SessionEvent as FfiEvent
import dev.sessionkit.ffi.core.SessionFields as FfiFields
import dev.sessionkit.ffi.core.SessionStatus as FfiStatus
import dev.sessionkit.ffi.core.SignOutReason as FfiReason
import dev.sessionkit.ffi.core.StorageIssue as FfiIssue
import dev.sessionkit.ffi.core.StoreException as FfiStoreException
import dev.sessionkit.ffi.core.VerifiedSession as FfiVerified

internal fun FfiJson.toKotlin(): JsonValue = when (this) {
    is FfiJson.Null -> JsonValue.Null
    is FfiJson.Bool -> JsonValue.Bool(value)
    is FfiJson.Integer -> JsonValue.Integer(value)
    is FfiJson.Number -> JsonValue.Number(value)
    is FfiJson.Text -> JsonValue.Text(value)
    is FfiJson.Array -> JsonValue.Array(items.map { it.toKotlin() })
    is FfiJson.Object -> JsonValue.Object(members.mapValues { it.value.toKotlin() })
}

private fun Map<String, FfiJson>.toKotlin(): Map<String, JsonValue> = mapValues { it.value.toKotlin() }

internal fun FfiFields.toKotlin(): Session = Session(
    sessionId = sessionId,
    userId = userId,
    startedAt = startedAt,
    lastAccessedAt = lastAccessedAt,
    expiresAt = expiresAt,
    attributes = attributes.toKotlin(),
    authenticationFactors = authenticationFactors.map { it.toKotlin() },
    customClaims = customClaims.toKotlin(),
    roles = roles,
    unknownFields = unknownFields.toKotlin(),
).withWire(json)

internal fun FfiAttributes.toKotlin() = SessionAttributes(ipAddress, userAgent, extra.toKotlin())

internal fun FfiFactor.toKotlin() = AuthenticationFactor(
    factorType = factorType,
    deliveryMethod = deliveryMethod,
    lastAuthenticatedAt = lastAuthenticatedAt,
    createdAt = createdAt,
    updatedAt = updatedAt,
    detail = detail?.toKotlin(),
    unknownFields = extra.toKotlin(),
)

internal fun FfiDetail.toKotlin(): FactorDetail = when (this) {
    is FfiDetail.Email -> FactorDetail.Email(factor.emailId, factor.emailAddress, factor.extra.toKotlin())
    is FfiDetail.PhoneNumber ->
        FactorDetail.PhoneNumber(factor.phoneId, factor.phoneNumber, factor.extra.toKotlin())
    is FfiDetail.OAuth ->
        FactorDetail.OAuth(provider, factor.id, factor.emailId, factor.providerSubject, factor.extra.toKotlin())
    is FfiDetail.WebAuthn -> FactorDetail.WebAuthn(
        factor.webauthnRegistrationId, factor.domain, factor.userAgent, factor.extra.toKotlin(),
    )
    is FfiDetail.AuthenticatorApp -> FactorDetail.AuthenticatorApp(factor.totpId, factor.extra.toKotlin())
    is FfiDetail.RecoveryCode -> FactorDetail.RecoveryCode(factor.totpRecoveryCodeId, factor.extra.toKotlin())
    is FfiDetail.CryptoWallet -> FactorDetail.CryptoWallet(
        factor.cryptoWalletId, factor.cryptoWalletAddress, factor.cryptoWalletType, factor.extra.toKotlin(),
    )
    is FfiDetail.Biometric -> FactorDetail.Biometric(factor.biometricRegistrationId, factor.extra.toKotlin())
    is FfiDetail.Unknown -> FactorDetail.Unknown(key, value.toKotlin())
}

internal fun FfiStatus.toKotlin(): SessionStatus = when (this) {
    FfiStatus.RESTORING -> SessionStatus.Restoring
    FfiStatus.SIGNED_OUT -> SessionStatus.SignedOut
    FfiStatus.PENDING -> SessionStatus.Pending
    FfiStatus.SIGNED_IN -> SessionStatus.SignedIn
}

internal fun FfiReason.toKotlin(): SignOutReason = when (this) {
    FfiReason.CLEARED -> SignOutReason.Cleared
    FfiReason.REVOKED -> SignOutReason.Revoked
    FfiReason.REJECTED -> SignOutReason.Rejected
    FfiReason.STORAGE_CORRUPTED -> SignOutReason.StorageCorrupted
}

internal fun FfiCause.toKotlin(): ChangeCause = when (this) {
    is FfiCause.Restored -> ChangeCause.Restored
    is FfiCause.Hydrated -> ChangeCause.Hydrated
    is FfiCause.Authenticated -> ChangeCause.Authenticated
    is FfiCause.SignedOut -> ChangeCause.SignedOut(reason.toKotlin())
    is FfiCause.OtherProcess -> ChangeCause.OtherProcess
}

internal fun FfiIssue.toKotlin(): StorageIssue = when (this) {
    is FfiIssue.Corrupted -> StorageIssue.Corrupted(detail)
    is FfiIssue.Unavailable -> StorageIssue.Unavailable(detail)
    is FfiIssue.WriteFailed -> StorageIssue.WriteFailed(detail)
    is FfiIssue.ReadFailed -> StorageIssue.ReadFailed(detail)
}

/**
 * The event in Kotlin. A change's session is [known]'s when [known] is the state of that very
 * change (the usual case: one conversion per change), otherwise it is copied across once.
 */
internal fun FfiEvent.toKotlin(known: CachedState): SessionEvent = when (this) {
    is FfiEvent.Changed -> SessionEvent.Changed(
        SessionChange(
            session = if (known.revision == change.revision.toLong()) {
                known.session
            } else {
                change.session?.fields()?.toKotlin()
            },
            status = change.status.toKotlin(),
            hasTokens = change.hasTokens,
            fromCache = change.fromCache,
            cause = change.cause.toKotlin(),
            generation = change.generation.toLong(),
        ),
    )
    is FfiEvent.Storage -> SessionEvent.Storage(issue.toKotlin())
}

internal fun FfiRestore.toKotlin(): RestoreOutcome = when (this) {
    is FfiRestore.Pending -> RestoreOutcome.Pending
    is FfiRestore.Empty -> RestoreOutcome.Empty
    is FfiRestore.Restored -> RestoreOutcome.Restored
    is FfiRestore.Corrupted -> RestoreOutcome.Corrupted(detail)
    is FfiRestore.Unavailable -> RestoreOutcome.Unavailable(detail)
    is FfiRestore.Failed -> RestoreOutcome.Failed(detail)
}

internal fun FfiRevoke.toKotlin(): RevokeOutcome = when (this) {
    is FfiRevoke.Revoked -> RevokeOutcome.Revoked
    is FfiRevoke.NoSession -> RevokeOutcome.NoSession
    is FfiRevoke.ClearedLocallyOnly -> RevokeOutcome.ClearedLocallyOnly(reason)
}

internal fun FfiJwtCheck.toKotlin(): JwtCheck = when (this) {
    is FfiJwtCheck.Valid -> JwtCheck.Valid(session.toKotlin())
    is FfiJwtCheck.TryRefresh -> JwtCheck.TryRefresh(reason)
    is FfiJwtCheck.Unauthorised -> JwtCheck.Unauthorised
}

private fun FfiVerified.toKotlin() = VerifiedSession(
    sessionId = sessionId,
    userId = userId,
    roles = roles,
    authenticationFactors = authenticationFactors.map { it.toKotlin() },
    customClaims = customClaims.toKotlin(),
    attributes = attributes.toKotlin(),
    startedAt = startedAt,
    lastAccessedAt = lastAccessedAt,
    expiresAt = expiresAt,
    issuer = issuer,
    audience = audience,
    jwtExpiresAt = jwtExpiresAt,
    issuedAt = issuedAt,
    notBefore = notBefore,
    claimsJson = claimsJson,
)

internal fun FfiSchedulerStats.toKotlin() = SchedulerStats(
    wakeups = wakeups.toLong(),
    refreshes = refreshes.toLong(),
    failures = failures.toLong(),
    state = when (val s = state) {
        is FfiSchedulerState.Off -> SchedulerState.Off
        is FfiSchedulerState.SignedOut -> SchedulerState.SignedOut
        is FfiSchedulerState.Waiting -> SchedulerState.Waiting(s.due)
        is FfiSchedulerState.Refreshing -> SchedulerState.Refreshing
        is FfiSchedulerState.BackingOff -> SchedulerState.BackingOff(s.until, s.failures.toInt())
        is FfiSchedulerState.GaveUp -> SchedulerState.GaveUp
        is FfiSchedulerState.PausedForStorage -> SchedulerState.PausedForStorage
        is FfiSchedulerState.InBackground -> SchedulerState.InBackground
        is FfiSchedulerState.Stopped -> SchedulerState.Stopped
    },
)

/** The wrapper's exception for the generated one; the message is the engine's own sentence. */
internal fun SessionException.toKotlin(): SessionKitException {
    val sentence = toString() // the Rust `Display` of the error
    return when (this) {
        is SessionException.SignedOut -> SessionKitException.SignedOut(reason, sentence, this)
        is SessionException.Network ->
            SessionKitException.Network(detail, retryAfter?.toKotlinDuration(), sentence, this)
        is SessionException.ServerRejected ->
            SessionKitException.ServerRejected(status.toInt(), errorType, errorMessage, sentence, this)
        is SessionException.StorageUnavailable -> SessionKitException.StorageUnavailable(detail, sentence, this)
        is SessionException.StorageCorrupted -> SessionKitException.StorageCorrupted(detail, sentence, this)
        is SessionException.StorageFailed -> SessionKitException.StorageFailed(detail, sentence, this)
        is SessionException.Superseded -> SessionKitException.Superseded(sentence, this)
        is SessionException.JwksUnusable -> SessionKitException.JwksUnusable(detail, sentence, this)
        is SessionException.InvalidArgument -> SessionKitException.InvalidArgument(detail, sentence, this)
        is SessionException.Internal -> SessionKitException.Internal(detail, sentence, this)
    }
}

/** Runs an FFI call, turning the generated exception into a [SessionKitException]. */
internal inline fun <T> translated(call: () -> T): T =
    try {
        call()
    } catch (e: SessionException) {
        throw e.toKotlin()
    }

/** An app's [SessionStore] as the engine's store interface; its exceptions keep their meaning. */
internal class AppStore(private val store: SessionStore) : FfiStore {
    override fun load(): ByteArray? = mapped { store.load() }

    override fun save(blob: ByteArray) = mapped { store.save(blob) }

    override fun clear() = mapped { store.clear() }

    private inline fun <T> mapped(call: () -> T): T =
        try {
            call()
        } catch (e: StoreException.Unavailable) {
            throw FfiStoreException.Unavailable(e.detail)
        } catch (e: StoreException.Corrupted) {
            throw FfiStoreException.Corrupted(e.detail)
        } catch (e: StoreException.Failed) {
            throw FfiStoreException.Failed(e.detail)
        } catch (e: Exception) {
            // Only the class: an app's exception text is not SessionKit's to repeat (E6).
            throw FfiStoreException.Failed("the app's SessionStore threw ${e.javaClass.name}")
        }
}

/** A Kotlin block as the engine's listener interface; what it throws is logged, never rethrown (O4). */
internal class BlockListener(private val block: (FfiEvent) -> Unit) : FfiListener {
    override fun onEvent(event: FfiEvent) {
        try {
            block(event)
        } catch (failure: Throwable) {
            // Only its class: the message is app code's and could hold anything (E6).
            Logger.getLogger("dev.sessionkit").log(
                Level.WARNING,
                "a SessionKit listener threw ${failure.javaClass.name}; it stays subscribed",
            )
        }
    }
}
